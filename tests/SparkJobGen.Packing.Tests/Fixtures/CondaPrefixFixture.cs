using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>What the conda prefix fixture builds, including the broken states the packer must detect.</summary>
/// <param name="MinimumPrefixLength">
/// The prefix path is padded to at least this many characters, so tests can relocate binary files to shorter
/// destinations (conda rewrites binaries in place: a new prefix may not be longer than the installed one).
/// </param>
/// <param name="IncludePython">Install the <c>python</c> package (a copy of this machine's interpreter) and the noarch package that needs it.</param>
/// <param name="EscapingSymlink">Add <c>share/outside -&gt; /etc</c> to <c>demo-text</c>'s record (a symlink leaving the prefix).</param>
/// <param name="DeleteRecordedFile">Delete <c>share/demo/data.txt</c> after installation (recorded but missing).</param>
/// <param name="UnmanagedPipPackage">Add <c>sjg_pip_only</c> to site-packages with a pip dist-info no conda record owns.</param>
/// <param name="PipClobbersNoarchPackage">
/// Simulate <c>pip install -U sjg-noarch-tool</c> over the conda package: conda's 1.0 dist-info files are
/// deleted (missing), a pip 1.1 dist-info appears (unmanaged) and <c>__init__.py</c> is rewritten in place.
/// </param>
/// <param name="Editable">Add an editable install to site-packages (egg-link or PEP 660 layout, written by hand).</param>
/// <param name="KeepPackageCache">Keep <c>pkgs/</c> (what <c>link.source</c> names); false is the state after <c>conda clean -p</c>.</param>
public sealed record CondaPrefixOptions(
    int MinimumPrefixLength = 80,
    bool IncludePython = true,
    bool EscapingSymlink = false,
    bool DeleteRecordedFile = false,
    bool UnmanagedPipPackage = false,
    bool PipClobbersNoarchPackage = false,
    EditableInstall Editable = EditableInstall.None,
    bool KeepPackageCache = true);

/// <summary>One path of an installed package, as its <c>conda-meta</c> record lists it.</summary>
/// <param name="Path">Prefix-relative path, forward slashes (noarch paths already placed under <c>lib/pythonX.Y/site-packages</c> and <c>bin</c>).</param>
/// <param name="PathType"><c>hardlink</c>, <c>softlink</c>, <c>directory</c>, <c>pyc_file</c> or <c>unix_python_entry_point</c>.</param>
/// <param name="PrefixPlaceholder">The build-time placeholder recorded for the file, or null.</param>
/// <param name="FileMode"><c>text</c> or <c>binary</c> when a placeholder is recorded, else null.</param>
/// <param name="LinkTarget">The target of a softlink, else null.</param>
public sealed record CondaFixtureFile(string Path, string PathType, string? PrefixPlaceholder, string? FileMode, string? LinkTarget);

/// <summary>One package the fixture installed.</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Version.</param>
/// <param name="Build">Build string.</param>
/// <param name="NoArchPython">True for the <c>noarch: python</c> package.</param>
/// <param name="MetaFile">Its <c>conda-meta/&lt;name&gt;-&lt;version&gt;-&lt;build&gt;.json</c> record.</param>
/// <param name="PackageDirectory">Its extracted package in the package cache (<c>link.source</c>), with <c>info/paths.json</c>.</param>
/// <param name="Files">The installed paths, in record order (sorted).</param>
public sealed record CondaFixturePackage(
    string Name, string Version, string Build, bool NoArchPython, string MetaFile, string PackageDirectory,
    IReadOnlyList<CondaFixtureFile> Files);

/// <summary>
/// A conda-layout prefix built without conda, following conda's on-disk format: extracted packages in a package
/// cache (<c>pkgs/&lt;dist&gt;/info/{index,paths,link}.json</c>, files carrying their build placeholder) and an
/// environment (<c>envs/&lt;padded name&gt;</c>) where each package is installed as conda links it: files without a
/// placeholder hard-linked from the cache, files with one copied with the placeholder replaced by the prefix
/// (text: plain replacement; binary: conda's NUL-padded in-place replacement), symlinks as symlinks, and a
/// <c>conda-meta/&lt;dist&gt;.json</c> record (<c>files</c>, <c>paths_data</c>, <c>link</c>, <c>channel</c>, <c>url</c>, ...).
/// <para>
/// Packages: <c>python</c> (this machine's interpreter, libpython and a trimmed stdlib, copied; the interpreter's
/// <c>RUNPATH</c> made <c>$ORIGIN/../lib</c> as conda's builds have it), <c>demo-text</c> (prefix in a config file and
/// a shebang), <c>demo-binary</c> (a compiled program printing its embedded prefix, loading <c>libdemo.so</c> through a
/// symlink) and <c>sjg-noarch-tool</c> (<c>noarch: python</c>, with pyc files and an entry point made at install time).
/// </para>
/// <para>
/// Placeholders, modelled as conda does: a record's <c>prefix_placeholder</c> is the BUILD prefix (what
/// <c>pkgs/&lt;dist&gt;</c> files contain), while the installed file contains the install prefix. A packer either packs
/// the package-cache file and replaces the placeholder (conda-pack), or packs the installed file and replaces
/// <see cref="Prefix"/> (then binary files cannot grow past <see cref="Prefix"/>'s length).
/// Noarch entry points and pyc files carry no placeholder in real records although the entry point's shebang holds
/// the prefix (conda-pack treats them as <c>file_mode: unknown</c> with the current prefix).
/// The copied interpreter's binaries (libpython, lib-dynload modules) still contain this machine's build prefix as a
/// compile-time fallback; it is not recorded, because a binary placeholder shorter than the install prefix cannot be
/// installed by conda. CPython finds its real prefix from the executable's location, so this never matters at run time.
/// </para>
/// Share it per test class with <c>IClassFixture&lt;CondaPrefixFixture&gt;</c> and treat it as read-only, or use
/// <see cref="Create"/> for a private, breakable one. Disposing deletes everything.
/// </summary>
public class CondaPrefixFixture : IDisposable
{
    /// <summary>The fake channel the records name.</summary>
    public const string Channel = "https://conda.anaconda.org/sjg-test";

