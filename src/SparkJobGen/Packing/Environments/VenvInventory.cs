using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// Where a virtual environment made by <c>python -m venv</c> is read from. A venv is not self-contained: its
/// <c>bin/python</c> links to the base installation named in <c>pyvenv.cfg</c>. So the archive is made standalone: the
/// base interpreter, its shared library and its standard library are packed beside the venv's own files, the interpreter's
/// absolute library search path becomes <c>$ORIGIN</c>-relative, and <c>pyvenv.cfg</c> is left out, so the unpacked
/// folder is an ordinary, relocatable Python installation that runs on any node with a compatible C library
/// (the entries themselves: <see cref="EnvironmentEntries"/>).
/// </summary>
internal static class VenvInventory
{
    /// <summary>
    /// The walk of the base installation's <c>lib</c>: only <c>pythonX.Y</c> is descended into, and not its
    /// <c>site-packages</c> unless the venv includes system site-packages (a base Python often holds far more there than the venv).
    /// </summary>
    internal static (string Root, Func<string, bool> Prune) BaseLibraryWalk(string basePrefix, string shortVersion, bool includeSystem)
    {
        var stdlib = "python" + shortVersion;
        var sitePackages = stdlib + "/site-packages";
        return (Path.Combine(basePrefix, "lib"),
            relative => relative.IndexOf('/') < 0 ? relative != stdlib : !includeSystem && relative == sitePackages);
    }

