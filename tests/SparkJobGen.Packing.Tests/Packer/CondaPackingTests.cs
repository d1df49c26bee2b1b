using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// Packs a conda-layout prefix that follows conda's real metadata (placeholders in text and binary files, symlinks, a noarch
/// package with an install-time entry point, a copied CPython) and checks the relocated result by running it.
/// </summary>
public sealed class CondaPackingTests(CondaPrefixFixture conda) : IClassFixture<CondaPrefixFixture>
{
    private PackOptions Options(ScratchDirectory scratch, string name = "env.tar.gz") => new()
    {
        Prefix = conda.Prefix,
        Output = scratch.File(name),
        CompressionLevel = 1,
        UseCache = false,
    };

    [Fact]
    public async Task Relocatable_archive_carries_build_placeholders_and_conda_unpack_relocates_text_binary_and_python()
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch));
        Assert.Equal(EnvironmentKind.Conda, result.Kind);
        Assert.True(result.UnpackRecords >= 2);

        // Read back with Python's tarfile: the binary holds the recorded build placeholder again (conda-pack archives the
        // package-cache bytes), the symlink is a symlink, conda-meta no longer names local paths.
        var placeholder = conda.Packages.Single(p => p.Name == "demo-binary").Files.Single(f => f.Path == CondaPrefixFixture.DemoBinaryPath).PrefixPlaceholder!;
        var probe = ProcessRun.RunChecked("python3", ["-c", """
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    binary = t.extractfile(sys.argv[2]).read()
    link = t.getmember(sys.argv[3])
    record = json.loads(t.extractfile([m for m in t.getnames() if m.startswith("conda-meta/demo-binary-")][0]).read())
    print(json.dumps({"placeholder": sys.argv[4].encode() in binary, "prefix": sys.argv[5].encode() in binary,
                      "link": link.issym(), "target": link.linkname, "source": record["link"]["source"]}))
""", result.ArchivePath, CondaPrefixFixture.DemoBinaryPath, CondaPrefixFixture.LibraryLinkPath, placeholder, conda.Prefix]);
        using var read = JsonDocument.Parse(probe.StandardOutput);
        Assert.True(read.RootElement.GetProperty("placeholder").GetBoolean());
        Assert.False(read.RootElement.GetProperty("prefix").GetBoolean());
        Assert.True(read.RootElement.GetProperty("link").GetBoolean());
        Assert.DoesNotContain("/", read.RootElement.GetProperty("target").GetString()!.TrimStart('.'), StringComparison.Ordinal);
        Assert.Equal("", read.RootElement.GetProperty("source").GetString());

        foreach (var place in new[] { "x/environment", "a/much/longer/path/than/the/first/one/environment" })
        {
            var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, place));
            CondaPrefixFixture.RunPython(root, Path.Combine(root, "bin", "conda-unpack"));

            Assert.Equal(CondaPrefixFixture.DemoConf(root), File.ReadAllText(Path.Combine(root, CondaPrefixFixture.DemoConfPath)));
            Assert.Equal(DemoBinaryBuild.ExpectedOutput(root), CondaPrefixFixture.RunDemoBinary(root).StandardOutput);
            var python = CondaPrefixFixture.RunPython(root, "-c", "import json, sys; print(sys.prefix)");
            Assert.Equal(root, python.StandardOutput.Trim());
            var noarch = File.ReadAllText(Path.Combine(root, CondaPrefixFixture.NoarchScriptPath));
            Assert.StartsWith("#!/usr/bin/env python", noarch, StringComparison.Ordinal);
            Assert.DoesNotContain(conda.Prefix, noarch, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Destination_prefix_relocates_at_pack_time_without_conda_unpack()
    {
        using var scratch = new ScratchDirectory();
        var destination = Path.Combine(scratch.Path, "opt", "spark-envs", "demo");
        var result = await EnvironmentPacker.PackAsync(Options(scratch) with { DestinationPrefix = destination });
        Assert.Equal(0, result.UnpackRecords);

        UnpackedArchive.Extract(result.ArchivePath, destination);
        Assert.False(File.Exists(Path.Combine(destination, "bin", "conda-unpack")));
        Assert.Equal(CondaPrefixFixture.DemoConf(destination), File.ReadAllText(Path.Combine(destination, CondaPrefixFixture.DemoConfPath)));
        Assert.Equal(DemoBinaryBuild.ExpectedOutput(destination), CondaPrefixFixture.RunDemoBinary(destination).StandardOutput);
    }

    [Fact]
    public async Task Destination_prefix_longer_than_the_binary_placeholder_is_refused_naming_the_file()
    {
        using var scratch = new ScratchDirectory();
        var destination = "/" + new string('d', 400);
        var error = await Assert.ThrowsAsync<PrefixTooLongException>(() => EnvironmentPacker.PackAsync(Options(scratch) with { DestinationPrefix = destination }));
        Assert.Contains(CondaPrefixFixture.DemoBinaryPath, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path));
    }

    [Fact]
    public async Task A_record_of_many_megabytes_is_cleaned_in_the_archive_and_its_package_owns_its_files()
    {
        // A package listing 80,000 paths (its record about 6 MB, past the in-memory limit and many segments): the empty
        // folders it records need no files, one real file it owns keeps its placeholder.
        var record = Path.Combine(conda.Prefix, "conda-meta", "zz-huge-1.0-0.json");
        var paths = Enumerable.Range(0, 80_000).Select(i => (object)new { _path = $"share/zz-huge/{i % 113}/{i}", path_type = "directory" })
            .Append(new { _path = "share/zz-huge/owned.txt", path_type = "hardlink", prefix_placeholder = "/opt/zz-build-prefix", file_mode = "text" });
        var owned = Path.Combine(conda.Prefix, "share", "zz-huge", "owned.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(owned)!);
        File.WriteAllText(owned, $"home={conda.Prefix}\n");
        File.WriteAllText(record, JsonSerializer.Serialize(new
        {
            name = "zz-huge", version = "1.0", build = "0", extracted_package_dir = "/home/me/pkgs/zz-huge-1.0-0",
            link = new { source = "/home/me/pkgs/zz-huge-1.0-0", type = 1 }, paths_data = new { paths_version = 1, paths },
        }));
        try
        {
            Assert.True(new FileInfo(record).Length > 4 * 1024 * 1024);
            using var scratch = new ScratchDirectory();
            var result = await EnvironmentPacker.PackAsync(Options(scratch));
            Assert.DoesNotContain(result.Warnings, w => w.Contains("zz-huge", StringComparison.Ordinal));
            var probe = ProcessRun.RunChecked("python3", ["-c", """
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    r = json.loads(t.extractfile("conda-meta/zz-huge-1.0-0.json").read())
    owned = t.extractfile("share/zz-huge/owned.txt").read().decode()
    unpack = t.extractfile("bin/conda-unpack").read().decode()
print(r["extracted_package_dir"] == "", r["link"]["source"] == "", len(r["paths_data"]["paths"]), owned.strip(), "share/zz-huge/owned.txt" in unpack)
""", result.ArchivePath]);
            Assert.Equal("True True 80001 home=/opt/zz-build-prefix True", probe.StandardOutput.Trim());
        }
        finally
        {
            File.Delete(record);
            Directory.Delete(Path.Combine(conda.Prefix, "share", "zz-huge"), recursive: true);
        }
    }

    [Fact]
    public async Task A_venv_made_by_the_prefix_python_packs_standalone_from_the_conda_base_and_runs_elsewhere()
    {
        // A common setup: a conda environment provides the interpreter, a venv on top of it holds the job's packages.
        using var scratch = new ScratchDirectory();
        var venv = Path.Combine(scratch.Path, "venv");
        CondaPrefixFixture.RunPython(conda.Prefix, "-m", "venv", "--without-pip", venv);
        var module = Path.Combine(venv, "lib", "python" + HostPython.Current.Version, "site-packages", "sjg_on_conda.py");
        File.WriteAllText(module, "import json, sqlite3\nVALUE = json.dumps({'ok': sqlite3.sqlite_version_info >= (3,)})\n");

        var result = await EnvironmentPacker.PackAsync(new PackOptions { Prefix = venv, Output = scratch.File("venv.tar.gz"), CompressionLevel = 1, UseCache = false });
        Assert.Equal(EnvironmentKind.Venv, result.Kind);
        var listing = ProcessRun.RunChecked("tar", ["-tzf", result.ArchivePath]).StandardOutput;
        Assert.DoesNotContain("pyvenv.cfg", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("conda-meta/", listing, StringComparison.Ordinal);

        // Unpacked where neither the venv nor the conda prefix is: the packed interpreter is standalone.
        var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, "elsewhere", "environment"));
        var run = ProcessRun.RunChecked(Path.Combine(root, "bin", "python"), ["-c", """
import json, os, sys, sjg_on_conda
libpython = sorted({line.split()[-1] for line in open("/proc/self/maps") if "libpython" in line})
print(json.dumps({"prefix": sys.prefix, "os": os.__file__, "libpython": libpython, "value": sjg_on_conda.VALUE}))
"""], root);
        using var report = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal(root, report.RootElement.GetProperty("prefix").GetString());
        Assert.StartsWith(root + "/lib/", report.RootElement.GetProperty("os").GetString(), StringComparison.Ordinal);
        Assert.All(report.RootElement.GetProperty("libpython").EnumerateArray(), path => Assert.StartsWith(root + "/lib/", path.GetString(), StringComparison.Ordinal));
        Assert.Equal("{\"ok\": true}", report.RootElement.GetProperty("value").GetString());
    }

    /// <summary>
    /// Zip without --zip-symlinks stores a copy of each link's target under the link's path (conda-pack's behaviour), read
    /// back by Python's zipfile; unzipped with Info-ZIP's unzip (which keeps the modes) at a new path, conda-unpack and the
    /// packed interpreter work there, and the program that loads the library runs.
    /// </summary>
    [SkippableFact]
    public async Task Zip_without_zip_symlinks_stores_copies_of_link_targets_and_unpacks_to_a_working_prefix()
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch, "env.zip"));
        var probe = ProcessRun.RunChecked("python3", ["-c", """
import json, stat, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    names = z.namelist()
    links = [i.filename for i in z.infolist() if stat.S_ISLNK(i.external_attr >> 16)]
    link = z.getinfo(sys.argv[2])
    python = z.getinfo("bin/python")
    print(json.dumps({"links": links, "duplicates": len(names) - len(set(names)),
                      "copy": z.read(sys.argv[2]) == z.read(sys.argv[2] + ".1"), "mode": link.external_attr >> 16,
                      "python": stat.S_ISREG(python.external_attr >> 16) and python.file_size > 0}))
""", result.ArchivePath, CondaPrefixFixture.LibraryLinkPath]);
        using var read = JsonDocument.Parse(probe.StandardOutput);
        Assert.Empty(read.RootElement.GetProperty("links").EnumerateArray());
        Assert.Equal(0, read.RootElement.GetProperty("duplicates").GetInt32());
        Assert.True(read.RootElement.GetProperty("copy").GetBoolean());
        Assert.Equal(0x8000, read.RootElement.GetProperty("mode").GetInt32() & 0xF000);
        Assert.True(read.RootElement.GetProperty("python").GetBoolean());

        var root = Path.Combine(scratch.Path, "zipped", "environment");
        Directory.CreateDirectory(root);
        Tool.Ok("unzip", "-q", result.ArchivePath, "-d", root);
        CondaPrefixFixture.RunPython(root, Path.Combine(root, "bin", "conda-unpack"));
        Assert.Equal(CondaPrefixFixture.DemoConf(root), File.ReadAllText(Path.Combine(root, CondaPrefixFixture.DemoConfPath)));
        Assert.Equal(DemoBinaryBuild.ExpectedOutput(root), CondaPrefixFixture.RunDemoBinary(root).StandardOutput);
        Assert.Equal(root, CondaPrefixFixture.RunPython(root, "-c", "import sys; print(sys.prefix)").StandardOutput.Trim());
    }

    [Fact]
    public async Task Verify_runs_conda_unpack_and_the_packed_interpreter()
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch));
        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { Modules = ["json", "sqlite3"], ScratchRoot = scratch.Path });
        Assert.True(verified.Succeeded, verified.DescribeFailures());
        Assert.EndsWith("/environment", verified.Prefix, StringComparison.Ordinal);
    }
}