    /// <summary>Prefix-relative path of <c>demo-text</c>'s config file (text placeholder).</summary>
    public const string DemoConfPath = "etc/demo.conf";

    /// <summary>Prefix-relative path of <c>demo-text</c>'s script with a <c>#!&lt;prefix&gt;/bin/python</c> shebang (text placeholder).</summary>
    public const string DemoToolPath = "bin/demo-tool";

    /// <summary>Prefix-relative path of <c>demo-text</c>'s file without any prefix.</summary>
    public const string DemoDataPath = "share/demo/data.txt";

    /// <summary>Prefix-relative path of <c>demo-binary</c>'s program (binary placeholder).</summary>
    public const string DemoBinaryPath = "bin/demo-binary";

    /// <summary>Prefix-relative path of the in-prefix symlink <c>lib/libdemo.so -&gt; libdemo.so.1</c>.</summary>
    public const string LibraryLinkPath = "lib/libdemo.so";

    /// <summary>Prefix-relative path of the escaping symlink (<see cref="CondaPrefixOptions.EscapingSymlink"/>).</summary>
    public const string EscapingLinkPath = "share/outside";

    /// <summary>Prefix-relative path of the noarch package's entry point script.</summary>
    public const string NoarchScriptPath = "bin/sjg-noarch-tool";

