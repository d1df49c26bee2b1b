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
/// <see cref="ArchiveWriterOptions.ZipSymlinks"/> is on; otherwise the target's content is stored, as conda-pack does.
/// Levels are zlib's 0-9 (exact on .NET 9 and later; on .NET 8 the nearest of System.IO.Compression's three), 0 stores.
/// </para>
/// </remarks>
internal sealed class ZipArchiveWriter : IArchiveWriter
{
    /// <summary>Files up to this size are deflated whole on a worker; larger ones are streamed.</summary>
    internal const int SmallFile = 1 << 20;

    private const int RegularFile = 0x8000, Directory = 0x4000, SymbolicLink = 0xA000;
    private const uint LocalHeaderSignature = 0x04034b50, CentralHeaderSignature = 0x02014b50, DescriptorSignature = 0x08074b50;
    private const uint Zip64EndSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50, EndSignature = 0x06054b50;
    private const ushort MadeByUnix = (3 << 8) | 45, Version20 = 20, Version45 = 45;
    private const ushort FlagDescriptor = 1 << 3, FlagUtf8 = 1 << 11;
    private const ushort Stored = 0, Deflated = 8;

    /// <summary>Entries above this size get Zip64 local headers: deflate may grow incompressible input a little.</summary>
    private const long Zip64Threshold = 0xF000_0000;

    private static readonly ushort DosDate = DosDateOf(ArchiveWriter.NormalizedModificationTime);

    private readonly Stream _output;
    private readonly ArchiveWriterOptions _options;
    private readonly int _level;
    private readonly string _root;
    private readonly int _workers;
    private readonly long _maxPendingBytes;
    private readonly Queue<Pending> _pending = new();
    private readonly int _maxPendingEntries;

    /// <summary>
    /// The writer's own pool for file contents and their deflated bytes, let go with the writer. Its total is bounded (about
    /// twice the bytes in flight): per-size pools let each size class keep its own high-water mark, which grew the process
    /// by about 130 bytes per entry over a million-file pack; a fresh array per file would instead make half a gigabyte of
    /// short-lived garbage per 46k files.
    /// </summary>
    private readonly ArrayPool<byte> _buffers;
    private readonly TaskScheduler _compressors;
    private readonly byte[] _header = new byte[512];
    private readonly SpillingBuffer _central = new("zip-central");
    private long _offset;
    private long _pendingBytes;
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

