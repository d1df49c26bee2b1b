using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Fixtures;

public sealed class CondaPrefixFixtureTests(CondaPrefixFixture conda) : IClassFixture<CondaPrefixFixture>
{
    [Fact]
    public void Copied_python_runs_from_the_prefix_with_its_own_libpython_and_relocated_sysconfig()
    {
        var output = CondaPrefixFixture.RunPython(conda.Prefix, "-c", """
            import encodings, json, sys, sysconfig
            print(sys.prefix)
            print(sys.base_prefix)
            print(json.dumps({"ok": 1}))
            print(sysconfig.get_config_var("prefix"))
            print(sorted({l.split()[-1] for l in open("/proc/self/maps") if "libpython" in l}))
            """).StandardOutput.Split('\n');
        Assert.Equal(conda.Prefix, output[0]);
        Assert.Equal(conda.Prefix, output[1]);
        Assert.Equal("{\"ok\": 1}", output[2]);
        // The sysconfig data was installed from the placeholder like any text file with a prefix.
        Assert.Equal(conda.Prefix, output[3]);
        var library = HostPython.Current.SharedLibrary is null ? "[]" : $"['{conda.Prefix}/lib/libpython{conda.PythonVersion}.so.1.0']";
        Assert.Equal(library, output[4]);
        Assert.Equal($"python{conda.PythonVersion}", new FileInfo(conda.PythonPath).LinkTarget);
    }

    [Fact]
    public void Demo_binary_prints_the_installed_prefix_and_the_package_copy_keeps_the_placeholder()
    {
        Assert.Equal(DemoBinaryBuild.ExpectedOutput(conda.Prefix), CondaPrefixFixture.RunDemoBinary(conda.Prefix).StandardOutput);
        var package = conda.Packages.Single(p => p.Name == "demo-binary");
        var installed = File.ReadAllBytes(Path.Combine(conda.Prefix, CondaPrefixFixture.DemoBinaryPath));
        var packaged = File.ReadAllBytes(Path.Combine(package.PackageDirectory, CondaPrefixFixture.DemoBinaryPath));
        Assert.Equal(packaged.Length, installed.Length);
        var placeholder = Encoding.UTF8.GetBytes(CondaPlaceholders.CondaBuild + "/share/demo-binary\0");
        Assert.True(packaged.AsSpan().IndexOf(placeholder) >= 0);
        // Installed: the prefix string, then NULs up to the placeholder string's length (conda's padding).
        var expected = Encoding.UTF8.GetBytes(conda.Prefix + "/share/demo-binary").Concat(new byte[placeholder.Length - conda.Prefix.Length - "/share/demo-binary".Length]).ToArray();
        Assert.Equal(packaged.AsSpan().IndexOf(placeholder), installed.AsSpan().IndexOf(expected));
        Assert.Equal("libdemo.so.1", new FileInfo(Path.Combine(conda.Prefix, CondaPrefixFixture.LibraryLinkPath)).LinkTarget);
    }

    [Fact]
    public void Text_files_hold_the_prefix_and_their_shebang_script_runs()
    {
        Assert.Equal(CondaPrefixFixture.DemoConf(conda.Prefix), File.ReadAllText(Path.Combine(conda.Prefix, CondaPrefixFixture.DemoConfPath)));
        var package = conda.Packages.Single(p => p.Name == "demo-text");
        Assert.Equal(CondaPrefixFixture.DemoConf(CondaPlaceholders.Legacy), File.ReadAllText(Path.Combine(package.PackageDirectory, CondaPrefixFixture.DemoConfPath)));
        var tool = Path.Combine(conda.Prefix, CondaPrefixFixture.DemoToolPath);
        Assert.Equal($"#!{conda.Prefix}/bin/python", File.ReadLines(tool).First());
        Assert.Equal($"demo-tool prefix={conda.Prefix}\n", ProcessRun.RunChecked(tool, []).StandardOutput);
        Assert.True(Directory.Exists(Path.Combine(conda.Prefix, "var", "demo", "empty")));
    }

