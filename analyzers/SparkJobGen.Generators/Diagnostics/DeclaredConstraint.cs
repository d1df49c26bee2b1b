using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using SparkJobGen.Generators.Declarations;
using SparkJobGen.Generators.Environments;
using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// One parsed version constraint on a package, with the attribute that declared it, so compatibility checks can ask whether
/// a concrete version is allowed and point at the declaration.
/// </summary>
internal sealed class DeclaredConstraint
{
    private readonly Pep440SpecifierSet? _pip;
    private readonly CondaVersionSpec? _conda;

    private readonly ParsedVersions? _parsed;

    private DeclaredConstraint(DeclaredRequirement requirement, string package, bool isPip, Pep440SpecifierSet? pip, CondaVersionSpec? conda, ParsedVersions? parsed = null)
    {
        _parsed = parsed;
        Requirement = requirement;
        Package = package;
        IsPip = isPip;
        _pip = pip;
        _conda = conda;
    }

    /// <summary>The declaration.</summary>
    public DeclaredRequirement Requirement { get; }

    /// <summary>The normalized package name (conda: lowercase without channel; pip: PEP 503).</summary>
    public string Package { get; }

    /// <summary>Whether it is a pip constraint (else conda).</summary>
    public bool IsPip { get; }

    /// <summary>The declared text, trimmed; empty for any version.</summary>
    public string Text => Requirement.Value?.Trim() ?? string.Empty;

    /// <summary>Whether the constraint allows any version (no constraint written).</summary>
    public bool IsAny => _pip is null && _conda is null;

    /// <summary>
    /// The constraint's clauses in a canonical text form shared by pip and conda where both spell a clause the same way
    /// (<c>&gt;=1.26</c>, <c>&lt;2</c>, <c>==1.5</c>; a prefix match as <c>1.5.*</c>), sorted; empty for any version.
    /// </summary>
    public IReadOnlyList<string> CanonicalClauses => _parsed?.CanonicalClauses ?? CanonicalClausesOf(_pip, _conda);

    /// <summary>The canonical clauses (see <see cref="CanonicalClauses"/>) of a pip specifier set or a conda spec.</summary>
    /// <param name="pip">The pip specifier set, or null.</param>
    /// <param name="conda">The conda spec, or null.</param>
    internal static IReadOnlyList<string> CanonicalClausesOf(Pep440SpecifierSet? pip, CondaVersionSpec? conda)
    {
        var clauses = new SortedSet<string>(System.StringComparer.Ordinal);
        if (pip is not null)
        {
            foreach (var clause in pip.Specifiers)
            {
                var text = clause.ToNormalizedString();
                clauses.Add(clause.IsWildcard && clause.Operator == Pep440Operator.Equal ? text.Substring(2) : text);
            }
        }
        else if (conda is not null)
        {
            var text = conda.ToString();
            if (text.IndexOf('|') >= 0)
            {
                clauses.Add(text);
            }
            else
            {
                foreach (var clause in text.Split(','))
                {
                    clauses.Add(clause.StartsWith("=", System.StringComparison.Ordinal) && !clause.StartsWith("==", System.StringComparison.Ordinal)
                        ? clause.Substring(1) + ".*"
                        : clause);
                }
            }
        }

        return new List<string>(clauses);
    }

    /// <summary>
    /// The version-bearing requirements of a job that parse: <c>[PythonVersion]</c> and <c>[PySpark]</c> (the nearest of
    /// each, as the generator uses), <c>[CondaPackage]</c> and <c>[PipPackage]</c>. Invalid ones are left to SJG2002/SJG2003.
    /// </summary>
    /// <param name="requirements">The job's requirements in precedence order.</param>
    /// <param name="include">Which package keys to parse (conda keys for conda declarations, PEP 503 keys for pip); all when null.</param>
    /// <param name="cache">The analysis' parsed texts and names; each requirement is parsed anew when null.</param>
    public static List<DeclaredConstraint> From(IEnumerable<DeclaredRequirement> requirements, System.Func<string, bool>? include = null, ParsedDeclarations? cache = null)
    {
        var result = new List<DeclaredConstraint>();
        var sawPython = false;
        var sawPySpark = false;
        foreach (var requirement in requirements)
        {
            switch (requirement.Kind)
            {
                case RequirementKind.PythonVersion when !sawPython && !string.IsNullOrWhiteSpace(requirement.Value):
                    sawPython = true;
                    AddConda(result, requirement, "python", include, cache);
                    break;
                case RequirementKind.PySpark when !sawPySpark && !string.IsNullOrWhiteSpace(requirement.Value):
                    sawPySpark = true;
                    AddConda(result, requirement, "pyspark", include, cache);
                    break;
                case RequirementKind.CondaPackage:
                    AddConda(result, requirement, cache?.CondaKey(requirement.Name) ?? CondaKey(requirement.Name), include, cache);
                    break;
                case RequirementKind.PipPackage:
                    var key = cache?.PipKey(requirement.Name) ?? PipKey(requirement.Name);
                    if (include is not null && !include(key))
                    {
                        break;
                    }

                    if (cache is not null)
                    {
                        var parsed = cache.Pip(requirement.Value);
                        if (parsed.IsValid)
                        {
                            result.Add(new DeclaredConstraint(requirement, key, true, parsed.Pip, null, parsed));
                        }
                    }
                    else if (DeclaredVersions.TryParsePip(requirement.Value, out var set, out _))
                    {
                        result.Add(new DeclaredConstraint(requirement, key, true, set, null));
                    }

                    break;
            }
        }

        return result;
    }

