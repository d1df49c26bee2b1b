using System;
using System.Globalization;
using System.Linq;

namespace SparkJobGen.Environments;

/// <summary>
/// Checks an interpreter version (<c>3.11.7</c>) against the version part of a conda <c>python</c> dependency, following
/// conda's MatchSpec rules for the forms environment files use: <c>=3.11</c> and <c>3.11.*</c> (that series),
/// <c>==3.11.7</c> or bare <c>3.11.7</c> (exactly), comparisons (<c>&gt;=3.10,&lt;3.12</c>), <c>!=</c>, <c>,</c> (and) and
/// <c>|</c> (or). A build string after a second <c>=</c> is ignored.
/// </summary>
internal static class PythonVersionMatch
{
    /// <summary>Whether <paramref name="version"/> satisfies <paramref name="spec"/>; an empty spec matches any version.</summary>
    /// <param name="version">A dotted numeric version.</param>
    /// <param name="spec">The version part of the dependency.</param>
    public static bool Matches(string version, string spec)
    {
        spec = spec.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (spec.Length == 0 || spec == "*")
        {
            return true;
        }

        // python=3.11=h955ad1f_0: the third part is a build string.
        if (spec.StartsWith('=') && !spec.StartsWith("==", StringComparison.Ordinal))
        {
            var build = spec.IndexOf('=', 1);
            if (build > 0)
            {
                spec = spec.Substring(0, build);
            }
        }

        var actual = Parse(version);
        return spec.Split('|').Any(alternative => alternative.Split(',').All(part => MatchesOne(actual, part)));
    }

    private static bool MatchesOne(int[] actual, string part)
    {
        string op;
        if (part.StartsWith(">=", StringComparison.Ordinal) || part.StartsWith("<=", StringComparison.Ordinal) ||
            part.StartsWith("==", StringComparison.Ordinal) || part.StartsWith("!=", StringComparison.Ordinal) || part.StartsWith("~=", StringComparison.Ordinal))
        {
            op = part.Substring(0, 2);
        }
        else if (part.StartsWith('>') || part.StartsWith('<') || part.StartsWith('='))
        {
            op = part.Substring(0, 1);
        }
        else
        {
            op = string.Empty;
        }

        var value = part.Substring(op.Length);
        var wildcard = value.EndsWith('*');
        value = value.TrimEnd('*').TrimEnd('.');
        var wanted = Parse(value);
        return op switch
        {
            "=" => StartsWith(actual, wanted),
            "" or "==" => wildcard ? StartsWith(actual, wanted) : Compare(actual, wanted) == 0,
            "!=" => wildcard ? !StartsWith(actual, wanted) : Compare(actual, wanted) != 0,
            ">=" => Compare(actual, wanted) >= 0,
            "<=" => Compare(actual, wanted) <= 0,
            ">" => Compare(actual, wanted) > 0,
            "<" => Compare(actual, wanted) < 0,
            "~=" => Compare(actual, wanted) >= 0 && StartsWith(actual, wanted.Take(Math.Max(1, wanted.Length - 1)).ToArray()),
            _ => false,
        };
    }

    private static int[] Parse(string version)
    {
        return version.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(static p => int.TryParse(new string(p.TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .ToArray();
    }

    private static bool StartsWith(int[] actual, int[] prefix) =>
        prefix.Length <= actual.Length && prefix.Select((p, i) => actual[i] == p).All(static b => b);

    private static int Compare(int[] a, int[] b)
    {
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : 0;
            var y = i < b.Length ? b[i] : 0;
            if (x != y)
            {
                return x.CompareTo(y);
            }
        }

        return 0;
    }
}
