using System.IO.Hashing;
using System.Text;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

/// <summary>
/// The zip writer streams: entries are deflated on workers and written in order, large files are deflated as they are
/// read (header patched, or a data descriptor when the output cannot seek), and the central directory is spilled to a
/// temporary file. Python's zipfile, <c>unzip -t</c> (which inflates every entry and checks its CRC) and Java's
/// ZipInputStream (which reads the local headers front to back, as a streaming reader does) read the results.
/// </summary>
[Collection(SpillFileCounting.Name)]
public sealed class StreamingZipTests
{
    private const string Summary = """
        import hashlib, json, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            assert z.testzip() is None
            infos = z.infolist()
            print(json.dumps(dict(count=len(infos), names=[i.filename for i in infos[:3]] + [i.filename for i in infos[-3:]],
                                  modes=sorted({i.external_attr >> 16 for i in infos}),
                                  methods=sorted({i.compress_type for i in infos}),
                                  digest=hashlib.sha256(b''.join(i.filename.encode() + z.read(i) for i in infos)).hexdigest())))
        """;

    private const string JavaReader = """
        import java.io.*;
        import java.util.zip.*;

        public class ReadZip {
            public static void main(String[] args) throws Exception {
                long entries = 0, bytes = 0;
                CRC32 all = new CRC32();
                try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(new FileInputStream(args[0]), 65536))) {
                    byte[] buffer = new byte[65536];
                    for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                        entries++;
                        all.update(e.getName().getBytes("UTF-8"));
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            all.update(buffer, 0, n);
                            bytes += n;
                        }
                    }
                }
                System.out.println(entries + " " + bytes + " " + all.getValue());
            }
        }
        """;

    public static TheoryData<int, int, bool> Variants => new()
    {
        { 4, 1, true },
        { 4, 2, true },
        { 4, 2, false },
        { 0, 2, true },
        { 0, 2, false },
        { 9, 2, false },
    };

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public async Task Small_and_streamed_files_read_back_in_every_reader(int level, int threads, bool seekable)
    {
        using var scratch = new ScratchDirectory();
        var files = Files();
        var zip = scratch.File("env.zip");
        await WriteAsync(zip, new ArchiveWriterOptions { CompressionLevel = level, Threads = threads }, seekable, writer =>
        {
            writer.AddDirectory("lib", 0x1ED);
            foreach (var (path, content) in files)
            {
                if (content.Length % 2 == 0)
                {
                    using var stream = new MemoryStream(content);
                    writer.AddFile(path, 0x1A4, content.Length, stream);
                }
                else
                {
                    writer.AddFile(path, 0x1ED, content);
                }
            }
        });

        var summary = Tool.Python(Summary, zip);
        Assert.Equal(files.Count + 1, summary.GetProperty("count").GetInt32());
        Assert.Equal(Digest(files), summary.GetProperty("digest").GetString());
        Assert.Equal("[16877,33188,33261]", summary.GetProperty("modes").GetRawText().Replace(" ", "").Replace("\n", ""));
        var methods = summary.GetProperty("methods").EnumerateArray().Select(m => m.GetInt32()).ToList();
        Assert.Equal(level == 0 && seekable ? [0] : [0, 8], methods);
        Tool.Ok("unzip", "-tq", zip);

        var source = scratch.File("ReadZip.java");
        await File.WriteAllTextAsync(source, JavaReader);
        var java = Tool.Ok("java", source, zip).Trim().Split(' ');
        Assert.Equal((files.Count + 1).ToString(), java[0]);
        Assert.Equal(files.Sum(f => (long)f.Content.Length).ToString(), java[1]);
        var crc = new Crc32();
        crc.Append("lib/"u8);
        foreach (var (path, content) in files)
        {
            crc.Append(Encoding.UTF8.GetBytes(path));
            crc.Append(content);
        }

        Assert.Equal(crc.GetCurrentHashAsUInt32().ToString(), java[2]);
    }

    [Fact]
    public async Task Workers_do_not_change_the_bytes()
    {
        using var scratch = new ScratchDirectory();
        var files = Files();
        var hashes = new List<string>();
        foreach (var threads in new[] { 1, 2, 4 })
        {
            var zip = scratch.File($"env{threads}.zip");
            await WriteAsync(zip, new ArchiveWriterOptions { Threads = threads }, seekable: true, writer =>
            {
                foreach (var (path, content) in files)
                {
                    writer.AddFile(path, 0x1A4, content);
                }
            });
            hashes.Add(ArchiveFiles.Sha256(zip));
        }

        Assert.Single(hashes.Distinct());
    }