    /// <summary>The conda grouping key: lowercase, without <c>channel::</c>.</summary>
    /// <param name="name">The declared name.</param>
    public static string CondaKey(string name)
    {
        var trimmed = name.Trim();
        var separator = trimmed.LastIndexOf("::", System.StringComparison.Ordinal);
        return (separator >= 0 ? trimmed.Substring(separator + 2) : trimmed).ToLowerInvariant();
    }

    /// <summary>The pip grouping key: the PEP 503 name without extras.</summary>
    /// <param name="name">The declared name.</param>
    public static string PipKey(string name)
    {
        var trimmed = name.Trim();
        var open = trimmed.IndexOf('[');
        return PackageLineBuilder.NormalizePipName(open < 0 ? trimmed : trimmed.Substring(0, open).Trim());
    }

    /// <summary>
    /// The constraint for <see cref="Versions.Constraints.VersionConstraintSolver"/> (the conda reading of
    /// <see cref="DeclaredVersions.TryParseConda"/>, or the pip specifier set), or null for any version.
    /// </summary>
    public Versions.Constraints.VersionConstraint? ToVersionConstraint()
    {
        if (_pip is not null)
        {
            return Versions.Constraints.VersionConstraint.TryCreatePip(Package, _pip.Text, Requirement, out var pip, out _) ? pip : null;
        }

        return _conda is null ? null : Versions.Constraints.VersionConstraint.TryCreateConda(Package, _conda.ToString(), Requirement, out var conda, out _) ? conda : null;
    }

    /// <summary>Whether <paramref name="version"/> is allowed. Pip applies PEP 440's default pre-release exclusion.</summary>
    /// <param name="version">A release such as <c>3.11.4</c>.</param>
    public bool Allows(ProbeVersion version)
    {
        if (_pip is not null)
        {
            return version.Pep440 is { } pep440 && _pip.Contains(pep440);
        }

        return _conda is null || (version.Conda is { } conda && _conda.IsSatisfiedBy(conda));
    }

    /// <summary>The location of the version argument, else of the attribute.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public Location VersionLocation(CancellationToken cancellationToken) => VersionLocation(Requirement, cancellationToken);

    /// <summary>The location of a declaration's version argument, else of the attribute.</summary>
    /// <param name="requirement">The declaration.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static Location VersionLocation(DeclaredRequirement requirement, CancellationToken cancellationToken)
    {
        var attribute = requirement.Attribute;
        return requirement.Kind is RequirementKind.PythonVersion or RequirementKind.PySpark
            ? AttributeArguments.ConstructorLocation(attribute, 0, "version", cancellationToken)
            : AttributeArguments.Constructor(attribute, 1, requirement.Kind == RequirementKind.PipPackage ? "specifier" : "version", cancellationToken)?.GetLocation()
                ?? AttributeArguments.ConstructorLocation(attribute, 0, "name", cancellationToken);
    }

    private static void AddConda(List<DeclaredConstraint> result, DeclaredRequirement requirement, string package, System.Func<string, bool>? include, ParsedDeclarations? cache)
    {
        if (include is not null && !include(package))
        {
            return;
        }

        if (cache is not null)
        {
            var parsed = cache.Conda(requirement.Value);
            if (parsed.IsValid)
            {
                result.Add(new DeclaredConstraint(requirement, package, false, null, parsed.Conda, parsed));
            }
        }
        else if (DeclaredVersions.TryParseConda(requirement.Value, out var spec, out _))
        {
            result.Add(new DeclaredConstraint(requirement, package, false, null, spec));
        }
    }
}

/// <summary>A concrete version probed against constraints, parsed once for both pip and conda.</summary>
/// <param name="Text">The version text.</param>
/// <param name="Pep440">As a PEP 440 version.</param>
/// <param name="Conda">As a conda version.</param>
internal sealed record ProbeVersion(string Text, Pep440Version? Pep440, CondaVersion? Conda)
{
    /// <summary>Parses <paramref name="text"/> both ways.</summary>
    /// <param name="text">A release such as <c>1.0.5</c>.</param>
    public static ProbeVersion Of(string text)
    {
        var pep440 = Pep440Version.TryParse(text, out var parsedPep440, out _) ? parsedPep440 : null;
        var conda = CondaVersion.TryParse(text, out var parsedConda, out _) ? parsedConda : null;
        return new ProbeVersion(text, pep440, conda);
    }
}
