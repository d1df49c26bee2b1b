using System;
using System.Collections.Generic;
using System.Text;
using SparkJobGen.Generators.Model;

namespace SparkJobGen.Generators.Environments;

/// <summary>One package of an environment after merging every constraint declared on it.</summary>
/// <param name="Key">The normalized name used for grouping and ordering (conda: lowercase; pip: PEP 503).</param>
/// <param name="Name">The name as written in the yaml line (with <c>channel::</c> or <c>[extras]</c>).</param>
/// <param name="Line">The full dependency line, for example <c>numpy&gt;=1.26,&lt;2</c>.</param>
internal sealed record MergedPackage(string Key, string Name, string Line);

/// <summary>
/// Merges package constraints and renders them as <c>environment.yaml</c> dependency lines.
/// </summary>
/// <remarks>
/// Conda: a constraint that is a plain version (<c>3.11</c>) means that version or any release under it, conda's
/// <c>=3.11</c> (<c>3.11.*</c>); <c>==3.11</c> is exact; anything else is a conda version spec. Several constraints on one
/// package are joined with <c>,</c> (conda's AND), parenthesising any that contain <c>|</c>. Pip: specifier sets are joined
/// with <c>,</c> and extras are unioned.
/// </remarks>
internal static class PackageLineBuilder
{
    /// <summary>Merges conda constraints by package, python first, pyspark second, the rest ordered by name.</summary>
    /// <param name="requirements">Constraints in precedence order.</param>
    public static List<MergedPackage> MergeConda(IEnumerable<RequirementModel> requirements)
    {
        var groups = new Dictionary<string, (string Name, List<string> Specs, string? Build)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var requirement in requirements)
        {
            var name = requirement.Name.Trim();
            var bareName = name;
            var channelSeparator = name.LastIndexOf("::", StringComparison.Ordinal);
            if (channelSeparator >= 0)
            {
                bareName = name.Substring(channelSeparator + 2);
            }

            var key = bareName.ToLowerInvariant();
            if (!groups.TryGetValue(key, out var group))
            {
                group = (name, new List<string>(), null);
                order.Add(key);
            }

            var spec = requirement.Spec.Trim();
            if (spec.Length > 0 && !group.Specs.Contains(spec))
            {
                group.Specs.Add(spec);
            }

            if (group.Build is null && !string.IsNullOrWhiteSpace(requirement.Build))
            {
                group.Build = requirement.Build!.Trim();
            }

            groups[key] = group;
        }

        var result = new List<MergedPackage>(order.Count);
        foreach (var key in order)
        {
            var group = groups[key];
            result.Add(new MergedPackage(key, group.Name, CondaLine(group.Name, group.Specs, group.Build)));
        }

        result.Sort(static (a, b) => CondaRank(a.Key) != CondaRank(b.Key)
            ? CondaRank(a.Key).CompareTo(CondaRank(b.Key))
            : string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    /// <summary>Merges pip constraints by PEP 503 name, ordered by that name.</summary>
    /// <param name="requirements">Constraints in precedence order.</param>
    public static List<MergedPackage> MergePip(IEnumerable<RequirementModel> requirements)
    {
        var groups = new Dictionary<string, (string Name, SortedSet<string> Extras, List<string> Specs)>(StringComparer.Ordinal);
        foreach (var requirement in requirements)
        {
            var (name, extras) = SplitExtras(requirement.Name.Trim());
            var key = NormalizePipName(name);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (name, new SortedSet<string>(StringComparer.Ordinal), new List<string>());
                groups[key] = group;
            }

            foreach (var extra in extras)
            {
                group.Extras.Add(extra);
            }

            var spec = requirement.Spec.Trim();
            if (spec.Length > 0 && !group.Specs.Contains(spec))
            {
                group.Specs.Add(spec);
            }
        }

        var keys = new List<string>(groups.Keys);
        keys.Sort(StringComparer.Ordinal);
        var result = new List<MergedPackage>(keys.Count);
        foreach (var key in keys)
        {
            var group = groups[key];
            var name = group.Extras.Count == 0 ? group.Name : group.Name + "[" + string.Join(",", group.Extras) + "]";
            var spec = string.Join(",", group.Specs);
            // URL requirements (name @ url) and environment markers need a separating space.
            var line = spec.Length == 0 ? name : spec[0] is '@' or ';' ? name + " " + spec : name + spec;
            result.Add(new MergedPackage(key, name, line));
        }

        return result;
    }

