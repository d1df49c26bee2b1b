using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>What the checking pass over an environment found (<see cref="EnvironmentEntries.Scan"/>).</summary>
/// <param name="Count">The number of entries.</param>
/// <param name="ContentBytes">The total size of the files on disk.</param>
/// <param name="Warnings">Things the user should know (unmanaged files, ignored checks).</param>
internal sealed record EntryScan(int Count, long ContentBytes, IReadOnlyList<string> Warnings);

/// <summary>
/// The entries of a conda prefix or a virtual environment, produced in archive order one folder at a time, so packing
/// holds the folders on the way down from the top (their listings) and never the whole environment: memory does not
/// grow with the number of files. Every pass walks the disk again; the packer makes two: <see cref="Scan"/>, which runs the
/// checks (missing, clobbered and editable files, escaping symlinks) and counts what the writer will get before a byte is
/// written, then <see cref="Enumerate"/> for the writer.
/// </summary>
/// <remarks>
/// Archive order is tree order: a folder's children sorted by their UTF-8 names, a subfolder as its name plus '/', which is
/// the code point order of the whole paths. A virtual environment is an overlay of sources (its base installation's
/// <c>lib</c> mounted at <c>lib/</c>, then the venv itself, plus the interpreter entries the packer makes), a later source
/// winning over an earlier one for the same path. A conda prefix's records are first read into a <see cref="ClaimSet"/>
/// sorted the same way, so each folder meets the records' rows for its files when it is listed.
/// </remarks>
internal sealed partial class EnvironmentEntries : IDisposable
{
    private readonly Source[] _sources;
    private readonly List<PackEntry> _synthetic;
    private readonly (byte[] Folder, byte[] Name)[] _syntheticPaths;
    private readonly Func<string, bool>? _keep;
    private readonly CondaClaims? _conda;
    private readonly List<string> _openingWarnings;
    private readonly bool _native = LinuxDirectory.IsAvailable;
    private UInt128? _scanned;
    private WalkBuffers? _walkBuffers;

    private EnvironmentEntries(EnvironmentLocation location, Source[] sources, List<PackEntry> synthetic, CondaClaims? conda, bool hasConda, PackOptions options, List<string> warnings)
    {
        Location = location;
        _sources = sources;
        _synthetic = synthetic;
        _synthetic.Sort(static (a, b) => string.CompareOrdinal(a.ArchivePath, b.ArchivePath));
        _syntheticPaths = _synthetic.Select(static e => e.ArchivePath.LastIndexOf('/') is var slash
            ? (Encoding.UTF8.GetBytes(e.ArchivePath[..(slash + 1)]), Encoding.UTF8.GetBytes(e.ArchivePath[(slash + 1)..]))
            : default).ToArray();
        _conda = conda;
        HasCondaPackage = hasConda;
        _keep = options.Filters.Count > 0 ? PathFilter.Compile(options.Filters) : null;
        _openingWarnings = warnings;
    }

    /// <summary>The environment.</summary>
    public EnvironmentLocation Location { get; }

    /// <summary>Whether the environment contains the <c>conda</c> package itself.</summary>
    public bool HasCondaPackage { get; }

    /// <summary>Reads what the walks need (pyvenv.cfg, or the conda records) and checks for editable installs.</summary>
    /// <param name="location">The environment.</param>
    /// <param name="options">The pack options (checks to skip, include/exclude rules).</param>
    /// <exception cref="PackingException">The environment cannot be packed (editable installs, a broken venv, a broken record).</exception>
    public static EnvironmentEntries Open(EnvironmentLocation location, PackOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        return location.Kind == EnvironmentKind.Conda ? OpenConda(location, options, options.ClaimRunRows) : OpenVenv(location, options);
    }

    /// <summary>
    /// The checking pass: walks every entry once, giving each to <paramref name="onEntry"/>, then throws if a check fails.
    /// </summary>
    /// <param name="options">The pack options (which checks only warn).</param>
    /// <param name="onEntry">Receives each entry in archive order (the content key, a materialized inventory); may be null.</param>
    /// <returns>The counts and warnings.</returns>
    /// <exception cref="PackingException">A check failed (missing, clobbered files, an escaping symlink).</exception>
    public EntryScan Scan(PackOptions options, Action<PackEntry>? onEntry)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new ScanReport();
        var count = 0;
        long bytes = 0;
        var digest = new EntryDigest();
        foreach (var entry in Walk(report))
        {
            count++;
            bytes += entry.Length;
            digest.Add(entry);
            onEntry?.Invoke(entry);
        }

        _scanned = digest.Value;
        if (report.EscapingCount > 0)
        {
            throw new EscapingSymlinkException(report.Escaping, report.EscapingCount);
        }

