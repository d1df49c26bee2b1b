using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SparkJobGen.Packing;

/// <summary>One <c>--exclude</c> or <c>--include</c> rule: a glob over prefix-relative paths.</summary>
/// <param name="Include">True for <c>--include</c> (adds back matching files), false for <c>--exclude</c>.</param>
/// <param name="Pattern">An fnmatch-style glob: <c>*</c> (any run, slashes included), <c>?</c>, <c>[...]</c>.</param>
public sealed record PathFilterRule(bool Include, string Pattern);

/// <summary>
/// Applies exclude/include rules in the order given, as conda-pack does: an exclude removes matching paths from
/// the selection; a later include adds back matching paths of the whole environment.
/// </summary>
public static class PathFilter
{
    /// <summary>Returns the selected paths, in input order.</summary>
    /// <param name="paths">All prefix-relative paths, forward slashes.</param>
    /// <param name="rules">The rules in command-line order.</param>
    /// <returns>The paths that remain selected.</returns>
    public static IReadOnlyList<string> Apply(IReadOnlyList<string> paths, IReadOnlyList<PathFilterRule> rules)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return paths.Where(Compile(rules)).ToList();
    }

    /// <summary>
    /// The rules as a test of one path, equal to <see cref="Apply"/> path by path: a path starts selected, and each rule that
    /// matches it, in order, selects it (include) or drops it (exclude).
    /// </summary>
    /// <param name="rules">The rules in command-line order.</param>
    /// <returns>Whether a path remains selected.</returns>
    public static Func<string, bool> Compile(IReadOnlyList<PathFilterRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var compiled = rules.Select(r => (r.Include, Regex: ToRegex(r.Pattern))).ToArray();
        return path =>
        {
            var selected = true;
            foreach (var (include, regex) in compiled)
            {
                if (selected != include && regex.IsMatch(path))
                {
                    selected = include;
                }
            }

            return selected;
        };
    }

    /// <summary>
    /// Translates an fnmatch glob to an anchored regular expression that matches what Python's <c>fnmatch.fnmatchcase</c>
    /// matches (conda-pack's <c>--exclude</c> and <c>--include</c>): <c>*</c> any run and <c>?</c> any one character, slashes
    /// and line breaks included; <c>[...]</c> a set (<c>[!...]</c> its complement), where a <c>]</c> right after the opening
    /// (or after <c>!</c>) is a member, <c>a-z</c> a range, a range whose ends are reversed drops both ends, and an empty set
    /// matches nothing; a <c>[</c> with no closing <c>]</c> is itself. Every other character stands for itself.
    /// </summary>
    /// <param name="pattern">The glob.</param>
    /// <returns>The compiled expression.</returns>
    public static Regex ToRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*')
            {
                regex.Append(".*");
            }
            else if (c == '?')
            {
                regex.Append('.');
            }
            else if (c == '[' && SetEnd(pattern, i + 1) is var end and >= 0)
            {
                AppendSet(regex, pattern, i + 1, end);
                i = end;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        // \z, not $: a path may end in a line break, before which $ would also match.
        return new Regex(regex.Append("\\z").ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>The index of the <c>]</c> closing the set whose content starts at <paramref name="start"/>, or -1.</summary>
    private static int SetEnd(string pattern, int start)
    {
        var j = start;
        if (j < pattern.Length && pattern[j] == '!')
        {
            j++;
        }

        if (j < pattern.Length && pattern[j] == ']')
        {
            j++;
        }

        return j < pattern.Length ? pattern.IndexOf(']', j) : -1;
    }

    /// <summary>Appends the set <c>pattern[start..end)</c> (without brackets) as a character class of escaped members.</summary>
    private static void AppendSet(StringBuilder regex, string pattern, int start, int end)
    {
        var negated = pattern[start] == '!';
        var position = negated ? start + 1 : start;

        // Members left to right: "x-y" is a range when a character follows the hyphen; a leading or trailing hyphen is a
        // member. A reversed range (x > y) is empty, and fnmatch removes it with both of its ends.
        var ranges = new List<(char Low, char High)>();
        while (position < end)
        {
            var low = pattern[position];
            if (position + 2 < end && pattern[position + 1] == '-')
            {
                var high = pattern[position + 2];
                if (low <= high)
                {
                    ranges.Add((low, high));
                }

                position += 3;
            }
            else
            {
                ranges.Add((low, low));
                position++;
            }
        }

        if (ranges.Count == 0)
        {
            // An empty set matches nothing; its complement matches any one character.
            regex.Append(negated ? "." : "(?!)");
            return;
        }

        regex.Append(negated ? "[^" : "[");
        foreach (var (low, high) in ranges)
        {
            AppendEscaped(regex, low);
            if (high != low)
            {
                regex.Append('-');
                AppendEscaped(regex, high);
            }
        }

        regex.Append(']');
    }

    private static void AppendEscaped(StringBuilder regex, char c) =>
        regex.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
}
