using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// Builds the entries of a virtual environment made by <c>python -m venv</c>. A venv is not self-contained: its
/// <c>bin/python</c> links to the base installation named in <c>pyvenv.cfg</c>. So the archive is made standalone: the
/// base interpreter, its shared library and its standard library are packed beside the venv's own files, the interpreter's
/// absolute library search path becomes <c>$ORIGIN</c>-relative, and <c>pyvenv.cfg</c> is left out, so the unpacked
/// folder is an ordinary, relocatable Python installation that runs on any node with a compatible C library.
/// </summary>
internal static class VenvInventory
{
    public static EntryTable Read(string prefix, PackOptions options, List<string> warnings, WalkCache walks)
    {
        var (home, basePrefix, shortVersion, includeSystem) = VenvConfig.Read(prefix);
        var stdlib = $"lib/python{shortVersion}";
        var sitePackages = stdlib + "/site-packages";
        if (!File.Exists(Path.Combine(basePrefix, stdlib, "os.py")))
        {
            throw new PackingException($"The base Python of '{prefix}' ({basePrefix}, from pyvenv.cfg) has no {stdlib}/os.py: it was moved or removed. "
                + "Recreate the virtual environment from an installed Python.");
        }

        if (!options.IgnoreEditablePackages)
        {
            var editable = EnvironmentInventory.FindEditable(Path.Combine(prefix, sitePackages));
            if (editable.Count > 0)
            {
                throw new EditablePackagesException(editable);
            }
        }

        // Appended in order of precedence: a later entry with the same path wins (see EntryTable.SortAndDeduplicate).
        var entries = new EntryTable();
        IReadOnlyList<PrefixOnDisk> baseText = [new PrefixOnDisk(basePrefix, basePrefix, PrefixMode.None)];

        // The interpreter: the real file behind home/pythonX.Y, its runpath made relative; python and pythonX as links to it.
        var interpreterName = "python" + shortVersion;
        var interpreter = new FileInfo(Path.Combine(home, interpreterName));
        var real = interpreter.LinkTarget is null ? interpreter : (FileInfo?)interpreter.ResolveLinkTarget(returnFinalTarget: true)
            ?? throw new PackingException($"Cannot resolve the base interpreter '{interpreter.FullName}'.");
        if (!real.Exists)
        {
            throw new PackingException($"The base interpreter '{interpreter.FullName}' of '{prefix}' does not exist. Recreate the virtual environment.");
        }

        entries.Add(new PackEntry("bin/" + interpreterName, PackEntryKind.File, real.FullName, EnvironmentInventory.Mode(real.FullName),
            real.Length, real.LastWriteTimeUtc.Ticks, RunPath: Path.Combine(basePrefix, "lib")));
        foreach (var alias in new[] { "python", "python" + shortVersion.Split('.')[0] })
        {
            entries.Add(new PackEntry("bin/" + alias, PackEntryKind.Symlink, null, 0b111_111_111, 0, 0, interpreterName));
        }

        // The shared library and the standard library of the base installation.
        var (baseLib, prune, pruneId) = BaseLibraryWalk(basePrefix, shortVersion, includeSystem);
        // Walked relative to lib/, without making a string of any item's path: "pythonX.Y/..." is "lib/pythonX.Y/...".
        var stdlibInLib = Encoding.UTF8.GetBytes($"python{shortVersion}/");
        var sitePackagesInLib = Encoding.UTF8.GetBytes($"python{shortVersion}/site-packages/");
        var baseSource = EnvironmentInventory.SourceRoot(baseLib, "lib/");
        var scratch = new byte[1024];
        foreach (var item in walks.Take(baseLib, skipCondaTopLevel: false, prune, pruneId))
        {
            var path = item.PathUtf8(ref scratch);
            var inStdlib = path.StartsWith(stdlibInLib);
            var isLibPython = path.IndexOf((byte)'/') < 0 && path.StartsWith("libpython"u8);
            if ((!inStdlib && !isLibPython) || (!includeSystem && path.StartsWith(sitePackagesInLib)))
            {
                continue;
            }

            // The static library only serves embedding at build time; a runtime archive does not need its tens of MB.
            if (inStdlib && path.EndsWith(".a"u8) && path.IndexOf("/config-"u8) >= 0)
            {
                continue;
            }

            EnvironmentInventory.Add(entries, basePrefix, item, "lib/"u8, baseSource, baseText, fixShebang: false);
        }

        // The venv's own files win over the base's; its python links, activate scripts and pyvenv.cfg are replaced.
        IReadOnlyList<PrefixOnDisk> venvText = [new PrefixOnDisk(prefix, prefix, PrefixMode.None)];
        var venvSource = EnvironmentInventory.SourceRoot(prefix, "");
        foreach (var item in walks.Take(prefix, skipCondaTopLevel: false))
        {
            var path = item.PathUtf8(ref scratch);
            var inBin = path.StartsWith("bin/"u8);
            // lib64 -> lib is a compatibility link venv makes; the standalone layout does not need it.
            if (path.SequenceEqual("pyvenv.cfg"u8) || path.SequenceEqual("lib64"u8) || (inBin && IsVenvBinShim(item.RelativePath)))
            {
                continue;
            }

            EnvironmentInventory.Add(entries, prefix, item, [], venvSource, venvText, fixShebang: inBin);
        }

        if (includeSystem)
        {
            warnings.Add("include-system-site-packages = true: the base Python's site-packages were packed too.");
        }

        return entries;
    }

