using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// The metadata walk: the Linux listing (readdir + statx relative to the directory) must find exactly what the portable
/// enumeration finds, item for item, on real trees: this machine's standard library and a tree of awkward entries.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EnvironmentWalkerTests
{
    [Fact]
    public void The_native_listing_is_available_here()
    {
        // This machine is glibc Linux with statx; if the probe fails here, the fast path silently never runs.
        Assert.True(LinuxDirectory.IsAvailable);
    }

    [Fact]
    public void A_visit_hands_every_item_to_its_workers_sinks_and_hashes_like_a_kept_walk()
    {
        var stdlib = HostPython.Current.StandardLibrary;
        var kept = CollectedWalk.Walk(stdlib, skipCondaTopLevel: false);
        var visited = EnvironmentWalker.Visit(stdlib, skipCondaTopLevel: false, prune: null, native: null, static () => new DiskItems());
        Assert.Equal(Sorted(kept), visited.SelectMany(part => Sorted(part)).Order(StringComparer.Ordinal).ToList());

        // The cache's hash, computed by the workers as they go, equals the same hash over the items of a kept walk.
        var root = System.Text.Encoding.UTF8.GetBytes(stdlib + "|");
        var hashes = EnvironmentWalker.Visit(stdlib, skipCondaTopLevel: false, prune: null, native: null, () => new MetadataHash(root));
        var once = new MetadataHash(root);
        foreach (var item in kept)
        {
            once.Add(item);
        }

        Assert.True(hashes.Length >= 1);
        Assert.Equal(once.Count, (ulong)hashes.Sum(h => (long)h.Count));
        Assert.Equal(once.Sum, hashes.Aggregate(UInt128.Zero, (sum, h) => sum + h.Sum));
    }

    [Fact]
    public void Native_and_portable_walks_agree_on_the_standard_library()
    {
        var stdlib = HostPython.Current.StandardLibrary;
        var native = Sorted(CollectedWalk.Walk(stdlib, skipCondaTopLevel: false, native: true));
        var portable = Sorted(CollectedWalk.Walk(stdlib, skipCondaTopLevel: false, native: false));
        Assert.True(native.Count > 1000, $"only {native.Count} items under {stdlib}");
        Assert.Equal(portable, native);
    }

    [Fact]
    public void Native_and_portable_walks_agree_on_links_empty_folders_modes_special_files_and_names()
    {
        using var scratch = new ScratchDirectory();
        var root = scratch.Path;
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.WriteAllText(Path.Combine(root, "bin", "python3.11"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(root, "bin", "python3.11"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(Path.Combine(root, "bin", "python"), "python3.11");
        File.CreateSymbolicLink(Path.Combine(root, "bin", "dangling"), "does-not-exist");
        Directory.CreateDirectory(Path.Combine(root, "lib", "pkg", "sub"));
        Directory.CreateSymbolicLink(Path.Combine(root, "lib", "pkg-link"), "pkg");
        File.WriteAllBytes(Path.Combine(root, "lib", "pkg", "sub", "data.bin"), new byte[12345]);
        File.SetUnixFileMode(Path.Combine(root, "lib", "pkg", "sub", "data.bin"), (UnixFileMode)0b100_000_000 | UnixFileMode.SetUser);
        File.WriteAllText(Path.Combine(root, "lib", "r\u00e9sum\u00e9-\u00fcn\u00efcode \u6f22\u5b57.txt"), "caf\u00e9");
        File.WriteAllText(Path.Combine(root, "lib", ".hidden"), "h");
        File.SetLastWriteTimeUtc(Path.Combine(root, "lib", ".hidden"), new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc).AddTicks(1234567));
        var empty = Directory.CreateDirectory(Path.Combine(root, "share", "empty"));
        File.SetUnixFileMode(empty.FullName, (UnixFileMode)0b111_000_000);
        Directory.CreateDirectory(Path.Combine(root, "pkgs", "cached"));
        File.WriteAllText(Path.Combine(root, "pkgs", "cached", "x"), "x");
        Tool.Ok("mkfifo", "-m", "644", Path.Combine(root, "lib", "pipe"));

        foreach (var skip in new[] { false, true })
        {
            var native = Sorted(CollectedWalk.Walk(root, skip, prune: p => p == "lib/pkg/sub", native: true));
            var portable = Sorted(CollectedWalk.Walk(root, skip, prune: p => p == "lib/pkg/sub", native: false));
            Assert.Equal(portable, native);
        }

        var items = CollectedWalk.Walk(root, skipCondaTopLevel: true, native: true).ToDictionary(i => i.RelativePath);
        Assert.Equal(PackEntryKind.Symlink, items["bin/python"].Kind);
        Assert.Equal(PackEntryKind.Symlink, items["bin/dangling"].Kind);
        Assert.Equal(PackEntryKind.Symlink, items["lib/pkg-link"].Kind);
        Assert.Equal(PackEntryKind.Directory, items["share/empty"].Kind);
        Assert.Equal(0b111_000_000, items["share/empty"].Mode);
        Assert.Equal(12345, items["lib/pkg/sub/data.bin"].Length);
        Assert.Equal(0b100_000_000 | (int)UnixFileMode.SetUser, items["lib/pkg/sub/data.bin"].Mode);
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc).AddTicks(1234567).Ticks, items["lib/.hidden"].LastWriteTicks);
        Assert.Equal(Path.Combine(root, "bin", "python3.11"), items["bin/python3.11"].FullPath);
        Assert.DoesNotContain(items.Keys, k => k.StartsWith("pkgs/", StringComparison.Ordinal));
        Assert.Contains("lib/r\u00e9sum\u00e9-\u00fcn\u00efcode \u6f22\u5b57.txt", items.Keys);
    }

    [Fact]
    public void A_folder_whose_names_outgrow_the_listing_buffer_and_paths_that_span_storage_chunks_read_back_whole()
    {
        // 700 names of about 100 bytes (multi-byte characters included) exceed the 16 KiB listing buffer, and 1,400 items
        // of 120-byte paths span several 64 KiB chunks of the walk's path storage.
        using var scratch = new ScratchDirectory();
        var expected = new List<string>();
        foreach (var folder in new[] { "a", "b\u00e9" })
        {
            Directory.CreateDirectory(Path.Combine(scratch.Path, "lib", folder));
            for (var i = 0; i < 700; i++)
            {
                var name = $"module_{i:D4}_{new string('\u00e9', 20)}_{new string('x', i % 50)}.py";
                File.WriteAllText(Path.Combine(scratch.Path, "lib", folder, name), folder + i);
                expected.Add($"lib/{folder}/{name}");
            }
        }

        foreach (var native in new[] { true, false })
        {
            var items = CollectedWalk.Walk(scratch.Path, skipCondaTopLevel: false, native: native);
            Assert.Equal(expected.Order(StringComparer.Ordinal), items.Select(i => i.RelativePath).Order(StringComparer.Ordinal));
            Assert.All(items, i => Assert.Equal(File.ReadAllBytes(i.FullPath).Length, i.Length));
            var buffer = new byte[8];
            Assert.All(items, i => Assert.Equal(System.Text.Encoding.UTF8.GetBytes(i.RelativePath), i.PathUtf8(ref buffer).ToArray()));
            Assert.All(items, i => Assert.Equal((byte)'/', i.Directory[^1]));
        }
    }

    [Fact]
    public void A_missing_root_is_a_clear_error_either_way()
    {
        using var scratch = new ScratchDirectory();
        var missing = Path.Combine(scratch.Path, "nope");
        var native = Assert.Throws<DirectoryNotFoundException>(() => CollectedWalk.Walk(missing, false, native: true));
        Assert.Contains(missing, native.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => CollectedWalk.Walk(missing, false, native: false));
    }

    private static List<string> Sorted(IEnumerable<DiskItem> items) =>
        items.Select(i => $"{i.RelativePath}|{i.Kind}|{i.Length}|{i.LastWriteTicks}|{i.Mode}|{i.FullPath}").Order(StringComparer.Ordinal).ToList();
}