    [Fact]
    public void Noarch_package_is_placed_in_site_packages_with_pyc_files_and_a_working_entry_point()
    {
        var script = Path.Combine(conda.Prefix, CondaPrefixFixture.NoarchScriptPath);
        Assert.Equal($"sjg-noarch-tool 1.0 prefix={conda.Prefix}\n", ProcessRun.RunChecked(script, []).StandardOutput);
        var noarch = conda.Packages.Single(p => p.NoArchPython);
        var tag = "cpython-" + conda.PythonVersion.Replace(".", "");
        Assert.Contains(new CondaFixtureFile($"{conda.SitePackagesPath}/sjg_noarch_tool/__pycache__/cli.{tag}.pyc", "pyc_file", null, null, null), noarch.Files);
        Assert.Contains(new CondaFixtureFile(CondaPrefixFixture.NoarchScriptPath, "unix_python_entry_point", null, null, null), noarch.Files);

        // info/paths.json in the package cache keeps conda's package-relative noarch paths.
        using var paths = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(noarch.PackageDirectory, "info", "paths.json")));
        var packaged = paths.RootElement.GetProperty("paths").EnumerateArray().Select(p => p.GetProperty("_path").GetString()!).ToList();
        Assert.Contains("site-packages/sjg_noarch_tool/cli.py", packaged);
        Assert.All(packaged, p => Assert.StartsWith("site-packages/", p));
        using var link = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(noarch.PackageDirectory, "info", "link.json")));
        Assert.Equal("python", link.RootElement.GetProperty("noarch").GetProperty("type").GetString());
    }

    [Fact]
    public void Records_parse_with_the_packers_reader_and_list_exactly_the_files_on_disk()
    {
        Assert.Equal(EnvironmentKind.Conda, EnvironmentLocator.FromPrefix(conda.Prefix).Kind);
        var byName = EnvironmentLocator.Resolve(null, conda.EnvironmentName,
            v => v == "CONDA_ENVS_PATH" ? conda.EnvironmentsDirectory : null, homeDirectory: conda.Root);
        Assert.Equal(new EnvironmentLocation(conda.Prefix, EnvironmentKind.Conda), byName);
        var records = CondaPackageRecord.ReadAll(conda.Prefix);
        Assert.Equal(["demo-binary", "demo-text", "python", "sjg-noarch-tool"], records.Select(r => r.Name));
        Assert.Equal(conda.Packages.Select(p => p.Name), records.Select(r => r.Name));
        foreach (var (record, package) in records.Zip(conda.Packages))
        {
            Assert.Equal(package.Files.Select(f => f.Path), record.Files.Select(f => f.Path));
            Assert.Equal(package.NoArchPython, record.IsNoArchPython);
        }

        var recorded = records.SelectMany(r => r.Files).Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(recorded, CondaPrefixFixture.ListPaths(conda.Prefix));
        Assert.InRange(recorded.Count, 300, 5000);

        var files = records.SelectMany(r => r.Files).ToDictionary(f => f.Path);
        Assert.Equal(new CondaFileRecord(CondaPrefixFixture.DemoBinaryPath, CondaPathType.HardLink, CondaPlaceholders.CondaBuild, true, false), files[CondaPrefixFixture.DemoBinaryPath]);
        Assert.Equal(new CondaFileRecord(CondaPrefixFixture.DemoConfPath, CondaPathType.HardLink, CondaPlaceholders.Legacy, false, false), files[CondaPrefixFixture.DemoConfPath]);
        Assert.Equal(CondaPathType.SoftLink, files[CondaPrefixFixture.LibraryLinkPath].Type);
        Assert.Equal(CondaPathType.Directory, files["var/demo/empty"].Type);
        Assert.Equal(CondaPlaceholders.CondaBuild, files.Values.Single(f => f.Path.Contains("_sysconfigdata_", StringComparison.Ordinal)).PrefixPlaceholder);
        Assert.Equal(255, CondaPlaceholders.CondaBuild.Length);
        Assert.True(conda.Prefix.Length >= 80);
        Assert.Empty(conda.MissingFiles);
        Assert.Empty(conda.UnmanagedFiles);
    }

    [Fact]
    public void Recorded_hashes_match_the_package_cache_and_unrewritten_files_are_hard_links()
    {
        foreach (var package in conda.Packages)
        {
            using var meta = JsonDocument.Parse(File.ReadAllBytes(package.MetaFile));
            var root = meta.RootElement;
            Assert.Equal(package.PackageDirectory, root.GetProperty("link").GetProperty("source").GetString());
            Assert.Equal($"{CondaPrefixFixture.Channel}/{root.GetProperty("subdir").GetString()}/{package.Name}-{package.Version}-{package.Build}.conda", root.GetProperty("url").GetString());
            Assert.Equal(package.Files.Select(f => f.Path), root.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
            foreach (var path in root.GetProperty("paths_data").GetProperty("paths").EnumerateArray())
            {
                var onDisk = Path.Combine(conda.Prefix, path.GetProperty("_path").GetString()!);
                if (path.TryGetProperty("sha256_in_prefix", out var inPrefix))
                {
                    Assert.Equal(inPrefix.GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(onDisk))));
                }
                else if (path.TryGetProperty("sha256", out var sha))
                {
                    Assert.Equal(sha.GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(onDisk))));
                }
            }
        }

        var data = Path.Combine(conda.Prefix, CondaPrefixFixture.DemoDataPath);
        Assert.Equal("2", ProcessRun.RunChecked("stat", ["-c", "%h", data]).StandardOutput.Trim());
        Assert.Equal("1", ProcessRun.RunChecked("stat", ["-c", "%h", Path.Combine(conda.Prefix, CondaPrefixFixture.DemoConfPath)]).StandardOutput.Trim());
        Assert.Contains("+sjg-test/noarch::sjg-noarch-tool-1.0-pyh0_0", File.ReadAllText(Path.Combine(conda.Prefix, "conda-meta", "history")));
    }
}

