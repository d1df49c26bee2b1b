using System;
using System.IO;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// Rewrites an embedded build prefix the way conda does: text files by plain replacement, binary files
/// length-preserving (each NUL-terminated string that contains the prefix is rewritten in place and padded
/// with NULs), so compiled-in paths keep their offsets.
/// </summary>
public static class PrefixRewriter
{
    /// <summary>Replaces every occurrence of <paramref name="placeholder"/> with <paramref name="newPrefix"/> in text content.</summary>
    /// <param name="content">File bytes (UTF-8 text).</param>
    /// <param name="placeholder">The prefix to replace.</param>
    /// <param name="newPrefix">The prefix to write.</param>
    /// <returns>The rewritten bytes (the input itself when nothing matched).</returns>
    public static byte[] RewriteText(byte[] content, string placeholder, string newPrefix)
    {
        var from = Encoding.UTF8.GetBytes(placeholder);
        if (content.AsSpan().IndexOf(from) < 0)
        {
            return content;
        }

        var to = Encoding.UTF8.GetBytes(newPrefix);
        using var output = new MemoryStream(content.Length);
        var rest = content.AsSpan();
        int at;
        while ((at = rest.IndexOf(from)) >= 0)
        {
            output.Write(rest[..at]);
            output.Write(to);
            rest = rest[(at + from.Length)..];
        }

        output.Write(rest);
        return output.ToArray();
    }

    /// <summary>Rewrites <paramref name="placeholder"/> in binary content without changing its length.</summary>
    /// <param name="content">File bytes; rewritten in place.</param>
    /// <param name="placeholder">The prefix to replace.</param>
    /// <param name="newPrefix">The prefix to write; must not be longer than the placeholder.</param>
    /// <param name="fileName">The file's name, for error messages.</param>
    /// <returns>The number of strings rewritten.</returns>
    /// <exception cref="PrefixTooLongException">The new prefix is longer than the placeholder.</exception>
    public static int RewriteBinary(Span<byte> content, string placeholder, string newPrefix, string fileName)
    {
        var from = Encoding.UTF8.GetBytes(placeholder);
        var to = Encoding.UTF8.GetBytes(newPrefix);
        var count = 0;
        var offset = 0;
        int at;
        while ((at = content[offset..].IndexOf(from)) >= 0)
        {
            if (to.Length > from.Length)
            {
                throw new PrefixTooLongException(fileName, placeholder, newPrefix);
            }

            var start = offset + at;
            var end = content[start..].IndexOf((byte)0);
            end = end < 0 ? content.Length : start + end;

            // The C string [start, end) becomes new prefix + (string with each placeholder replaced), NUL padded.
            var original = content[start..end].ToArray();
            var rewritten = RewriteText(original, placeholder, newPrefix);
            rewritten.CopyTo(content[start..]);
            content[(start + rewritten.Length)..end].Clear();
            count++;
            offset = end;
        }

        return count;
    }
}

/// <summary>Thrown when a binary file's prefix cannot be rewritten because the new prefix is longer.</summary>
public sealed class PrefixTooLongException : PackingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The binary file.</param>
    /// <param name="placeholder">The prefix embedded in it.</param>
    /// <param name="newPrefix">The longer prefix that was asked for.</param>
    public PrefixTooLongException(string fileName, string placeholder, string newPrefix)
        : base($"Cannot relocate binary file '{fileName}': the new prefix '{newPrefix}' ({newPrefix.Length} chars) is longer than "
            + $"the prefix embedded in it '{placeholder}' ({placeholder.Length} chars). Choose a shorter destination prefix.")
    {
    }
}
