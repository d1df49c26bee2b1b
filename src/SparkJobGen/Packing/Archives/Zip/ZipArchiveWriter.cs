using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// Writes a zip archive as a stream, entry after entry, holding none of them: Unix modes in the external attributes
/// (made-by Unix), every entry dated <see cref="ArchiveWriter.NormalizedModificationTime"/>, Zip64 where an entry, an
/// offset or the entry count needs it. The central directory is kept as bytes, in memory up to 1 MiB and then in a
/// temporary file deleted on close, and copied behind the entries at the end; so memory does not grow with the number of
/// entries. (System.IO.Compression's <see cref="ZipArchive"/>, used before, keeps an object per entry: together with the
/// list of every entry that link resolution then held, a 1.09 million-file venv packed as zip peaked at 1,061 MB.)
/// </summary>
/// <remarks>
/// <para>
/// Files up to <see cref="SmallFile"/> are read into a pooled buffer and deflated on the writer's workers, several at
/// once (<see cref="ArchiveWriterOptions.Threads"/>), and written in the order they were added; a file that does not
/// shrink is stored. Larger files are deflated as they are read, on the calling thread, and their header is patched
/// afterwards when the output can seek, or followed by a data descriptor when it cannot.
/// </para>
/// <para>
/// Symbolic links are stored as links (mode <c>0120777</c>, target as content) when
/// <see cref="ArchiveWriterOptions.ZipSymlinks"/> is on; otherwise the writer refuses them: the packer has already replaced
/// them by copies of their targets (<see cref="SymlinkCopies"/>), as conda-pack does.
/// Levels are zlib's 0-9 (exact on .NET 9 and later; on .NET 8 the nearest of System.IO.Compression's three), 0 stores.
/// </para>
/// </remarks>
internal sealed partial class ZipArchiveWriter : IArchiveWriter
{
    /// <summary>Files up to this size are deflated whole on a worker; larger ones are streamed.</summary>
    internal const int SmallFile = 1 << 20;

    private const int RegularFile = 0x8000, Directory = 0x4000, SymbolicLink = 0xA000;
    private const ushort Stored = ZipLayout.Stored, Deflated = ZipLayout.Deflated;

    /// <summary>Entries above this size get Zip64 local headers: deflate may grow incompressible input a little.</summary>
    private const long Zip64Threshold = 0xF000_0000;

    private static readonly ushort DosDate = DosDateOf(ArchiveWriter.NormalizedModificationTime);

    private readonly Stream _output;
    private readonly ArchiveWriterOptions _options;
    private readonly int _level;
    private readonly string _root;
    private readonly int _workers;
    private readonly long _maxPendingBytes;
    private readonly OrderedCompressor<Pending> _pipeline;
    private readonly int _maxPendingEntries;

    /// <summary>
    /// The writer's own pool for file contents and their deflated bytes, let go with the writer. Its total is bounded (about
    /// twice the bytes in flight): per-size pools let each size class keep its own high-water mark, which grew the process
    /// by about 130 bytes per entry over a million-file pack; a fresh array per file would instead make half a gigabyte of
    /// short-lived garbage per 46k files.
    /// </summary>
    private readonly ArrayPool<byte> _buffers;
    private readonly byte[] _header = new byte[512];
    private readonly SpillingBuffer _central = new("zip-central");
    private long _offset;
    private long _entries;
    private bool _completed;
    private bool _disposed;

