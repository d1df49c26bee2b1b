using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// The streamed entries (<see cref="EnvironmentEntries"/>): conda records sorted into runs on disk give the same archive as
/// records sorted in memory, the checks find the same problems either way, passes over the same disk agree, and an
/// environment that changes between the checking and the writing pass is refused without leaving an archive.
/// </summary>
public sealed class StreamingEntriesTests
{
    [Fact]
    public void Claim_rows_come_back_by_folder_then_name_then_insertion_from_memory_and_from_runs_alike()
    {
        var random = new Random(7);
        var folders = new[] { "", "a/", "a-b/", "a/b/", "a/b/c/", "a.b/", "lib/python3.11/site-packages/x/", "é/", "z/" };
        var names = new[] { "x", "x.py", "x-y", "y", "__init__.py", "Z", "ü" };
        var rows = Enumerable.Range(0, 3_000).Select(i => (Path: folders[random.Next(folders.Length)] + names[random.Next(names.Length)], Value: i)).ToList();

        List<(string, int)> ReadAll(int runRows, out int runs)
        {
            using var set = new ClaimSet(runRows);
            foreach (var (path, value) in rows)
            {
                set.Add(Encoding.UTF8.GetBytes(path), ClaimKind.Owned, value, value % 3 - 2);
            }

            set.Complete();
            runs = set.RunsOnDisk;
            var passes = new List<List<(string, int)>>();
            for (var pass = 0; pass < 2; pass++)
            {
                var read = new List<(string, int)>();
                using var reader = set.Read();
                while (reader.MoveNext())
                {
                    Assert.Equal(reader.Value % 3 - 2, reader.Placeholder);
                    read.Add((Encoding.UTF8.GetString(reader.Folder) + Encoding.UTF8.GetString(reader.Name), reader.Value));
                }

                passes.Add(read);
            }

            Assert.Equal(passes[0], passes[1]);
            return passes[0];
        }

        // The expected order, computed independently: the folder part (up to the last '/') by UTF-8 bytes, then the name, then
        // the order added.
        static (byte[] Folder, byte[] Name) Split(string path) =>
            (Encoding.UTF8.GetBytes(path[..(path.LastIndexOf('/') + 1)]), Encoding.UTF8.GetBytes(path[(path.LastIndexOf('/') + 1)..]));
        var expected = rows.OrderBy(r => Split(r.Path).Folder, ByteOrder.Instance).ThenBy(r => Split(r.Path).Name, ByteOrder.Instance).ThenBy(r => r.Value).ToList();

        var inMemory = ReadAll(100_000, out var memoryRuns);
        var spilled = ReadAll(64, out var diskRuns);
        Assert.Equal(0, memoryRuns);
        Assert.True(diskRuns >= 40, $"only {diskRuns} runs");
        Assert.Equal(expected, inMemory);
        Assert.Equal(expected, spilled);
    }

    [Fact]
    public void Claim_runs_are_deleted_with_the_set()
    {
        string? folder;
        using (var set = new ClaimSet(16))
        {
            for (var i = 0; i < 100; i++)
            {
                set.Add(Encoding.UTF8.GetBytes($"f/{i}"), ClaimKind.Listed, i, ClaimPrefix.Keep);
            }

            set.Complete();
            folder = Directory.EnumerateDirectories(Path.GetTempPath(), $"sparkjobgen-claims-{Environment.ProcessId}-*").Single();
            Assert.Equal(set.RunsOnDisk, Directory.EnumerateFiles(folder).Count());
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_conda_prefix_packed_with_its_records_sorted_on_disk_gives_the_same_bytes_and_runs_the_checks_the_same()
    {
        using var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(IncludePython: true, UnmanagedPipPackage: true));
        using var scratch = new ScratchDirectory();
        PackOptions Options(string name, int runRows) =>
            new() { Prefix = conda.Prefix, Output = scratch.File(name), CompressionLevel = 1, UseCache = false, ClaimRunRows = runRows };

        var memory = await EnvironmentPacker.PackAsync(Options("memory.tar.gz", ClaimSet.DefaultRunRows));
        var disk = await EnvironmentPacker.PackAsync(Options("disk.tar.gz", 16));
        Assert.Equal(File.ReadAllBytes(memory.ArchivePath), File.ReadAllBytes(disk.ArchivePath));
        Assert.Equal(memory.ContentKey, disk.ContentKey);
        Assert.Equal(memory.Warnings, disk.Warnings);
        Assert.Contains(memory.Warnings, w => w.Contains("sjg_pip_only", StringComparison.Ordinal));

        // Python's tarfile reads it back: the environment's entries in code point order of their paths, then the scripts the
        // packer adds, and every package's files present.
        var names = ProcessRun.RunChecked("python3", ["-c", "import sys, tarfile; print('\\n'.join(tarfile.open(sys.argv[1]).getnames()))", disk.ArchivePath])
            .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["bin/activate", "bin/deactivate", "bin/activate.fish", "bin/conda-unpack"], names[^4..]);
        Assert.Equal(names[..^4].Order(StringComparer.Ordinal), names[..^4]);
        foreach (var file in conda.Packages.SelectMany(p => p.Files).Where(f => f.PathType != "directory"))
        {
            Assert.Contains(file.Path, names);
        }
    }