        var warnings = new List<string>(_openingWarnings);
        _conda?.Conclude(report, options, warnings);
        return new EntryScan(count, bytes, warnings);
    }

    /// <summary>
    /// The entries in archive order, walked from disk again on each enumeration. After a <see cref="Scan"/>, the walk must
    /// give what the scan saw: an environment that changed in between (a pip install while packing) would give an archive
    /// that matches neither the checks nor the content key, so the enumeration then ends with an error instead.
    /// </summary>
    /// <exception cref="PackingException">The environment changed since the scan.</exception>
    public IEnumerable<PackEntry> Enumerate()
    {
        var expected = _scanned;
        var digest = new EntryDigest();
        foreach (var entry in Walk(report: null))
        {
            digest.Add(entry);
            yield return entry;
        }

        if (expected is { } value && digest.Value != value)
        {
            throw new PackingException($"'{Location.Prefix}' changed while it was being packed (files were added, removed or modified). "
                + "Pack again once nothing is installing into it; no archive was written.");
        }
    }

    /// <summary>Deletes the temporary runs of a large conda prefix's records.</summary>
    public void Dispose() => _conda?.Claims.Dispose();

    private static EnvironmentEntries OpenVenv(EnvironmentLocation location, PackOptions options)
    {
        var prefix = location.Prefix;
        var (home, basePrefix, shortVersion, includeSystem, realInterpreter) = VenvConfig.Read(prefix);
        var stdlib = $"lib/python{shortVersion}";
        if (!File.Exists(Path.Combine(basePrefix, stdlib, "os.py")))
        {
            throw new PackingException($"The base Python of '{prefix}' ({basePrefix}, from pyvenv.cfg) has no {stdlib}/os.py: it was moved or removed. "
                + "Recreate the virtual environment from an installed Python.");
        }

        if (!options.IgnoreEditablePackages)
        {
            var editable = EnvironmentInventory.FindEditable(Path.Combine(prefix, stdlib, "site-packages"));
            if (editable.Count > 0)
            {
                throw new EditablePackagesException(editable);
            }
        }

        // The interpreter: the real file behind the venv's base interpreter (VenvConfig), its runpath made relative; python and
        // pythonX as links to it.
        var interpreterName = "python" + shortVersion;
        var real = realInterpreter is null ? null : new FileInfo(realInterpreter);
        if (real is not { Exists: true })
        {
            throw new PackingException($"The base interpreter '{Path.Combine(home, interpreterName)}' of '{prefix}' does not exist. Recreate the virtual environment.");
        }

        var synthetic = new List<PackEntry>
        {
            new("bin/" + interpreterName, PackEntryKind.File, real.FullName, EnvironmentInventory.Mode(real.FullName), real.Length, real.LastWriteTimeUtc.Ticks,
                RunPath: Path.Combine(basePrefix, "lib")),
        };
        foreach (var alias in new[] { "python", "python" + shortVersion.Split('.')[0] })
        {
            synthetic.Add(new PackEntry("bin/" + alias, PackEntryKind.Symlink, null, 0b111_111_111, 0, 0, interpreterName));
        }

        if (VenvInventory.DebianSitePackagesLink(basePrefix, prefix, shortVersion) is { } sitePackagesLink)
        {
            synthetic.Add(sitePackagesLink);
        }

        // The base's shared library and standard library, then the venv's own files, which win.
        var (baseLib, prune) = VenvInventory.BaseLibraryWalk(basePrefix, shortVersion, includeSystem);
        var rules = new VenvRules(Encoding.UTF8.GetBytes(stdlib + "/"), Encoding.UTF8.GetBytes(stdlib + "/site-packages/"), includeSystem,
            InterpreterLinks(prefix, home));
        // With system site-packages on Debian's Python, the distribution's package folders too, at their paths under the prefix.
        var systemFolders = VenvInventory.DebianSystemSiteFolders(basePrefix, shortVersion, includeSystem);
        var sources = new List<Source>
        {
            new(baseLib, "lib/"u8.ToArray(), basePrefix, EnvironmentInventory.SourceRoot(baseLib, "lib/"), prune, SkipCondaTopLevel: false,
                SourceKind.VenvBase, [new PrefixOnDisk(basePrefix, basePrefix, PrefixMode.None)], rules),
        };
        foreach (var (root, head) in systemFolders)
        {
            sources.Add(new(root, Encoding.UTF8.GetBytes(head), basePrefix, EnvironmentInventory.SourceRoot(root, head), null, SkipCondaTopLevel: false,
                SourceKind.VenvSystem, [new PrefixOnDisk(basePrefix, basePrefix, PrefixMode.None)], rules));
        }

        sources.Add(new(prefix, [], prefix, EnvironmentInventory.SourceRoot(prefix, ""), null, SkipCondaTopLevel: false,
            SourceKind.VenvOwn, [new PrefixOnDisk(prefix, prefix, PrefixMode.None)], rules));

        var warnings = new List<string>();
        if (includeSystem)
        {
            warnings.Add(systemFolders.Count == 0
                ? "include-system-site-packages = true: the base Python's site-packages were packed too."
                : "include-system-site-packages = true: the base Python's site-packages and its system package folders ("
                    + string.Join(", ", systemFolders.Select(static f => f.Root)) + ") were packed too.");
        }

        return new EnvironmentEntries(location, [.. sources], synthetic, conda: null, hasConda: false, options, warnings);
    }

    private static EnvironmentEntries OpenConda(EnvironmentLocation location, PackOptions options, int claimRunRows)
    {
        var prefix = location.Prefix;
        var conda = CondaClaims.Read(prefix, options, claimRunRows);
        try
        {
            Source[] sources =
            [
                new(prefix, [], prefix, EnvironmentInventory.SourceRoot(prefix, ""), null, SkipCondaTopLevel: true,
                    SourceKind.Conda, [new PrefixOnDisk(prefix, prefix, PrefixMode.None)], null),
            ];
            return new EnvironmentEntries(location, sources, [], conda, CondaInventory.HasCondaPackage(prefix), options, []);
        }
        catch
        {
            conda.Claims.Dispose();
            throw;
        }
    }

    /// <summary>Which rules a source's items follow.</summary>
    private enum SourceKind : byte
    {
        /// <summary>A conda prefix: relocation from its records, conda's own files dropped.</summary>
        Conda,

        /// <summary>A venv's base installation <c>lib</c>: only the standard library and libpython.</summary>
        VenvBase,

        /// <summary>A venv itself: its python shims, activate scripts, pyvenv.cfg and lib64 link left out.</summary>
        VenvOwn,

        /// <summary>A system package folder of the venv's Debian base (<c>lib/python3/dist-packages</c>), packed whole.</summary>
        VenvSystem,
    }

    /// <summary>
    /// The names in a venv's <c>bin/</c> that link to <c>home</c>: <c>venv</c> links <c>bin/&lt;name&gt;</c> to the interpreter
    /// under the name it was invoked by (Lib/venv/__init__.py, <c>setup_python</c>), which is not always <c>pythonX.Y</c>
    /// (<c>/tmp/x/py311 -m venv</c> makes <c>bin/py311</c>). Like the <c>python</c> links, they are replaced by the packed interpreter.
    /// </summary>
    private static byte[][] InterpreterLinks(string prefix, string home)
    {
        var bin = new DirectoryInfo(Path.Combine(prefix, "bin"));
        if (!bin.Exists)
        {
            return [];
        }

        var homeFolder = Path.TrimEndingDirectorySeparator(home);
        return bin.EnumerateFiles()
            .Where(file => file.LinkTarget is { } target && Path.IsPathFullyQualified(target)
                && string.Equals(Path.GetDirectoryName(target), homeFolder, StringComparison.Ordinal))
            .Select(static file => Encoding.UTF8.GetBytes(file.Name))
            .ToArray();
    }

    /// <summary>The paths a venv's rules look at, UTF-8, and the venv's interpreter links other than <c>python*</c>.</summary>
    private sealed record VenvRules(byte[] Stdlib, byte[] SitePackages, bool IncludeSystem, byte[][] InterpreterLinks);

    /// <summary>One folder on disk mounted in the archive.</summary>
    /// <param name="Root">The folder.</param>
    /// <param name="Head">Where it is mounted: an archive folder with its '/', or empty for the top.</param>
    /// <param name="ContainmentPrefix">The folder its symlinks must stay inside (archive paths are relative to it).</param>
    /// <param name="SourceRoot">An item's absolute path minus its archive path.</param>
    /// <param name="Prune">Folders (relative to <paramref name="Root"/>) not to descend into; null descends everywhere.</param>
    /// <param name="SkipCondaTopLevel">Whether conda-installation folders at the top are skipped.</param>
    /// <param name="Kind">The rules its items follow.</param>
    /// <param name="Text">The prefixes its files may contain.</param>
    /// <param name="Venv">The venv's rules, for venv sources.</param>
    private sealed record Source(
        string Root, byte[] Head, string ContainmentPrefix, string SourceRoot, Func<string, bool>? Prune, bool SkipCondaTopLevel, SourceKind Kind,
        IReadOnlyList<PrefixOnDisk> Text, VenvRules? Venv)
    {
        /// <summary>The folder as UTF-8 without a trailing '/' (empty for the file system root).</summary>
        public byte[] RootUtf8 { get; } = Encoding.UTF8.GetBytes(Root.Length > 1 ? Root.TrimEnd('/') : Root == "/" ? "" : Root);
    }
}
