using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

public sealed class ZipTests
{
    private const string ListZip = """
        import json, stat, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            assert z.testzip() is None
            print(json.dumps([dict(name=i.filename, mode=i.external_attr >> 16, system=i.create_system, date=list(i.date_time),
                                   data=z.read(i).hex()) for i in z.infolist()]))
        """;

    [SkippableFact]
    public async Task Python_zipfile_reads_modes_links_names_and_content()
    {
        using var scratch = new ScratchDirectory();
        var source = Directory.CreateDirectory(scratch.File("env")).FullName;
        SampleTree.Materialise(source);
        var zip = scratch.File("env.zip");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Zip, zip, new ArchiveWriterOptions { ZipSymlinks = true });
        var members = Tool.Python(ListZip, zip).EnumerateArray().ToList();
        Assert.Equal(SampleTree.Entries.Count, members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            var expected = SampleTree.Entries[i];
            var member = members[i];
            var mode = member.GetProperty("mode").GetInt32();
            Assert.Equal(3, member.GetProperty("system").GetInt32());
            Assert.Equal("[1980,1,1,0,0,0]", member.GetProperty("date").GetRawText().Replace(" ", "").Replace("\n", ""));
            switch (expected.Kind)
            {
                case SampleKind.Directory:
                    Assert.Equal(expected.Path + "/", member.GetProperty("name").GetString());
                    Assert.Equal(0x4000 | expected.Mode, mode);
                    break;
                case SampleKind.Symlink:
                    Assert.Equal(expected.Path, member.GetProperty("name").GetString());
                    Assert.Equal(0xA1FF, mode);
                    Assert.Equal(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(expected.LinkTarget)), member.GetProperty("data").GetString(), ignoreCase: true);
                    break;
                default:
                    Assert.Equal(expected.Path, member.GetProperty("name").GetString());
                    Assert.Equal(0x8000 | expected.Mode, mode);
                    Assert.Equal(Convert.ToHexString(expected.Content), member.GetProperty("data").GetString(), ignoreCase: true);
                    break;
            }
        }

        Tool.Ok("unzip", "-tq", zip);
    }

    [SkippableFact]
    public async Task Unzip_restores_symlinks_stored_as_links()
    {
        using var scratch = new ScratchDirectory();
        var zip = scratch.File("env.zip");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Zip, zip, new ArchiveWriterOptions { ZipSymlinks = true });
        var target = scratch.File("out");
        Tool.Ok("unzip", "-q", zip, "-d", target);
        SampleTree.AssertExtracted(target);
    }

    [SkippableFact]
    public async Task The_same_input_gives_identical_bytes()
    {
        using var scratch = new ScratchDirectory();
        var options = new ArchiveWriterOptions { ZipSymlinks = true };
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Zip, scratch.File("a.zip"), options);
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Zip, scratch.File("b.zip"), options);
        Assert.Equal(ArchiveFiles.Sha256(scratch.File("a.zip")), ArchiveFiles.Sha256(scratch.File("b.zip")));
    }

    /// <summary>
    /// Without ZipSymlinks the writer refuses a link instead of copying its target by a rule of its own: copies are the
    /// packer's one policy (SymlinkCopies: a folder with everything under it, chains, relocation), tested in SymlinkCopiesTests.
    /// </summary>
    [SkippableFact]
    public async Task Without_zip_symlinks_the_writer_refuses_a_link()
    {
        using var scratch = new ScratchDirectory();
        await using var writer = ArchiveWriter.Create(ArchiveFormat.Zip, new MemoryStream(), new ArchiveWriterOptions());
        var error = Assert.Throws<InvalidOperationException>(() => writer.AddSymlink("bin/python", "python3.11"));
        Assert.Contains("bin/python", error.Message);
        Assert.Contains("ZipSymlinks", error.Message);
    }
}
