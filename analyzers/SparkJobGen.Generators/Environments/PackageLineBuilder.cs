using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using SparkJobGen.Generators.Diagnostics;
using SparkJobGen.Generators.Model;
using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Generators.Environments;

/// <summary>One package of an environment after merging every constraint declared on it.</summary>
/// <param name="Key">The normalized name used for grouping and ordering (conda: lowercase; pip: PEP 503).</param>
/// <param name="Name">The name as written in the yaml line (with <c>channel::</c> or <c>[extras]</c>).</param>
/// <param name="Specifier">The merged constraint alone: a conda version spec or a PEP 440 specifier set (pip URL and marker requirements keep their <c>@ url</c> or <c>; marker</c> text); empty for any version.</param>
/// <param name="Build">The conda build string, or null.</param>
/// <param name="Line">The full dependency line, for example <c>numpy&gt;=1.26,&lt;2</c>.</param>
internal sealed record MergedPackage(string Key, string Name, string Specifier, string? Build, string Line);

/// <summary>
/// Merges package constraints and renders them as <c>environment.yaml</c> dependency lines.
/// </summary>
/// <remarks>
/// Conda: each declared constraint is read as <see cref="DeclaredVersions.TryParseConda"/> reads it (a plain version
/// <c>3.11</c> is <c>3.11.*</c>, a leading <c>==</c> is stripped as conda's MatchSpec strips it), and the constraints on
/// one package are written as their intersection in the normal form of <see cref="CondaSpecWriter"/>: no parentheses,
/// no bare versions, no leading <c>=</c>, no clause the others imply. Pip: the specifier sets are intersected by the
/// version model and written without repeated or implied clauses; extras are unioned.
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
            var specifier = CondaSpecifier(group.Specs);
            result.Add(new MergedPackage(key, group.Name, specifier, group.Build, Line(group.Name, specifier, group.Build)));
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
            var spec = PipSpecifier(group.Specs);
            result.Add(new MergedPackage(key, name, spec, null, Line(name, spec, null)));
        }

        return result;
    }

    /// <summary>The PEP 503 normalized form of a distribution name (<see cref="VersionConstraint.NormalizePackageName"/>).</summary>
    /// <param name="name">The distribution name (without extras).</param>
    public static string NormalizePipName(string name) => VersionConstraint.NormalizePackageName(name);

    /// <summary>
    /// A dependency line: <c>name</c>, <c>name&gt;=1.26,&lt;2</c> (a specifier that starts with an operator follows the name),
    /// <c>name 2.1.*</c>, <c>name spec build</c>, <c>name @ url</c>.
    /// </summary>
    /// <param name="name">The name as written.</param>
    /// <param name="specifier">The merged specifier.</param>
    /// <param name="build">The conda build string, or null.</param>
    public static string Line(string name, string specifier, string? build)
    {
        if (build is not null)
        {
            return name + " " + (specifier.Length == 0 ? "*" : specifier) + " " + build;
        }

        if (specifier.Length == 0)
        {
            return name;
        }

        return specifier[0] is '<' or '>' or '=' or '!' or '~' ? name + specifier : name + " " + specifier;
    }

    // The intersection of the declared conda constraints in normal form; a declaration that does not parse (SJG2003) keeps
    // Jobs repeat the same declarations (base classes, assembly defaults, shared environments): a merged specifier is a pure
    // function of the declared texts, so each distinct list is decided by the version model once per process. Bounded: the
    // cache is emptied when it reaches SpecifierCacheLimit entries.
    private const int SpecifierCacheLimit = 4096;
    private static readonly ConcurrentDictionary<string, string> s_specifiers = new(StringComparer.Ordinal);

    private static string Memoized(char kind, List<string> specs, Func<List<string>, string> compute)
    {
        var key = kind + "\u0001" + string.Join("\u0001", specs);
        if (s_specifiers.TryGetValue(key, out var known))
        {
            return known;
        }

        var value = compute(specs);
        if (s_specifiers.Count >= SpecifierCacheLimit)
        {
            s_specifiers.Clear();
        }

        s_specifiers.TryAdd(key, value);
        return value;
    }

    // every declaration as written, joined with ','.
    private static string CondaSpecifier(List<string> specs) => Memoized('c', specs, ComputeCondaSpecifier);

    private static string ComputeCondaSpecifier(List<string> specs)
    {
        var parsed = new List<CondaVersionSpec?>(specs.Count);
        foreach (var spec in specs)
        {
            if (!DeclaredVersions.TryParseConda(spec, out var meaning, out _))
            {
                return string.Join(",", specs);
            }

            parsed.Add(meaning);
        }

        return CondaSpecWriter.Intersect(parsed);
    }

    // The intersection of the declared pip specifier sets without repeated or implied clauses; URL requirements, markers and
    // sets that do not parse or admit nothing are joined as written.
    private static string PipSpecifier(List<string> specs) => specs.Count == 0 ? string.Empty : Memoized('p', specs, ComputePipSpecifier);

    private static string ComputePipSpecifier(List<string> specs)
    {

        var constraints = new List<VersionConstraint>(specs.Count);
        foreach (var spec in specs)
        {
            if (spec.IndexOf('@') >= 0 || spec.IndexOf(';') >= 0 || !VersionConstraint.TryCreatePip("p", spec, null, out var constraint, out _))
            {
                return string.Join(",", specs);
            }

            constraints.Add(constraint!);
        }

        var result = VersionConstraintSolver.Check(constraints);
        return result.Status == SatisfiabilityStatus.Unsatisfiable ? string.Join(",", specs) : result.Intersection;
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
