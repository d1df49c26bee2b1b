using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SparkJobGen.Caching;

/// <summary>
/// Remembers what was computed from a file's bytes (a digest, facts read from an archive) while the file keeps its path, length
/// and modification time, so an unchanged file is read once. One small JSON file per path in a cache folder; a missing,
/// unreadable or stale entry means the caller reads the file again. Archives the tool writes are published by rename, so a
/// rewritten archive always has a new modification time.
/// </summary>
internal static class FileStampCache
{
    /// <summary>The entry of <paramref name="path"/> in <paramref name="cacheDirectory"/> while the file is unchanged; null otherwise.</summary>
    /// <param name="cacheDirectory">The cache folder.</param>
    /// <param name="path">The file (resolved to its full path).</param>
    public static Dictionary<string, string>? TryRead(string cacheDirectory, string path)
    {
        var (full, stamp) = Stamp(path);
        if (stamp is null)
        {
            return null;
        }

        try
        {
            var values = JsonSerializer.Deserialize(File.ReadAllText(EntryFile(cacheDirectory, full)), RuntimeJson.Default.DictionaryStringString);
            return values is not null && values.GetValueOrDefault("path") == full && values.GetValueOrDefault("stamp") == stamp ? values : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Records <paramref name="values"/> for <paramref name="path"/> as it is now (written atomically; an unwritable cache is ignored).</summary>
    /// <param name="cacheDirectory">The cache folder.</param>
    /// <param name="path">The file the values were computed from.</param>
    /// <param name="stampBefore">The file's stamp before it was read (<see cref="CurrentStamp"/>): a file changed while it was read is not recorded.</param>
    /// <param name="values">What was computed.</param>
    public static void Write(string cacheDirectory, string path, string? stampBefore, IReadOnlyDictionary<string, string> values)
    {
        var (full, stamp) = Stamp(path);
        if (stamp is null || stamp != stampBefore)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(cacheDirectory);
            var entry = new Dictionary<string, string>(values, StringComparer.Ordinal) { ["path"] = full, ["stamp"] = stamp };
            var file = EntryFile(cacheDirectory, full);
            var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(entry, RuntimeJson.Default.DictionaryStringString));
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The cache is an optimization: an unwritable cache only means the file is read again next time.
        }
    }

    /// <summary>The file's length and modification time as recorded in an entry; null when it does not exist.</summary>
    /// <param name="path">The file.</param>
    public static string? CurrentStamp(string path) => Stamp(path).Stamp;

    private static (string Full, string? Stamp) Stamp(string path)
    {
        var info = new FileInfo(path);
        return (info.FullName, info.Exists ? string.Create(CultureInfo.InvariantCulture, $"{info.Length}:{info.LastWriteTimeUtc.Ticks}") : null);
    }

    private static string EntryFile(string cacheDirectory, string fullPath) =>
        Path.Combine(cacheDirectory, string.Concat(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath))).ToLowerInvariant().AsSpan(0, 32), ".json"));
}
