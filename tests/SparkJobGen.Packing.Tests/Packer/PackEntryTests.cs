namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>PackEntry holds most source paths as a shared folder plus its archive path; it must still read as the full path.</summary>
public sealed class PackEntryTests
{
    [Fact]
    public void The_source_path_reads_back_whole_whatever_its_shape_and_survives_with_expressions()
    {
        var entry = new PackEntry("lib/python3.11/os.py", PackEntryKind.File, "/opt/py/lib/python3.11/os.py", 0x1A4, 10, 0);
        Assert.Equal("/opt/py/lib/python3.11/os.py", entry.SourcePath);

        // A zip copy of a symlink's target keeps the target's source under the link's archive path.
        var renamed = entry with { ArchivePath = "bin/os-link.py" };
        Assert.Equal("/opt/py/lib/python3.11/os.py", renamed.SourcePath);
        Assert.Equal("bin/os-link.py", renamed.ArchivePath);

        Assert.Equal("/elsewhere/x.py", (entry with { SourcePath = "/elsewhere/x.py" }).SourcePath);
        Assert.Null((entry with { SourcePath = null }).SourcePath);
        Assert.Equal("/opt/py/libpython3.11.so", new PackEntry("lib/libpython3.11.so", PackEntryKind.File, "/opt/py/libpython3.11.so", 0x1ED, 1, 0).SourcePath);
        Assert.Equal("relative/os.py", new PackEntry("os.py", PackEntryKind.File, "relative/os.py", 0x1A4, 1, 0).SourcePath);
        Assert.Equal("xos.py", new PackEntry("os.py", PackEntryKind.File, "xos.py", 0x1A4, 1, 0).SourcePath);

        // Equality and the printed form are by value.
        Assert.Equal(entry, new PackEntry("lib/python3.11/os.py", PackEntryKind.File, "/opt/py/" + "lib/python3.11/os.py", 0x1A4, 10, 0));
        Assert.Contains("SourcePath = /opt/py/lib/python3.11/os.py", entry.ToString(), StringComparison.Ordinal);
        var (archivePath, _, sourcePath, _, _, _, _, _, _, _, _, _, _) = entry;
        Assert.Equal(("lib/python3.11/os.py", "/opt/py/lib/python3.11/os.py"), (archivePath, sourcePath));
    }
}
