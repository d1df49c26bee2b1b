using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>
/// Remembers which content each archive was packed from, so packing an unchanged environment again returns the existing
/// archive after a metadata walk instead of reading and compressing every byte. The content key covers every entry's path,
/// kind, mode, size, modification time and link target, the conda records, and every option that changes the output.
/// Records live in a cache folder (never beside the user's archive), one small JSON file per output path.
/// </summary>
public sealed class PackCache
{
    private const string MetadataKeyVersion = "sparkjobgen-pack-metadata/4";
    private readonly string _directory;

    /// <summary>Creates a cache over <paramref name="directory"/> (created on first write).</summary>
    /// <param name="directory">The cache folder; null for <see cref="DefaultDirectory"/>.</param>
    public PackCache(string? directory = null) => _directory = directory ?? DefaultDirectory;

    /// <summary><c>$SPARKJOBGEN_CACHE</c>, else <c>$XDG_CACHE_HOME/sparkjobgen</c>, else <c>~/.cache/sparkjobgen</c>; plus <c>/packs</c>.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("SPARKJOBGEN_CACHE") is { Length: > 0 } explicitRoot ? explicitRoot
                : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "sparkjobgen")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "sparkjobgen");
            return Path.Combine(root, "packs");
        }
    }

    /// <summary>
    /// A key from metadata alone, for the cache check before any inventory is built: every path under the folders the archive
    /// is read from, with kind, size, modification time and mode, combined order-independently (128-bit sums of XxHash128),
    /// plus every option that changes the output. Any change the full content key sees changes this key too (file contents
    /// change sizes or times; added, removed and re-linked entries change the set), so a match is as good as a content-key match.
    /// </summary>
    /// <param name="location">The environment.</param>
    /// <param name="options">The options.</param>
    /// <param name="format">The resolved format.</param>
    /// <returns>A lowercase hex key.</returns>
    public static string MetadataKey(EnvironmentLocation location, PackOptions options, ArchiveFormat format)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        var roots = location.Kind == EnvironmentKind.Venv
            ? VenvInventory.MetadataWalks(location.Prefix).Select(w => (w.Root, Skip: false, w.Prune)).ToList()
            : [(location.Prefix, Skip: true, Prune: (Func<string, bool>?)null)];

        // Each walker thread hashes what it finds as it goes: the walk keeps nothing, whatever the environment's size.
        UInt128 sum = 0;
        ulong count = 0;
        foreach (var (root, skip, prune) in roots)
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            var rootBytes = Encoding.UTF8.GetBytes(root + "|");
            foreach (var part in EnvironmentWalker.Visit(root, skip, prune, native: null, () => new MetadataHash(rootBytes)))
            {
                sum += part.Sum;
                count += part.Count;
            }
        }

        var low = (ulong)sum;
        var high = (ulong)(sum >> 64);
        var summary = string.Join('|', MetadataKeyVersion, ArchiveFormats.Name(format), (options.CompressionLevel ?? ArchiveFormats.CompressionLevels(format).Default).ToString(CultureInfo.InvariantCulture),
            options.ArcRoot ?? "", options.DestinationPrefix ?? "", options.ZipSymlinks, options.IgnoreMissingFiles, options.IgnoreEditablePackages,
            options.IgnoreClobberedFiles, string.Join(',', options.Filters.Select(f => (f.Include ? "+" : "-") + f.Pattern)),
            count, low, high);
        return "m" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(summary))).ToLowerInvariant();
    }

    /// <summary>
    /// The result recorded for <paramref name="output"/> when it exists unchanged and was packed from content with
    /// <paramref name="metadataKey"/>; otherwise null.
    /// </summary>
    /// <param name="output">The archive.</param>
    /// <param name="metadataKey">See <see cref="MetadataKey(EnvironmentLocation, PackOptions, ArchiveFormat)"/>.</param>
    public PackResult? FindByMetadata(string output, string metadataKey) =>
        Current(output, stored => stored.MetadataKey == metadataKey)?.Result is { } result ? result with { FromCache = true } : null;

    /// <summary>The record of <paramref name="output"/> when it exists unchanged and was packed from content <paramref name="key"/>.</summary>
    /// <param name="output">The archive (or no-archive directory).</param>
    /// <param name="key">The content key.</param>
    internal PackCacheEntry? FindCurrent(string output, string key) => Current(output, stored => stored.Key == key);

    /// <summary>The record of <paramref name="output"/> when it matches and the output is unchanged (same size and time) since.</summary>
    private PackCacheEntry? Current(string output, Func<PackCacheEntry, bool> matches) =>
        Read(output) is { } stored && matches(stored) && Stamp(output) is { } stamp && stamp == (stored.Length, stored.LastWriteTicks) ? stored : null;

    private PackCacheEntry? Read(string output)
    {
        var record = RecordPath(output);
        if (!File.Exists(record))
        {
            return null;
        }

        try
        {
            return PackCacheRecord.Read(File.ReadAllBytes(record));
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Records that <paramref name="output"/> now holds the content named <paramref name="key"/>.</summary>
    /// <param name="output">The archive written.</param>
    /// <param name="key">Its content key.</param>
    /// <param name="metadataKey">Its metadata key (see <see cref="MetadataKey(EnvironmentLocation, PackOptions, ArchiveFormat)"/>), or null.</param>
    /// <param name="result">What packing it produced, returned again on a metadata-key hit.</param>
    public void Remember(string output, string key, string? metadataKey = null, PackResult? result = null)
    {
        if (Stamp(output) is not { } stamp)
        {
            return;
        }

        var record = RecordPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        var temporary = record + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllBytes(temporary, PackCacheRecord.Write(new PackCacheEntry(key, stamp.Length, stamp.Ticks, output, metadataKey, result)));
        File.Move(temporary, record, overwrite: true);
    }

    /// <summary>Forgets an output (it is about to be replaced).</summary>
    /// <param name="output">The archive.</param>
    public void Forget(string output)
    {
        var record = RecordPath(output);
        if (File.Exists(record))
        {
            File.Delete(record);
        }
    }

    private string RecordPath(string output) =>
        Path.Combine(_directory, "index", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(output))))[..32].ToLowerInvariant() + ".json");

    private static (long Length, long Ticks)? Stamp(string output)
    {
        if (File.Exists(output))
        {
            var info = new FileInfo(output);
            return (info.Length, info.LastWriteTimeUtc.Ticks);
        }

        return Directory.Exists(output) ? (0, Directory.GetLastWriteTimeUtc(output).Ticks) : null;
    }
}

