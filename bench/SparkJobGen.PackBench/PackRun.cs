using System.Diagnostics;
using System.Formats.Tar;
using ICSharpCode.SharpZipLib.Tar;
using ICSharpCode.SharpZipLib.Zip;
using SparkJobGen.Packing;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.PackBench;

/// <summary>One in-process pack, run in a child process so that its peak RSS is its own.</summary>
internal static class PackRun
{
    /// <summary>Packs <paramref name="directory"/> and prints "elapsed_ms bytes vmhwm_kb walk=walk_ms".</summary>
    public static async Task<int> RunAsync(string directory, string output, string format, string implementation, int level, int threads)
    {
        var stopwatch = Stopwatch.StartNew();
        switch (implementation)
        {
            case "packer":
                // The whole `sparkjobgen pack` pipeline: inventory, checks, prefix scan and relocation, then the writer.
                var result = await EnvironmentPacker.PackAsync(new PackOptions
                {
                    Prefix = directory, Output = output, Format = format, CompressionLevel = level, Threads = threads, UseCache = false, Force = true,
                });
                Console.WriteLine($"{stopwatch.ElapsedMilliseconds} {result.ArchiveBytes} {PeakRssKb()} content={result.ContentBytes} files={result.Files}"); if (Environment.GetEnvironmentVariable("SJG_BENCH_GC") == "1") { var info = GC.GetGCMemoryInfo(); Console.Error.WriteLine($"allocated={GC.GetTotalAllocatedBytes() / 1048576} MB gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} heap={info.HeapSizeBytes / 1048576} MB committed={info.TotalCommittedBytes / 1048576} MB"); }
                return 0;
            case "packer-cached":
                // What a user's second `sparkjobgen pack` does: the cache check first (a miss packs and records).
                var cached = await EnvironmentPacker.PackAsync(new PackOptions
                {
                    Prefix = directory, Output = output, Format = format, CompressionLevel = level, Threads = threads,
                    CacheDirectory = Path.Combine(Path.GetDirectoryName(output)!, "pack-cache"),
                });
                Console.WriteLine($"{cached.Duration.TotalMilliseconds:F1} {(cached.FromCache ? "hit" : "miss")}");
                return 0;
        }

        // The writers alone, fed by this benchmark's own walk (the packer above walks for itself).
        var entries = EnvironmentWalk.Walk(directory);
        var walkMilliseconds = stopwatch.ElapsedMilliseconds;
        var toNull = output == "/dev/null";
        await using (var file = toNull ? null : AtomicFile.Create(output, overwrite: true))
        {
            var stream = file?.Stream ?? new FileStream("/dev/null", FileMode.Open, FileAccess.Write);
            switch (implementation)
            {
                case "ours":
                    await Ours(entries, stream, ArchiveFormats.Resolve(format, null), level, threads);
                    break;
                case "system-formats-tar":
                    SystemFormatsTar(entries, stream);
                    break;
                case "system-io-compression":
                    SystemIoCompressionZip(entries, stream, level);
                    break;
                case "sharpziplib":
                    if (format == "zip")
                    {
                        SharpZipLibZip(entries, stream, level);
                    }
                    else
                    {
                        SharpZipLibTar(entries, stream);
                    }

                    break;
                default:
                    throw new ArgumentException($"unknown implementation {implementation}");
            }

            if (file is not null)
            {
                await file.CommitAsync(CancellationToken.None);
            }
            else
            {
                await stream.DisposeAsync();
            }
        }

        stopwatch.Stop();
        var size = toNull ? 0 : new FileInfo(output).Length;
        Console.WriteLine($"{stopwatch.ElapsedMilliseconds} {size} {PeakRssKb()} walk={walkMilliseconds}");
        return 0;
    }

    private static async Task Ours(List<WalkEntry> entries, Stream stream, ArchiveFormat format, int level, int threads)
    {
        var options = new ArchiveWriterOptions { CompressionLevel = level, Threads = threads, ZipSymlinks = true };
        await using var writer = ArchiveWriter.Create(format, stream, options);
        foreach (var entry in entries)
        {
            switch (entry.Kind)
            {
                case WalkKind.Directory:
                    writer.AddDirectory(entry.RelativePath, entry.Mode);
                    break;
                case WalkKind.Symlink:
                    writer.AddSymlink(entry.RelativePath, entry.LinkTarget!);
                    break;
                default:
                    using (var content = Open(entry))
                    {
                        writer.AddFile(entry.RelativePath, entry.Mode, entry.Length, content);
                    }

                    break;
            }
        }

        await writer.CompleteAsync(CancellationToken.None);
    }

