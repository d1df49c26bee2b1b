using System.Text.Json;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

public sealed class TarFormatsTests
{
    /// <summary>Lists members with Python's tarfile (transparent decompression, PAX aware).</summary>
    private const string ListMembers = """
        import json, sys, tarfile
        with tarfile.open(sys.argv[1], 'r:*') as t:
            print(json.dumps([dict(name=m.name, mode=m.mode, type=m.type.decode(), linkname=m.linkname, size=m.size,
                                   mtime=m.mtime, uid=m.uid, gid=m.gid, uname=m.uname, gname=m.gname,
                                   data=(t.extractfile(m).read().hex() if m.isfile() else None)) for m in t.getmembers()]))
        """;

    public static TheoryData<ArchiveFormat> TarFormats => new() { ArchiveFormat.Tar, ArchiveFormat.TarGz, ArchiveFormat.TarBz2, ArchiveFormat.TarZst };

    [SkippableTheory]
    [MemberData(nameof(TarFormats))]
    public async Task Gnu_tar_extracts_every_entry_with_its_bytes_mode_and_link(ArchiveFormat format)
    {
        using var scratch = new ScratchDirectory();
        var archive = scratch.File("env" + ArchiveFormats.DefaultExtension(format));
        await ArchiveFiles.WriteSampleAsync(format, archive, new ArchiveWriterOptions { Threads = 2 });
        var target = Directory.CreateDirectory(scratch.File("out")).FullName;
        Tool.Ok("tar", "-xpf", archive, "-C", target);
        SampleTree.AssertExtracted(target);
    }