    private static readonly string[] SkippedStdlibFolders =
        ["__pycache__", "test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "site-packages"];

    private readonly List<CondaFixturePackage> packages = [];
    private readonly List<string> missingFiles = [];
    private readonly List<string> unmanagedFiles = [];

    /// <summary>Builds the default, healthy prefix (python, demo-text, demo-binary, sjg-noarch-tool).</summary>
    public CondaPrefixFixture() : this(new CondaPrefixOptions())
    {
    }

    /// <summary>Builds a prefix as the options say (derived class fixtures pass fixed options).</summary>
    /// <param name="options">What to build.</param>
    protected CondaPrefixFixture(CondaPrefixOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Root = Directory.CreateTempSubdirectory("sjg-conda-").FullName;
        try
        {
            PackageCache = Path.Combine(Root, "pkgs");
            var envs = Path.Combine(Root, "envs");
            var name = "sjg-env";
            var shortest = Path.Combine(envs, name).Length;
            if (shortest < options.MinimumPrefixLength)
            {
                name += "_" + new string('p', options.MinimumPrefixLength - shortest - 1);
            }

            Prefix = Path.Combine(envs, name);
            Directory.CreateDirectory(Path.Combine(Prefix, "conda-meta"));
            PythonVersion = HostPython.Current.Version;
            SitePackagesPath = $"lib/python{PythonVersion}/site-packages";
            Build();
        }
        catch
        {
            Directory.Delete(Root, recursive: true);
            throw;
        }
    }

    /// <summary>Builds a private prefix as the options say; the caller disposes it.</summary>
    /// <param name="options">What to build.</param>
    /// <returns>The fixture.</returns>
    public static CondaPrefixFixture Create(CondaPrefixOptions options) => new(options);

    /// <summary>What this fixture was built with.</summary>
    public CondaPrefixOptions Options { get; }

    /// <summary>The temp folder holding <c>pkgs/</c>, <c>envs/</c> and scratch files; deleted on dispose.</summary>
    public string Root { get; }

    /// <summary>The conda prefix (has <c>conda-meta/</c>); at least <see cref="CondaPrefixOptions.MinimumPrefixLength"/> characters.</summary>
    public string Prefix { get; }

    /// <summary>The folder holding the environment (<c>Root/envs</c>): put it in <c>CONDA_ENVS_PATH</c> to find the prefix by <see cref="EnvironmentName"/>.</summary>
    public string EnvironmentsDirectory => Path.GetDirectoryName(Prefix)!;

    /// <summary>The environment's name (the prefix folder's name), for <c>-n/--name</c> lookups.</summary>
    public string EnvironmentName => Path.GetFileName(Prefix);

    /// <summary>The package cache (<c>Root/pkgs</c>); gone when <see cref="CondaPrefixOptions.KeepPackageCache"/> is false.</summary>
    public string PackageCache { get; }

    /// <summary>Major.minor of the copied interpreter, for example <c>3.11</c>.</summary>
    public string PythonVersion { get; }

    /// <summary>Prefix-relative site-packages folder (<c>lib/pythonX.Y/site-packages</c>).</summary>
    public string SitePackagesPath { get; }

    /// <summary>The prefix's <c>bin/python</c> (exists only with <see cref="CondaPrefixOptions.IncludePython"/>).</summary>
    public string PythonPath => Path.Combine(Prefix, "bin", "python");

    /// <summary>The installed packages, ordered by record file name like <c>CondaPackageRecord.ReadAll</c>.</summary>
    public IReadOnlyList<CondaFixturePackage> Packages => packages;

    /// <summary>Prefix-relative paths that a record lists but the broken options removed.</summary>
    public IReadOnlyList<string> MissingFiles => missingFiles;

    /// <summary>Prefix-relative files present in the prefix that no record lists (pip and editable installs).</summary>
    public IReadOnlyList<string> UnmanagedFiles => unmanagedFiles;

    /// <summary>
    /// Prefix-relative files a conda package owns that pip overwrote (<see cref="CondaPrefixOptions.PipClobbersNoarchPackage"/>):
    /// present, listed in pip's <c>sjg_noarch_tool-1.1.dist-info/RECORD</c>, with content differing from the package's.
    /// </summary>
    public IReadOnlyList<string> ClobberedFiles { get; private set; } = [];

    /// <summary>The editable project's source folder (outside the prefix), or null.</summary>
    public string? EditableSource { get; private set; }

    /// <summary>Runs <c>&lt;prefix&gt;/bin/python</c> of an installed or relocated copy and throws unless it exits with 0.</summary>
    /// <param name="prefix">The environment folder.</param>
    /// <param name="arguments">The interpreter arguments.</param>
    /// <returns>The captured output.</returns>
    public static ProcessResult RunPython(string prefix, params string[] arguments) =>
        ProcessRun.RunChecked(Path.Combine(prefix, "bin", "python"), arguments, prefix);

    /// <summary>Runs <c>&lt;prefix&gt;/bin/demo-binary</c>; compare with <see cref="DemoBinaryBuild.ExpectedOutput"/>.</summary>
    /// <param name="prefix">The environment folder.</param>
    /// <returns>The captured output.</returns>
    public static ProcessResult RunDemoBinary(string prefix) =>
        ProcessRun.RunChecked(Path.Combine(prefix, DemoBinaryPath), [], prefix);

    /// <summary>The content of <c>etc/demo.conf</c> once installed or relocated at <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The prefix the file should name.</param>
    /// <returns>The file text.</returns>
    public static string DemoConf(string prefix) =>
        $"# demo-text configuration\nhome={prefix}/share/demo\ntool={prefix}/bin/demo-tool\n";

    /// <summary>
    /// Every path under a folder the way conda records them: regular files, symlinks (never followed) and empty
    /// folders, prefix-relative with forward slashes, sorted ordinally.
    /// </summary>
    /// <param name="prefix">The folder (an installed or unpacked environment).</param>
    /// <param name="excludeCondaMeta">Leave out <c>conda-meta/</c>, which no record lists.</param>
    /// <returns>The paths.</returns>
    public static IReadOnlyList<string> ListPaths(string prefix, bool excludeCondaMeta = true)
    {
        var paths = new List<string>();
        void Walk(DirectoryInfo folder)
        {
            var any = false;
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                any = true;
                var relative = Path.GetRelativePath(prefix, entry.FullName).Replace('\\', '/');
                if (excludeCondaMeta && relative == "conda-meta")
                {
                    continue;
                }

                if (entry is DirectoryInfo directory && directory.LinkTarget is null)
                {
                    Walk(directory);
                }
                else
                {
                    paths.Add(relative);
                }
            }

            if (!any && folder.FullName != Path.GetFullPath(prefix))
            {
                paths.Add(Path.GetRelativePath(prefix, folder.FullName).Replace('\\', '/'));
            }
        }

        Walk(new DirectoryInfo(prefix));
        paths.Sort(StringComparer.Ordinal);
        return paths;
    }

    /// <summary>Deletes everything the fixture wrote.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Deletes the fixture's folder.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private void Build()
    {
        var builds = new List<PackageBuild>();
        if (Options.IncludePython)
        {
            builds.Add(PythonPackage());
        }

        builds.Add(DemoTextPackage());
        builds.Add(DemoBinaryPackage());
        var installed = builds.Select(Install).ToList();
        if (Options.IncludePython)
        {
            installed.Add(InstallNoarch(NoarchPackage()));
        }

        foreach (var (build, files) in installed.OrderBy(i => i.Build.Dist, StringComparer.Ordinal))
        {
            packages.Add(WriteRecord(build, files));
        }

        File.WriteAllText(Path.Combine(Prefix, "conda-meta", "history"),
            $"==> 2026-01-01 00:00:00 <==\n# cmd: conda create -p {Prefix} {string.Join(' ', packages.Select(p => p.Name))}\n# conda version: 24.1.2\n"
            + string.Concat(packages.Select(p => $"+sjg-test/{(p.NoArchPython ? "noarch" : "linux-64")}::{p.Name}-{p.Version}-{p.Build}\n"))
            + $"# update specs: [{string.Join(", ", packages.Select(p => $"'{p.Name}'"))}]\n");
        Break();
        Directory.Delete(Path.Combine(Root, "build"), recursive: true);
        if (!Options.KeepPackageCache)
        {
            Directory.Delete(PackageCache, recursive: true);
        }
    }

    // ---- packages ------------------------------------------------------------------------------------------