/// <summary>One walker thread's share of <see cref="PackCache.MetadataKey"/>: the sum of its items' hashes.</summary>
internal sealed class MetadataHash(byte[] rootBytes) : IDiskItemSink
{
    private byte[] _buffer = new byte[4096];

    /// <summary>The 128-bit sum (modulo 2^128) of the items' XxHash128.</summary>
    public UInt128 Sum { get; private set; }

    /// <summary>The number of items.</summary>
    public ulong Count { get; private set; }

    /// <inheritdoc/>
    public void Add(in DiskItem item)
    {
        // root|path, then kind, length, time and mode as fixed-width binary: no strings on the cache-hit path.
        var directory = item.Directory;
        var name = item.Name;
        var needed = rootBytes.Length + directory.Length + name.Length + 24;
        if (_buffer.Length < needed)
        {
            _buffer = new byte[needed * 2];
        }

        rootBytes.CopyTo(_buffer, 0);
        directory.CopyTo(_buffer.AsSpan(rootBytes.Length));
        name.CopyTo(_buffer.AsSpan(rootBytes.Length + directory.Length));
        var length = rootBytes.Length + directory.Length + name.Length;
        var fields = _buffer.AsSpan(length, 24);
        BinaryPrimitives.WriteInt32LittleEndian(fields, (int)item.Kind);
        BinaryPrimitives.WriteInt64LittleEndian(fields[4..], item.Length);
        BinaryPrimitives.WriteInt64LittleEndian(fields[12..], item.LastWriteTicks);
        BinaryPrimitives.WriteInt32LittleEndian(fields[20..], item.Mode);
        Sum += System.IO.Hashing.XxHash128.HashToUInt128(_buffer.AsSpan(0, length + 24));
        Count++;
    }
}

/// <summary>
/// The content key of entries given one at a time in archive order, as the checking pass sees them: every entry's path,
/// kind, mode, size, modification time, link target, source, relocation and generated content, plus every option that
/// changes the output.
/// </summary>
internal sealed class ContentKeyBuilder : IDisposable
{
    private const string KeyVersion = "sparkjobgen-pack/4";
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly StringBuilder _line = new();
    private byte[] _bytes = new byte[1024];

    /// <summary>Starts a key with the options that change the output.</summary>
    public ContentKeyBuilder(PackOptions options, ArchiveFormat format, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        AddLine(KeyVersion);
        AddLine(string.Join('|', ArchiveFormats.Name(format), (options.CompressionLevel ?? ArchiveFormats.CompressionLevels(format).Default).ToString(CultureInfo.InvariantCulture),
            options.ArcRoot ?? "", options.DestinationPrefix ?? "", options.ZipSymlinks, options.IgnoreMissingFiles,
            options.IgnoreEditablePackages, options.IgnoreClobberedFiles, prefix));
        AddLine(string.Join('|', options.Filters.Select(f => (f.Include ? "+" : "-") + f.Pattern)));
    }

    /// <summary>Adds the next entry.</summary>
    public void Add(PackEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = _line.Clear();
        line.Append(entry.ArchivePath).Append('|').Append((int)entry.Kind).Append('|').Append(entry.UnixMode).Append('|')
            .Append(entry.Length).Append('|').Append(entry.LastWriteTicks).Append('|').Append(entry.LinkTarget).Append('|')
            .Append(entry.SourcePath).Append('|').Append(entry.RunPath).Append('|').Append(entry.FixShebang).Append('|').Append(entry.CondaRecord);
        if (entry.HardLinkTarget is { } first)
        {
            line.Append("|=").Append(first);
        }

        foreach (var prefix in entry.Prefixes ?? [])
        {
            line.Append('|').Append(prefix.OnDisk).Append('>').Append(prefix.Placeholder).Append(':').Append((int)prefix.Mode);
        }

        if (entry.Generated is { } generated)
        {
            line.Append('|').Append(Convert.ToHexString(SHA256.HashData(generated)));
        }

        var text = line.ToString();
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_bytes.Length < needed)
        {
            _bytes = new byte[needed];
        }

        _hash.AppendData(_bytes, 0, Encoding.UTF8.GetBytes(text, _bytes));
        _hash.AppendData("\n"u8);
    }

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
