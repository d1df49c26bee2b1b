using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// Zip without --zip-symlinks: each link becomes copies of its target at the link's place, following chains, copying a
/// linked folder with everything under it, holding only the links and their targets.
/// </summary>
public sealed class SymlinkCopiesTests
{
    private static readonly List<PackEntry> Entries =
    [
        Folder("bin"),
        Link("bin/python", "python3.11"),
        Link("bin/python3", "python3.11"),
        File("bin/python3.11", 100),
        Folder("lib"),
        Link("lib/current", "pkg-1.0"),
        Link("lib/libz.so", "libz.so.1"),
        Link("lib/libz.so.1", "libz.so.1.3"),
        File("lib/libz.so.1.3", 30),
        Folder("lib/pkg-1.0"),
        File("lib/pkg-1.0/a.py", 5),
        Link("lib/pkg-1.0/alias.py", "a.py"),
        Folder("lib/pkg-1.0/sub"),
        File("lib/pkg-1.0/sub/b.py", 7),
        Link("share/up", "../bin/python3.11"),
    ];

    [Fact]
    public void Links_become_copies_of_their_final_targets_in_the_links_places()
    {
        var copies = new SymlinkCopies();
        Entries.ForEach(copies.Observe);
        copies.Resolve(Entries);
        var expanded = copies.Expand(Entries).ToList();

        Assert.DoesNotContain(expanded, e => e.Kind == PackEntryKind.Symlink);
        Assert.Equal(Entries.Count - copies.LinkCount + copies.CopyCount, expanded.Count);
        Assert.Equal(
            [
                "bin", "bin/python", "bin/python3", "bin/python3.11", "lib",
                "lib/current", "lib/current/a.py", "lib/current/sub", "lib/current/sub/b.py",
                "lib/libz.so", "lib/libz.so.1", "lib/libz.so.1.3",
                "lib/pkg-1.0", "lib/pkg-1.0/a.py", "lib/pkg-1.0/alias.py", "lib/pkg-1.0/sub", "lib/pkg-1.0/sub/b.py", "share/up",
            ],
            expanded.Select(e => e.ArchivePath));

        // Each copy is its target's entry (source, length, kind) under the link's path: a chain ends at the file.
        var byPath = expanded.ToDictionary(e => e.ArchivePath);
        Assert.Equal("/env/lib/libz.so.1.3", byPath["lib/libz.so"].SourcePath);
        Assert.Equal(30, byPath["lib/libz.so.1"].Length);
        Assert.Equal("/env/bin/python3.11", byPath["share/up"].SourcePath);
        Assert.Equal(PackEntryKind.Directory, byPath["lib/current"].Kind);
        Assert.Equal("/env/lib/pkg-1.0/sub/b.py", byPath["lib/current/sub/b.py"].SourcePath);
        Assert.Equal("/env/lib/pkg-1.0/a.py", byPath["lib/pkg-1.0/alias.py"].SourcePath);
    }

    [Theory]
    [InlineData("missing.so")]
    [InlineData("loop")]
    [InlineData("../../outside")]
    public void A_link_to_nothing_in_the_environment_is_refused_naming_it(string target)
    {
        List<PackEntry> entries = [Folder("lib"), Link("lib/loop", "loop"), Link("lib/x.so", target), File("lib/y.so", 1)];
        var copies = new SymlinkCopies();
        entries.ForEach(copies.Observe);
        var error = Assert.Throws<PackingException>(() => copies.Resolve(entries));
        Assert.Contains("'lib/", error.Message, System.StringComparison.Ordinal);
        Assert.Contains("--zip-symlinks", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Without_links_nothing_is_held_and_entries_pass_through()
    {
        List<PackEntry> entries = [Folder("lib"), File("lib/a", 1)];
        var copies = new SymlinkCopies();
        entries.ForEach(copies.Observe);
        Assert.Equal(0, copies.LinkCount);
        copies.Resolve(entries);
        Assert.Equal(entries, copies.Expand(entries));
    }

    private static PackEntry Folder(string path) => new(path, PackEntryKind.Directory, "/env/" + path, 0x1ED, 0, 0);

    private static PackEntry File(string path, long length) => new(path, PackEntryKind.File, "/env/" + path, 0x1A4, length, 0);

    private static PackEntry Link(string path, string target) => new(path, PackEntryKind.Symlink, "/env/" + path, 0x1FF, 0, 0, LinkTarget: target);
}