    /// <summary>The PEP 503 normalized form of a distribution name: lowercase, runs of <c>-_.</c> become one <c>-</c>.</summary>
    /// <param name="name">The distribution name (without extras).</param>
    public static string NormalizePipName(string name)
    {
        var builder = new StringBuilder(name.Length);
        var previousSeparator = false;
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.')
            {
                if (!previousSeparator)
                {
                    builder.Append('-');
                }

                previousSeparator = true;
            }
            else
            {
                builder.Append(char.ToLowerInvariant(c));
                previousSeparator = false;
            }
        }

        return builder.ToString();
    }

    private static string CondaLine(string name, List<string> specs, string? build)
    {
        string version;
        if (specs.Count == 0)
        {
            version = string.Empty;
        }
        else if (specs.Count == 1)
        {
            version = specs[0];
        }
        else
        {
            var pieces = new List<string>(specs.Count);
            foreach (var spec in specs)
            {
                var piece = ToVersionSpec(spec);
                pieces.Add(piece.IndexOf('|') >= 0 ? "(" + piece + ")" : piece);
            }

            version = string.Join(",", pieces);
        }

        if (build is not null)
        {
            return name + " " + (version.Length == 0 ? "*" : ToVersionSpec(version)) + " " + build;
        }

        if (version.Length == 0)
        {
            return name;
        }

        if (specs.Count == 1)
        {
            if (IsOperator(version[0]))
            {
                return name + version;
            }

            // A plain version or a simple wildcard reads best in conda's own name=version form.
            return IsSimpleVersion(version) ? name + "=" + version : name + " " + version;
        }

        return IsOperator(version[0]) ? name + version : name + " " + version;
    }

    /// <summary>Turns one declared conda constraint into a self-contained version spec (a plain version becomes <c>v.*</c>).</summary>
    private static string ToVersionSpec(string spec)
    {
        if (spec.StartsWith("==", StringComparison.Ordinal) || (spec.Length > 0 && spec[0] is '<' or '>' or '!' or '~'))
        {
            return spec;
        }

        if (spec.StartsWith("=", StringComparison.Ordinal))
        {
            var fuzzy = spec.Substring(1);
            return IsPlainVersion(fuzzy) ? fuzzy + ".*" : fuzzy;
        }

        return IsPlainVersion(spec) ? spec + ".*" : spec;
    }

    private static bool IsOperator(char c) => c is '<' or '>' or '=' or '!' or '~';

    private static bool IsPlainVersion(string text)
    {
        foreach (var c in text)
        {
            if (c is '*' or '|' or ',' or '(' or ')' or ' ' || IsOperator(c))
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static bool IsSimpleVersion(string text)
    {
        foreach (var c in text)
        {
            if (c is '|' or ',' or '(' or ')' or ' ' || IsOperator(c))
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static int CondaRank(string key) => key switch
    {
        "python" => 0,
        "pyspark" => 1,
        _ => 2,
    };

    private static (string Name, string[] Extras) SplitExtras(string name)
    {
        var open = name.IndexOf('[');
        if (open < 0 || !name.EndsWith("]", StringComparison.Ordinal))
        {
            return (name, Array.Empty<string>());
        }

        var extras = name.Substring(open + 1, name.Length - open - 2).Split(',');
        var cleaned = new List<string>(extras.Length);
        foreach (var extra in extras)
        {
            var trimmed = extra.Trim();
            if (trimmed.Length > 0)
            {
                cleaned.Add(trimmed);
            }
        }

        return (name.Substring(0, open).Trim(), cleaned.ToArray());
    }
}