    /// <summary>
    /// 70,000 entries: more than the 65,535 a plain end record counts, so the count goes to the Zip64 end record, and a
    /// central directory of about 5 MB, so it passes through the temporary file. The temporary file is gone afterwards.
    /// </summary>
    [SkippableFact]
    public async Task Seventy_thousand_entries_use_the_zip64_end_record()
    {
        using var scratch = new ScratchDirectory();
        var zip = scratch.File("many.zip");
        var before = SpillFiles();
        await WriteAsync(zip, new ArchiveWriterOptions { Threads = 2, CompressionLevel = 1 }, seekable: true, writer =>
        {
            for (var i = 0; i < 70_000; i++)
            {
                writer.AddFile($"lib/python3.11/site-packages/pkg{i / 1000:D3}/module_{i:D5}.py", 0x1A4, Encoding.UTF8.GetBytes($"VALUE = {i}\n"));
            }
        });

        Assert.Equal(before, SpillFiles());
        var summary = Tool.Python(
            """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                infos = z.infolist()
                print(json.dumps(dict(count=len(infos), last=infos[-1].filename, value=z.read(infos[-1]).decode())))
            """,
            zip);
        Assert.Equal(70_000, summary.GetProperty("count").GetInt32());
        Assert.Equal("lib/python3.11/site-packages/pkg069/module_69999.py", summary.GetProperty("last").GetString());
        Assert.Equal("VALUE = 69999\n", summary.GetProperty("value").GetString());
        Tool.Ok("unzip", "-tq", zip);
    }

    [SkippableFact]
    public async Task Non_ascii_names_are_flagged_utf8()
    {
        using var scratch = new ScratchDirectory();
        var zip = scratch.File("names.zip");
        await WriteAsync(zip, new ArchiveWriterOptions(), seekable: false, writer =>
        {
            writer.AddFile("share/données/naïve.txt", 0x1A4, "é"u8.ToArray());
            writer.AddFile("share/plain.txt", 0x1A4, "a"u8.ToArray());
        });

        var names = Tool.Python(
            "import json, sys, zipfile; print(json.dumps([[i.filename, i.flag_bits & 0x800] for i in zipfile.ZipFile(sys.argv[1]).infolist()]))", zip);
        Assert.Equal("share/données/naïve.txt", names[0][0].GetString());
        Assert.Equal(0x800, names[0][1].GetInt32());
        Assert.Equal(0, names[1][1].GetInt32());
    }

    [Fact]
    public async Task A_file_shorter_than_announced_is_refused_and_the_spill_is_removed()
    {
        var before = SpillFiles();
        var writer = ArchiveWriter.Create(ArchiveFormat.Zip, Stream.Null, new ArchiveWriterOptions { Threads = 2 });
        for (var i = 0; i < 30_000; i++)
        {
            writer.AddFile($"lib/f{i:D6}.txt", 0x1A4, "x"u8.ToArray());
        }

        using var big = new MemoryStream(new byte[ZipArchiveWriter.SmallFile + 10]);
        var error = Assert.Throws<IOException>(() => writer.AddFile("lib/big.bin", 0x1A4, ZipArchiveWriter.SmallFile + 20, big));
        Assert.Contains("lib/big.bin", error.Message);
        using var small = new MemoryStream(new byte[10]);
        error = Assert.Throws<IOException>(() => writer.AddFile("lib/small.bin", 0x1A4, 5, small));
        Assert.Contains("longer than the 5 bytes", error.Message);
        await writer.DisposeAsync();
        Assert.Equal(before, SpillFiles());
    }

    // This process's spill files only (the name carries the process id): other test processes pack at the same time.
    private static int SpillFiles() => Directory.GetFiles(Path.GetTempPath(), $"sparkjobgen-zip-central-{Environment.ProcessId}-*.spill").Length;

    private static List<(string Path, byte[] Content)> Files()
    {
        var random = new Random(11);
        var files = new List<(string, byte[])>();
        for (var i = 0; i < 300; i++)
        {
            var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"def f{i}(x):\n    return x * {i}\n", i % 40)));
            files.Add(($"lib/python3.11/site-packages/pkg/m{i:D3}.py", text));
        }

        var noise = new byte[3000];
        random.NextBytes(noise);
        files.Add(("lib/noise.bin", noise));
        files.Add(("lib/empty.txt", []));

        // Larger than the small-file limit: deflated as it is read, one of them incompressible.
        var large = new byte[ZipArchiveWriter.SmallFile * 3 + 12345];
        random.NextBytes(large.AsSpan(0, large.Length / 2));
        files.Add(("lib/libbig.so", large));
        var random2 = new byte[ZipArchiveWriter.SmallFile + 1];
        random.NextBytes(random2);
        files.Add(("lib/librandom.so", random2));
        files.Add(("lib/zz-after.txt", "after"u8.ToArray()));
        return files;
    }

    private static string Digest(List<(string Path, byte[] Content)> files)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData("lib/"u8);
        foreach (var (path, content) in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(path));
            sha.AppendData(content);
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static async Task WriteAsync(string path, ArchiveWriterOptions options, bool seekable, Action<IArchiveWriter> add)
    {
        await using var file = AtomicFile.Create(path, overwrite: true);
        var target = seekable ? file.Stream : new ForwardOnlyStream(file.Stream);
        await using (var writer = ArchiveWriter.Create(ArchiveFormat.Zip, target, options))
        {
            add(writer);
            await writer.CompleteAsync(CancellationToken.None);
        }

        await file.CommitAsync(CancellationToken.None);
    }

    /// <summary>A stream that can only be written forwards, like a pipe.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

/// <summary>Tests that count this process's spill files run alone, so no other test of the assembly spills meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SpillFileCounting
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Spill file counting";
}
