using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// Writes a POSIX tar stream with deterministic bytes: entries in the order given, every mtime
/// <see cref="ArchiveWriter.NormalizedModificationTime"/>, uid/gid 0, empty user and group names, permission bits
/// kept. ustar headers, with a PAX extended header (<c>././@PaxHeader</c>) in front of an entry whose path or link
/// target is longer than 100 bytes or not ASCII, or whose size does not fit ustar's 11 octal digits (8 GiB and up).
/// The archive ends with two zero blocks and is padded to a 10 KiB record, as GNU tar and Python's tarfile do.
/// </summary>
internal sealed class TarArchiveWriter : IArchiveWriter, IHardLinkWriter
{
    private const int BlockSize = 512;
    private const int RecordSize = 20 * BlockSize;
    private const long MaxUstarSize = (1L << 33) - 1; // 077777777777
    private const char RegularType = '0', HardLinkType = '1', SymlinkType = '2', DirectoryType = '5', PaxType = 'x';

    private readonly Stream _body;
    private readonly Func<CancellationToken, Task> _completeBody;
    private readonly IDisposable? _bodyOwner;
    private readonly string _root;
    private readonly byte[] _header = new byte[BlockSize];
    private readonly byte[] _copyBuffer;
    private long _position;
    private bool _completed;
    private bool _disposed;

    /// <summary>Creates a tar writer over <paramref name="body"/>.</summary>
    /// <param name="body">Receives the tar bytes (the compressor, or the output itself).</param>
    /// <param name="completeBody">Finishes <paramref name="body"/> after the trailer (compression trailer, flush).</param>
    /// <param name="bodyOwner">Disposed with the writer (the compressor), or <see langword="null"/>.</param>
    /// <param name="options">ArcRoot is applied to every path.</param>
    public TarArchiveWriter(Stream body, Func<CancellationToken, Task> completeBody, IDisposable? bodyOwner, ArchiveWriterOptions options)
    {
        _body = body;
        _completeBody = completeBody;
        _bodyOwner = bodyOwner;
        _root = ArchivePaths.Root(options.ArcRoot);
        _copyBuffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
    }

    /// <inheritdoc />
    public void AddDirectory(string archivePath, int unixMode)
    {
        var name = ArchivePaths.Full(_root, archivePath) + "/";
        WriteHeader(name, unixMode, 0, DirectoryType, string.Empty);
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, long length, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        WriteHeader(ArchivePaths.Full(_root, archivePath), unixMode, length, RegularType, string.Empty);
        var left = length;
        while (left > 0)
        {
            // The parallel compressors read straight into their block; other bodies go through the copy buffer.
            int read;
            if (_body is ParallelCompressionStream parallel)
            {
                read = parallel.WriteFrom(content, (int)Math.Min(int.MaxValue, left));
            }
            else
            {
                read = content.Read(_copyBuffer, 0, (int)Math.Min(_copyBuffer.Length, left));
                _body.Write(_copyBuffer, 0, read);
            }

            if (read == 0)
            {
                throw new IOException(
                    $"'{archivePath}' ended after {length - left} of its {length} bytes; was it changed while being packed?");
            }

            left -= read;
        }

        if (content.Read(_copyBuffer, 0, 1) != 0)
        {
            throw new IOException($"'{archivePath}' is longer than the {length} bytes announced; was it changed while being packed?");
        }

        _position += length;
        Pad();
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, ReadOnlyMemory<byte> content)
    {
        WriteHeader(ArchivePaths.Full(_root, archivePath), unixMode, content.Length, RegularType, string.Empty);
        _body.Write(content.Span);
        _position += content.Length;
        Pad();
    }