/// <summary>Each broken state of a conda prefix is refused with a message naming what is wrong and the flag that overrides it.</summary>
public sealed class BrokenCondaPackingTests
{
    private static PackOptions Options(CondaPrefixFixture conda, ScratchDirectory scratch) =>
        new() { Prefix = conda.Prefix, Output = scratch.File("env.tar"), Format = "tar", UseCache = false };

    [Fact]
    public async Task Missing_recorded_file_names_package_and_path_and_can_be_ignored()
    {
        using var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(IncludePython: false, DeleteRecordedFile: true));
        using var scratch = new ScratchDirectory();
        var error = await Assert.ThrowsAsync<MissingFilesException>(() => EnvironmentPacker.PackAsync(Options(conda, scratch)));
        Assert.Contains(CondaPrefixFixture.DemoDataPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("demo-text", error.Message, StringComparison.Ordinal);
        Assert.Contains("--ignore-missing-files", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path));

        var packed = await EnvironmentPacker.PackAsync(Options(conda, scratch) with { IgnoreMissingFiles = true });
        Assert.Contains(packed.Warnings, w => w.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Escaping_symlink_is_refused_with_the_link_named()
    {
        using var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(IncludePython: false, EscapingSymlink: true));
        using var scratch = new ScratchDirectory();
        var error = await Assert.ThrowsAsync<EscapingSymlinkException>(() => EnvironmentPacker.PackAsync(Options(conda, scratch)));
        Assert.Equal(CondaPrefixFixture.EscapingLinkPath, error.LinkPath);
        Assert.Contains("--exclude", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path));