    private PackageBuild PythonPackage()
    {
        var host = HostPython.Current;
        var entries = new List<PackageEntry>();
        var version = host.Version;
        var executable = Path.Combine(host.BasePrefix, "bin", $"python{version}");
        executable = File.ResolveLinkTarget(executable, returnFinalTarget: true)?.FullName ?? executable;
        var interpreter = File.ReadAllBytes(executable);
        if (host.SharedLibrary is not null)
        {
            // conda's python finds libpython through RUNPATH $ORIGIN/../lib; make the copy do the same (same length or shorter).
            PatchCString(interpreter, host.LibraryDirectory, "$ORIGIN/../lib");
        }

        // ELF files are staged and stripped of debug info, as conda's builds ship them (and packs stay small).
        var staging = Directory.CreateDirectory(Path.Combine(Root, "build", "python")).FullName;
        var elf = new List<string>();
        string Stage(string source, string target, byte[]? content = null)
        {
            content ??= File.ReadAllBytes(source);
            if (!content.AsSpan().StartsWith("\u007fELF"u8))
            {
                return source;
            }

            var staged = Path.Combine(staging, target.Replace('/', '_'));
            File.WriteAllBytes(staged, content);
            elf.Add(staged);
            return staged;
        }

        entries.Add(PackageEntry.Copy($"bin/python{version}", Stage(executable, $"bin/python{version}", interpreter), Mode(executable)));
        entries.Add(PackageEntry.Link("bin/python3", $"python{version}"));
        entries.Add(PackageEntry.Link("bin/python", $"python{version}"));
        if (host.SharedLibrary is not null)
        {
            var library = Path.Combine(host.LibraryDirectory, host.SharedLibrary);
            var real = File.ResolveLinkTarget(library, returnFinalTarget: true)?.FullName ?? library;
            entries.Add(PackageEntry.Copy($"lib/{Path.GetFileName(real)}", Stage(real, $"lib/{Path.GetFileName(real)}"), Mode(real)));
            if (Path.GetFileName(real) != host.SharedLibrary)
            {
                entries.Add(PackageEntry.Link($"lib/{host.SharedLibrary}", Path.GetFileName(real)));
            }

            var stable = Path.Combine(host.LibraryDirectory, "libpython3.so");
            if (File.Exists(stable) && new FileInfo(stable).LinkTarget is null)
            {
                entries.Add(PackageEntry.Copy("lib/libpython3.so", Stage(stable, "lib/libpython3.so"), Mode(stable)));
            }
        }

        var stdlibTarget = $"lib/python{version}";
        var hostPrefix = Encoding.UTF8.GetBytes(host.BasePrefix);
        foreach (var file in WalkStdlib(host.StandardLibrary))
        {
            var relative = Path.GetRelativePath(host.StandardLibrary, file).Replace('\\', '/');
            var content = File.ReadAllBytes(file);
            if (content.AsSpan().IndexOf(hostPrefix) >= 0 && content.AsSpan().IndexOf((byte)0) < 0)
            {
                // A text file with the build prefix (the sysconfig data): in the package it holds the placeholder.
                var packaged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(host.BasePrefix, CondaPlaceholders.CondaBuild, StringComparison.Ordinal));
                entries.Add(PackageEntry.File($"{stdlibTarget}/{relative}", packaged, Mode(file), CondaPlaceholders.CondaBuild, "text"));
            }
            else
            {
                entries.Add(PackageEntry.Copy($"{stdlibTarget}/{relative}", Stage(file, $"{stdlibTarget}/{relative}", content), Mode(file)));
            }
        }

        Strip(elf);