    /// <inheritdoc />
    public void AddSymlink(string archivePath, string linkTarget)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkTarget);
        WriteHeader(ArchivePaths.Full(_root, archivePath), 0x1FF, 0, SymlinkType, linkTarget);
    }

    /// <inheritdoc />
    public void AddHardLink(string archivePath, int unixMode, string firstPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(firstPath);

        // A hard link's target is an archive member name, so it is under the archive root like the name itself.
        WriteHeader(ArchivePaths.Full(_root, archivePath), unixMode, 0, HardLinkType, ArchivePaths.Full(_root, firstPath));
    }

    /// <inheritdoc />
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        // End-of-archive: two zero blocks, then zeros up to the record size.
        var end = _position + (2 * BlockSize);
        var padded = (end + RecordSize - 1) / RecordSize * RecordSize;
        Array.Clear(_copyBuffer, 0, (int)Math.Min(_copyBuffer.Length, padded - _position));
        _body.Write(_copyBuffer, 0, (int)(padded - _position));
        _position = padded;
        _completed = true;
        await _completeBody(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _bodyOwner?.Dispose();
            ArrayPool<byte>.Shared.Return(_copyBuffer);
        }

        return ValueTask.CompletedTask;
    }

    private void WriteHeader(string name, int mode, long size, char type, string linkTarget)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The archive is complete; no entries can be added.");
        }

        // Names are bytes: one that is not valid UTF-8 (carried escaped, see PathBytes) is stored as it is in the PAX path
        // record. No hdrcharset=BINARY record: GNU tar 1.34, which Hadoop unpacks archives with, warns "unknown extended
        // header keyword" for it and takes the bytes as they are anyway; Python's tarfile falls back to surrogateescape.
        var nameBytes = PathBytes.Encode(name);
        var linkBytes = PathBytes.Encode(linkTarget);
        var pathInPax = nameBytes.Length > 100 || !IsAscii(nameBytes);
        var linkInPax = linkBytes.Length > 100 || !IsAscii(linkBytes);
        var sizeInPax = size > MaxUstarSize;
        if (pathInPax || linkInPax || sizeInPax)
        {
            var records = new System.Buffers.ArrayBufferWriter<byte>(256);
            if (pathInPax)
            {
                AppendPaxRecord(records, "path"u8, nameBytes);
            }

            if (linkInPax)
            {
                AppendPaxRecord(records, "linkpath"u8, linkBytes);
            }

            if (sizeInPax)
            {
                AppendPaxRecord(records, "size"u8, Encoding.ASCII.GetBytes(size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            var data = records.WrittenSpan;
            FillHeader("././@PaxHeader"u8, 0x1A4, data.Length, PaxType, default);
            _body.Write(_header);
            _body.Write(data);
            _position += BlockSize + data.Length;
            Pad();
        }

        FillHeader(
            pathInPax ? AsciiPrefix(nameBytes, 100) : nameBytes,
            mode & 0xFFF,
            sizeInPax ? 0 : size,
            type,
            linkInPax ? AsciiPrefix(linkBytes, 100) : linkBytes);
        _body.Write(_header);
        _position += BlockSize;
    }

    private void FillHeader(ReadOnlySpan<byte> name, int mode, long size, char type, ReadOnlySpan<byte> link)
    {
        var h = _header.AsSpan();
        h.Clear();
        name.CopyTo(h[..100]);
        WriteOctal(h.Slice(100, 8), mode);
        WriteOctal(h.Slice(108, 8), 0);
        WriteOctal(h.Slice(116, 8), 0);
        WriteOctal(h.Slice(124, 12), size);
        WriteOctal(h.Slice(136, 12), ArchiveWriter.NormalizedModificationTime.ToUnixTimeSeconds());
        h.Slice(148, 8).Fill((byte)' ');
        h[156] = (byte)type;
        link.CopyTo(h.Slice(157, 100));
        "ustar\0"u8.CopyTo(h.Slice(257, 6));
        "00"u8.CopyTo(h.Slice(263, 2));
        WriteOctal(h.Slice(329, 8), 0);
        WriteOctal(h.Slice(337, 8), 0);
        var checksum = 0;
        foreach (var b in h)
        {
            checksum += b;
        }

        WriteOctal(h.Slice(148, 7), checksum);
        h[155] = (byte)' ';
    }

    /// <summary>Writes <paramref name="value"/> as zero-padded octal digits filling the field but its last byte, a NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        field[^1] = 0;
        for (var i = field.Length - 2; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
    }

    private static void AppendPaxRecord(System.Buffers.ArrayBufferWriter<byte> records, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        // "<length> <key>=<value>\n", where length counts its own digits.
        var payload = key.Length + value.Length + 3;
        var length = payload + 1;
        while (length != payload + length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)
        {
            length = payload + length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        }

        records.Write(Encoding.ASCII.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        records.Write(" "u8);
        records.Write(key);
        records.Write("="u8);
        records.Write(value);
        records.Write("\n"u8);
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes) => System.Text.Ascii.IsValid(bytes);

    /// <summary>An ASCII stand-in for a name that lives in the PAX header, for readers that ignore PAX.</summary>
    private static byte[] AsciiPrefix(byte[] bytes, int max)
    {
        var prefix = new byte[Math.Min(bytes.Length, max)];
        for (var i = 0; i < prefix.Length; i++)
        {
            prefix[i] = bytes[i] < 0x80 ? bytes[i] : (byte)'_';
        }

        return prefix;
    }

    private void Pad()
    {
        var remainder = (int)(_position % BlockSize);
        if (remainder != 0)
        {
            var zeros = BlockSize - remainder;
            Array.Clear(_header);
            _body.Write(_header, 0, zeros);
            _position += zeros;
        }
    }
}