    [Fact]
    public async Task Missing_and_clobbered_files_are_found_the_same_with_records_sorted_on_disk()
    {
        using var conda = CondaPrefixFixture.Create(new CondaPrefixOptions(PipClobbersNoarchPackage: true, UnmanagedPipPackage: true));
        using var scratch = new ScratchDirectory();
        PackOptions Options(int runRows) => new() { Prefix = conda.Prefix, Output = scratch.File("env.tar"), Format = "tar", UseCache = false, ClaimRunRows = runRows };

        var inMemory = await Assert.ThrowsAsync<MissingFilesException>(() => EnvironmentPacker.PackAsync(Options(ClaimSet.DefaultRunRows)));
        var onDisk = await Assert.ThrowsAsync<MissingFilesException>(() => EnvironmentPacker.PackAsync(Options(4)));
        Assert.Equal(inMemory.Message, onDisk.Message);
        Assert.Equal(inMemory.Missing.Keys, onDisk.Missing.Keys);

        var clobberedInMemory = await Assert.ThrowsAsync<ClobberedFilesException>(() => EnvironmentPacker.PackAsync(Options(ClaimSet.DefaultRunRows) with { IgnoreMissingFiles = true }));
        var clobberedOnDisk = await Assert.ThrowsAsync<ClobberedFilesException>(() => EnvironmentPacker.PackAsync(Options(4) with { IgnoreMissingFiles = true }));
        Assert.Equal(clobberedInMemory.Message, clobberedOnDisk.Message);
        Assert.Contains(conda.ClobberedFiles, f => clobberedOnDisk.Message.Contains(f, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void Two_passes_over_an_unchanged_venv_agree_and_a_change_between_them_is_refused()
    {
        using var venv = VenvFixture.Create(new VenvOptions(InstallDemoWheels: false));
        var options = new PackOptions { Prefix = venv.Prefix };
        var location = EnvironmentLocator.Resolve(venv.Prefix, null);
        using var entries = EnvironmentEntries.Open(location, options);
        var scanned = new List<string>();
        var scan = entries.Scan(options, e => scanned.Add(e.ArchivePath));
        Assert.Equal(scan.Count, scanned.Count);
        Assert.Equal(scanned.Order(StringComparer.Ordinal), scanned);
        Assert.Equal(scanned, entries.Enumerate().Select(e => e.ArchivePath));

        // A file appears in a folder the writing pass has not reached yet: the pass ends with an error, not a mixed archive.
        var late = Path.Combine(venv.SitePackages, "zz_installed_meanwhile.py");
        var error = Assert.Throws<PackingException>(() =>
        {
            foreach (var entry in entries.Enumerate())
            {
                if (entry.ArchivePath == scanned[0])
                {
                    File.WriteAllText(late, "x = 1\n");
                }
            }
        });
        Assert.Contains("changed while it was being packed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_venv_whose_files_change_while_packing_leaves_no_archive()
    {
        using var venv = VenvFixture.Create(new VenvOptions(InstallDemoWheels: false));
        using var scratch = new ScratchDirectory();

        // An empty folder the checking pass packs as such, and the writing pass reaches last of all (it sorts after every other
        // top-level name): a file appears in it once writing has begun (at the first progress report, after 100 ms of it).
        var late = Directory.CreateDirectory(Path.Combine(venv.Prefix, "zzz_late")).FullName;
        var changed = false;
        var progress = new SynchronousProgress(_ =>
        {
            if (!changed)
            {
                changed = true;
                File.WriteAllText(Path.Combine(late, "installed_meanwhile.py"), "x = 1\n");
            }
        });

        var options = new PackOptions { Prefix = venv.Prefix, Output = scratch.File("env.tar.gz"), CompressionLevel = 1, Threads = 1, UseCache = false };
        var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(options, progress));
        Assert.True(changed);
        Assert.Contains("changed while it was being packed", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path));

        // Once it is idle again, it packs.
        var packed = await EnvironmentPacker.PackAsync(options);
        Assert.Contains("zzz_late/installed_meanwhile.py", ProcessRun.RunChecked("tar", ["-tzf", packed.ArchivePath]).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tree_comes_out_in_code_point_order_with_empty_folders_links_and_pycs_linked_only_from_real_pycache_folders()
    {
        // A prefix with a conda-meta folder and no records: every item is an unmanaged file, which is all this needs.
        using var scratch = new ScratchDirectory();
        var prefix = Directory.CreateDirectory(Path.Combine(scratch.Path, "env")).FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "conda-meta"));
        var modified = DateTime.UnixEpoch.AddSeconds(1_700_000_123.9);
        void Write(string path, int length = 10)
        {
            var full = Path.Combine(prefix, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, new byte[length]);
            File.SetLastWriteTimeUtc(full, modified);
        }

        Write("pkg/mod.py", 321);
        Write("pkg/__pycache__/mod.cpython-311.pyc");
        Write("pkg/__pycache__/mod.cpython-311.opt-1.pyc");
        Write("pkg/__pycache__/gone.cpython-311.pyc");
        Write("pkg/excluded.py", 5);
        Write("pkg/__pycache__/excluded.cpython-311.pyc");
        Write("top.py", 7);
        Write("__pycache__/top.cpython-311.pyc");
        Write("pkg/not__pycache__/mod.cpython-311.pyc");
        File.CreateSymbolicLink(Path.Combine(prefix, "pkg/linked.py"), "mod.py");
        Write("pkg/__pycache__/linked.cpython-311.pyc");
        var deep = string.Join('/', Enumerable.Repeat(new string('d', 200), 6));
        Write(deep + "/long.py", 55);
        Write(deep + "/__pycache__/long.cpython-311.pyc");

        // Names around '/' in code point order: "x-1" and "x.py" sort before the folder "x/", "x0" after it.
        foreach (var name in new[] { "x-1", "x.py", "x/inner.txt", "x0", "x/y/z.txt", "xa/é.txt" })
        {
            Write("order/" + name);
        }

        Directory.CreateDirectory(Path.Combine(prefix, "order", "x", "empty"));

        var options = new PackOptions { Prefix = prefix, Filters = [new PathFilterRule(false, "pkg/excluded.py")] };
        using var entries = EnvironmentEntries.Open(EnvironmentLocator.Resolve(prefix, null), options);
        var scanned = new List<PackEntry>();
        entries.Scan(options, scanned.Add);
        var paths = scanned.Select(e => e.ArchivePath).ToList();
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
        Assert.Equal(
            ["order/x-1", "order/x.py", "order/x/empty", "order/x/inner.txt", "order/x/y/z.txt", "order/x0", "order/xa/é.txt"],
            paths.Where(p => p.StartsWith("order/", StringComparison.Ordinal)));
        Assert.Equal(PackEntryKind.Directory, scanned.Single(e => e.ArchivePath == "order/x/empty").Kind);
        Assert.Equal(PackEntryKind.Directory, scanned.Single(e => e.ArchivePath == "conda-meta").Kind);
        Assert.Equal("mod.py", scanned.Single(e => e.ArchivePath == "pkg/linked.py").LinkTarget);
        Assert.DoesNotContain("pkg/excluded.py", paths);
        Assert.Equal(Path.Combine(prefix, "top.py"), scanned.Single(e => e.ArchivePath == "top.py").SourcePath);

        var pycs = scanned.Where(e => e.ArchivePath.EndsWith(".pyc", StringComparison.Ordinal)).ToDictionary(e => e.ArchivePath, e => e.PycSource);
        Assert.Equal(new PycSource(321, 1_700_000_123), pycs["pkg/__pycache__/mod.cpython-311.pyc"]);
        Assert.Equal(new PycSource(321, 1_700_000_123), pycs["pkg/__pycache__/mod.cpython-311.opt-1.pyc"]);
        Assert.Equal(new PycSource(7, 1_700_000_123), pycs["__pycache__/top.cpython-311.pyc"]);
        Assert.Equal(new PycSource(55, 1_700_000_123), pycs[deep + "/__pycache__/long.cpython-311.pyc"]);
        Assert.Null(pycs["pkg/__pycache__/gone.cpython-311.pyc"]);
        Assert.Null(pycs["pkg/__pycache__/excluded.cpython-311.pyc"]);
        Assert.Null(pycs["pkg/not__pycache__/mod.cpython-311.pyc"]);
        Assert.Null(pycs["pkg/__pycache__/linked.cpython-311.pyc"]);

        // The writing pass gives the same entries.
        Assert.Equal(scanned, entries.Enumerate());
    }

    /// <summary>
    /// A folder of 10,000 files is listed in chunks (the listing hands over every <see cref="DirectoryListing.DrainAt"/>
    /// entries instead of holding the folder twice): the entries still come out whole and in code point order, a
    /// <c>__pycache__</c> beside them finds its source among them, both passes agree (the second reuses the first's arrays),
    /// and the cache's metadata walk finds the same items natively and portably.
    /// </summary>
    [Fact]
    public void A_folder_of_ten_thousand_files_is_listed_in_chunks_and_comes_out_whole_in_order_in_both_passes()
    {
        using var scratch = new ScratchDirectory();
        var prefix = Directory.CreateDirectory(Path.Combine(scratch.Path, "env")).FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "conda-meta"));
        var wide = Directory.CreateDirectory(Path.Combine(prefix, "lib", "wide")).FullName;
        var random = new Random(3);
        var expected = new List<string>();
        foreach (var i in Enumerable.Range(0, 10_000).OrderBy(_ => random.Next()))
        {
            var name = $"m{i:D5}{(i % 7 == 0 ? "é" : "")}.py";
            File.WriteAllBytes(Path.Combine(wide, name), new byte[i % 13]);
            expected.Add("lib/wide/" + name);
        }

        Directory.CreateDirectory(Path.Combine(wide, "m05000.d"));
        expected.Add("lib/wide/m05000.d");
        Directory.CreateDirectory(Path.Combine(wide, "__pycache__"));
        File.WriteAllBytes(Path.Combine(wide, "__pycache__", "m09999.cpython-311.pyc"), new byte[16]);
        expected.Add("lib/wide/__pycache__/m09999.cpython-311.pyc");
        File.SetLastWriteTimeUtc(Path.Combine(wide, "m09999.py"), DateTime.UnixEpoch.AddSeconds(1_600_000_000));

        var options = new PackOptions { Prefix = prefix };
        using var entries = EnvironmentEntries.Open(EnvironmentLocator.Resolve(prefix, null), options);
        var scanned = new List<PackEntry>();
        entries.Scan(options, scanned.Add);
        var paths = scanned.Select(e => e.ArchivePath).Where(p => p.StartsWith("lib/", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths);
        Assert.Equal(new PycSource(9_999 % 13, 1_600_000_000), scanned.Single(e => e.ArchivePath.EndsWith(".pyc", StringComparison.Ordinal)).PycSource);
        Assert.Equal(PackEntryKind.Directory, scanned.Single(e => e.ArchivePath == "lib/wide/m05000.d").Kind);
        Assert.Equal(scanned, entries.Enumerate());
        Assert.Equal(scanned, entries.Enumerate());

        var native = CollectedWalk.Walk(prefix, skipCondaTopLevel: true, native: true).Select(i => i.RelativePath).Order(StringComparer.Ordinal).ToList();
        var portable = CollectedWalk.Walk(prefix, skipCondaTopLevel: true, native: false).Select(i => i.RelativePath).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(portable, native);
        Assert.Equal(expected.Order(StringComparer.Ordinal), native.Where(p => p.StartsWith("lib/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Compiled_filter_rules_select_exactly_what_applying_them_to_the_whole_list_selects_and_source_roots_fit_their_walks()
    {
        string[] paths = ["bin/python", "lib/a.py", "lib/a.pyc", "lib/tests/t.py", "lib/tests/data.bin", "share/doc/x.txt"];
        PathFilterRule[] rules = [new(false, "lib/tests/*"), new(true, "*.py"), new(false, "*.pyc"), new(false, "share/*"), new(true, "share/doc/*")];
        var compiled = PathFilter.Compile(rules);
        Assert.Equal(["bin/python", "lib/a.py", "lib/tests/t.py", "share/doc/x.txt"], paths.Where(compiled));
        Assert.Equal(paths.Where(compiled), PathFilter.Apply(paths, rules));
        Assert.True(PathFilter.Compile([])("anything"));

        Assert.Equal("/base/", EnvironmentInventory.SourceRoot("/base/lib", "lib/"));
        Assert.Equal("/", EnvironmentInventory.SourceRoot("/lib", "lib/"));
        Assert.Equal("/venv/", EnvironmentInventory.SourceRoot("/venv", ""));
        Assert.Throws<ArgumentException>(() => EnvironmentInventory.SourceRoot("/base/lib64", "lib/"));
    }

    private sealed class SynchronousProgress(Action<PackProgress> report) : IProgress<PackProgress>
    {
        public void Report(PackProgress value) => report(value);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