    private static bool IsVenvBinShim(string path)
    {
        if (!path.StartsWith("bin/", StringComparison.Ordinal))
        {
            return false;
        }

        var name = path[4..];
        return name.StartsWith("python", StringComparison.Ordinal) && !name.Contains('-') && name.Skip(6).All(c => char.IsDigit(c) || c == '.')
            || name.StartsWith("activate", StringComparison.Ordinal) || name.StartsWith("Activate", StringComparison.Ordinal);
    }

    /// <summary>
    /// The walk of the base installation's <c>lib</c>: only <c>pythonX.Y</c> is descended into, and not its
    /// <c>site-packages</c> unless the venv includes system site-packages (a base Python often holds far more there than the venv).
    /// </summary>
    internal static (string Root, Func<string, bool> Prune, string PruneId) BaseLibraryWalk(string basePrefix, string shortVersion, bool includeSystem)
    {
        var stdlib = "python" + shortVersion;
        var sitePackages = stdlib + "/site-packages";
        return (Path.Combine(basePrefix, "lib"),
            relative => relative.IndexOf('/') < 0 ? relative != stdlib : !includeSystem && relative == sitePackages,
            $"venv-base:{shortVersion}:{includeSystem}");
    }

    /// <summary>The walks a venv's archive is read from, for the cache's metadata key: the venv, the base <c>lib</c> as packed, the base <c>bin</c>.</summary>
    internal static List<(string Root, Func<string, bool>? Prune, string? PruneId)> MetadataWalks(string prefix)
    {
        var walks = new List<(string Root, Func<string, bool>? Prune, string? PruneId)> { (prefix, null, null) };
        if (VenvConfig.TryRead(prefix) is { } config)
        {
            var (root, prune, pruneId) = BaseLibraryWalk(config.BasePrefix, config.ShortVersion, config.IncludeSystemSitePackages);
            walks.Add((root, prune, pruneId));
            walks.Add((Path.Combine(config.BasePrefix, "bin"), null, null));
        }

        return walks;
    }
}

/// <summary>What a venv's <c>pyvenv.cfg</c> says about its base installation.</summary>
/// <param name="Home">The base interpreter's folder (<c>home</c>).</param>
/// <param name="BasePrefix">The base installation (the parent of <c>home</c>).</param>
/// <param name="ShortVersion">The Python version as <c>X.Y</c>.</param>
/// <param name="IncludeSystemSitePackages">Whether the base site-packages are visible in the venv.</param>
internal sealed record VenvConfig(string Home, string BasePrefix, string ShortVersion, bool IncludeSystemSitePackages)
{
    /// <summary>Reads <c>pyvenv.cfg</c>.</summary>
    /// <exception cref="PackingException">It lacks <c>home</c> or a usable version.</exception>
    public static VenvConfig Read(string prefix) => Parse(prefix, out var problem) ?? throw new PackingException(problem!);

    /// <summary>Reads <c>pyvenv.cfg</c>, or returns null when it is unusable.</summary>
    public static VenvConfig? TryRead(string prefix) => Parse(prefix, out _);

    private static VenvConfig? Parse(string prefix, out string? problem)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(Path.Combine(prefix, "pyvenv.cfg")))
        {
            var equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        if (!values.TryGetValue("home", out var home) || home.Length == 0)
        {
            problem = $"'{prefix}/pyvenv.cfg' has no 'home' entry, so the base Python of this virtual environment is unknown. Recreate it with `python -m venv`.";
            return null;
        }

        var version = values.TryGetValue("version_info", out var info) ? info : values.GetValueOrDefault("version", "");
        var parts = version.Split('.');
        if (parts.Length < 2)
        {
            problem = $"'{prefix}/pyvenv.cfg' has no usable 'version' entry ('{version}'). Recreate it with `python -m venv`.";
            return null;
        }

        problem = null;
        var includeSystem = values.TryGetValue("include-system-site-packages", out var system) && system.Equals("true", StringComparison.OrdinalIgnoreCase);
        return new VenvConfig(home, Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(home))!, parts[0] + "." + parts[1], includeSystem);
    }
}