        // Exactly as many compressions at once as workers: the writer blocks on the oldest entry, and the thread pool
        // would otherwise add threads (and zlib states) behind it.
        _compressors = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, _workers).ConcurrentScheduler;
    }

    /// <inheritdoc />
    public void AddDirectory(string archivePath, int unixMode)
    {
        var name = Name(archivePath) + "/";
        Enqueue(new Pending(name, Directory | (unixMode & 0xFFF), null, 0) { Method = Stored });
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
            };
            Enqueue(entry);
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
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_pending.Count > 0)
        {
            var entry = _pending.Dequeue();
            if (entry.Task is not null)
            {
                try
                {
                    await entry.Task.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The archive is abandoned; the entry's error, if any, was or will be reported by the caller's own failure.
                }
            }

            entry.Release(_buffers);
        }

        _central.Dispose();
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
        var entry = new Pending(name, mode, input, length);
        if (_level == 0 || length == 0)
        {
            entry.Method = Stored;
            entry.Crc = Crc32.HashToUInt32(input.AsSpan(0, length));
            Enqueue(entry);
            return;
        }

        if (_workers == 1)
        {
            Compress(entry);
            Enqueue(entry);
            return;
        }

        // Bounded: at most a few MiB per worker in flight, and the writer never runs ahead of the oldest entry by much.
        Drain(_maxPendingBytes - length);
        Drain(_maxPendingEntries - 1, byCount: true);
        entry.Task = Task.Factory.StartNew(static state => ((ZipArchiveWriter)((object[])state!)[0]).Compress((Pending)((object[])state!)[1]), new object[] { this, entry }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _compressors);
        Enqueue(entry);
    }

    private void Enqueue(Pending entry)
    {
        _pending.Enqueue(entry);
        _pendingBytes += entry.Length;
        if (entry.Task is null)
        {
            WriteReady();
        }
    }

    /// <summary>Writes the entries at the head of the queue whose compression has finished.</summary>
    private void WriteReady()
    {
        while (_pending.TryPeek(out var head) && (head.Task is null || head.Task.IsCompleted))
        {
            WriteHead();
        }
    }

    /// <summary>Writes every pending entry (empty files and folders count no bytes, so a byte limit of 0 would leave them).</summary>
    private void WriteAll()
    {
        while (_pending.Count > 0)
        {
            WriteHead();
        }
    }

    /// <summary>Writes entries from the head until the pending bytes (or, <paramref name="byCount"/>, entries) are at most <paramref name="limit"/>.</summary>
    private void Drain(long limit, bool byCount = false)
    {
        WriteReady();
        while (_pending.Count > 0 && (byCount ? _pending.Count : _pendingBytes) > limit)
        {
            WriteHead();
        }
    }

    private void WriteHead()
    {
        var entry = _pending.Dequeue();
        try
        {
            entry.Task?.GetAwaiter().GetResult();
            _pendingBytes -= entry.Length;
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
            _output.Position = headerPosition + 14;
            Span<byte> fields = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(fields, checksum);
            BinaryPrimitives.WriteUInt32LittleEndian(fields[4..], zip64 ? uint.MaxValue : (uint)compressedSize);
            BinaryPrimitives.WriteUInt32LittleEndian(fields[8..], zip64 ? uint.MaxValue : (uint)length);
            _output.Write(fields);
            if (zip64)
            {
                // The Zip64 extra field follows the name: id, size, then the uncompressed and compressed sizes.
                _output.Position = headerPosition + 30 + Encoding.UTF8.GetByteCount(name) + 4;
                Span<byte> sizes = stackalloc byte[16];
                BinaryPrimitives.WriteInt64LittleEndian(sizes, length);
                BinaryPrimitives.WriteInt64LittleEndian(sizes[8..], compressedSize);
                _output.Write(sizes);
            }

            _output.Position = end;
        }
        else
        {
            Span<byte> descriptor = stackalloc byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor, DescriptorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], checksum);
            int size;
            if (zip64)
            {
                BinaryPrimitives.WriteInt64LittleEndian(descriptor[8..], compressedSize);
                BinaryPrimitives.WriteInt64LittleEndian(descriptor[16..], length);
                size = 24;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(descriptor[8..], (uint)compressedSize);
                BinaryPrimitives.WriteUInt32LittleEndian(descriptor[12..], (uint)length);
                size = 16;
            }

            Write(descriptor[..size]);
        }

        AddCentral(name, mode, method, checksum, compressedSize, length, headerOffset, descriptor: !seekable);
    }

    private DeflateStream OpenDeflate(Stream target) => ManagedDeflater.Open(target, _level);

    private void WriteLocalHeader(string name, ushort method, uint crc, long compressedSize, long size, bool zip64, bool descriptor)
    {
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var extraLength = zip64 ? 20 : 0;
        var header = HeaderBuffer(30 + nameLength + extraLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], zip64 ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Flags(name, nameLength, descriptor));
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], zip64 ? uint.MaxValue : (uint)compressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], zip64 ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)nameLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)extraLength);
        Encoding.UTF8.GetBytes(name, header[30..]);
        if (zip64)
        {
            var extra = header[(30 + nameLength)..];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteInt64LittleEndian(extra[4..], size);
            BinaryPrimitives.WriteInt64LittleEndian(extra[12..], compressedSize);
        }

        Write(header);
    }

    private void AddCentral(string name, int mode, ushort method, uint crc, long compressedSize, long size, long offset, bool descriptor)
    {
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var bigSize = size >= uint.MaxValue || compressedSize >= uint.MaxValue;
        var bigOffset = offset >= uint.MaxValue;
        var extraData = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        var extraLength = extraData == 0 ? 0 : 4 + extraData;
        var record = HeaderBuffer(46 + nameLength + extraLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record, CentralHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(record[4..], MadeByUnix);
        BinaryPrimitives.WriteUInt16LittleEndian(record[6..], extraLength > 0 || size > Zip64Threshold ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(record[8..], Flags(name, nameLength, descriptor));
        BinaryPrimitives.WriteUInt16LittleEndian(record[10..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(record[12..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[14..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(record[20..], bigSize ? uint.MaxValue : (uint)compressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(record[24..], bigSize ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(record[28..], (ushort)nameLength);
        BinaryPrimitives.WriteUInt16LittleEndian(record[30..], (ushort)extraLength);
        BinaryPrimitives.WriteUInt16LittleEndian(record[32..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[34..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[36..], 0);
        var msdos = (mode & 0xF000) == Directory ? 0x10u : 0u;
        BinaryPrimitives.WriteUInt32LittleEndian(record[38..], ((uint)mode << 16) | msdos);
        BinaryPrimitives.WriteUInt32LittleEndian(record[42..], bigOffset ? uint.MaxValue : (uint)offset);
        Encoding.UTF8.GetBytes(name, record[46..]);
        if (extraLength > 0)
        {
            var extra = record[(46 + nameLength)..];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)extraData);
            var at = 4;
            if (bigSize)
            {
                BinaryPrimitives.WriteInt64LittleEndian(extra[at..], size);
                BinaryPrimitives.WriteInt64LittleEndian(extra[(at + 8)..], compressedSize);
                at += 16;
            }

            if (bigOffset)
            {
                BinaryPrimitives.WriteInt64LittleEndian(extra[at..], offset);
            }
        }

        _central.Write(record);
        _entries++;
    }

    private void WriteEnd(long centralStart, long centralSize)
    {
        Span<byte> end = stackalloc byte[56 + 20 + 22];
        var zip64 = _entries >= ushort.MaxValue || centralStart >= uint.MaxValue || centralSize >= uint.MaxValue;
        var at = 0;
        if (zip64)
        {
            var recordOffset = _offset;
            BinaryPrimitives.WriteUInt32LittleEndian(end, Zip64EndSignature);
            BinaryPrimitives.WriteInt64LittleEndian(end[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(end[12..], MadeByUnix);
            BinaryPrimitives.WriteUInt16LittleEndian(end[14..], Version45);
            BinaryPrimitives.WriteUInt32LittleEndian(end[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(end[20..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(end[24..], _entries);
            BinaryPrimitives.WriteInt64LittleEndian(end[32..], _entries);
            BinaryPrimitives.WriteInt64LittleEndian(end[40..], centralSize);
            BinaryPrimitives.WriteInt64LittleEndian(end[48..], centralStart);
            BinaryPrimitives.WriteUInt32LittleEndian(end[56..], Zip64LocatorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(end[60..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(end[64..], recordOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(end[72..], 1);
            at = 76;
        }

        var tail = end[at..];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, EndSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[6..], 0);
        var count = (ushort)Math.Min(_entries, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(tail[12..], (uint)Math.Min(centralSize, uint.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(tail[16..], (uint)Math.Min(centralStart, uint.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(tail[20..], 0);
        Write(end[..(at + 22)]);
    }

    private static ushort Flags(string name, int byteCount, bool descriptor) =>
        (ushort)((byteCount != name.Length ? FlagUtf8 : 0) | (descriptor ? FlagDescriptor : 0));

    private Span<byte> HeaderBuffer(int length) => length <= _header.Length ? _header.AsSpan(0, length) : new byte[length];

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _offset += bytes.Length;
    }


    /// <summary>An entry added and not yet written: its input, and once compressed, its output.</summary>
    private sealed class Pending(string name, int mode, byte[]? input, int length)
    {
        public string Name { get; } = name;

        public int Mode { get; } = mode;

        public int Length { get; } = length;

        public byte[]? Input { get; private set; } = input;

        public Task? Task { get; set; }

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

    /// <summary>A deflate stream's sink for a small file: fills a fixed array and notes, without throwing, that it overflowed.</summary>
    private sealed class BoundedBufferStream(byte[] buffer, int capacity) : Stream
    {
        public int Written { get; private set; }

        public bool Overflowed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> bytes)
        {
            if (Overflowed || bytes.Length > capacity - Written)
            {
                Overflowed = true;
                return;
            }

            bytes.CopyTo(buffer.AsSpan(Written));
            Written += bytes.Length;
        }
    }

    /// <summary>The deflate stream's sink: writes through the archive, counting the bytes.</summary>
    private sealed class CountingStream(ZipArchiveWriter writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => writer.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);
    }
}