    /// <summary>
    /// The link that shows Debian's <c>site.py</c> the packed venv's site-packages, or null when the base's <c>site.py</c> is
    /// not Debian's. Debian patches <c>getsitepackages()</c> to add <c>{prefix}/lib/pythonX.Y/site-packages</c> only inside a
    /// virtual environment (<c>sys.prefix != sys.base_prefix</c>), and otherwise only <c>dist-packages</c> folders, among
    /// them <c>{prefix}/lib/pythonX.Y/dist-packages</c>. The archive leaves <c>pyvenv.cfg</c> out, so it is no virtual
    /// environment any more; <c>lib/pythonX.Y/dist-packages -&gt; site-packages</c> puts the venv's own packages back on
    /// <c>sys.path</c>, relative, so it holds wherever the archive is unpacked. An upstream <c>site.py</c> (python.org,
    /// pyenv, conda) never names <c>dist-packages</c> and gets nothing. When the base or the venv already has something at
    /// that path, it is packed as it is and no link is made.
    /// </summary>
    internal static PackEntry? DebianSitePackagesLink(string basePrefix, string prefix, string shortVersion)
    {
        var stdlib = "lib/python" + shortVersion;
        if (!HasDebianSite(basePrefix, shortVersion))
        {
            return null;
        }

        var link = stdlib + "/dist-packages";
        if (Occupied(Path.Combine(basePrefix, link)) || Occupied(Path.Combine(prefix, link)))
        {
            return null;
        }

        return new PackEntry(link, PackEntryKind.Symlink, null, 0b111_111_111, 0, 0, "site-packages");

        static bool Occupied(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
    }

    /// <summary>
    /// The folders of Debian's system packages a venv made with <c>--system-site-packages</c> sees besides the base's
    /// standard library, each with its archive path, or none when the venv does not include system site-packages or the
    /// base's <c>site.py</c> is not Debian's. Debian's <c>getsitepackages()</c> lists, for every prefix,
    /// <c>local/lib/pythonX.Y/dist-packages</c> (what <c>pip</c> installs system-wide), <c>lib/python3/dist-packages</c> (the
    /// distribution's <c>python3-*</c> packages) and <c>lib/pythonX.Y/dist-packages</c>; the last is inside the standard
    /// library folder, which is packed whole. Each existing one is packed at the same path under the archive's root, where
    /// the unpacked interpreter's own <c>site.py</c> lists it again (its prefix is then the archive's root).
    /// </summary>
    internal static List<(string Root, string Head)> DebianSystemSiteFolders(string basePrefix, string shortVersion, bool includeSystem)
    {
        var folders = new List<(string Root, string Head)>();
        if (!includeSystem || !HasDebianSite(basePrefix, shortVersion))
        {
            return folders;
        }

        foreach (var head in new[] { $"local/lib/python{shortVersion}/dist-packages/", "lib/python3/dist-packages/" })
        {
            var root = Path.Combine(basePrefix, head.TrimEnd('/'));
            if (Directory.Exists(root))
            {
                folders.Add((root, head));
            }
        }

        return folders;
    }

    /// <summary>Whether the base's <c>site.py</c> is Debian's, the one that puts <c>dist-packages</c> folders on <c>sys.path</c>.</summary>
    private static bool HasDebianSite(string basePrefix, string shortVersion)
    {
        var site = Path.Combine(basePrefix, "lib", "python" + shortVersion, "site.py");
        return File.Exists(site) && File.ReadAllText(site).Contains("\"dist-packages\"", StringComparison.Ordinal);
    }

    /// <summary>
    /// The walks a venv's archive is read from, for the cache's metadata key: the venv, the base <c>lib</c> as packed, the base
    /// <c>bin</c>, and Debian's system package folders when the venv sees them (<see cref="DebianSystemSiteFolders"/>).
    /// </summary>
    internal static List<(string Root, Func<string, bool>? Prune)> MetadataWalks(string prefix)
    {
        var walks = new List<(string Root, Func<string, bool>? Prune)> { (prefix, null) };
        if (VenvConfig.TryRead(prefix) is { } config)
        {
            walks.Add(BaseLibraryWalk(config.BasePrefix, config.ShortVersion, config.IncludeSystemSitePackages));
            walks.Add((Path.Combine(config.BasePrefix, "bin"), null));
            walks.AddRange(DebianSystemSiteFolders(config.BasePrefix, config.ShortVersion, config.IncludeSystemSitePackages)
                .Select(static f => (f.Root, (Func<string, bool>?)null)));
        }

        return walks;
    }
}

/// <summary>What a venv's <c>pyvenv.cfg</c> says about its base installation.</summary>
/// <remarks>
/// <c>home</c> is the folder of the interpreter the venv was made with, as it was invoked: a symlink such as
/// <c>/tmp/x/python3.11 -&gt; /usr/bin/python3.11</c> gives <c>home = /tmp/x</c>, whose parent holds no standard library.
/// CPython itself finds the base from the real interpreter: its <c>getpath.py</c> takes <c>realpath()</c> of the venv's
/// interpreter as the base executable (falling back to <c>home</c>'s <c>python</c>/<c>pythonX.Y</c>), and
/// <c>venv</c> records <c>executable = realpath(sys.executable)</c> in <c>pyvenv.cfg</c>. So the base installation is the
/// parent of the folder of the first of these, with every link resolved, that has the standard library: the venv's own
/// <c>bin/pythonX.Y</c> when it is a link, the <c>executable</c> key, then <c>home</c>'s <c>pythonX.Y</c>, <c>python3</c>
/// and <c>python</c>. When none has it, the base is the parent of <c>home</c> (and packing says it was moved or removed).
/// </remarks>
/// <param name="Home">The base interpreter's folder (<c>home</c>), as written.</param>
/// <param name="BasePrefix">The base installation: the prefix of the real base interpreter, else the parent of <c>home</c>.</param>
/// <param name="ShortVersion">The Python version as <c>X.Y</c>.</param>
/// <param name="IncludeSystemSitePackages">Whether the base site-packages are visible in the venv.</param>
/// <param name="Interpreter">The real base interpreter file (every link resolved), or null when none of the candidates exists.</param>
internal sealed record VenvConfig(string Home, string BasePrefix, string ShortVersion, bool IncludeSystemSitePackages, string? Interpreter)
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
        var shortVersion = parts[0] + "." + parts[1];
        var (basePrefix, interpreter) = LocateBase(prefix, home, values.GetValueOrDefault("executable"), shortVersion);
        return new VenvConfig(home, basePrefix, shortVersion, includeSystem, interpreter);
    }

    /// <summary>The base installation and its real interpreter (see the remarks on <see cref="VenvConfig"/>).</summary>
    private static (string BasePrefix, string? Interpreter) LocateBase(string prefix, string home, string? executable, string shortVersion)
    {
        var name = "python" + shortVersion;
        var candidates = new List<string>();
        var own = new FileInfo(Path.Combine(prefix, "bin", name));
        if (own.LinkTarget is not null)
        {
            candidates.Add(own.FullName);
        }

        if (!string.IsNullOrEmpty(executable) && Path.IsPathFullyQualified(executable))
        {
            candidates.Add(executable);
        }

        candidates.AddRange([Path.Combine(home, name), Path.Combine(home, "python3"), Path.Combine(home, "python")]);

        string? firstExisting = null;
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            var real = PackOutput.RealPath(candidate);
            if (new FileInfo(real) is not { Exists: true, LinkTarget: null })
            {
                continue; // a dangling link
            }

            firstExisting ??= real;
            if (Path.GetDirectoryName(Path.GetDirectoryName(real)) is { } root && File.Exists(Path.Combine(root, "lib", name, "os.py")))
            {
                return (root, real);
            }
        }

        return (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(home))!, firstExisting);
    }
}
