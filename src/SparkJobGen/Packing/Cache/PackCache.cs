using System;
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
    private const string MetadataKeyVersion = "sparkjobgen-pack-metadata/7";
    private readonly string _directory;

    /// <summary>Creates a cache over <paramref name="directory"/> (created on first write).</summary>
    /// <param name="directory">The cache folder; null for <see cref="DefaultDirectory"/>.</param>
    public PackCache(string? directory = null) => _directory = directory ?? DefaultDirectory;

    /// <summary><c>$SPARKJOBGEN_CACHE</c>, else <c>$XDG_CACHE_HOME/sparkjobgen</c>, else <c>~/.cache/sparkjobgen</c>; plus <c>/packs</c>.</summary>
    public static string DefaultDirectory => CacheRoot.Folder(CacheRoot.Packs);

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

            var rootBytes = Encoding.UTF8.GetBytes(root + "/");
            foreach (var part in EnvironmentWalker.Visit(root, skip, prune, native: null, () => new MetadataHash(rootBytes)))
            {
                sum += part.Sum;
                count += part.Count;
            }
        }

        var low = (ulong)sum;
        var high = (ulong)(sum >> 64);
        var summary = string.Join('|', MetadataKeyVersion, OptionsText(options, format), count, low, high);
        return "m" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(summary))).ToLowerInvariant();
    }

    /// <summary>Every option that changes the output, as both keys hash it (the level as it takes effect: 4 and the default 4 are one).</summary>
    /// <param name="options">The options.</param>
    /// <param name="format">The resolved format.</param>
    internal static string OptionsText(PackOptions options, ArchiveFormat format) =>
        string.Join('|', ArchiveFormats.Name(format), (options.CompressionLevel ?? ArchiveFormats.CompressionLevels(format).Default).ToString(CultureInfo.InvariantCulture),
            options.ArcRoot ?? "", options.DestinationPrefix ?? "", options.ZipSymlinks, options.IgnoreMissingFiles, options.IgnoreEditablePackages,
            options.IgnoreClobberedFiles, string.Join(',', options.Filters.Select(f => (f.Include ? "+" : "-") + f.Pattern)));

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
