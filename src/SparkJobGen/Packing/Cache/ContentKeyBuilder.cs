using System;
using System.Security.Cryptography;
using System.Text;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>
/// The content key of entries given one at a time in archive order, as the checking pass sees them: a SHA-256 over every
/// option that changes the output, then each entry in <see cref="EntrySerializer.Entry"/>'s layout with everything that
/// decides its packed bytes (path, kind, mode, size, modification time, link target, source, relocation, generated content).
/// </summary>
internal sealed class ContentKeyBuilder : IDisposable
{
    private const string KeyVersion = "sparkjobgen-pack/5";
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly EntrySerializer _serializer = new();

    /// <summary>Starts a key with the options that change the output.</summary>
    public ContentKeyBuilder(PackOptions options, ArchiveFormat format, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        AddLine(KeyVersion);
        AddLine(PackCache.OptionsText(options, format));
        AddLine(prefix);
    }

    /// <summary>Adds the next entry.</summary>
    public void Add(PackEntry entry) => _hash.AppendData(_serializer.Entry(entry, packing: true));

    /// <summary>The key: a lowercase hex SHA-256.</summary>
    public string Finish() => Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant();

    /// <inheritdoc/>
    public void Dispose() => _hash.Dispose();

    private void AddLine(string text)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(text));
        _hash.AppendData("\n"u8);
    }
}
