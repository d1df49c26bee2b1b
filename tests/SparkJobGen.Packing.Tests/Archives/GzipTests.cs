using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

/// <summary>
/// The parallel gzip writer. One class, so its tests run one after another: one of them switches the process off the system
/// zlib through an environment variable.
/// </summary>
public sealed class GzipTests
{
    /// <summary>
    /// Decompresses with zlib in gzip mode and reports whether the first member ends exactly at the end of the file
    /// (a second member would be left in unused_data), plus the length and CRC of what it produced.
    /// </summary>
    private const string SingleMember = """
        import json, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        d = zlib.decompressobj(wbits=31)
        out = d.decompress(data) + d.flush()
        print(json.dumps(dict(eof=d.eof, unused=len(d.unused_data), length=len(out), crc=zlib.crc32(out),
                              trailer_crc=int.from_bytes(data[-8:-4], 'little'), trailer_size=int.from_bytes(data[-4:], 'little'))))
        """;

    private const string JavaReader = """
        import java.io.*;
        import java.util.zip.*;

        public class ReadGzip {
            public static void main(String[] args) throws Exception {
                try (InputStream in = new GZIPInputStream(new BufferedInputStream(new FileInputStream(args[0])), 65536)) {
                    byte[] buffer = new byte[65536];
                    CRC32 crc = new CRC32();
                    long length = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        crc.update(buffer, 0, n);
                        length += n;
                    }
                    System.out.println(length + " " + crc.getValue());
                }
            }
        }
        """;

    /// <summary>A larger input (about 6 MiB, ~50 blocks) mixing text and noise.</summary>
    private static readonly IReadOnlyList<SampleEntry> ManyBlocks = BuildManyBlocks();

    private static IReadOnlyList<SampleEntry> BuildManyBlocks()
    {
        var random = new Random(7);
        var entries = new List<SampleEntry>();
        for (var i = 0; i < 40; i++)
        {
            var content = new byte[random.Next(1, 300_000)];
            if (i % 3 == 0)
            {
                random.NextBytes(content);
            }
            else
            {
                for (var j = 0; j < content.Length; j++)
                {
                    content[j] = (byte)"def f(x):\n    return x * 2  # comment\n"[(j + i) % 38];
                }
            }

            entries.Add(new SampleEntry(SampleKind.StreamedFile, $"lib/file{i:D2}.py", 0x1A4, content, ""));
        }

        return entries;
    }

