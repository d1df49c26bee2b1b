using System;
using System.Buffers;
using System.Collections.Generic;
using System.Numerics;

namespace SparkJobGen.Packing;

/// <summary>
/// An array pool that keeps at most a fixed number of bytes in total, for a writer whose buffers in flight are bounded in
/// bytes. <see cref="ArrayPool{T}.Create(int, int)"/> bounds each size class separately, so a long pack lets every class
/// reach its own high-water mark (tens of MB across classes); here an array that would take the pool past its budget is
/// dropped instead. Arrays are powers of two from 4 KiB; requests above <c>maxArrayLength</c> are allocated and never kept.
/// </summary>
internal sealed class BoundedBufferPool : ArrayPool<byte>
{
    private const int SmallestShift = 12;
    private readonly int _maxArrayLength;
    private readonly long _maxRetainedBytes;
    private readonly Stack<byte[]>[] _buckets;
    private long _retainedBytes;

    /// <summary>Creates the pool.</summary>
    /// <param name="maxArrayLength">The largest array kept; a power of two of at least 4 KiB.</param>
    /// <param name="maxRetainedBytes">The most bytes kept in all.</param>
    public BoundedBufferPool(int maxArrayLength, long maxRetainedBytes)
    {
        if (maxArrayLength < 1 << SmallestShift || !BitOperations.IsPow2(maxArrayLength))
        {
            throw new ArgumentOutOfRangeException(nameof(maxArrayLength), maxArrayLength, "A power of two of at least 4 KiB.");
        }

        _maxArrayLength = maxArrayLength;
        _maxRetainedBytes = maxRetainedBytes;
        _buckets = new Stack<byte[]>[BitOperations.Log2((uint)maxArrayLength) - SmallestShift + 1];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Stack<byte[]>();
        }
    }

    /// <summary>The bytes the pool holds now (for tests).</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_buckets)
            {
                return _retainedBytes;
            }
        }
    }

    /// <inheritdoc />
    public override byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength > _maxArrayLength)
        {
            return new byte[minimumLength];
        }

        var bucket = Bucket(minimumLength);
        lock (_buckets)
        {
            if (_buckets[bucket].TryPop(out var array))
            {
                _retainedBytes -= array.Length;
                return array;
            }
        }

        return new byte[1 << (bucket + SmallestShift)];
    }

    /// <inheritdoc />
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length > _maxArrayLength || array.Length < 1 << SmallestShift || !BitOperations.IsPow2(array.Length))
        {
            // Not one of ours (or too large to keep): left to the garbage collector.
            return;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        lock (_buckets)
        {
            if (_retainedBytes + array.Length <= _maxRetainedBytes)
            {
                _buckets[Bucket(array.Length)].Push(array);
                _retainedBytes += array.Length;
            }
        }
    }

    private static int Bucket(int length) =>
        length <= 1 << SmallestShift ? 0 : BitOperations.Log2((uint)length - 1) + 1 - SmallestShift;
}