    /// <summary>Starts a zip archive on <paramref name="output"/>.</summary>
    /// <param name="output">Receives the archive; left open. Need not seek.</param>
    /// <param name="options">Level, threads, symlink handling, arc root.</param>
    public ZipArchiveWriter(Stream output, ArchiveWriterOptions options)
    {
        _output = output;
        _options = options;
        _level = options.CompressionLevel;
        _root = ArchivePaths.Root(options.ArcRoot);
        _workers = Math.Max(1, options.EffectiveThreads);
        _maxPendingBytes = Math.Min(_workers * 4L, 16L) * SmallFile;
        _maxPendingEntries = _workers * 16;
        _buffers = new BoundedBufferPool(SmallFile, (2 * _maxPendingBytes) + (4L * SmallFile));

        // Bounded: at most a few MiB per worker in flight, and the writer never runs ahead of the oldest entry by much.
        _pipeline = new OrderedCompressor<Pending>("zip", _workers, _maxPendingEntries, _maxPendingBytes, null, (entry, _) => Compress(entry), WriteEntry);
    }

    /// <inheritdoc />
    public void AddDirectory(string archivePath, int unixMode)
    {
        var name = Name(archivePath) + "/";
        _pipeline.Submit(new Pending(name, Directory | (unixMode & 0xFFF), null, 0) { Method = Stored, NeedsCompression = false });
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, long length, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = Name(archivePath);
        var mode = RegularFile | (unixMode & 0xFFF);
        if (length > SmallFile)
        {
            WriteAll();
            WriteStreamed(name, mode, archivePath, length, content);
            return;
        }

        var input = _buffers.Rent((int)Math.Max(length, 1));
        try
        {
            EntryContent.ReadExactly(archivePath, content, input.AsSpan(0, (int)length));
        }
        catch
        {
            _buffers.Return(input);
            throw;
        }

        EnqueueFile(name, mode, input, (int)length);
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, ReadOnlyMemory<byte> content)
    {
        var name = Name(archivePath);
        var mode = RegularFile | (unixMode & 0xFFF);
        if (content.Length > SmallFile)
        {
            WriteAll();
            using var stream = MemoryMarshal.TryGetArray(content, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(content.ToArray(), writable: false);
            WriteStreamed(name, mode, archivePath, content.Length, stream);
            return;
        }

        var input = _buffers.Rent(Math.Max(content.Length, 1));
        content.Span.CopyTo(input);
        EnqueueFile(name, mode, input, content.Length);
    }

    /// <inheritdoc />
    public void AddSymlink(string archivePath, string linkTarget)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkTarget);
        if (_options.ZipSymlinks)
        {
            var target = Encoding.UTF8.GetBytes(linkTarget);
            var input = _buffers.Rent(target.Length);
            target.CopyTo(input, 0);
            var entry = new Pending(Name(archivePath), SymbolicLink | 0x1FF, input, target.Length)
            {
                Method = Stored,
                Crc = Crc32.HashToUInt32(target),
                NeedsCompression = false,
            };
            _pipeline.Submit(entry);
            return;
        }

