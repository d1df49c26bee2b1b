using System;
using System.IO;
using System.Linq;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>
/// Reads each file of the walk and hands it to the archive writer as it is packed: as it is on disk when nothing in it
/// changes (streamed, or from one reused buffer), otherwise rewritten (<see cref="PackedFileContent"/>: prefixes, shebangs,
/// runpath, pyc stamp) with its <c>conda-unpack</c> record, or, for a conda record, cleaned segment by segment.
/// </summary>
/// <param name="destinationPrefix">The <c>--dest-prefix</c>, or null for a relocatable archive.</param>
/// <param name="records">Receives the files <c>conda-unpack</c> rewrites.</param>
internal sealed class PackedFileWriter(string? destinationPrefix, UnpackRecordLog records)
{
    /// <summary>Files larger than this are streamed without prefix inspection (keeps memory bounded).</summary>
    private const long InspectionLimit = 64L * 1024 * 1024;

    /// <summary>Inspected files up to this size are read into one reused buffer; larger ones are scanned in chunks first.</summary>
    private const int InMemoryLimit = 4 * 1024 * 1024;

    private readonly string? _destinationPrefix = destinationPrefix;
    private readonly UnpackRecordLog _records = records;
    private readonly CondaRecordBuffers _recordBuffers = new();
    private byte[] _buffer = new byte[64 * 1024];