public sealed class CondaPrefixRelocationTests(CondaPrefixFixture conda) : IClassFixture<CondaPrefixFixture>
{
    /// <summary>
    /// Conda's relocation done by an independent reader (Python): copy the prefix, then rewrite the current prefix
    /// in every file whose record has a placeholder (text: replace; binary: NUL-padded in place), as conda-unpack does.
    /// </summary>
    private const string Relocate = """
        import glob, json, os, re, shutil, sys
        src, dst = sys.argv[1], sys.argv[2]
        shutil.copytree(src, dst, symlinks=True)
        old, new = src.encode(), dst.encode()
        def padded(m):
            return m.group().replace(old, new) + b"\0" * ((len(old) - len(new)) * m.group().count(old))
        for meta in glob.glob(os.path.join(dst, "conda-meta", "*.json")):
            for p in json.load(open(meta))["paths_data"]["paths"]:
                if not p.get("prefix_placeholder"):
                    continue
                path = os.path.join(dst, p["_path"])
                data = open(path, "rb").read()
                if p["file_mode"] == "text":
                    data = data.replace(old, new)
                else:
                    data = re.sub(re.escape(old) + b"([^\0]*?)\0", padded, data)
                open(path, "wb").write(data)
        """;

    [Fact]
    public void Prefix_relocated_conda_style_runs_its_interpreter_binary_and_script_from_the_new_place()
    {
        var scratch = Directory.CreateTempSubdirectory("sjg-reloc-").FullName;
        try
        {
            var destination = Path.Combine(scratch, "env");
            Assert.True(destination.Length < conda.Prefix.Length);
            ProcessRun.RunChecked(HostPython.Current.Executable, ["-c", Relocate, conda.Prefix, destination]);

            Assert.Equal(DemoBinaryBuild.ExpectedOutput(destination), CondaPrefixFixture.RunDemoBinary(destination).StandardOutput);
            Assert.Equal(File.ReadAllBytes(Path.Combine(conda.Prefix, CondaPrefixFixture.DemoBinaryPath)).Length,
                File.ReadAllBytes(Path.Combine(destination, CondaPrefixFixture.DemoBinaryPath)).Length);
            Assert.Equal(CondaPrefixFixture.DemoConf(destination), File.ReadAllText(Path.Combine(destination, CondaPrefixFixture.DemoConfPath)));
            Assert.Equal($"demo-tool prefix={destination}\n", ProcessRun.RunChecked(Path.Combine(destination, CondaPrefixFixture.DemoToolPath), []).StandardOutput);
            var output = CondaPrefixFixture.RunPython(destination, "-c",
                "import sys, sysconfig; print(sys.prefix); print(sysconfig.get_config_var('prefix')); print(sorted({l.split()[-1] for l in open('/proc/self/maps') if 'libpython' in l}))").StandardOutput;
            var library = HostPython.Current.SharedLibrary is null ? "[]" : $"['{destination}/lib/libpython{conda.PythonVersion}.so.1.0']";
            Assert.Equal($"{destination}\n{destination}\n{library}\n", output);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}

public sealed class BrokenCondaPrefixFixtureTests(BrokenCondaPrefixFixture conda) : IClassFixture<BrokenCondaPrefixFixture>
{
    [Fact]
    public void Missing_and_unmanaged_files_are_exactly_the_difference_between_records_and_disk()
    {
        var recorded = CondaPackageRecord.ReadAll(conda.Prefix).SelectMany(r => r.Files).Select(f => f.Path).ToHashSet();
        var onDisk = CondaPrefixFixture.ListPaths(conda.Prefix).ToHashSet();
        Assert.Equal(conda.MissingFiles.Order(), recorded.Except(onDisk).Order());
        Assert.Equal(conda.UnmanagedFiles.Order(), onDisk.Except(recorded).Order());
        Assert.Contains(CondaPrefixFixture.DemoDataPath, conda.MissingFiles);
        Assert.Contains($"{conda.SitePackagesPath}/sjg_noarch_tool-1.0.dist-info/RECORD", conda.MissingFiles);
        Assert.Contains($"{conda.SitePackagesPath}/sjg_noarch_tool-1.1.dist-info/INSTALLER", conda.UnmanagedFiles);
        Assert.Contains($"{conda.SitePackagesPath}/sjg_pip_only/__init__.py", conda.UnmanagedFiles);
        Assert.Equal("pip\n", File.ReadAllText(Path.Combine(conda.Prefix, conda.SitePackagesPath, "sjg_pip_only-2.0.dist-info", "INSTALLER")));

        // pip's RECORD names the conda-owned files it overwrote, as relative paths from site-packages (bin via ../../../).
        var record = File.ReadAllLines(Path.Combine(conda.Prefix, conda.SitePackagesPath, "sjg_noarch_tool-1.1.dist-info", "RECORD"))
            .Select(l => Path.GetRelativePath(conda.Prefix, Path.GetFullPath(Path.Combine(conda.Prefix, conda.SitePackagesPath, l.Split(',')[0]))))
            .ToHashSet();
        var owned = CondaPackageRecord.ReadAll(conda.Prefix).Single(r => r.IsNoArchPython).Files.Select(f => f.Path).ToHashSet();
        Assert.Equal(conda.ClobberedFiles.Order(), record.Intersect(owned).Order());
        Assert.Contains(CondaPrefixFixture.NoarchScriptPath, conda.ClobberedFiles);
        Assert.Contains($"{conda.SitePackagesPath}/sjg_noarch_tool/__pycache__/__init__.cpython-{conda.PythonVersion.Replace(".", "")}.pyc", conda.ClobberedFiles);
    }

    [Fact]
    public void Pip_and_editable_installs_are_real_to_the_interpreter_and_the_escaping_link_points_out()
    {
        var output = CondaPrefixFixture.RunPython(conda.Prefix, "-c",
            "import sjg_noarch_tool, sjg_pip_only, sjg_editable; print(sjg_noarch_tool.__version__, sjg_pip_only.VALUE); print(sjg_editable.hello())").StandardOutput;
        Assert.Equal($"1.1 installed by pip\neditable {conda.EditableSource}/sjg_editable/__init__.py\n", output);
        var script = Path.Combine(conda.Prefix, CondaPrefixFixture.NoarchScriptPath);
        Assert.Equal($"sjg-noarch-tool 1.1 prefix={conda.Prefix}\n", ProcessRun.RunChecked(script, []).StandardOutput);
        Assert.Equal(conda.EditableSource, File.ReadLines(Path.Combine(conda.Prefix, conda.SitePackagesPath, "sjg-editable.egg-link")).First());
        Assert.Equal("/etc", new FileInfo(Path.Combine(conda.Prefix, CondaPrefixFixture.EscapingLinkPath)).LinkTarget);
        var record = CondaPackageRecord.ReadAll(conda.Prefix).Single(r => r.Name == "demo-text");
        Assert.Contains(record.Files, f => f.Path == CondaPrefixFixture.EscapingLinkPath && f.Type == CondaPathType.SoftLink);
    }
}

public sealed class CondaPrefixOptionsTests
{
    [Fact]
    public void Long_prefix_without_python_or_package_cache_still_runs_its_binary_and_dispose_cleans_up()
    {
        string root;
        using (var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(MinimumPrefixLength: 150, IncludePython: false, KeepPackageCache: false, Editable: EditableInstall.Pep660)))
        {
            root = conda.Root;
            Assert.True(conda.Prefix.Length >= 150, conda.Prefix);
            Assert.False(Directory.Exists(conda.PackageCache));
            Assert.Equal(["demo-binary", "demo-text"], CondaPackageRecord.ReadAll(conda.Prefix).Select(r => r.Name));
            Assert.Equal(DemoBinaryBuild.ExpectedOutput(conda.Prefix), CondaPrefixFixture.RunDemoBinary(conda.Prefix).StandardOutput);
            Assert.Contains($"{conda.SitePackagesPath}/__editable__.sjg_editable-0.1.0.pth", conda.UnmanagedFiles);
            Assert.False(File.Exists(conda.PythonPath));
        }

        Assert.False(Directory.Exists(root));
    }
}
