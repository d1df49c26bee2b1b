using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace SparkJobGen.Packing.Archives;

/// <summary>Creates the <see cref="IArchiveWriter"/> for a format.</summary>
public static class ArchiveWriter
{
    /// <summary>
    /// The modification time of every entry: 1980-01-01T00:00:00Z, the earliest time a zip archive can hold and the
    /// reproducible-builds default (SOURCE_DATE_EPOCH=315532800), so archives of the same input are byte-identical.
    /// Note: Python then sees sources as modified at this time; a timestamp-checked <c>.pyc</c> is recompiled on
    /// first import where its directory is writable.
    /// </summary>
    public static readonly DateTimeOffset NormalizedModificationTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The most Zstandard workers used, whatever <see cref="ArchiveWriterOptions.Threads"/> says.</summary>
    private const int MaxZstdWorkers = 4;

    /// <summary>The input each Zstandard worker compresses at a time.</summary>
    private const int ZstdJobSize = 2 << 20;

    /// <summary>Creates a writer that writes a <paramref name="format"/> archive to <paramref name="output"/>.</summary>
    /// <param name="format">Any format but <see cref="ArchiveFormat.NoArchive"/> (see <see cref="CreateDirectory"/>).</param>
    /// <param name="output">Receives the archive; not closed by the writer. Zip needs a seekable stream for large entries.</param>
    /// <param name="options">Level, threads, zip symlinks, arc root.</param>
    /// <returns>The writer; call <see cref="IArchiveWriter.CompleteAsync"/> and then dispose it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The compression level is out of the format's range.</exception>
    public static IArchiveWriter Create(ArchiveFormat format, Stream output, ArchiveWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArchiveFormats.ValidateCompressionLevel(format, options.CompressionLevel);
        switch (format)
        {
            case ArchiveFormat.Tar:
                return new TarArchiveWriter(output, ct => output.FlushAsync(ct), null, options);
            case ArchiveFormat.TarGz:
            {
                var gzip = new ParallelGzipStream(output, options.CompressionLevel, options.EffectiveThreads, options.GzipBackend);
                return new TarArchiveWriter(gzip, gzip.CompleteAsync, gzip, options);
            }

            case ArchiveFormat.TarBz2:
            {
                var bzip2 = new ParallelBzip2Stream(output, options.CompressionLevel, options.EffectiveThreads);
                return new TarArchiveWriter(bzip2, bzip2.CompleteAsync, bzip2, options);
            }

            case ArchiveFormat.TarZst:
            {
                var zstd = new CompressionStream(output, options.CompressionLevel, leaveOpen: true);
                var threads = Math.Min(options.EffectiveThreads, MaxZstdWorkers);
                if (threads > 1)
                {
                    // Each zstd worker buffers a job of input and output; 2 MiB jobs and at most 4 workers keep memory
                    // bounded (the default job size at level 4 is 8 MiB, about 45 MB per worker measured).
                    zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, threads);
                    zstd.SetParameter(ZSTD_cParameter.ZSTD_c_jobSize, ZstdJobSize);
                }

                return new TarArchiveWriter(
                    zstd,
                    async ct =>
                    {
                        await zstd.DisposeAsync().ConfigureAwait(false);
                        await output.FlushAsync(ct).ConfigureAwait(false);
                    },
                    zstd,
                    options);
            }

            case ArchiveFormat.Zip:
                return new ZipArchiveWriter(output, options);
            case ArchiveFormat.NoArchive:
                throw new ArgumentException("A no-archive output is a directory; use ArchiveWriter.CreateDirectory.", nameof(format));
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown archive format.");
        }
    }

    /// <summary>
    /// Creates a writer for <c>no-archive</c>: real files, directories, modes and symlinks, built in a hidden
    /// directory next to <paramref name="path"/> and renamed onto it by <see cref="IArchiveWriter.CompleteAsync"/>;
    /// disposing before completion deletes the partial tree.
    /// </summary>
    /// <param name="path">The directory to create.</param>
    /// <param name="options">ArcRoot and Overwrite apply.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="IOException"><paramref name="path"/> exists and <see cref="ArchiveWriterOptions.Overwrite"/> is off.</exception>
    public static IArchiveWriter CreateDirectory(string path, ArchiveWriterOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        return new DirectoryArchiveWriter(path, options);
    }
}
