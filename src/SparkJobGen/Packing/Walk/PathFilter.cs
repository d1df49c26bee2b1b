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

    /// <summary>Translates an fnmatch glob to an anchored regular expression.</summary>
    /// <param name="pattern">The glob.</param>
    /// <returns>The compiled expression.</returns>
    public static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var close = c == '[' ? pattern.IndexOf(']', i + 2) : -1;
            if (c == '*')
            {
                regex.Append(".*");
            }
            else if (c == '?')
            {
                regex.Append('.');
            }
            else if (close > 0)
            {
                var body = pattern[(i + 1)..close];
                regex.Append('[').Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
