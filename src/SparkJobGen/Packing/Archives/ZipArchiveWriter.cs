using System;
using System.Buffers;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// Writes a zip archive with System.IO.Compression: Unix modes in the external attributes (made-by Unix), every
/// entry dated <see cref="ArchiveWriter.NormalizedModificationTime"/>, Zip64 when an entry or the archive needs it.
/// Symbolic links are stored as links (mode <c>0120777</c>, target as content) when
/// <see cref="ArchiveWriterOptions.ZipSymlinks"/> is on; otherwise the target's content is stored, as conda-pack does.
/// The zlib level maps to the nearest of System.IO.Compression's levels: 0 none, 1-3 fastest, 4-7 optimal, 8-9 smallest.
/// </summary>
internal sealed class ZipArchiveWriter : IArchiveWriter
{
    private const int RegularFile = 0x8000, Directory = 0x4000, SymbolicLink = 0xA000;

    private readonly Stream _output;
    private readonly ZipArchive _archive;
    private readonly ArchiveWriterOptions _options;
    private readonly CompressionLevel _level;
    private readonly string _root;
    private bool _completed;
    private bool _disposed;

    /// <summary>Starts a zip archive on <paramref name="output"/>.</summary>
    /// <param name="output">Receives the archive; left open.</param>
    /// <param name="options">Level, symlink handling, arc root.</param>
    public ZipArchiveWriter(Stream output, ArchiveWriterOptions options)
    {
        _output = output;
        _options = options;
        _archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        _root = ArchivePaths.Root(options.ArcRoot);
        _level = options.CompressionLevel switch
        {
            0 => CompressionLevel.NoCompression,
            <= 3 => CompressionLevel.Fastest,
            <= 7 => CompressionLevel.Optimal,
            _ => CompressionLevel.SmallestSize,
        };
    }

    /// <inheritdoc />
    public void AddDirectory(string archivePath, int unixMode)
    {
        var entry = NewEntry(ArchivePaths.Full(_root, archivePath) + "/", CompressionLevel.NoCompression, Directory | (unixMode & 0xFFF));
        entry.Open().Dispose();
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, long length, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var entry = NewEntry(ArchivePaths.Full(_root, archivePath), _level, RegularFile | (unixMode & 0xFFF));
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            using var target = entry.Open();
            EntryContent.CopyExactly(archivePath, content, length, target, buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, ReadOnlyMemory<byte> content)
    {
        var entry = NewEntry(ArchivePaths.Full(_root, archivePath), _level, RegularFile | (unixMode & 0xFFF));
        using var target = entry.Open();
        target.Write(content.Span);
    }

    /// <inheritdoc />
    public void AddSymlink(string archivePath, string linkTarget)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkTarget);
        if (_options.ZipSymlinks)
        {
            var entry = NewEntry(ArchivePaths.Full(_root, archivePath), CompressionLevel.NoCompression, SymbolicLink | 0x1FF);
            using var target = entry.Open();
            target.Write(System.Text.Encoding.UTF8.GetBytes(linkTarget));
            return;
        }

        if (_options.SourceDirectory is null)
        {
            throw new InvalidOperationException(
                $"Cannot store the target of symlink '{archivePath}' in the zip archive: ArchiveWriterOptions.SourceDirectory is not set. "
                + "Set it to the environment directory, or turn on --zip-symlinks.");
        }

        var linkDirectory = Path.GetDirectoryName(Path.Combine(_options.SourceDirectory, archivePath))!;
        var resolved = Path.GetFullPath(Path.Combine(linkDirectory, linkTarget));
        if (System.IO.Directory.Exists(resolved))
        {
            AddDirectory(archivePath, OperatingSystem.IsWindows() ? 0x1ED : (int)File.GetUnixFileMode(resolved));
        }
        else if (File.Exists(resolved))
        {
            using var content = new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            AddFile(archivePath, OperatingSystem.IsWindows() ? 0x1A4 : (int)File.GetUnixFileMode(resolved), content.Length, content);
        }
        else
        {
            throw new FileNotFoundException(
                $"Symlink '{archivePath}' -> '{linkTarget}' is dangling, so its target cannot be stored in the zip archive. "
                + "Exclude it (--exclude) or use --zip-symlinks.",
                resolved);
        }
    }

    /// <inheritdoc />
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        _completed = true;
        _archive.Dispose();
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_completed)
            {
                _archive.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private ZipArchiveEntry NewEntry(string name, CompressionLevel level, int mode)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The archive is complete; no entries can be added.");
        }

        var entry = _archive.CreateEntry(name, level);
        entry.LastWriteTime = ArchiveWriter.NormalizedModificationTime;
        entry.ExternalAttributes = unchecked(mode << 16);
        return entry;
    }
}
