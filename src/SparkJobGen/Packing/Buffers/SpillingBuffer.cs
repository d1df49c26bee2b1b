using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing;

/// <summary>
/// Bytes appended in order and read back at the end, whose size grows with the environment (a zip central directory, the
/// records of <c>conda-unpack</c>): kept in memory up to a limit, then moved to a temporary file that is deleted when the
/// buffer is disposed (or the process dies: the file is unlinked on close), so memory does not grow with the entries.
/// </summary>
internal sealed class SpillingBuffer : IDisposable
{
    private readonly string _name;
    private readonly int _inMemoryLimit;
    private MemoryStream _memory = new();
    private FileStream? _file;
    private bool _disposed;

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="name">Names the temporary file (<c>sparkjobgen-NAME-PID-GUID.spill</c> in the temporary folder).</param>
    /// <param name="inMemoryLimit">Bytes held in memory before they go to the file.</param>
    public SpillingBuffer(string name, int inMemoryLimit = 1 << 20)
    {
        _name = name;
        _inMemoryLimit = inMemoryLimit;
    }

    /// <summary>The number of bytes appended.</summary>
    public long Length => (_file?.Length ?? 0) + _memory.Length;

    /// <summary>Whether the bytes went to a temporary file.</summary>
    public bool Spilled => _file is not null;

    /// <summary>Appends <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _memory.Write(bytes);
        if (_memory.Length >= _inMemoryLimit)
        {
            _file ??= new FileStream(
                Path.Combine(Path.GetTempPath(), $"sparkjobgen-{_name}-{Environment.ProcessId}-{Guid.NewGuid():N}.spill"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _file.Seek(0, SeekOrigin.End);
            _file.Write(_memory.GetBuffer(), 0, (int)_memory.Length);
            _memory.SetLength(0);
        }
    }

    /// <summary>Copies every byte appended so far to <paramref name="target"/>.</summary>
    /// <param name="target">Receives the bytes.</param>
    /// <param name="cancellationToken">Stops the copy.</param>
    public async Task CopyToAsync(Stream target, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_file is not null)
        {
            _file.Flush();
            _file.Position = 0;
            await _file.CopyToAsync(target, 1 << 20, cancellationToken).ConfigureAwait(false);
        }

        await target.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bytes appended so far, as parts to read in order (valid until the next write or the disposal).</summary>
    public IEnumerable<Stream> Parts()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_file is not null)
        {
            _file.Flush();
            yield return new SubStream(_file, _file.Length);
        }

        yield return new MemoryStream(_memory.GetBuffer(), 0, (int)_memory.Length, writable: false);
    }

    /// <summary>Deletes the temporary file and lets the memory go.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _file?.Dispose();
        _file = null;
        _memory.Dispose();
        _memory = new MemoryStream();
    }

    /// <summary>Reads the first <c>length</c> bytes of a file from its start, leaving the file open.</summary>
    private sealed class SubStream(FileStream file, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var wanted = (int)Math.Min(buffer.Length, length - _position);
            if (wanted <= 0)
            {
                return 0;
            }

            var read = RandomAccess.Read(file.SafeFileHandle, buffer[..wanted], _position);
            _position += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Reads several streams one after another as one, disposing each when it is done.</summary>
internal sealed class ConcatenatedStream : Stream
{
    private readonly IEnumerator<Stream> _parts;
    private readonly long _length;
    private Stream? _current;
    private long _position;

    /// <summary>Joins <paramref name="parts"/>, whose total length is <paramref name="length"/>.</summary>
    /// <param name="parts">The streams, read in order.</param>
    /// <param name="length">Their total length.</param>
    public ConcatenatedStream(IEnumerable<Stream> parts, long length)
    {
        _parts = parts.GetEnumerator();
        _length = length;
        _current = _parts.MoveNext() ? _parts.Current : null;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        while (_current is not null && buffer.Length > 0)
        {
            var read = _current.Read(buffer);
            if (read > 0)
            {
                _position += read;
                return read;
            }

            _current.Dispose();
            _current = _parts.MoveNext() ? _parts.Current : null;
        }

        return 0;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            while (_parts.MoveNext())
            {
                _parts.Current.Dispose();
            }

            _parts.Dispose();
        }

        base.Dispose(disposing);
    }
}
