using System.IO.Hashing;

namespace SparkJobGen.Packing;

/// <summary>
/// An order-dependent hash of what the disk said about each entry (path, kind, size, time, mode, link, source), to compare the
/// checking pass with the writing pass (<see cref="EntrySerializer.Entry"/>'s layout).
/// </summary>
internal sealed class EntryDigest
{
    private readonly XxHash128 _hash = new();
    private readonly EntrySerializer _serializer = new();

    /// <summary>The hash so far.</summary>
    public System.UInt128 Value => _hash.GetCurrentHashAsUInt128();

    /// <summary>Adds an entry.</summary>
    public void Add(PackEntry entry) => _hash.Append(_serializer.Entry(entry, packing: false));
}