    [SkippableTheory]
    [InlineData(1, nameof(GzipBackend.Runtime))]
    [InlineData(2, nameof(GzipBackend.Runtime))]
    [InlineData(3, nameof(GzipBackend.Runtime))]
    [InlineData(8, nameof(GzipBackend.Runtime))]
    [InlineData(1, nameof(GzipBackend.SystemZlib))]
    [InlineData(2, nameof(GzipBackend.SystemZlib))]
    [InlineData(8, nameof(GzipBackend.SystemZlib))]
    public async Task Output_is_one_gzip_member_whose_trailer_matches_the_tar(int threads, string backend)
    {
        using var scratch = new ScratchDirectory();
        var gz = scratch.File("env.tar.gz");
        var tar = scratch.File("env.tar");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, gz, new ArchiveWriterOptions { Threads = threads, GzipBackend = Enum.Parse<GzipBackend>(backend) }, ManyBlocks);
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Tar, tar, new ArchiveWriterOptions(), ManyBlocks);
        var result = Tool.Python(SingleMember, gz);
        Assert.True(result.GetProperty("eof").GetBoolean());
        Assert.Equal(0, result.GetProperty("unused").GetInt32());
        Assert.Equal(new FileInfo(tar).Length, result.GetProperty("length").GetInt64());
        Assert.Equal(result.GetProperty("crc").GetUInt32(), result.GetProperty("trailer_crc").GetUInt32());
        Assert.Equal((uint)new FileInfo(tar).Length, result.GetProperty("trailer_size").GetUInt32());
        Tool.Ok("gzip", "-t", gz);
    }

    [SkippableTheory]
    [InlineData(nameof(GzipBackend.Runtime))]
    [InlineData(nameof(GzipBackend.SystemZlib))]
    public async Task Bytes_do_not_depend_on_the_thread_count(string backend)
    {
        using var scratch = new ScratchDirectory();
        var hashes = new List<string>();
        foreach (var threads in new[] { 1, 2, 4 })
        {
            var path = scratch.File($"env{threads}.tar.gz");
            await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, path, new ArchiveWriterOptions { Threads = threads, GzipBackend = Enum.Parse<GzipBackend>(backend) }, ManyBlocks);
            hashes.Add(ArchiveFiles.Sha256(path));
        }

        Assert.Single(hashes.Distinct());
    }

    [SkippableFact]
    public async Task Java_GZIPInputStream_reads_the_whole_stream()
    {
        using var scratch = new ScratchDirectory();
        var gz = scratch.File("env.tar.gz");
        var tar = scratch.File("env.tar");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, gz, new ArchiveWriterOptions { Threads = 2 }, ManyBlocks);
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Tar, tar, new ArchiveWriterOptions(), ManyBlocks);
        var source = scratch.File("ReadGzip.java");
        await File.WriteAllTextAsync(source, JavaReader);
        var output = Tool.Ok("java", source, gz).Trim().Split(' ');
        var crc = System.IO.Hashing.Crc32.HashToUInt32(await File.ReadAllBytesAsync(tar));
        Assert.Equal(new FileInfo(tar).Length.ToString(), output[0]);
        Assert.Equal(crc.ToString(), output[1]);
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(9)]
    public async Task Every_level_decompresses_to_the_tar(int level)
    {
        using var scratch = new ScratchDirectory();
        var gz = scratch.File("env.tar.gz");
        var tar = scratch.File("env.tar");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, gz, new ArchiveWriterOptions { Threads = 2, CompressionLevel = level }, ManyBlocks);
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Tar, tar, new ArchiveWriterOptions(), ManyBlocks);
        Tool.Ok("sh", "-c", $"gzip -dc '{gz}' > '{scratch.File("out.tar")}'");
        Assert.Equal(ArchiveFiles.Sha256(tar), ArchiveFiles.Sha256(scratch.File("out.tar")));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    public async Task With_the_system_zlib_not_larger_than_pigz_on_the_same_tar_at_the_same_level(int level)
    {
        using var scratch = new ScratchDirectory();
        var gz = scratch.File("env.tar.gz");
        var tar = scratch.File("env.tar");
        var options = new ArchiveWriterOptions { Threads = 2, CompressionLevel = level, GzipBackend = GzipBackend.SystemZlib };
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, gz, options, ManyBlocks);
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Tar, tar, new ArchiveWriterOptions(), ManyBlocks);
        var pigz = scratch.File("pigz.tar.gz");
        Tool.Ok("sh", "-c", $"pigz -n -p 2 -{level} -c '{tar}' > '{pigz}'");
        Assert.True(
            new FileInfo(gz).Length <= new FileInfo(pigz).Length,
            $"ours {new FileInfo(gz).Length} bytes, pigz {new FileInfo(pigz).Length} bytes");
    }

    /// <summary>
    /// What a user compares: this machine's real Python files (sources and bytecode caches), written in the packer's
    /// sorted order with the back end chosen for the level, against <c>tar -c | pigz</c> of the same folders.
    /// </summary>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(9)]
    public async Task Real_python_files_are_not_larger_than_tar_piped_to_pigz_at_the_same_level(int level)
    {
        using var scratch = new ScratchDirectory();
        var stdlib = Fixtures.HostPython.Current.StandardLibrary;
        string[] folders = ["email", "json", "asyncio", "xml", "unittest", "importlib", "collections", "encodings", "http", "logging"];
        var entries = folders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(stdlib, folder), "*", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(stdlib, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(relative => new SampleEntry(SampleKind.StreamedFile, relative, 0x1A4, File.ReadAllBytes(Path.Combine(stdlib, relative)), ""))
            .ToList();
        var gz = scratch.File("ours.tar.gz");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, gz, new ArchiveWriterOptions { Threads = 2, CompressionLevel = level }, entries);
        var pigz = scratch.File("pigz.tar.gz");
        Tool.Ok("sh", "-c", $"tar -c -C '{stdlib}' {string.Join(' ', folders)} | pigz -p 2 -{level} > '{pigz}'");
        Assert.True(
            new FileInfo(gz).Length <= new FileInfo(pigz).Length,
            $"level {level}, {ParallelGzipStream.ChooseBackend(level)}: ours {new FileInfo(gz).Length} bytes, tar | pigz {new FileInfo(pigz).Length} bytes");
    }

    [SkippableFact]
    public void The_back_end_is_zlib_ng_except_at_level_1_where_the_system_zlib_compresses_better()
    {
        Assert.Equal(GzipBackend.Runtime, ParallelGzipStream.ChooseBackend(4));
        Assert.Equal(GzipBackend.Runtime, ParallelGzipStream.ChooseBackend(9));
        Assert.Equal(GzipBackend.Runtime, ParallelGzipStream.ChooseBackend(0));
        Assert.Equal(GzipBackend.SystemZlib, ParallelGzipStream.ChooseBackend(1));
    }

    [SkippableFact]
    public async Task Both_back_ends_write_one_valid_member_and_without_system_zlib_the_runtime_is_used()
    {
        using var scratch = new ScratchDirectory();
        var tar = scratch.File("env.tar");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.Tar, tar, new ArchiveWriterOptions(), ManyBlocks);
        var system = scratch.File("system.tar.gz");
        var runtime = scratch.File("runtime.tar.gz");
        var fallback = scratch.File("fallback.tar.gz");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, system, new ArchiveWriterOptions { Threads = 2, CompressionLevel = 1, GzipBackend = GzipBackend.SystemZlib }, ManyBlocks);
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, runtime, new ArchiveWriterOptions { Threads = 2, CompressionLevel = 1, GzipBackend = GzipBackend.Runtime }, ManyBlocks);
        Environment.SetEnvironmentVariable("SPARKJOBGEN_DISABLE_NATIVE_ZLIB", "1");
        try
        {
            Assert.Equal(GzipBackend.Runtime, ParallelGzipStream.ChooseBackend(1));
            await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, fallback, new ArchiveWriterOptions { Threads = 2, CompressionLevel = 1 }, ManyBlocks);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SPARKJOBGEN_DISABLE_NATIVE_ZLIB", null);
        }

        // Different deflate bytes (block sizes, dictionary priming, implementation), the same single member and content.
        Assert.NotEqual(ArchiveFiles.Sha256(system), ArchiveFiles.Sha256(runtime));
        Assert.Equal(ArchiveFiles.Sha256(runtime), ArchiveFiles.Sha256(fallback));
        foreach (var gz in new[] { system, runtime })
        {
            var result = Tool.Python(SingleMember, gz);
            Assert.True(result.GetProperty("eof").GetBoolean());
            Assert.Equal(0, result.GetProperty("unused").GetInt32());
            Assert.Equal(result.GetProperty("crc").GetUInt32(), result.GetProperty("trailer_crc").GetUInt32());
            Assert.Equal(new FileInfo(tar).Length, result.GetProperty("length").GetInt64());
        }
    }

    [SkippableFact]
    public async Task An_empty_archive_is_a_valid_gzip_of_an_empty_tar()
    {
        using var scratch = new ScratchDirectory();
        var gz = scratch.File("empty.tar.gz");
        await ArchiveFiles.WriteSampleAsync(ArchiveFormat.TarGz, gz, new ArchiveWriterOptions(), []);
        Tool.Ok("gzip", "-t", gz);
        Assert.Equal(string.Empty, Tool.Ok("tar", "-tzf", gz));
    }
}
