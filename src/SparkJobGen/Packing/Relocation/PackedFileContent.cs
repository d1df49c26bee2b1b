using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace SparkJobGen.Packing;

/// <summary>A prefix that <c>conda-unpack</c> must replace in one archived file.</summary>
/// <param name="ArchivePath">The file, relative to the environment root.</param>
/// <param name="Placeholder">The prefix string as archived.</param>
/// <param name="Mode">Text or binary.</param>
public sealed record UnpackRecord(string ArchivePath, string Placeholder, PrefixMode Mode);

/// <summary>
/// Decides the bytes of one file in the archive: with a destination prefix every recorded prefix is replaced now; without one,
/// shebangs into the environment become <c>/usr/bin/env</c> lines, conda files get their build placeholder back (binary files
/// regain their original room) and each remaining prefix is recorded for <c>conda-unpack</c>.
/// </summary>
internal static class PackedFileContent
{
    /// <summary>The marker ELF loaders expand to the directory of the loaded file.</summary>
    private const string Origin = "$ORIGIN";


    /// <summary>
    /// Whether a file must be read into memory to decide its archived bytes (else it is streamed as it is): a conda record, a
    /// file that may hold a prefix, a shebang or a runpath, and every <c>.pyc</c> whose source is packed (re-stamped, see
    /// <see cref="RestampPyc"/>), whoever owns it.
    /// </summary>
    public static bool NeedsInspection(PackEntry entry) => entry.CondaRecord || entry.PycSource is not null || MayRewrite(entry);

    /// <summary>Whether a prefix, a shebang or a runpath may be rewritten in the file (what <see cref="Transform"/> does besides cleaning a conda record).</summary>
    public static bool MayRewrite(PackEntry entry) => entry.Prefixes is { Count: > 0 } || entry.FixShebang || entry.RunPath is not null;

    /// <summary>
    /// Whether <see cref="Transform"/> could change <paramref name="content"/>: a recorded prefix occurs in it, it is an
    /// ELF whose runpath may be relativized, or it is a script whose shebang may be fixed. False means "store as it is".
    /// </summary>
    public static bool MayChange(PackEntry entry, ReadOnlySpan<byte> content)
    {
        if (entry.CondaRecord || entry.RunPath is not null || entry.PycSource is not null || (entry.FixShebang && content.StartsWith("#!"u8)))
        {
            return true;
        }

        return ContainsPrefix(entry, content);
    }

    /// <summary>Transforms <paramref name="content"/>; returns the bytes to archive (possibly the same array).</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="content">Its bytes on disk.</param>
    /// <param name="destinationPrefix">The <c>--dest-prefix</c>, or null.</param>
    /// <param name="records">Receives what <c>conda-unpack</c> must still rewrite.</param>
    public static byte[] Transform(PackEntry entry, byte[] content, string? destinationPrefix, UnpackRecordLog records)
    {
        if (entry.CondaRecord)
        {
            content = CleanCondaRecord(content);
        }

        if (entry.RunPath is { } runPath)
        {
            content = RelativizeRunPath(content, runPath, entry.ArchivePath);
        }

        if (entry.PycSource is { } source)
        {
            content = RestampPyc(content, source);
        }

        foreach (var prefix in entry.Prefixes ?? [])
        {
            var needle = Encoding.UTF8.GetBytes(prefix.OnDisk);
            if (content.AsSpan().IndexOf(needle) < 0)
            {
                continue;
            }

            var mode = prefix.Mode;
            if (mode == PrefixMode.None)
            {
                // Unknown files: text when they decode as UTF-8; binaries of unknown layout are never rewritten (conda-pack's rule).
                if (!IsUtf8(content))
                {
                    continue;
                }

                mode = PrefixMode.Text;
            }

            if (mode == PrefixMode.Text)
            {
                if (destinationPrefix is not null)
                {
                    content = entry.FixShebang ? Shebang.Rewrite(content, prefix.OnDisk, destinationPrefix) : content;
                    content = PrefixRewriter.RewriteText(content, prefix.OnDisk, destinationPrefix);
                    continue;
                }

                if (entry.FixShebang)
                {
                    content = Shebang.Rewrite(content, prefix.OnDisk, null);
                    if (content.AsSpan().IndexOf(needle) < 0)
                    {
                        continue;
                    }
                }

                content = PrefixRewriter.RewriteText(content, prefix.OnDisk, prefix.Placeholder);
                records.Add(new UnpackRecord(entry.ArchivePath, prefix.Placeholder, PrefixMode.Text));
                continue;
            }

            // Binary: strings may grow back into the NUL padding conda left when it shortened the placeholder.
            var room = Math.Max(0, Encoding.UTF8.GetByteCount(prefix.Placeholder) - needle.Length);
            var target = destinationPrefix ?? prefix.Placeholder;
            var rewritten = ReplaceInCStrings(content, prefix.OnDisk, target, room);
            if (rewritten is null)
            {
                if (destinationPrefix is not null)
                {
                    throw new PrefixTooLongException(entry.ArchivePath, prefix.OnDisk, destinationPrefix);
                }

                // No room recorded (the file was not padded as conda-meta says): keep it and let conda-unpack shrink from the current prefix.
                records.Add(new UnpackRecord(entry.ArchivePath, prefix.OnDisk, PrefixMode.Binary));
                continue;
            }

            content = rewritten;
            if (destinationPrefix is null)
            {
                records.Add(new UnpackRecord(entry.ArchivePath, prefix.Placeholder, PrefixMode.Binary));
            }
        }

        return content;
    }