    private static void SystemFormatsTar(List<WalkEntry> entries, Stream stream)
    {
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        var mtime = ArchiveWriter.NormalizedModificationTime;
        foreach (var entry in entries)
        {
            var type = entry.Kind switch
            {
                WalkKind.Directory => TarEntryType.Directory,
                WalkKind.Symlink => TarEntryType.SymbolicLink,
                _ => TarEntryType.RegularFile,
            };
            var tarEntry = new PaxTarEntry(type, entry.Kind == WalkKind.Directory ? entry.RelativePath + "/" : entry.RelativePath)
            {
                Mode = (UnixFileMode)entry.Mode,
                ModificationTime = mtime,
                Uid = 0,
                Gid = 0,
                UserName = string.Empty,
                GroupName = string.Empty,
            };
            if (entry.Kind == WalkKind.Symlink)
            {
                tarEntry.LinkName = entry.LinkTarget!;
                writer.WriteEntry(tarEntry);
            }
            else if (entry.Kind == WalkKind.File)
            {
                using var content = Open(entry);
                tarEntry.DataStream = content;
                writer.WriteEntry(tarEntry);
            }
            else
            {
                writer.WriteEntry(tarEntry);
            }
        }
    }

    private static void SharpZipLibTar(List<WalkEntry> entries, Stream stream)
    {
        using var tar = new TarOutputStream(stream, System.Text.Encoding.UTF8) { IsStreamOwner = false };
        var buffer = new byte[256 * 1024];
        foreach (var entry in entries)
        {
            var tarEntry = ICSharpCode.SharpZipLib.Tar.TarEntry.CreateTarEntry(entry.Kind == WalkKind.Directory ? entry.RelativePath + "/" : entry.RelativePath);
            tarEntry.TarHeader.Mode = entry.Mode;
            tarEntry.TarHeader.ModTime = ArchiveWriter.NormalizedModificationTime.UtcDateTime;
            tarEntry.TarHeader.UserName = string.Empty;
            tarEntry.TarHeader.GroupName = string.Empty;
            tarEntry.TarHeader.TypeFlag = entry.Kind switch
            {
                WalkKind.Directory => TarHeader.LF_DIR,
                WalkKind.Symlink => TarHeader.LF_SYMLINK,
                _ => TarHeader.LF_NORMAL,
            };
            if (entry.Kind == WalkKind.Symlink)
            {
                tarEntry.TarHeader.LinkName = entry.LinkTarget!;
            }

            tarEntry.Size = entry.Kind == WalkKind.File ? entry.Length : 0;
            tar.PutNextEntry(tarEntry);
            if (entry.Kind == WalkKind.File)
            {
                using var content = Open(entry);
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    tar.Write(buffer, 0, read);
                }
            }

            tar.CloseEntry();
        }
    }

    private static void SharpZipLibZip(List<WalkEntry> entries, Stream stream, int level)
    {
        using var zip = new ZipOutputStream(stream) { IsStreamOwner = false };
        zip.SetLevel(level);
        var buffer = new byte[256 * 1024];
        foreach (var entry in entries)
        {
            var zipEntry = new ZipEntry(entry.Kind == WalkKind.Directory ? entry.RelativePath + "/" : entry.RelativePath)
            {
                DateTime = ArchiveWriter.NormalizedModificationTime.DateTime,
                HostSystem = (int)HostSystemID.Unix,
                ExternalFileAttributes = (entry.Kind switch { WalkKind.Directory => 0x4000, WalkKind.Symlink => 0xA000, _ => 0x8000 } | entry.Mode) << 16,
            };
            zip.PutNextEntry(zipEntry);
            if (entry.Kind == WalkKind.Symlink)
            {
                zip.Write(System.Text.Encoding.UTF8.GetBytes(entry.LinkTarget!));
            }
            else if (entry.Kind == WalkKind.File)
            {
                using var content = Open(entry);
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    zip.Write(buffer, 0, read);
                }
            }

            zip.CloseEntry();
        }
    }

    /// <summary>System.IO.Compression's <see cref="System.IO.Compression.ZipArchive"/>, the zip writer before the streaming one: one thread, an object per entry until the end.</summary>
    private static void SystemIoCompressionZip(List<WalkEntry> entries, Stream stream, int level)
    {
        using var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true);
        var compression = level switch
        {
            0 => System.IO.Compression.CompressionLevel.NoCompression,
            <= 3 => System.IO.Compression.CompressionLevel.Fastest,
            <= 7 => System.IO.Compression.CompressionLevel.Optimal,
            _ => System.IO.Compression.CompressionLevel.SmallestSize,
        };
        var buffer = new byte[256 * 1024];
        foreach (var entry in entries)
        {
            var name = entry.Kind == WalkKind.Directory ? entry.RelativePath + "/" : entry.RelativePath;
            var zipEntry = zip.CreateEntry(name, entry.Kind == WalkKind.File ? compression : System.IO.Compression.CompressionLevel.NoCompression);
            zipEntry.LastWriteTime = ArchiveWriter.NormalizedModificationTime;
            zipEntry.ExternalAttributes = (entry.Kind switch { WalkKind.Directory => 0x4000, WalkKind.Symlink => 0xA000, _ => 0x8000 } | entry.Mode) << 16;
            using var target = zipEntry.Open();
            if (entry.Kind == WalkKind.Symlink)
            {
                target.Write(System.Text.Encoding.UTF8.GetBytes(entry.LinkTarget!));
            }
            else if (entry.Kind == WalkKind.File)
            {
                using var content = Open(entry);
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    target.Write(buffer, 0, read);
                }
            }
        }
    }

    private static FileStream Open(WalkEntry entry) =>
        new(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    private static long PeakRssKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]);
            }
        }

        return -1;
    }
}
