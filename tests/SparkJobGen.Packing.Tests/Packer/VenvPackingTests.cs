using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// Packs a real <c>python -m venv</c> with locally built wheels, unpacks it with GNU tar into folders the packer never saw and runs
/// the packed interpreter there. The stdlib test suite and other bulk are excluded to keep the archives small; everything else is real.
/// </summary>
public sealed class VenvPackingTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    /// <summary>Bulk a job never imports; excluding it exercises --exclude and keeps each pack to a few seconds.</summary>
    internal static readonly PathFilterRule[] Slim =
    [
        new(false, "lib/python3.*/test/*"), new(false, "lib/python3.*/idlelib/*"), new(false, "lib/python3.*/lib2to3/*"),
        new(false, "lib/python3.*/tkinter/*"), new(false, "lib/python3.*/ensurepip/*"), new(false, "lib/python3.*/turtledemo/*"),
        new(false, "lib/python3.*/site-packages/pip/*"), new(false, "lib/python3.*/site-packages/pip-*"),
        new(false, "lib/python3.*/site-packages/setuptools/*"), new(false, "lib/python3.*/site-packages/_distutils_hack/*"),
        new(false, "lib/python3.*/site-packages/pkg_resources/*"), new(false, "lib/python3.*/site-packages/setuptools-*"),
        new(false, "bin/pip*"),
    ];

    private PackOptions Options(ScratchDirectory scratch, string name = "env.tar.gz") => new()
    {
        Prefix = venv.Prefix,
        Output = scratch.File(name),
        CompressionLevel = 1,
        Filters = Slim,
        CacheDirectory = scratch.File("cache"),
    };

    [Fact]
    public async Task Packed_venv_runs_its_wheels_and_console_script_from_two_new_locations()
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch));

        Assert.Equal(EnvironmentKind.Venv, result.Kind);
        Assert.False(result.FromCache);
        Assert.Equal(0, ProcessRun.Run("gzip", ["-t", result.ArchivePath]).ExitCode);
        var listing = ProcessRun.RunChecked("tar", ["-tvzf", result.ArchivePath]).StandardOutput;
        Assert.DoesNotContain("pyvenv.cfg", listing, StringComparison.Ordinal);
        Assert.Contains("bin/python -> python3.11", listing, StringComparison.Ordinal);
        Assert.DoesNotContain(" lib/python3.11/test/", listing, StringComparison.Ordinal);

        foreach (var place in new[] { "a/environment", "somewhere/much/deeper/than/before/environment" })
        {
            var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, place));
            ProcessRun.RunChecked(Path.Combine(root, "bin", "python"), [Path.Combine(root, "bin", "conda-unpack")]);

            var run = UnpackedArchive.RunPython(root, "import sys; " + DemoWheels.ImportCheck + "; print(sys.prefix)");
            var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(DemoWheels.ExpectedGreeting, lines[0]);
            Assert.StartsWith(root, lines[1], StringComparison.Ordinal);
            Assert.Equal(root, lines[2]);

            // The interpreter loads the packed libpython (runpath made $ORIGIN-relative), not this machine's installation.
            var ldd = ProcessRun.RunChecked("ldd", [Path.Combine(root, "bin", "python3.11")]).StandardOutput;
            Assert.Contains(Path.Combine(root, "bin", "..", "lib", "libpython3.11.so.1.0"), ldd, StringComparison.Ordinal);

            // The console script's shebang was made relocatable (#!/usr/bin/env python); it runs with the packed python on PATH.
            var script = Path.Combine(root, "bin", DemoWheels.CliScript);
            Assert.StartsWith("#!/usr/bin/env python", File.ReadAllText(script), StringComparison.Ordinal);
            var cli = ProcessRun.RunChecked(script, [], root, new Dictionary<string, string?> { ["PATH"] = Path.Combine(root, "bin") + ":/usr/bin:/bin" });
            Assert.False(string.IsNullOrWhiteSpace(cli.StandardOutput));
        }
    }

    [Fact]
    public async Task Files_larger_than_the_read_buffer_are_scanned_in_chunks_and_still_relocated()
    {
        using var scratch = new ScratchDirectory();
        var folder = Path.Combine(venv.SitePackages, "sjg_large_probe");
        Directory.CreateDirectory(folder);
        var filler = new string('x', 5 * 1024 * 1024);
        var withPrefix = Path.Combine(folder, "with_prefix.txt");
        var without = Path.Combine(folder, "without_prefix.txt");
        File.WriteAllText(withPrefix, filler + "\nhome=" + venv.Prefix + "/share\n");
        File.WriteAllText(without, filler + "\nno prefix here\n");
        try
        {
            var result = await EnvironmentPacker.PackAsync(Options(scratch) with { Format = "tar", Output = scratch.File("env.tar") });
            var root = Path.Combine(scratch.Path, "moved", "environment");
            Directory.CreateDirectory(root);
            ProcessRun.RunChecked("tar", ["-xf", result.ArchivePath, "-C", root]);
            ProcessRun.RunChecked(Path.Combine(root, "bin", "python"), [Path.Combine(root, "bin", "conda-unpack")]);
            var unpacked = Path.Combine(root, "lib", "python3.11", "site-packages", "sjg_large_probe");
            Assert.EndsWith("\nhome=" + root + "/share\n", File.ReadAllText(Path.Combine(unpacked, "with_prefix.txt")), StringComparison.Ordinal);
            Assert.Equal(File.ReadAllBytes(without), File.ReadAllBytes(Path.Combine(unpacked, "without_prefix.txt")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65_550)] // across the end of the first chunk (65,536 + 31 bytes: the buffer plus the overlap)
    [InlineData(131_090)] // across the end of the second
    [InlineData(299_968)] // the very end
    public void The_chunked_scan_finds_a_prefix_wherever_it_lies_including_across_chunk_boundaries(int offset)
    {
        using var scratch = new ScratchDirectory();
        var prefix = "/opt/conda/envs/some-environment";
        var content = new byte[300_000];
        content.AsSpan().Fill((byte)'.');
        System.Text.Encoding.UTF8.GetBytes(prefix).CopyTo(content, offset);
        var path = scratch.File("big.bin");
        File.WriteAllBytes(path, content);
        var entry = new PackEntry("lib/big.bin", PackEntryKind.File, path, 0x1A4, content.Length, 0, Prefixes: [new PrefixOnDisk(prefix, prefix, PrefixMode.Binary)]);
        using var handle = File.OpenHandle(path);
        Assert.True(PackedFileWriter.MayChangeStreamed(entry, handle, content.Length, new byte[65_536]));

        content.AsSpan().Fill((byte)'.');
        File.WriteAllBytes(path, content);
        using var clean = File.OpenHandle(path);
        Assert.False(PackedFileWriter.MayChangeStreamed(entry, clean, content.Length, new byte[65_536]));
    }

    [Fact]
    public async Task Bytecode_caches_stay_valid_after_unpacking_with_normalized_times()
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch));
        var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, "environment"));
        // python -v says, per module, whether its cached bytecode was used ("matches") or found stale (recompiled).
        var imports = ProcessRun.RunChecked(Path.Combine(root, "bin", "python"), ["-v", "-c", "import json, json.decoder, " + DemoWheels.PackageModule], root).StandardError;
        Assert.DoesNotContain("# bytecode is stale for", imports, StringComparison.Ordinal);
        Assert.Matches(@"# .*json/__pycache__/decoder\.cpython-311\.pyc matches .*json/decoder\.py", imports);
        Assert.Matches(@"# .*" + DemoWheels.PackageModule + @"/__pycache__/__init__\.cpython-311\.pyc matches", imports);
    }

    [Fact]
    public async Task Verify_imports_each_distribution_with_the_packed_interpreter_in_a_folder_named_environment()
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch));

        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { Distributions = [DemoWheels.PackageModule.Replace('_', '-')], ScratchRoot = scratch.Path });
        Assert.True(verified.Succeeded, verified.DescribeFailures());
        Assert.Equal("3.11", string.Join('.', verified.PythonVersion.Split('.').Take(2)));
        Assert.EndsWith("/environment", verified.Prefix, StringComparison.Ordinal);
        Assert.Contains(verified.Imports, i => i.Module == DemoWheels.PackageModule && i.Succeeded);

        var missing = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { Distributions = ["pandas"], Modules = ["no_such_module_sjg"] });
        Assert.False(missing.Succeeded);
        Assert.Contains(missing.Problems, p => p.Contains("pandas", StringComparison.Ordinal));
        Assert.Contains(missing.Imports, i => i.Module == "no_such_module_sjg" && !i.Succeeded && i.Error!.Contains("ModuleNotFoundError", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Same_content_packs_to_identical_bytes_and_an_unchanged_env_is_served_from_the_cache()
    {
        using var scratch = new ScratchDirectory();
        var first = await EnvironmentPacker.PackAsync(Options(scratch, "one.tar.gz") with { UseCache = false });
        var second = await EnvironmentPacker.PackAsync(Options(scratch, "two.tar.gz") with { UseCache = false });
        Assert.Equal(Sha256(first.ArchivePath), Sha256(second.ArchivePath));
        Assert.Equal(first.ContentKey, second.ContentKey);

        var cached = await EnvironmentPacker.PackAsync(Options(scratch, "three.tar.gz"));
        Assert.False(cached.FromCache);
        var written = File.GetLastWriteTimeUtc(cached.ArchivePath);
        var again = await EnvironmentPacker.PackAsync(Options(scratch, "three.tar.gz"));
        Assert.True(again.FromCache);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again.ArchivePath));
        Assert.Equal(cached.ContentKey, again.ContentKey);
        Assert.Equal(cached.Files, again.Files);

        // A file rewritten in place (same size, new time) is a change: packed again.
        var module = Directory.GetFiles(Path.Combine(venv.SitePackages, DemoWheels.PackageModule), "*.py").First();
        var originalTime = File.GetLastWriteTimeUtc(module);
        File.SetLastWriteTimeUtc(module, originalTime.AddMinutes(1));
        try
        {
            var touched = await EnvironmentPacker.PackAsync(Options(scratch, "touched.tar.gz"));
            Assert.False(touched.FromCache);
            var touchedAgain = await EnvironmentPacker.PackAsync(Options(scratch, "touched.tar.gz"));
            Assert.True(touchedAgain.FromCache);
        }
        finally
        {
            File.SetLastWriteTimeUtc(module, originalTime);
        }

        Assert.True((await EnvironmentPacker.PackAsync(Options(scratch, "three.tar.gz"))).FromCache);

        // Any change to the environment (here a new file) changes the key and forces a real pack, which needs --force to replace.
        var marker = Path.Combine(venv.SitePackages, "sjg_cache_probe.txt");
        File.WriteAllText(marker, "changed");
        try
        {
            var refused = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(Options(scratch, "three.tar.gz")));
            Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
            var repacked = await EnvironmentPacker.PackAsync(Options(scratch, "three.tar.gz") with { Force = true });
            Assert.False(repacked.FromCache);
            Assert.NotEqual(cached.ContentKey, repacked.ContentKey);
            Assert.Contains("sjg_cache_probe.txt", ProcessRun.RunChecked("tar", ["-tzf", repacked.ArchivePath]).StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task The_runner_s_archiver_records_nothing_for_the_temporary_file_it_packs_to()
    {
        // SparkJobRunner packs to a temporary name, verifies, renames and records the final archive itself: a record of the
        // temporary name would outlive the file in the pack cache's index.
        using var scratch = new ScratchDirectory();
        var archiver = new PackingEnvironmentArchiver(Options(scratch) with { Prefix = null, Output = null }, new VerifyOptions());
        var temporary = scratch.File(".env.partial.tar.gz");

        await archiver.PackAsync(venv.Prefix, temporary, CancellationToken.None);

        Assert.True(File.Exists(temporary));
        var index = Path.Combine(scratch.File("cache"), "index");
        Assert.False(Directory.Exists(index) && Directory.EnumerateFileSystemEntries(index).Any(), "records: " + (Directory.Exists(index) ? string.Join(", ", Directory.GetFiles(index)) : string.Empty));
    }

    [Fact]
    public async Task A_no_cache_pack_records_its_archive_and_the_next_pack_with_the_default_level_reuses_it()
    {
        using var scratch = new ScratchDirectory();
        var fresh = await EnvironmentPacker.PackAsync(Options(scratch) with { UseCache = false, CompressionLevel = 4 });
        Assert.False(fresh.FromCache);
        var written = File.GetLastWriteTimeUtc(fresh.ArchivePath);

        // No metadata key was recorded (the lookup was skipped): the content key matches, and the metadata key is recorded now.
        var reused = await EnvironmentPacker.PackAsync(Options(scratch) with { CompressionLevel = null });
        Assert.True(reused.FromCache);
        Assert.Equal(fresh.ContentKey, reused.ContentKey);
        Assert.Equal(fresh.ArchiveBytes, reused.ArchiveBytes);
        var record = Assert.Single(Directory.GetFiles(Path.Combine(scratch.File("cache"), "index"), "*.json"));
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(record)))
        {
            Assert.StartsWith("m", json.RootElement.GetProperty("MetadataKey").GetString(), StringComparison.Ordinal);
            Assert.Equal(fresh.ContentKey, json.RootElement.GetProperty("Result").GetProperty("ContentKey").GetString());
        }

        // A file the filters leave out changes the metadata key only: still the same archive, and the new metadata key is recorded.
        var filtered = Options(scratch, "filtered.tar.gz") with { Filters = [.. Slim, new PathFilterRule(Include: false, "include/sjg_excluded_probe.h")] };
        var first = await EnvironmentPacker.PackAsync(filtered);
        Assert.False(first.FromCache);
        var excluded = Path.Combine(venv.Prefix, "include", "sjg_excluded_probe.h");
        Directory.CreateDirectory(Path.GetDirectoryName(excluded)!);
        File.WriteAllText(excluded, "/* not packed */");
        try
        {
            var again = await EnvironmentPacker.PackAsync(filtered);
            Assert.True(again.FromCache);
            Assert.Equal(first.ContentKey, again.ContentKey);
            Assert.True((await EnvironmentPacker.PackAsync(filtered)).FromCache);
        }
        finally
        {
            File.Delete(excluded);
        }

        Assert.Equal(written, File.GetLastWriteTimeUtc(fresh.ArchivePath));

        // A damaged record is no hit and no crash: the existing archive is protected until --force.
        File.WriteAllText(record, "{ not json");
        var refused = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(Options(scratch) with { CompressionLevel = 4 }));
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_prefix_rewrites_now_and_adds_no_conda_unpack()
    {
        using var scratch = new ScratchDirectory();
        var destination = Path.Combine(scratch.Path, "opt", "envs", "scoring");
        var result = await EnvironmentPacker.PackAsync(Options(scratch) with { DestinationPrefix = destination, Format = "tar" , Output = scratch.File("env.tar") });
        Assert.Equal(0, result.UnpackRecords);

        Directory.CreateDirectory(destination);
        ProcessRun.RunChecked("tar", ["-xf", result.ArchivePath, "-C", destination]);
        Assert.False(File.Exists(Path.Combine(destination, "bin", "conda-unpack")));
        Assert.StartsWith("#!" + destination + "/bin/python", File.ReadAllText(Path.Combine(destination, "bin", DemoWheels.CliScript)), StringComparison.Ordinal);
        var sysconfig = Directory.GetFiles(Path.Combine(destination, "lib", "python3.11"), "_sysconfigdata_*.py").Single();
        Assert.Contains(destination, File.ReadAllText(sysconfig), StringComparison.Ordinal);
        Assert.DoesNotContain(venv.BasePrefix + "/", File.ReadAllText(sysconfig), StringComparison.Ordinal);
        var run = ProcessRun.RunChecked(Path.Combine(destination, "bin", DemoWheels.CliScript), [], destination);
        Assert.False(string.IsNullOrWhiteSpace(run.StandardOutput));
    }

    [Theory]
    [InlineData("zip", "env.zip")]
    [InlineData("tar.zst", "env.tar.zst")]
    [InlineData("tar.bz2", "env.tar.bz2")]
    [InlineData("no-archive", "env-dir")]
    public async Task Every_format_unpacks_to_a_working_interpreter(string format, string name)
    {
        using var scratch = new ScratchDirectory();
        var result = await EnvironmentPacker.PackAsync(Options(scratch, name) with { Format = format });
        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { Modules = [DemoWheels.PackageModule, "json", "sqlite3"], ScratchRoot = scratch.Path });
        Assert.True(verified.Succeeded, verified.DescribeFailures());
    }

    [Fact]
    public async Task Cancellation_leaves_neither_the_archive_nor_a_temporary_file()
    {
        using var scratch = new ScratchDirectory();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.FilesDone > 10)
            {
                cancel.Cancel();
            }
        });
        var options = Options(scratch, "cancelled.tar.gz") with { Filters = [] };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EnvironmentPacker.PackAsync(options, progress, cancel.Token));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(scratch.Path), p => Path.GetFileName(p) != "cache");
    }

    [Fact]
    public async Task Refuses_to_overwrite_an_unrelated_file_and_leaves_it_untouched()
    {
        using var scratch = new ScratchDirectory();
        var output = scratch.File("precious.tar.gz");
        File.WriteAllText(output, "not an archive");
        var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(Options(scratch) with { Output = output }));
        Assert.Contains("-f/--force", error.Message, StringComparison.Ordinal);
        Assert.Equal("not an archive", File.ReadAllText(output));
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Reports on the packing thread (Progress&lt;T&gt; posts to the pool, too late to cancel deterministically).</summary>
    private sealed class SynchronousProgress(Action<PackProgress> report) : IProgress<PackProgress>
    {
        public void Report(PackProgress value) => report(value);
    }
}

/// <summary>Editable installs are refused with the package named, unless explicitly ignored.</summary>
public sealed class EditableVenvPackingTests(EditableVenvFixture venv) : IClassFixture<EditableVenvFixture>
{
    [Fact]
    public async Task Editable_install_is_refused_with_its_name_and_packs_when_ignored()
    {
        using var scratch = new ScratchDirectory();
        var options = new PackOptions { Prefix = venv.Prefix, Output = scratch.File("e.tar"), Format = "tar", Filters = VenvPackingTests.Slim, UseCache = false };
        var error = await Assert.ThrowsAsync<EditablePackagesException>(() => EnvironmentPacker.PackAsync(options));
        Assert.Contains(error.Packages, p => p.Contains("editable", StringComparison.OrdinalIgnoreCase) && p.Contains(venv.EditableSource!, StringComparison.Ordinal));
        Assert.Contains("--ignore-editable-packages", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.Output));

        var packed = await EnvironmentPacker.PackAsync(options with { IgnoreEditablePackages = true });
        Assert.True(File.Exists(packed.ArchivePath));
    }
}