        // One policy for links in a zip without --zip-symlinks, the packer's (SymlinkCopies): a copy of the target file, or the
        // target folder with everything under it, chains followed, each rewritten like the original. It runs before the writer.
        throw new InvalidOperationException(
            $"Cannot add symlink '{archivePath}' -> '{linkTarget}' to a zip archive without ZipSymlinks: add its target under the link's name "
            + "instead (EnvironmentPacker stores copies this way), or set ZipSymlinks to store it as a link.");
    }

    /// <inheritdoc />
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        WriteAll();
        _completed = true;
        var centralStart = _offset;
        var centralSize = _central.Length;
        await _central.CopyToAsync(_output, cancellationToken).ConfigureAwait(false);
        _offset += centralSize;
        WriteEnd(centralStart, centralSize);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _central.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        foreach (var entry in _pipeline.Abandon())
        {
            // The archive is abandoned; an entry's error, if any, was or will be reported by the caller's own failure.
            entry.Release(_buffers);
            entry.Done.Dispose();
        }

        _central.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ushort DosDateOf(DateTimeOffset time) => (ushort)(((time.Year - 1980) << 9) | (time.Month << 5) | time.Day);

    private string Name(string archivePath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The archive is complete; no entries can be added.");
        }

        return ArchivePaths.Full(_root, archivePath);
    }

    private void EnqueueFile(string name, int mode, byte[] input, int length)
    {
        var entry = new Pending(name, mode, input, length) { Weight = length };
        if (_level == 0 || length == 0)
        {
            entry.Method = Stored;
            entry.Crc = Crc32.HashToUInt32(input.AsSpan(0, length));
            entry.NeedsCompression = false;
        }

        _pipeline.Submit(entry);
    }

    /// <summary>Writes every pending entry, in order.</summary>
    private void WriteAll() => _pipeline.WriteAll();

    /// <summary>Writes one entry (the pipeline calls it in order): local header, data, central record.</summary>
    private void WriteEntry(Pending entry)
    {
        try
        {
            var data = entry.Method == Stored ? entry.Input.AsMemory(0, entry.Length) : entry.Output.AsMemory(0, entry.OutputLength);
            var offset = _offset;
            WriteLocalHeader(entry.Name, entry.Method, entry.Crc, data.Length, entry.Length, zip64: false, descriptor: false);
            Write(data.Span);
            AddCentral(entry.Name, entry.Mode, entry.Method, entry.Crc, data.Length, entry.Length, offset, descriptor: false);
        }
        finally
        {
            entry.Release(_buffers);
        }
    }

    /// <summary>
    /// Deflates a small file straight into a pooled array as long as its input; a file that does not fit there (does not
    /// shrink) is stored instead.
    /// </summary>
    private void Compress(Pending entry)
    {
        var input = entry.Input!;
        entry.Crc = Crc32.HashToUInt32(input.AsSpan(0, entry.Length));
        var output = _buffers.Rent(entry.Length);
        var target = new BoundedBufferStream(output, entry.Length);
        using (var deflate = OpenDeflate(target))
        {
            deflate.Write(input, 0, entry.Length);
        }

        if (target.Overflowed || target.Written >= entry.Length)
        {
            _buffers.Return(output);
            entry.Method = Stored;
            return;
        }

        entry.Method = Deflated;
        entry.Output = output;
        entry.OutputLength = target.Written;
    }

    /// <summary>Deflates a large file as it is read, then patches its header (seekable output) or appends a data descriptor.</summary>
    private void WriteStreamed(string name, int mode, string archivePath, long length, Stream content)
    {
        var zip64 = length > Zip64Threshold;
        var seekable = _output.CanSeek;
        // A stored entry cannot be followed by a data descriptor for every reader (Java's ZipInputStream refuses it), so
        // level 0 on an output that cannot seek deflates with stored blocks instead.
        var method = _level == 0 && seekable ? Stored : Deflated;
        var headerOffset = _offset;
        var headerPosition = seekable ? _output.Position : -1;
        WriteLocalHeader(name, method, 0, 0, length, zip64, descriptor: !seekable);
        var dataStart = _offset;
        var crc = new Crc32();
        var buffer = _buffers.Rent(256 * 1024);
        try
        {
            var counting = new CountingStream(this);
            using (Stream target = method == Stored ? counting : OpenDeflate(counting))
            {
                EntryContent.CopyExactly(archivePath, content, length, target, buffer, crc);
            }
        }
        finally
        {
            _buffers.Return(buffer);
        }

        var checksum = crc.GetCurrentHashAsUInt32();
        var compressedSize = _offset - dataStart;
        if (!zip64 && compressedSize >= uint.MaxValue)
        {
            throw new IOException($"'{archivePath}' deflated to {compressedSize} bytes, more than a zip entry without Zip64 can hold.");
        }

        if (seekable)
        {
            var end = _output.Position;
            _output.Position = headerPosition + ZipLayout.LocalHeader.Crc;
            Span<byte> fields = stackalloc byte[ZipLayout.LocalHeader.NameLength - ZipLayout.LocalHeader.Crc];
            BinaryPrimitives.WriteUInt32LittleEndian(fields, checksum);
            BinaryPrimitives.WriteUInt32LittleEndian(fields[(ZipLayout.LocalHeader.CompressedSize - ZipLayout.LocalHeader.Crc)..], zip64 ? uint.MaxValue : (uint)compressedSize);
            BinaryPrimitives.WriteUInt32LittleEndian(fields[(ZipLayout.LocalHeader.Size - ZipLayout.LocalHeader.Crc)..], zip64 ? uint.MaxValue : (uint)length);
            _output.Write(fields);
            if (zip64)
            {
                _output.Position = headerPosition + ZipLayout.LocalHeader.Name + Encoding.UTF8.GetByteCount(name) + ZipLayout.LocalHeader.Zip64ExtraSizes;
                Span<byte> sizes = stackalloc byte[16];
                ZipLayout.WriteZip64Sizes(sizes, length, compressedSize);
                _output.Write(sizes);
            }

            _output.Position = end;
        }
        else
        {
            Span<byte> descriptor = stackalloc byte[ZipLayout.DataDescriptor.Zip64Length];
            Write(descriptor[..ZipLayout.WriteDataDescriptor(descriptor, checksum, compressedSize, length, zip64)]);
        }

        AddCentral(name, mode, method, checksum, compressedSize, length, headerOffset, descriptor: !seekable);
    }

    private DeflateStream OpenDeflate(Stream target) => ManagedDeflater.Open(target, _level);

    private void WriteLocalHeader(string name, ushort method, uint crc, long compressedSize, long size, bool zip64, bool descriptor)
    {
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var header = HeaderBuffer(ZipLayout.LocalHeaderLength(nameLength, zip64));
        ZipLayout.WriteLocalHeader(header, name, nameLength, Flags(name, nameLength, descriptor), method, DosDate, crc, compressedSize, size, zip64);
        Write(header);
    }

    private void AddCentral(string name, int mode, ushort method, uint crc, long compressedSize, long size, long offset, bool descriptor)
    {
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var (length, extraData) = ZipLayout.CentralHeaderLength(nameLength, compressedSize, size, offset);
        var record = HeaderBuffer(length);
        var versionNeeded = extraData > 0 || size > Zip64Threshold ? ZipLayout.Version45 : ZipLayout.Version20;
        var msdos = (mode & 0xF000) == Directory ? 0x10u : 0u;
        ZipLayout.WriteCentralHeader(record, name, nameLength, versionNeeded, Flags(name, nameLength, descriptor), method, DosDate, crc, compressedSize, size,
            ((uint)mode << 16) | msdos, offset);
        _central.Write(record);
        _entries++;
    }

    private void WriteEnd(long centralStart, long centralSize)
    {
        Span<byte> end = stackalloc byte[ZipLayout.MaxEndLength];
        Write(end[..ZipLayout.WriteEnd(end, _entries, centralStart, centralSize, zip64RecordOffset: _offset)]);
    }

    private static ushort Flags(string name, int byteCount, bool descriptor) =>
        (ushort)((byteCount != name.Length ? ZipLayout.FlagUtf8 : 0) | (descriptor ? ZipLayout.FlagDescriptor : 0));

    private Span<byte> HeaderBuffer(int length) => length <= _header.Length ? _header.AsSpan(0, length) : new byte[length];

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _offset += bytes.Length;
    }

    /// <summary>An entry added and not yet written: its input, and once compressed, its output.</summary>
    private sealed class Pending(string name, int mode, byte[]? input, int length) : CompressionWork
    {
        public string Name { get; } = name;

        public int Mode { get; } = mode;

        public int Length { get; } = length;

        public byte[]? Input { get; private set; } = input;

        public ushort Method { get; set; } = Deflated;

        public uint Crc { get; set; }

        public byte[]? Output { get; set; }

        public int OutputLength { get; set; }

        public void Release(ArrayPool<byte> pool)
        {
            if (Input is not null)
            {
                pool.Return(Input);
                Input = null;
            }

            if (Output is not null)
            {
                pool.Return(Output);
                Output = null;
            }
        }
    }
}