    /// <summary>
    /// Replaces <paramref name="from"/> with <paramref name="to"/> inside each NUL-terminated string that contains it, keeping the
    /// file length: shorter results are NUL-padded, longer ones may use at most <paramref name="roomPerOccurrence"/> extra bytes per
    /// occurrence and only bytes that are NUL padding already.
    /// </summary>
    /// <returns>The new content, or null when a string has no room to grow.</returns>
    internal static byte[]? ReplaceInCStrings(byte[] content, string from, string to, int roomPerOccurrence)
    {
        var fromBytes = Encoding.UTF8.GetBytes(from);
        var toBytes = Encoding.UTF8.GetBytes(to);
        var result = (byte[])content.Clone();
        var offset = 0;
        int at;
        while ((at = result.AsSpan(offset).IndexOf(fromBytes)) >= 0)
        {
            var start = offset + at;
            var terminator = result.AsSpan(start).IndexOf((byte)0);
            var end = terminator < 0 ? result.Length : start + terminator;
            var original = result.AsSpan(start, end - start).ToArray();
            var occurrences = Count(original, fromBytes);
            var replaced = PrefixRewriter.RewriteText(original, from, to);
            var growth = replaced.Length - original.Length;
            if (growth > 0)
            {
                // The grown string and its terminator must fit in existing NUL padding, within the recorded room.
                if (growth > roomPerOccurrence * occurrences || end + growth >= result.Length || result.AsSpan(end, growth + 1).IndexOfAnyExcept((byte)0) >= 0)
                {
                    return null;
                }
            }

            replaced.CopyTo(result, start);
            var newEnd = start + replaced.Length;
            if (newEnd < end)
            {
                result.AsSpan(newEnd, end - newEnd).Clear();
            }

            offset = Math.Max(end, newEnd);
        }

        return result;
    }

    /// <summary>
    /// Makes an ELF's absolute library search path (RPATH/RUNPATH string equal to <paramref name="runPath"/>) relative to the
    /// file with <c>$ORIGIN</c>, in place and NUL-padded, so the packed interpreter finds its shared library wherever it is unpacked.
    /// </summary>
    internal static byte[] RelativizeRunPath(byte[] content, string runPath, string archivePath)
    {
        if (content.Length < 4 || content[0] != 0x7F || content[1] != (byte)'E' || content[2] != (byte)'L' || content[3] != (byte)'F')
        {
            return content;
        }

        var directory = Path.GetDirectoryName(archivePath.Replace('/', Path.DirectorySeparatorChar)) ?? "";
        var libDirectory = "lib";
        var relative = Path.GetRelativePath(Path.Combine("/", directory), Path.Combine("/", libDirectory)).Replace('\\', '/');
        var replacement = relative == "." ? Origin : Origin + "/" + relative;
        var needle = Encoding.UTF8.GetBytes("\0" + runPath + "\0");
        var at = content.AsSpan().IndexOf(needle);
        if (at < 0 || replacement.Length > runPath.Length)
        {
            return content;
        }

        var result = (byte[])content.Clone();
        var span = result.AsSpan(at + 1, runPath.Length);
        span.Clear();
        Encoding.UTF8.GetBytes(replacement).CopyTo(span);
        return result;
    }

    /// <summary>
    /// Archives store every file with one normalized modification time (deterministic bytes), but CPython validates a
    /// timestamp-based <c>.pyc</c> against its source's mtime and size; left alone, every cached module would look stale
    /// after unpacking and be recompiled on each executor. A pyc that was valid for its source (same mtime and size in the
    /// header) is re-stamped with the normalized time, so it stays valid; stale or hash-based pycs are left as they are.
    /// </summary>
    internal static byte[] RestampPyc(byte[] content, PycSource source)
    {
        if (!IsValidPyc(content, source))
        {
            return content;
        }

        var result = (byte[])content.Clone();
        Restamp(result);
        return result;
    }