    [SkippableTheory]
    [MemberData(nameof(TarFormats))]
    public async Task Gnu_tar_lists_root_owners_the_normalised_time_and_the_modes(ArchiveFormat format)
    {
        using var scratch = new ScratchDirectory();
        var archive = scratch.File("env" + ArchiveFormats.DefaultExtension(format));
        await ArchiveFiles.WriteSampleAsync(format, archive, new ArchiveWriterOptions());
        var listing = Tool.Ok("tar", "--numeric-owner", "--utc", "-tvf", archive).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(SampleTree.Entries.Count, listing.Length);
        Assert.All(listing, line => Assert.Contains(" 0/0 ", line));
        Assert.All(listing, line => Assert.Contains("1980-01-01 00:00", line));
        Assert.Contains(listing, line => line.StartsWith("lrwxrwxrwx", StringComparison.Ordinal) && line.EndsWith("bin/python -> python3.11", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && line.EndsWith("lib/libnoise.so", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("-rw-r--r--", StringComparison.Ordinal) && line.EndsWith("lib/module.py", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("drwx------", StringComparison.Ordinal) && line.EndsWith("empty/", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(TarFormats))]
    public async Task Python_tarfile_reads_pax_long_and_unicode_names_modes_links_and_content(ArchiveFormat format)
    {
        using var scratch = new ScratchDirectory();
        var archive = scratch.File("env" + ArchiveFormats.DefaultExtension(format));
        await ArchiveFiles.WriteSampleAsync(format, archive, new ArchiveWriterOptions { ArcRoot = "/myenv/" });
        if (format == ArchiveFormat.TarZst)
        {
            // Python reads zstd only from 3.14; let the zstd tool decompress and tarfile read the tar.
            Tool.Ok("zstd", "-q", "-d", archive, "-o", scratch.File("env.tar"));
            archive = scratch.File("env.tar");
        }

        var members = Tool.Python(ListMembers, archive).EnumerateArray().ToList();
        Assert.Equal(SampleTree.Entries.Count, members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            var expected = SampleTree.Entries[i];
            var member = members[i];
            Assert.Equal("myenv/" + expected.Path, member.GetProperty("name").GetString());
            Assert.Equal(expected.Mode, member.GetProperty("mode").GetInt32());
            Assert.Equal(315532800, member.GetProperty("mtime").GetInt64());
            Assert.Equal(0, member.GetProperty("uid").GetInt32());
            Assert.Equal(0, member.GetProperty("gid").GetInt32());
            Assert.Equal("", member.GetProperty("uname").GetString());
            Assert.Equal("", member.GetProperty("gname").GetString());
            var type = member.GetProperty("type").GetString();
            switch (expected.Kind)
            {
                case SampleKind.Directory:
                    Assert.Equal("5", type);
                    break;
                case SampleKind.Symlink:
                    Assert.Equal("2", type);
                    Assert.Equal(expected.LinkTarget, member.GetProperty("linkname").GetString());
                    break;
                default:
                    Assert.Equal("0", type);
                    Assert.Equal(expected.Content.Length, member.GetProperty("size").GetInt64());
                    Assert.Equal(Convert.ToHexString(expected.Content), member.GetProperty("data").GetString(), ignoreCase: true);
                    break;
            }
        }
    }

    [SkippableTheory]
    [InlineData(ArchiveFormat.TarGz, "gzip")]
    [InlineData(ArchiveFormat.TarBz2, "bzip2")]
    [InlineData(ArchiveFormat.TarZst, "zstd")]
    public async Task The_compressor_own_tool_verifies_the_stream(ArchiveFormat format, string tool)
    {
        using var scratch = new ScratchDirectory();
        var archive = scratch.File("env" + ArchiveFormats.DefaultExtension(format));
        await ArchiveFiles.WriteSampleAsync(format, archive, new ArchiveWriterOptions());
        Tool.Ok(tool, "-t", archive);

        // Decompressed, it is exactly the plain tar of the same input.
        var plain = scratch.File("env.tar");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Tar, plain, new ArchiveWriterOptions());
        var decompressed = scratch.File("decompressed.tar");
        Tool.Ok("sh", "-c", $"{tool} -dc '{archive}' > '{decompressed}'");
        Assert.Equal(0, new FileInfo(plain).Length % 10240);
        Assert.Equal(ArchiveFiles.Sha256(plain), ArchiveFiles.Sha256(decompressed));
    }

    [SkippableTheory]
    [InlineData(ArchiveFormat.Tar, 1)]
    [InlineData(ArchiveFormat.TarGz, 2)]
    [InlineData(ArchiveFormat.TarBz2, 1)]
    [InlineData(ArchiveFormat.TarZst, 1)]
    [InlineData(ArchiveFormat.TarZst, 2)]
    public async Task The_same_input_gives_identical_bytes(ArchiveFormat format, int threads)
    {
        using var scratch = new ScratchDirectory();
        var options = new ArchiveWriterOptions { Threads = threads };
        await ArchiveFiles.WriteSampleAsync(format, scratch.File("a"), options);
        await ArchiveFiles.WriteSampleAsync(format, scratch.File("b"), options);
        Assert.Equal(ArchiveFiles.Sha256(scratch.File("a")), ArchiveFiles.Sha256(scratch.File("b")));
    }

    [SkippableFact]
    public async Task Parallel_bzip2_bytes_do_not_depend_on_the_thread_count_and_hold_several_streams()
    {
        using var scratch = new ScratchDirectory();
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarBz2, scratch.File("one.tar.bz2"), new ArchiveWriterOptions { Threads = 1, CompressionLevel = 1 });
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarBz2, scratch.File("three.tar.bz2"), new ArchiveWriterOptions { Threads = 3, CompressionLevel = 1 });
        Assert.Equal(ArchiveFiles.Sha256(scratch.File("one.tar.bz2")), ArchiveFiles.Sha256(scratch.File("three.tar.bz2")));

        // 1.7 MB of tar at 100 kB chunks: many concatenated bzip2 streams, which bzip2 itself accepts as one file.
        var bytes = await File.ReadAllBytesAsync(scratch.File("one.tar.bz2"));
        var streams = 0;
        for (var i = 0; i + 10 <= bytes.Length; i++)
        {
            // "BZh1" followed by the block magic 0x314159265359.
            if (bytes[i] == 'B' && bytes[i + 1] == 'Z' && bytes[i + 2] == 'h' && bytes[i + 3] == '1' && bytes[i + 4] == 0x31 && bytes[i + 5] == 0x41 && bytes[i + 6] == 0x59)
            {
                streams++;
            }
        }

        Assert.True(streams > 5, $"{streams} streams");
        Tool.Ok("bzip2", "-t", scratch.File("one.tar.bz2"));
    }

    [SkippableFact]
    public async Task A_stream_shorter_or_longer_than_announced_is_an_error_naming_the_file()
    {
        await using var writer = ArchiveWriter.Create(ArchiveFormat.Tar, new MemoryStream(), new ArchiveWriterOptions());
        var shorter = Assert.Throws<IOException>(() => writer.AddFile("lib/a.py", 0x1A4, 10, new MemoryStream(new byte[5])));
        Assert.Contains("lib/a.py", shorter.Message);
        var longer = Assert.Throws<IOException>(() => writer.AddFile("lib/b.py", 0x1A4, 10, new MemoryStream(new byte[11])));
        Assert.Contains("lib/b.py", longer.Message);
    }
}
