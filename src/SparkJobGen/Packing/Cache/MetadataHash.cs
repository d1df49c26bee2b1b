using System;
using System.IO.Hashing;

namespace SparkJobGen.Packing;

/// <summary>
/// One walker thread's share of <see cref="PackCache.MetadataKey"/>: the sum of its items' XxHash128 over
/// <see cref="EntrySerializer.Disk"/>'s layout (no strings on the cache-hit path).
/// </summary>
/// <param name="rootBytes">The walked root, UTF-8, with a trailing '/'.</param>
internal sealed class MetadataHash(byte[] rootBytes) : IDiskItemSink
{
    private readonly EntrySerializer _serializer = new();

    /// <summary>The 128-bit sum (modulo 2^128) of the items' XxHash128.</summary>
    public UInt128 Sum { get; private set; }

    /// <summary>The number of items.</summary>
    public ulong Count { get; private set; }

    /// <inheritdoc/>
    public void Add(in DiskItem item)
    {
        Sum += XxHash128.HashToUInt128(_serializer.Disk(rootBytes, item.Directory, item.Name, item.Kind, item.Length, item.LastWriteTicks, item.Mode));
        Count++;
    }
}