    /// <summary>Re-stamps a valid <c>.pyc</c> in place (see <see cref="RestampPyc"/>); returns whether it did.</summary>
    /// <param name="content">The file's bytes, changed in place.</param>
    /// <param name="source">The source it was compiled from.</param>
    internal static bool TryRestampPycInPlace(Span<byte> content, PycSource source)
    {
        if (!IsValidPyc(content, source))
        {
            return false;
        }

        Restamp(content);
        return true;
    }

    /// <summary>Whether some recorded prefix occurs in <paramref name="content"/>.</summary>
    internal static bool ContainsPrefix(PackEntry entry, ReadOnlySpan<byte> content)
    {
        foreach (var prefix in entry.Prefixes ?? [])
        {
            if (content.IndexOf(Encoding.UTF8.GetBytes(prefix.OnDisk)) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidPyc(ReadOnlySpan<byte> content, PycSource source)
    {
        // Header (PEP 552): magic (4), flags (4), then for flags == 0: source mtime (4, LE, mod 2^32), source size (4, LE).
        if (content.Length < 16 || content[2] != '\r' || content[3] != '\n'
            || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(content[4..]) != 0)
        {
            return false;
        }

        var mtime = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(content[8..]);
        var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(content[12..]);
        return mtime == (uint)source.ModifiedSeconds && size == (uint)source.Length;
    }

    private static void Restamp(Span<byte> content) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(content[8..], (uint)Archives.ArchiveWriter.NormalizedModificationTime.ToUnixTimeSeconds());

    private static int Count(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        int at;
        while ((at = haystack.IndexOf(needle)) >= 0)
        {
            count++;
            haystack = haystack[(at + needle.Length)..];
        }

        return count;
    }

    private static bool IsUtf8(byte[] content)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(content);
            return Array.IndexOf(content, (byte)0) < 0;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>
    /// Blanks the local absolute paths of a conda-meta record (the extracted package folder, the tarball, the link source),
    /// which mean nothing on the cluster, as conda-pack does, and writes it indented; a record that is not a JSON object is
    /// stored as it is. Token by token, never as a document: a record of a package with many files is tens of MB, and its
    /// document several times that.
    /// </summary>
    public static byte[] CleanCondaRecord(byte[] json)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(json.Length + 256);
        return TryCleanCondaRecord(new System.Buffers.ReadOnlySequence<byte>(json), output) ? output.WrittenSpan.ToArray() : json;
    }

    /// <summary><see cref="CleanCondaRecord(byte[])"/> into <paramref name="output"/>; false (and output to discard) when the record is stored as it is.</summary>
    public static bool TryCleanCondaRecord(System.Buffers.ReadOnlySequence<byte> json, System.Buffers.IBufferWriter<byte> output)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
            var topLevelProperty = "";
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.EndObject)
                {
                    return false;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        var property = reader.GetString()!;
                        writer.WritePropertyName(property);
                        if (reader.CurrentDepth == 1)
                        {
                            topLevelProperty = property;
                        }

                        var blank = (reader.CurrentDepth == 1 && property is "extracted_package_dir" or "package_tarball_full_path")
                            || (reader.CurrentDepth == 2 && topLevelProperty == "link" && property == "source");
                        if (blank)
                        {
                            reader.Read();
                            reader.Skip();
                            writer.WriteStringValue("");
                        }

                        break;
                    case JsonTokenType.String:
                        writer.WriteStringValue(reader.GetString());
                        break;
                    case JsonTokenType.Number:
                        WriteNumber(ref reader, writer);
                        break;
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        writer.WriteBooleanValue(reader.GetBoolean());
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return true;
    }

    /// <summary>Writes the number token as it is written in the input (<c>1.50e3</c> stays so), placed and indented by the writer.</summary>
    private static void WriteNumber(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        // Sizes and timestamps are plain integers: written from their value when that gives back the same digits.
        Span<byte> digits = stackalloc byte[20];
        if (!reader.HasValueSequence && reader.TryGetInt64(out var value)
            && System.Buffers.Text.Utf8Formatter.TryFormat(value, digits, out var written) && digits[..written].SequenceEqual(reader.ValueSpan))
        {
            writer.WriteNumberValue(value);
            return;
        }

        using var number = JsonDocument.ParseValue(ref reader);
        number.RootElement.WriteTo(writer);
    }
}
