using SparkJobGen.Generators.Environments;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>Validates and normalizes package and channel names as pip and conda read them.</summary>
internal static class PackageNames
{
    /// <summary>
    /// Why <paramref name="name"/> is not a valid pip requirement name (PEP 508: letters, digits, <c>.</c>, <c>_</c>,
    /// <c>-</c>, starting and ending with a letter or digit, optionally followed by <c>[extra,...]</c>), or <see langword="null"/>.
    /// </summary>
    /// <param name="name">The declared name.</param>
    public static string? PipNameProblem(string name)
    {
        if (name.Trim().Length == 0)
        {
            return "the name is empty";
        }

        var (bare, extras) = SplitExtras(name);
        if (bare is null)
        {
            return "the extras list is not closed with ']'";
        }

        if (MisplacedVersion(bare) is { } version)
        {
            return version;
        }

        if (!IsPep508Identifier(bare))
        {
            return "a distribution name has only letters, digits, '.', '_' and '-', and starts and ends with a letter or digit";
        }

        foreach (var extra in extras)
        {
            if (!IsPep508Identifier(extra.Trim()))
            {
                return "the extra '" + extra.Trim() + "' is not a valid name";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="name"/> (optionally <c>channel::name</c>) is not a valid conda package name, or <see langword="null"/>.</summary>
    /// <param name="name">The declared name.</param>
    public static string? CondaNameProblem(string name)
    {
        var bare = name.Trim();
        if (bare.Length == 0)
        {
            return "the name is empty";
        }

        var separator = bare.LastIndexOf("::", System.StringComparison.Ordinal);
        if (separator >= 0)
        {
            if (ChannelProblem(bare.Substring(0, separator)) is { } channel)
            {
                return "the channel part is not valid: " + channel;
            }

            bare = bare.Substring(separator + 2);
        }

        if (MisplacedVersion(bare) is { } version)
        {
            return version;
        }

        if (bare.Length == 0)
        {
            return "the name after '::' is empty";
        }

        foreach (var c in bare)
        {
            if (!(char.IsLetterOrDigit(c) && c < 0x80) && c is not '.' and not '_' and not '-' and not '+')
            {
                return "a conda package name has only letters, digits, '.', '_', '-' and '+'";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="channel"/> is not a usable conda channel name or URL, or <see langword="null"/>.</summary>
    /// <param name="channel">The channel.</param>
    public static string? ChannelProblem(string channel)
    {
        if (channel.Trim().Length == 0)
        {
            return "the name is empty";
        }

        foreach (var c in channel)
        {
            if (char.IsWhiteSpace(c))
            {
                return "it contains whitespace";
            }
        }

        return null;
    }

    /// <summary>The PEP 503 normalized form of a pip name, keeping any <c>[extras]</c> as written.</summary>
    /// <param name="name">The declared name.</param>
    public static string NormalizePip(string name)
    {
        var trimmed = name.Trim();
        var open = trimmed.IndexOf('[');
        return open < 0
            ? PackageLineBuilder.NormalizePipName(trimmed)
            : PackageLineBuilder.NormalizePipName(trimmed.Substring(0, open).Trim()) + trimmed.Substring(open);
    }

    /// <summary>
    /// A name holding a version constraint (<c>numpy&gt;=1.26</c>, <c>numpy 1.26</c>): an operator or a space followed, somewhere
    /// after it, by a digit. Other stray characters are left to the name rules, which say what a name may contain.
    /// </summary>
    private static string? MisplacedVersion(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] is '=' or '<' or '>' or '!' or '~' or ' ')
            {
                for (var j = i + 1; j < name.Length; j++)
                {
                    if (char.IsDigit(name[j]))
                    {
                        return "it looks like it holds a version; pass the version as the second argument";
                    }
                }

                return null;
            }
        }

        return null;
    }

    private static (string? Bare, string[] Extras) SplitExtras(string name)
    {
        var trimmed = name.Trim();
        var open = trimmed.IndexOf('[');
        if (open < 0)
        {
            return (trimmed, System.Array.Empty<string>());
        }

        if (!trimmed.EndsWith("]", System.StringComparison.Ordinal))
        {
            return (null, System.Array.Empty<string>());
        }

        var inner = trimmed.Substring(open + 1, trimmed.Length - open - 2);
        return (trimmed.Substring(0, open).Trim(), inner.Trim().Length == 0 ? System.Array.Empty<string>() : inner.Split(','));
    }

    private static bool IsPep508Identifier(string text)
    {
        if (text.Length == 0 || !IsAsciiLetterOrDigit(text[0]) || !IsAsciiLetterOrDigit(text[text.Length - 1]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAsciiLetterOrDigit(c) && c is not '.' and not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiLetterOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
}