    /// <summary>Adds a file; returns whether its bytes were stored exactly as they are on disk.</summary>
    public bool Add(IArchiveWriter writer, PackEntry entry)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entry);
        var destinationPrefix = _destinationPrefix;
        var records = _records;
        if (entry.Generated is { } generated)
        {
            writer.AddFile(entry.ArchivePath, entry.UnixMode, generated);
            return false;
        }

        var source = entry.SourcePath!;
        try
        {
            if (entry.CondaRecord && !PackedFileContent.MayRewrite(entry))
            {
                AddCondaRecord(writer, entry, _recordBuffers);
                return false;
            }

            // A conda record is cleaned whatever its size (it is JSON, parsed whole anyway).
            if (PackedFileContent.NeedsInspection(entry) && (entry.Length <= InspectionLimit || entry.CondaRecord))
            {
                using var handle = PathBytes.OpenRead(source);
                var length = RandomAccess.GetLength(handle);
                if (length <= InMemoryLimit)
                {
                    // Most files contain no prefix: read into the reused buffer, scan, and hand the bytes over as they are (the
                    // writer copies synchronously); a valid .pyc is re-stamped in place; only files that change otherwise get
                    // their own array.
                    if (_buffer.Length < length)
                    {
                        _buffer = new byte[Math.Max(length, Math.Min(2L * _buffer.Length, InMemoryLimit))];
                    }

                    var content = _buffer.AsSpan(0, ReadFully(handle, _buffer.AsSpan(0, (int)length)));
                    if (!PackedFileContent.MayChange(entry, content))
                    {
                        writer.AddFile(entry.ArchivePath, entry.UnixMode, _buffer.AsMemory(0, content.Length));
                        return true;
                    }

                    if (entry.RunPath is null && entry.PycSource is { } pyc && !PackedFileContent.ContainsPrefix(entry, content))
                    {
                        PackedFileContent.TryRestampPycInPlace(content, pyc);
                        writer.AddFile(entry.ArchivePath, entry.UnixMode, _buffer.AsMemory(0, content.Length));
                        return false;
                    }

                    writer.AddFile(entry.ArchivePath, entry.UnixMode, PackedFileContent.Transform(entry, content.ToArray(), destinationPrefix, records));
                    return false;
                }

                // A large file is scanned in chunks first; only one that may change is read whole (and let go after).
                if (MayChangeStreamed(entry, handle, length, _buffer))
                {
                    var whole = new byte[length];
                    var read = ReadFully(handle, whole);
                    writer.AddFile(entry.ArchivePath, entry.UnixMode, PackedFileContent.Transform(entry, read == whole.Length ? whole : whole[..read], destinationPrefix, records));
                    return false;
                }
            }

            using var stream = new FileStream(PathBytes.OpenRead(source), FileAccess.Read, bufferSize: 1);
            writer.AddFile(entry.ArchivePath, entry.UnixMode, stream.Length, stream);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PackingException($"'{PathBytes.Printable(source)}' disappeared while packing. Is something modifying the environment? Pack again when it is idle.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PackingException($"Cannot read '{PathBytes.Printable(source)}': {e.Message} Fix its permissions or exclude it (--exclude).", e);
        }
    }

    /// <summary>
    /// A conda-meta record, cleaned (<see cref="PackedFileContent.TryCleanCondaRecord"/>): read and cleaned in segments, so
    /// the record of a package with tens of thousands of files (tens of MB) needs no large arrays.
    /// </summary>
    private static void AddCondaRecord(IArchiveWriter writer, PackEntry entry, CondaRecordBuffers buffers)
    {
        try
        {
            using (var handle = PathBytes.OpenRead(entry.SourcePath!))
            {
                buffers.Input.ReadFrom(handle, RandomAccess.GetLength(handle));
            }

            var content = PackedFileContent.TryCleanCondaRecord(buffers.Input.AsSequence(), buffers.Output) ? buffers.Output : buffers.Input;
            using var stream = content.OpenRead();
            writer.AddFile(entry.ArchivePath, entry.UnixMode, content.Length, stream);
        }
        finally
        {
            // Emptied after use, not before the next record: a large record's segments go now, not at the end of the pack.
            buffers.Input.Reset();
            buffers.Output.Reset();
        }
    }

    /// <summary>The reused buffers of <see cref="AddCondaRecord"/>.</summary>
    private sealed class CondaRecordBuffers
    {
        public SegmentedBuffer Input { get; } = new();

        public SegmentedBuffer Output { get; } = new();
    }

    /// <summary>Reads from the start of <paramref name="handle"/> until <paramref name="destination"/> is full or the file ends.</summary>
    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination)
    {
        var read = 0;
        while (read < destination.Length && RandomAccess.Read(handle, destination[read..], read) is var n and > 0)
        {
            read += n;
        }

        return read;
    }

    /// <summary>
    /// <see cref="PackedFileContent.MayChange"/> for a file too large to hold: a runpath, a .pyc or a shebang decide from the
    /// start; prefixes are searched chunk by chunk, each chunk overlapping the previous by the longest prefix.
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="handle">The open file.</param>
    /// <param name="length">Its length.</param>
    /// <param name="buffer">A scratch buffer (a chunk is at least its size).</param>
    internal static bool MayChangeStreamed(PackEntry entry, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length, byte[] buffer)
    {
        var start = buffer.AsSpan(0, (int)Math.Min(buffer.Length, Math.Min(length, 2)));
        if (entry.CondaRecord || entry.RunPath is not null || entry.PycSource is not null
            || (entry.FixShebang && RandomAccess.Read(handle, start, 0) == 2 && start.StartsWith("#!"u8)))
        {
            return true;
        }

        var needles = (entry.Prefixes ?? []).Select(p => System.Text.Encoding.UTF8.GetBytes(p.OnDisk)).ToList();
        var overlap = needles.Count == 0 ? 0 : needles.Max(n => n.Length) - 1;
        var chunk = Math.Max(buffer.Length, overlap + (64 * 1024));
        var window = buffer.Length >= chunk ? buffer : new byte[chunk];
        for (long offset = 0; offset < length;)
        {
            var filled = 0;
            while (filled < window.Length && RandomAccess.Read(handle, window.AsSpan(filled), offset + filled) is var n and > 0)
            {
                filled += n;
            }

            if (filled == 0)
            {
                break;
            }

            foreach (var needle in needles)
            {
                if (window.AsSpan(0, filled).IndexOf(needle) >= 0)
                {
                    return true;
                }
            }

            if (filled < window.Length)
            {
                break;
            }

            offset += filled - overlap;
        }

        return false;
    }
}
