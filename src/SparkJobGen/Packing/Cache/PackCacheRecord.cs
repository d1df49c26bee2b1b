using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>One cache record: the archive's stamp, its keys and the result of packing it.</summary>
/// <param name="Key">The content key.</param>
/// <param name="Length">The archive's size when recorded.</param>
/// <param name="LastWriteTicks">The archive's modification time when recorded.</param>
/// <param name="Output">The archive path.</param>
/// <param name="MetadataKey">The metadata key, or null.</param>
/// <param name="Result">The pack result, or null.</param>
internal sealed record PackCacheEntry(string Key, long Length, long LastWriteTicks, string Output, string? MetadataKey = null, PackResult? Result = null);

/// <summary>
/// Reads and writes cache records as small JSON documents with <see cref="Utf8JsonReader"/> and <see cref="Utf8JsonWriter"/>
/// directly. A cache hit reads one record in a fresh process, where the serializer's first use (its metadata and converters,
/// even source-generated) cost about 40 ms against well under 1 ms for this reader.
/// </summary>
internal static class PackCacheRecord
{
    /// <summary>Serializes a record.</summary>
    /// <param name="entry">The record.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] Write(PackCacheEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString(nameof(PackCacheEntry.Key), entry.Key);
            writer.WriteNumber(nameof(PackCacheEntry.Length), entry.Length);
            writer.WriteNumber(nameof(PackCacheEntry.LastWriteTicks), entry.LastWriteTicks);
            writer.WriteString(nameof(PackCacheEntry.Output), entry.Output);
            if (entry.MetadataKey is not null)
            {
                writer.WriteString(nameof(PackCacheEntry.MetadataKey), entry.MetadataKey);
            }

            if (entry.Result is { } result)
            {
                writer.WriteStartObject(nameof(PackCacheEntry.Result));
                writer.WriteString(nameof(PackResult.ArchivePath), result.ArchivePath);
                writer.WriteNumber(nameof(PackResult.Format), (int)result.Format);
                writer.WriteString(nameof(PackResult.Prefix), result.Prefix);
                writer.WriteNumber(nameof(PackResult.Kind), (int)result.Kind);
                writer.WriteNumber(nameof(PackResult.Files), result.Files);
                writer.WriteNumber(nameof(PackResult.ContentBytes), result.ContentBytes);
                writer.WriteNumber(nameof(PackResult.ArchiveBytes), result.ArchiveBytes);
                writer.WriteString(nameof(PackResult.ContentKey), result.ContentKey);
                writer.WriteNumber(nameof(PackResult.Duration) + "Ticks", result.Duration.Ticks);
                writer.WriteNumber(nameof(PackResult.UnpackRecords), result.UnpackRecords);
                writer.WriteStartArray(nameof(PackResult.Warnings));
                foreach (var warning in result.Warnings)
                {
                    writer.WriteStringValue(warning);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses a record written by <see cref="Write"/>.</summary>
    /// <param name="json">The record's bytes.</param>
    /// <returns>The record.</returns>
    /// <exception cref="JsonException">Not JSON.</exception>
    /// <exception cref="FormatException">A required field is missing or has the wrong type.</exception>
    public static PackCacheEntry Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        Expect(ref reader, JsonTokenType.StartObject);
        string? key = null, output = null, metadataKey = null;
        long? length = null, ticks = null;
        PackResult? result = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            Next(ref reader);
            switch (name)
            {
                case nameof(PackCacheEntry.Key): key = reader.GetString(); break;
                case nameof(PackCacheEntry.Length): length = reader.GetInt64(); break;
                case nameof(PackCacheEntry.LastWriteTicks): ticks = reader.GetInt64(); break;
                case nameof(PackCacheEntry.Output): output = reader.GetString(); break;
                case nameof(PackCacheEntry.MetadataKey): metadataKey = reader.GetString(); break;
                case nameof(PackCacheEntry.Result): result = ReadResult(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new PackCacheEntry(
            key ?? throw Missing(nameof(PackCacheEntry.Key)), length ?? throw Missing(nameof(PackCacheEntry.Length)),
            ticks ?? throw Missing(nameof(PackCacheEntry.LastWriteTicks)), output ?? throw Missing(nameof(PackCacheEntry.Output)), metadataKey, result);
    }

    private static PackResult? ReadResult(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("The cache record's Result is not an object.");
        }

        string? archive = null, prefix = null, contentKey = null;
        int? format = null, kind = null, files = null, records = null;
        long? contentBytes = null, archiveBytes = null, durationTicks = null;
        var warnings = new List<string>();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            Next(ref reader);
            switch (name)
            {
                case nameof(PackResult.ArchivePath): archive = reader.GetString(); break;
                case nameof(PackResult.Format): format = reader.GetInt32(); break;
                case nameof(PackResult.Prefix): prefix = reader.GetString(); break;
                case nameof(PackResult.Kind): kind = reader.GetInt32(); break;
                case nameof(PackResult.Files): files = reader.GetInt32(); break;
                case nameof(PackResult.ContentBytes): contentBytes = reader.GetInt64(); break;
                case nameof(PackResult.ArchiveBytes): archiveBytes = reader.GetInt64(); break;
                case nameof(PackResult.ContentKey): contentKey = reader.GetString(); break;
                case nameof(PackResult.Duration) + "Ticks": durationTicks = reader.GetInt64(); break;
                case nameof(PackResult.UnpackRecords): records = reader.GetInt32(); break;
                case nameof(PackResult.Warnings):
                    Expect(ref reader, JsonTokenType.StartArray, advance: false);
                    while (Next(ref reader) == JsonTokenType.String)
                    {
                        warnings.Add(reader.GetString()!);
                    }

                    break;
                default: reader.Skip(); break;
            }
        }

        if (!Enum.IsDefined((ArchiveFormat)(format ?? -1)) || !Enum.IsDefined((EnvironmentKind)(kind ?? -1)))
        {
            throw new FormatException("The cache record's Result has an unknown format or kind.");
        }

        return new PackResult(
            archive ?? throw Missing(nameof(PackResult.ArchivePath)), (ArchiveFormat)format!.Value, prefix ?? throw Missing(nameof(PackResult.Prefix)),
            (EnvironmentKind)kind!.Value, files ?? throw Missing(nameof(PackResult.Files)), contentBytes ?? throw Missing(nameof(PackResult.ContentBytes)),
            archiveBytes ?? throw Missing(nameof(PackResult.ArchiveBytes)), contentKey ?? throw Missing(nameof(PackResult.ContentKey)), FromCache: false,
            TimeSpan.FromTicks(durationTicks ?? 0), records ?? 0, warnings);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new FormatException("The cache record ends early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, bool advance = true)
    {
        if ((advance ? Next(ref reader) : reader.TokenType) != type)
        {
            throw new FormatException($"The cache record has {reader.TokenType} where {type} belongs.");
        }
    }

    private static FormatException Missing(string name) => new($"The cache record has no {name}.");
}