        // The way out the message names: exclude the link.
        var packed = await EnvironmentPacker.PackAsync(Options(conda, scratch) with { Filters = [new PathFilterRule(false, CondaPrefixFixture.EscapingLinkPath)] });
        Assert.DoesNotContain(CondaPrefixFixture.EscapingLinkPath, ProcessRun.RunChecked("tar", ["-tf", packed.ArchivePath]).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pip_over_conda_files_is_refused_as_clobbering_and_unmanaged_pip_packages_are_packed_with_a_warning()
    {
        using var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(PipClobbersNoarchPackage: true, UnmanagedPipPackage: true));
        using var scratch = new ScratchDirectory();
        // pip deleted conda's dist-info of the package: first the missing files, then (ignored) the clobbering itself.
        await Assert.ThrowsAsync<MissingFilesException>(() => EnvironmentPacker.PackAsync(Options(conda, scratch)));
        var error = await Assert.ThrowsAsync<ClobberedFilesException>(() => EnvironmentPacker.PackAsync(Options(conda, scratch) with { IgnoreMissingFiles = true }));
        Assert.Contains(conda.ClobberedFiles, f => error.Message.Contains(f, StringComparison.Ordinal));
        Assert.Contains("--ignore-clobbered-files", error.Message, StringComparison.Ordinal);

        var packed = await EnvironmentPacker.PackAsync(Options(conda, scratch) with { IgnoreMissingFiles = true, IgnoreClobberedFiles = true });
        Assert.Contains(packed.Warnings, w => w.Contains("sjg_pip_only", StringComparison.Ordinal));
        Assert.Contains("sjg_pip_only/__init__.py", ProcessRun.RunChecked("tar", ["-tf", packed.ArchivePath]).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editable_install_in_a_conda_prefix_is_refused()
    {
        using var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(Editable: EditableInstall.Pep660));
        using var scratch = new ScratchDirectory();
        var error = await Assert.ThrowsAsync<EditablePackagesException>(() => EnvironmentPacker.PackAsync(Options(conda, scratch)));
        Assert.NotEmpty(error.Packages);
    }
}
