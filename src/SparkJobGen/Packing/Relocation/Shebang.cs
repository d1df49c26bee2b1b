using System;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// Fixes the <c>#!</c> line of scripts whose interpreter lives in the environment. With no destination
/// prefix the line becomes <c>#!/usr/bin/env &lt;program&gt;</c> so it works wherever the environment is
/// unpacked (once it is on PATH); with one, the prefix is substituted and, when the line would exceed the
/// kernel's 127-byte limit or contain a space, the script starts with the <c>/bin/sh</c> exec trick instead.
/// </summary>
public static class Shebang
{
    /// <summary>The longest shebang line Linux reads.</summary>
    public const int MaxLength = 127;

    /// <summary>Rewrites the shebang of <paramref name="content"/> when its interpreter is under <paramref name="prefix"/>.</summary>
    /// <param name="content">The script bytes.</param>
    /// <param name="prefix">The prefix the script was installed with.</param>
    /// <param name="destinationPrefix">The prefix it will run from, or null for a relocatable <c>/usr/bin/env</c> line.</param>
    /// <returns>The rewritten bytes, or the input when it has no shebang into the prefix.</returns>
    public static byte[] Rewrite(byte[] content, string prefix, string? destinationPrefix)
    {
        if (content.Length < 2 || content[0] != '#' || content[1] != '!')
        {
            return content;
        }

        var newline = Array.IndexOf(content, (byte)'\n');
        var lineEnd = newline < 0 ? content.Length : newline;
        var line = Encoding.UTF8.GetString(content, 2, lineEnd - 2).Trim();
        var root = prefix.TrimEnd('/') + "/";
        if (!line.StartsWith(root, StringComparison.Ordinal))
        {
            return content;
        }

        var space = line.IndexOf(' ', root.Length);
        var interpreter = space < 0 ? line : line[..space];
        var arguments = space < 0 ? "" : line[space..];
        string header;
        if (destinationPrefix is null)
        {
            header = $"#!/usr/bin/env {interpreter[(interpreter.LastIndexOf('/') + 1)..]}{arguments}";
        }
        else
        {
            var relocated = destinationPrefix.TrimEnd('/') + "/" + interpreter[root.Length..];
            header = $"#!{relocated}{arguments}";
            if (Encoding.UTF8.GetByteCount(header) > MaxLength || relocated.Contains(' '))
            {
                header = $"#!/bin/sh\n'''exec' \"{relocated}\"{arguments} \"$0\" \"$@\"\n' '''";
            }
        }

        var head = Encoding.UTF8.GetBytes(header);
        var result = new byte[head.Length + content.Length - lineEnd];
        head.CopyTo(result, 0);
        content.AsSpan(lineEnd).CopyTo(result.AsSpan(head.Length));
        return result;
    }
}
