using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Reads declared version constraints with the meaning conda's MatchSpec gives the version part of <c>name&lt;version&gt;</c>
/// (conda's <c>_parse_spec_str</c>, "translate version '=1.2.3' to '1.2.3*'"), except that a plain version means a
/// prefix as the README states: <c>3.11</c> and <c>=3.11</c> mean that release and every release under it
/// (<c>3.11.*</c>); a leading <c>==</c> is stripped and the rest read as a version spec, so <c>==3.11</c> is exact and
/// <c>==2.1.*</c> is the prefix <c>2.1.*</c>, in every position of the written line; anything else is a conda version
/// spec. A pip constraint is a PEP 508 specifier set, optionally followed by an environment marker after <c>;</c>.
/// </summary>
internal static class DeclaredVersions
{
    /// <summary>
    /// Parses a declared conda constraint. Syntax errors carry positions inside <paramref name="declared"/>.
    /// An empty constraint is <see langword="null"/> with no error (any version).
    /// </summary>
    /// <param name="declared">The declared text.</param>
    /// <param name="spec">The effective spec.</param>
    /// <param name="error">The syntax error.</param>
    public static bool TryParseConda(string? declared, out CondaVersionSpec? spec, out VersionSyntaxError? error)
    {
        spec = null;
        error = null;
        if (declared is null || declared.Trim().Length == 0)
        {
            return true;
        }

        if (!CondaVersionSpec.TryParse(declared, out var written, out error))
        {
            return false;
        }

        var start = 0;
        while (char.IsWhiteSpace(declared[start]))
        {
            start++;
        }

        var trimmed = declared.Trim();
        if (trimmed.StartsWith("==", System.StringComparison.Ordinal))
        {
            // conda strips a leading '==' from a MatchSpec's version: "==2.1.*,!=2.1" is "2.1.*,!=2.1".
            return CondaVersionSpec.TryParse(declared, start + 2, trimmed.Length - 2, out spec, out error);
        }

        var fuzzy = trimmed.StartsWith("=", System.StringComparison.Ordinal) ? trimmed.Substring(1) : trimmed;
        if (IsPlainVersion(fuzzy) && CondaVersionSpec.TryParse(fuzzy + ".*", out var prefix, out _))
        {
            spec = prefix;
        }
        else
        {
            spec = written;
        }

        return true;
    }

    /// <summary>
    /// Parses the specifier part of a declared pip constraint (before any <c>;</c> marker). URL requirements
    /// (<c>@ url</c>) and empty constraints are <see langword="null"/> with no error.
    /// </summary>
    /// <param name="declared">The declared text.</param>
    /// <param name="set">The specifier set.</param>
    /// <param name="error">The syntax error, positioned inside <paramref name="declared"/>.</param>
    public static bool TryParsePip(string? declared, out Pep440SpecifierSet? set, out VersionSyntaxError? error)
    {
        set = null;
        error = null;
        if (declared is null || declared.Trim().Length == 0 || declared.TrimStart().StartsWith("@", System.StringComparison.Ordinal))
        {
            return true;
        }

        var marker = declared.IndexOf(';');
        var versionPart = marker < 0 ? declared : declared.Substring(0, marker);
        if (versionPart.Trim().Length == 0)
        {
            return true;
        }

        return Pep440SpecifierSet.TryParse(versionPart, null, out set, out error);
    }

    private static bool IsPlainVersion(string text)
    {
        foreach (var c in text)
        {
            if (c is '*' or '|' or ',' or '(' or ')' or ' ' or '<' or '>' or '=' or '!' or '~')
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