        return new PackageBuild("python", host.FullVersion, "hsjg0_0_cpython", NoArch: false, entries);
    }

    /// <summary>Runs <c>strip --strip-debug</c> on the files in one process; leaves them as they are when strip is not installed.</summary>
    private static void Strip(List<string> files)
    {
        if (files.Count == 0)
        {
            return;
        }

        try
        {
            ProcessRun.RunChecked("strip", ["--strip-debug", .. files]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No binutils: the unstripped copies work the same, they are only larger.
        }
    }

    private static IEnumerable<string> WalkStdlib(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).LinkTarget is null)
            {
                yield return file;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(sub);
            if (SkippedStdlibFolders.Contains(name) || name.StartsWith("config-", StringComparison.Ordinal) || new DirectoryInfo(sub).LinkTarget is not null)
            {
                continue;
            }

            foreach (var file in WalkStdlib(sub))
            {
                yield return file;
            }
        }
    }

    private PackageBuild DemoTextPackage()
    {
        var placeholder = CondaPlaceholders.Legacy;
        var entries = new List<PackageEntry>
        {
            PackageEntry.File(DemoConfPath, Encoding.UTF8.GetBytes(DemoConf(placeholder)), Regular, placeholder, "text"),
            PackageEntry.File(DemoToolPath, Encoding.UTF8.GetBytes($"#!{placeholder}/bin/python\nimport sys\nprint(\"demo-tool prefix=\" + sys.prefix)\n"), Executable, placeholder, "text"),
            PackageEntry.File(DemoDataPath, Encoding.UTF8.GetBytes("demo data without any prefix\n"), Regular),
            PackageEntry.File("share/demo/README.txt", Encoding.UTF8.GetBytes("demo-text keeps this file so deleting data.txt leaves no empty folder\n"), Regular),
            PackageEntry.Folder("var/demo/empty"),
        };
        if (Options.EscapingSymlink)
        {
            entries.Add(PackageEntry.Link(EscapingLinkPath, "/etc"));
        }

        return new PackageBuild("demo-text", "1.0", "h0_0", NoArch: false, entries);
    }

    private PackageBuild DemoBinaryPackage()
    {
        var compiled = DemoBinaryBuild.Compile(Path.Combine(Root, "build", "demo-binary"), CondaPlaceholders.CondaBuild);
        return new PackageBuild("demo-binary", "1.0", "h0_0", NoArch: false,
        [
            PackageEntry.File(DemoBinaryPath, File.ReadAllBytes(compiled.Executable), Executable, CondaPlaceholders.CondaBuild, "binary"),
            PackageEntry.Copy("lib/libdemo.so.1", compiled.Library, Executable),
            PackageEntry.Link(LibraryLinkPath, "libdemo.so.1"),
        ]);
    }

    private static PackageBuild NoarchPackage()
    {
        var payload = new List<PackageFile>
        {
            PackageFile.Text("sjg_noarch_tool/__init__.py", "__version__ = \"1.0\"\n"),
            PackageFile.Text("sjg_noarch_tool/cli.py",
                "import sys\n\nimport sjg_noarch_tool\n\n\ndef main():\n    print(\"sjg-noarch-tool \" + sjg_noarch_tool.__version__ + \" prefix=\" + sys.prefix)\n    return 0\n"),
        };
        var distInfo = "sjg_noarch_tool-1.0.dist-info";
        var meta = new List<PackageFile>
        {
            PackageFile.Text($"{distInfo}/METADATA", "Metadata-Version: 2.1\nName: sjg-noarch-tool\nVersion: 1.0\n\n"),
            PackageFile.Text($"{distInfo}/INSTALLER", "conda\n"),
            PackageFile.Text($"{distInfo}/entry_points.txt", "[console_scripts]\nsjg-noarch-tool = sjg_noarch_tool.cli:main\n"),
        };
        var all = payload.Concat(meta).ToList();
        all.Add(PackageFile.Text($"{distInfo}/RECORD", WheelBuilder.Record(all, $"{distInfo}/RECORD")));
        return new PackageBuild("sjg-noarch-tool", "1.0", "pyh0_0", NoArch: true,
            all.Select(f => PackageEntry.File("site-packages/" + f.Path, f.Content, Regular)).ToList());
    }

    // ---- installation --------------------------------------------------------------------------------------

    private (PackageBuild Build, List<InstalledPath> Files) Install(PackageBuild build)
    {
        var packageDirectory = Path.Combine(PackageCache, build.Dist);
        var installed = new List<InstalledPath>();
        foreach (var entry in build.Entries)
        {
            var cached = Path.Combine(packageDirectory, entry.Path);
            var target = Target(build, entry.Path);
            var destination = Path.Combine(Prefix, target);
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            switch (entry.Kind)
            {
                case "softlink":
                    File.CreateSymbolicLink(cached, entry.LinkTarget!);
                    File.CreateSymbolicLink(destination, entry.LinkTarget!);
                    installed.Add(new InstalledPath(target, entry, null, null, null));
                    continue;
                case "directory":
                    Directory.CreateDirectory(cached);
                    Directory.CreateDirectory(destination);
                    installed.Add(new InstalledPath(target, entry, null, null, null));
                    continue;
            }

            if (entry.Source is not null)
            {
                File.Copy(entry.Source, cached);
            }
            else
            {
                File.WriteAllBytes(cached, entry.Content!);
            }

            SetMode(cached, entry.Mode);
            var packaged = File.ReadAllBytes(cached);
            if (entry.Placeholder is null)
            {
                // conda hard-links files it does not have to rewrite (link type 1).
                HardLink(cached, destination);
                installed.Add(new InstalledPath(target, entry, SHA256.HashData(packaged), null, packaged.LongLength));
                continue;
            }

            var content = entry.FileMode == "binary"
                ? ReplaceBinary(packaged, entry.Placeholder, Prefix, entry.Path)
                : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(packaged).Replace(entry.Placeholder, Prefix, StringComparison.Ordinal));
            File.WriteAllBytes(destination, content);
            SetMode(destination, entry.Mode);
            installed.Add(new InstalledPath(target, entry, SHA256.HashData(packaged), SHA256.HashData(content), packaged.LongLength));
        }

        WritePackageInfo(build, packageDirectory);
        return (build, installed);
    }

    private (PackageBuild Build, List<InstalledPath> Files) InstallNoarch(PackageBuild build)
    {
        var (_, installed) = Install(build);

        // What conda does at link time for noarch python: compile the .py files with the prefix's python...
        var sources = installed.Where(i => i.Path.EndsWith(".py", StringComparison.Ordinal)).Select(i => Path.Combine(Prefix, i.Path)).ToList();
        RunPython(Prefix, ["-c", "import py_compile, sys\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)", .. sources]);
        var tag = "cpython-" + PythonVersion.Replace(".", "", StringComparison.Ordinal);
        foreach (var source in installed.Where(i => i.Path.EndsWith(".py", StringComparison.Ordinal)).ToList())
        {
            var folder = source.Path[..source.Path.LastIndexOf('/')];
            var pyc = $"{folder}/__pycache__/{Path.GetFileNameWithoutExtension(source.Path)}.{tag}.pyc";
            var bytes = File.ReadAllBytes(Path.Combine(Prefix, pyc));
            installed.Add(new InstalledPath(pyc, PackageEntry.Generated(pyc, "pyc_file"), null, SHA256.HashData(bytes), bytes.LongLength));
        }

        // ...and write its console_scripts entry points with the prefix's python in the shebang.
        var script = $"#!{Prefix}/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n\nfrom sjg_noarch_tool.cli import main\n\n"
            + "if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n";
        var scriptBytes = Encoding.UTF8.GetBytes(script);
        var scriptPath = Path.Combine(Prefix, NoarchScriptPath);
        File.WriteAllBytes(scriptPath, scriptBytes);
        SetMode(scriptPath, Executable);
        installed.Add(new InstalledPath(NoarchScriptPath, PackageEntry.Generated(NoarchScriptPath, "unix_python_entry_point"), null, SHA256.HashData(scriptBytes), scriptBytes.LongLength));
        return (build, installed);
    }

    private string Target(PackageBuild build, string path) =>
        !build.NoArch ? path
        : path.StartsWith("site-packages/", StringComparison.Ordinal) ? $"{SitePackagesPath}/{path["site-packages/".Length..]}"
        : path.StartsWith("python-scripts/", StringComparison.Ordinal) ? "bin/" + path["python-scripts/".Length..]
        : path;

    private static void WritePackageInfo(PackageBuild build, string packageDirectory)
    {
        var info = Directory.CreateDirectory(Path.Combine(packageDirectory, "info")).FullName;
        var ordered = build.Entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        WriteJson(Path.Combine(info, "index.json"), w =>
        {
            w.WriteString("arch", build.NoArch ? null : "x86_64");
            w.WriteString("build", build.Build);
            w.WriteNumber("build_number", 0);
            w.WriteStartArray("depends");
            w.WriteEndArray();
            w.WriteString("license", "MIT");
            w.WriteString("name", build.Name);
            if (build.NoArch)
            {
                w.WriteString("noarch", "python");
            }

            w.WriteString("platform", build.NoArch ? null : "linux");
            w.WriteString("subdir", build.Subdir);
            w.WriteNumber("timestamp", 1700000000000);
            w.WriteString("version", build.Version);
        });
        WriteJson(Path.Combine(info, "paths.json"), w =>
        {
            w.WriteStartArray("paths");
            foreach (var entry in ordered)
            {
                w.WriteStartObject();
                w.WriteString("_path", entry.Path);
                if (entry.FileMode is not null)
                {
                    w.WriteString("file_mode", entry.FileMode);
                }

                w.WriteString("path_type", entry.Kind);
                if (entry.Placeholder is not null)
                {
                    w.WriteString("prefix_placeholder", entry.Placeholder);
                }

                if (entry.Kind == "hardlink")
                {
                    var bytes = File.ReadAllBytes(Path.Combine(packageDirectory, entry.Path));
                    w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(bytes)));
                    w.WriteNumber("size_in_bytes", bytes.LongLength);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("paths_version", 1);
        });
        File.WriteAllText(Path.Combine(info, "files"), string.Concat(ordered.Select(e => e.Path + "\n")));
        if (build.NoArch)
        {
            WriteJson(Path.Combine(info, "link.json"), w =>
            {
                w.WriteStartObject("noarch");
                w.WriteStartArray("entry_points");
                w.WriteStringValue("sjg-noarch-tool = sjg_noarch_tool.cli:main");
                w.WriteEndArray();
                w.WriteString("type", "python");
                w.WriteEndObject();
                w.WriteNumber("package_metadata_version", 1);
            });
        }
    }

    private CondaFixturePackage WriteRecord(PackageBuild build, List<InstalledPath> installed)
    {
        var ordered = installed.OrderBy(i => i.Path, StringComparer.Ordinal).ToList();
        var packageDirectory = Path.Combine(PackageCache, build.Dist);
        var fn = build.Dist + ".conda";
        var metaFile = Path.Combine(Prefix, "conda-meta", build.Dist + ".json");
        WriteJson(metaFile, w =>
        {
            w.WriteString("build", build.Build);
            w.WriteNumber("build_number", 0);
            w.WriteString("channel", $"{Channel}/{build.Subdir}");
            w.WriteStartArray("constrains");
            w.WriteEndArray();
            w.WriteStartArray("depends");
            w.WriteEndArray();
            w.WriteString("extracted_package_dir", packageDirectory);
            w.WriteString("features", "");
            w.WriteStartArray("files");
            foreach (var file in ordered)
            {
                w.WriteStringValue(file.Path);
            }

            w.WriteEndArray();
            w.WriteString("fn", fn);
            w.WriteString("license", "MIT");
            w.WriteStartObject("link");
            w.WriteString("source", packageDirectory);
            w.WriteNumber("type", 1);
            w.WriteEndObject();
            w.WriteString("name", build.Name);
            if (build.NoArch)
            {
                w.WriteString("noarch", "python");
            }

            w.WriteString("package_tarball_full_path", Path.Combine(PackageCache, fn));
            w.WriteStartObject("paths_data");
            w.WriteStartArray("paths");
            foreach (var file in ordered)
            {
                w.WriteStartObject();
                w.WriteString("_path", file.Path);
                if (file.Entry.FileMode is not null)
                {
                    w.WriteString("file_mode", file.Entry.FileMode);
                }

                w.WriteString("path_type", file.Entry.Kind);
                if (file.Entry.Placeholder is not null)
                {
                    w.WriteString("prefix_placeholder", file.Entry.Placeholder);
                }

                if (file.Packaged is not null)
                {
                    w.WriteString("sha256", Convert.ToHexStringLower(file.Packaged));
                }

                if (file.InPrefix is not null)
                {
                    w.WriteString("sha256_in_prefix", Convert.ToHexStringLower(file.InPrefix));
                }

                if (file.Size is not null)
                {
                    w.WriteNumber("size_in_bytes", file.Size.Value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("paths_version", 1);
            w.WriteEndObject();
            w.WriteString("requested_spec", build.Name);
            w.WriteString("subdir", build.Subdir);
            w.WriteNumber("timestamp", 1700000000000);
            w.WriteString("track_features", "");
            w.WriteString("url", $"{Channel}/{build.Subdir}/{fn}");
            w.WriteString("version", build.Version);
        });
        return new CondaFixturePackage(build.Name, build.Version, build.Build, build.NoArch, metaFile, packageDirectory,
            ordered.Select(f => new CondaFixtureFile(f.Path, f.Entry.Kind, f.Entry.Placeholder, f.Entry.FileMode, f.Entry.LinkTarget)).ToList());
    }

    // ---- broken states -------------------------------------------------------------------------------------

    private void Break()
    {
        if (Options.DeleteRecordedFile)
        {
            File.Delete(Path.Combine(Prefix, DemoDataPath));
            missingFiles.Add(DemoDataPath);
        }

        var sitePackages = Path.Combine(Prefix, SitePackagesPath);
        if (Options.UnmanagedPipPackage)
        {
            var distInfo = "sjg_pip_only-2.0.dist-info";
            var files = new List<PackageFile>
            {
                PackageFile.Text("sjg_pip_only/__init__.py", "VALUE = 'installed by pip'\n"),
                PackageFile.Text($"{distInfo}/METADATA", "Metadata-Version: 2.1\nName: sjg-pip-only\nVersion: 2.0\n\n"),
                PackageFile.Text($"{distInfo}/INSTALLER", "pip\n"),
            };
            files.Add(PackageFile.Text($"{distInfo}/RECORD", WheelBuilder.Record(files, $"{distInfo}/RECORD")));
            AddUnmanaged(sitePackages, files);
        }

        if (Options.PipClobbersNoarchPackage && Options.IncludePython)
        {
            var old = $"{SitePackagesPath}/sjg_noarch_tool-1.0.dist-info/";
            foreach (var file in packages.Single(p => p.NoArchPython).Files.Where(f => f.Path.StartsWith(old, StringComparison.Ordinal)))
            {
                File.Delete(Path.Combine(Prefix, file.Path));
                missingFiles.Add(file.Path);
            }

            Directory.Delete(Path.Combine(Prefix, old));

            // pip wrote the new version's files over conda's (new files: conda's hard links to the cache are broken),
            // byte-compiled them, regenerated the console script with its own template, and listed it all in RECORD.
            var tag = "cpython-" + PythonVersion.Replace(".", "", StringComparison.Ordinal);
            var written = new List<string>();
            foreach (var (name, text) in new[]
            {
                ("__init__.py", "__version__ = \"1.1\"\n"),
                ("cli.py", File.ReadAllText(Path.Combine(sitePackages, "sjg_noarch_tool", "cli.py"))),
            })
            {
                var module = Path.Combine(sitePackages, "sjg_noarch_tool", name);
                File.Delete(module);
                File.WriteAllText(module, text);
                written.Add(module);
            }

            RunPython(Prefix, ["-c", "import py_compile, sys\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)", .. written]);
            written.AddRange(written.ToList().Select(m => Path.Combine(Path.GetDirectoryName(m)!, "__pycache__", $"{Path.GetFileNameWithoutExtension(m)}.{tag}.pyc")));
            var script = Path.Combine(Prefix, NoarchScriptPath);
            File.Delete(script);
            File.WriteAllText(script, $"#!{Prefix}/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom sjg_noarch_tool.cli import main\n"
                + "if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n");
            SetMode(script, Executable);
            written.Add(script);

            var distInfo = "sjg_noarch_tool-1.1.dist-info";
            var files = new List<PackageFile>
            {
                PackageFile.Text($"{distInfo}/METADATA", "Metadata-Version: 2.1\nName: sjg-noarch-tool\nVersion: 1.1\n\n"),
                PackageFile.Text($"{distInfo}/INSTALLER", "pip\n"),
                PackageFile.Text($"{distInfo}/REQUESTED", ""),
                PackageFile.Text($"{distInfo}/entry_points.txt", "[console_scripts]\nsjg-noarch-tool = sjg_noarch_tool.cli:main\n"),
            };
            var listed = written.Select(w => new PackageFile(Path.GetRelativePath(sitePackages, w).Replace('\\', '/'), File.ReadAllBytes(w))).Concat(files).ToList();
            files.Add(PackageFile.Text($"{distInfo}/RECORD", WheelBuilder.Record(listed, $"{distInfo}/RECORD")));
            AddUnmanaged(sitePackages, files);
            ClobberedFiles = written.Select(w => Path.GetRelativePath(Prefix, w).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        }

        if (Options.Editable != EditableInstall.None)
        {
            EditableSource = EditableProject.WriteSource(Path.Combine(Root, "editable-src"));
            AddUnmanaged(sitePackages, Options.Editable == EditableInstall.Pep660
                ? EditableProject.Pep660Files(EditableSource)
                : EditableProject.EggLinkFiles(EditableSource));
        }
    }

    private void AddUnmanaged(string sitePackages, IEnumerable<PackageFile> files)
    {
        foreach (var path in EditableProject.Write(sitePackages, files))
        {
            unmanagedFiles.Add(Path.GetRelativePath(Prefix, path).Replace('\\', '/'));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private const UnixFileMode Regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode Executable = Regular | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static UnixFileMode Mode(string file) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("The conda fixture builds a Unix prefix.")
        : File.GetUnixFileMode(file) & Executable;

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The conda fixture builds a Unix prefix.");
        }

        File.SetUnixFileMode(path, mode);
    }

    /// <summary>
    /// conda's binary prefix replacement: every NUL-terminated string containing the placeholder gets each
    /// occurrence replaced and is NUL-padded back to its original length, so no offset in the file moves.
    /// </summary>
    private static byte[] ReplaceBinary(byte[] data, string placeholder, string prefix, string name)
    {
        var from = Encoding.UTF8.GetBytes(placeholder);
        var to = Encoding.UTF8.GetBytes(prefix);
        if (to.Length > from.Length)
        {
            throw new InvalidOperationException($"Prefix '{prefix}' is longer than the placeholder of '{name}'.");
        }

        var result = (byte[])data.Clone();
        var found = 0;
        for (var offset = 0; ;)
        {
            var at = result.AsSpan(offset).IndexOf(from);
            if (at < 0)
            {
                break;
            }

            var start = offset + at;
            var end = result.AsSpan(start).IndexOf((byte)0);
            end = end < 0 ? result.Length : start + end;
            var text = Encoding.UTF8.GetString(result, start, end - start).Replace(placeholder, prefix, StringComparison.Ordinal);
            var bytes = Encoding.UTF8.GetBytes(text);
            result.AsSpan(start, end - start).Clear();
            bytes.CopyTo(result, start);
            offset = end;
            found++;
        }

        return found > 0 ? result : throw new InvalidOperationException($"Placeholder not found in binary '{name}'.");
    }

    /// <summary>Overwrites the one NUL-terminated string equal to <paramref name="from"/> with <paramref name="to"/>, NUL padded.</summary>
    private static void PatchCString(byte[] data, string from, string to)
    {
        var needle = Encoding.UTF8.GetBytes(from + "\0");
        var at = data.AsSpan().IndexOf(needle);
        if (at < 0)
        {
            return;
        }

        if (data.AsSpan(at + 1).IndexOf(needle) >= 0 || to.Length > from.Length)
        {
            throw new InvalidOperationException($"Cannot patch '{from}' in the interpreter: it occurs more than once or '{to}' is longer.");
        }

        data.AsSpan(at, from.Length).Clear();
        Encoding.UTF8.GetBytes(to).CopyTo(data, at);
    }

    private static void HardLink(string existing, string link)
    {
        if (NativeMethods.link(existing, link) != 0)
        {
            throw new IOException($"link('{existing}', '{link}') failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101, SYSLIB1054 // On Unix, Ansi marshalling is UTF-8, which is what link(2) takes.
        internal static extern int link(string existing, string newPath);
#pragma warning restore CA2101, SYSLIB1054
    }

    /// <summary>A package being built: its files as they sit in the package (paths relative to the package root).</summary>
    private sealed record PackageBuild(string Name, string Version, string Build, bool NoArch, List<PackageEntry> Entries)
    {
        public string Dist => $"{Name}-{Version}-{Build}";

        public string Subdir => NoArch ? "noarch" : "linux-64";
    }

    /// <summary>One path of a package: a file (bytes or a file to copy), a symlink or an empty folder.</summary>
    private sealed record PackageEntry(
        string Path, string Kind, byte[]? Content, string? Source, UnixFileMode Mode, string? Placeholder, string? FileMode, string? LinkTarget)
    {
        public static PackageEntry File(string path, byte[] content, UnixFileMode mode, string? placeholder = null, string? fileMode = null) =>
            new(path, "hardlink", content, null, mode, placeholder, fileMode, null);

        public static PackageEntry Copy(string path, string source, UnixFileMode mode) => new(path, "hardlink", null, source, mode, null, null, null);

        public static PackageEntry Link(string path, string target) => new(path, "softlink", null, null, 0, null, null, target);

        public static PackageEntry Folder(string path) => new(path, "directory", null, null, 0, null, null, null);

        /// <summary>A file conda creates at install time (pyc files, noarch entry points): in the record, not in the package.</summary>
        public static PackageEntry Generated(string path, string pathType) => new(path, pathType, null, null, 0, null, null, null);
    }

    /// <summary>A path as installed, with what conda records: the package file's hash and size, and the installed file's hash when it differs.</summary>
    private sealed record InstalledPath(string Path, PackageEntry Entry, byte[]? Packaged, byte[]? InPrefix, long? Size);
}

/// <summary>A conda prefix with every broken state the packer must refuse: a missing recorded file, pip files over conda, an egg-link editable install and an escaping symlink.</summary>
public sealed class BrokenCondaPrefixFixture : CondaPrefixFixture
{
    /// <summary>Builds the prefix.</summary>
    public BrokenCondaPrefixFixture() : base(new CondaPrefixOptions(
        EscapingSymlink: true, DeleteRecordedFile: true, UnmanagedPipPackage: true, PipClobbersNoarchPackage: true,
        Editable: EditableInstall.SetupPyDevelop))
    {
    }
}
