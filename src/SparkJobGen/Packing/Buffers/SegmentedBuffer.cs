using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace SparkJobGen.Packing;

/// <summary>
/// Bytes in 64 KiB segments, for content of any size that must be held whole for a moment (a conda record of a package with
/// tens of thousands of files is tens of MB): each segment stays below the large object threshold, so the garbage collector
/// reclaims and compacts them with everything else, where one large array per record would pile up on the large object heap
/// until a rare full collection.
/// </summary>
internal sealed class SegmentedBuffer : IBufferWriter<byte>
{
    /// <summary>The size of a segment, below the 85,000-byte large object threshold.</summary>
    private const int SegmentSize = 64 * 1024;

    /// <summary>How many bytes of segments a reset keeps for the next use; the rest are let go.</summary>
    private const int RetainedBytes = 4 * 1024 * 1024;

    private readonly List<byte[]> _segments = [];
    private readonly List<int> _used = [];
    private int _current = -1;

    /// <summary>The number of bytes written.</summary>
    public long Length { get; private set; }

    /// <summary>Empties the buffer, keeping up to 4 MiB of segments for reuse.</summary>
    public void Reset()
    {
        var keep = 0;
        for (long kept = 0; keep < _segments.Count && kept + _segments[keep].Length <= RetainedBytes; keep++)
        {
            kept += _segments[keep].Length;
        }

        _segments.RemoveRange(keep, _segments.Count - keep);
        _used.Clear();
        _current = -1;
        Length = 0;
    }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        if (_current < 0 || _used[_current] + count > _segments[_current].Length)
        {
            throw new InvalidOperationException("Advanced past the memory last handed out.");
        }

        _used[_current] += count;
        Length += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint);

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).Span;

    /// <summary>Reads <paramref name="length"/> bytes of a file from its start (fewer if it ends first), after what is already here.</summary>
    public void ReadFrom(SafeFileHandle handle, long length)
    {
        long offset = 0;
        while (offset < length)
        {
            var memory = Reserve(1);
            var read = RandomAccess.Read(handle, memory.Span[..(int)Math.Min(memory.Length, length - offset)], offset);
            if (read == 0)
            {
                break;
            }

            Advance(read);
            offset += read;
        }
    }

    /// <summary>The bytes written, as a sequence over the segments (valid until the next write or reset).</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        Segment? first = null, last = null;
        for (var i = 0; i <= _current; i++)
        {
            if (_used[i] == 0)
            {
                continue;
            }

            var segment = new Segment(_segments[i].AsMemory(0, _used[i]), last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Next = segment;
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>A read-only stream over the bytes written (valid until the next write or reset).</summary>
    public Stream OpenRead() => new SequenceStream(AsSequence());

    /// <summary>Free room of at least <paramref name="sizeHint"/> bytes (one byte if zero), in the current segment or a new one.</summary>
    private Memory<byte> Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_current >= 0 && _segments[_current].Length - _used[_current] >= sizeHint)
        {
            return _segments[_current].AsMemory(_used[_current]);
        }

        _current++;
        _used.Add(0);
        if (_current < _segments.Count && _segments[_current].Length >= sizeHint)
        {
            return _segments[_current];
        }

        // A reused segment too small for a single large request is replaced; requests above a segment get their own size.
        var segment = new byte[Math.Max(SegmentSize, sizeHint)];
        if (_current < _segments.Count)
        {
            _segments[_current] = segment;
        }
        else
        {
            _segments.Add(segment);
        }

        return segment;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public new Segment? Next
        {
            get => (Segment?)base.Next;
            set => base.Next = value;
        }
    }

    /// <summary>Reads a sequence from start to end.</summary>
    private sealed class SequenceStream(ReadOnlySequence<byte> sequence) : Stream
    {
        private readonly long _length = sequence.Length;
        private ReadOnlySequence<byte> _rest = sequence;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _length - _rest.Length;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, _rest.Length);
            _rest.Slice(0, count).CopyTo(buffer);
            _rest = _rest.Slice(count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
