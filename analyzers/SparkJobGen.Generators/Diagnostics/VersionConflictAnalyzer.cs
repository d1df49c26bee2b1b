using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Reports SJG2001 when the version constraints on one package cannot all hold. The constraints intersected are exactly those
/// that reach one environment.yaml: for every job of an environment (jobs sharing an environment name are merged), the
/// nearest <c>[PythonVersion]</c> and <c>[PySpark]</c>, and every <c>[CondaPackage]</c> and <c>[PipPackage]</c> on the job,
/// its base classes and the assembly. Conda and pip declarations of the same (PEP 503 normalized) name are intersected
/// together. The primary location is the most specific conflicting argument; the others are additional locations.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VersionConflictAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property holding the replacement for the primary constraint (the intersection of all the others).</summary>
    public const string NarrowedProperty = "Narrowed";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnsatisfiableConstraints);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (JobAttributeSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var state = new CompilationState(start.Compilation, symbols);
            start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
        });
    }

    /// <summary>One declared constraint with the attribute it came from and the job it reached the environment through.</summary>
    private sealed record Declared(DeclaredRequirement Requirement, INamedTypeSymbol Job, VersionConstraint Constraint);

    /// <summary>A conflict found in one environment.</summary>
    private sealed record Conflict(string Package, ImmutableArray<Declared> Members, string? Narrowed);

    /// <summary>Per-compilation state: the jobs by environment, and each environment's conflicts computed once.</summary>
    private sealed class CompilationState
    {
        private readonly Compilation _compilation;
        private readonly JobAttributeSymbols _symbols;
        // Computed once by whichever thread needs them first; threads that need them meanwhile wait for that result rather
        // than repeat it, and a cancelled computation publishes nothing (see ComputedOnce). Lock order: an environment's
        // conflicts, then the job index.
        private readonly ComputedOnce<Dictionary<string, List<INamedTypeSymbol>>> _jobsByEnvironment = new();
        private readonly ConcurrentDictionary<string, ComputedOnce<ImmutableArray<Conflict>>> _conflicts = new(StringComparer.Ordinal);
        private readonly ReportedOnce _once = new();

        // Parsed constraints by kind, name and text: jobs repeat the same declarations, each parse is done once.
        private readonly ConcurrentDictionary<(bool Pip, string Name, string? Value), VersionConstraint?> _parsed = new();

        // Verdicts by distinct constraint set (see IsSatisfiable).
        private readonly ConcurrentDictionary<string, bool> _satisfiable = new(StringComparer.Ordinal);

        public CompilationState(Compilation compilation, JobAttributeSymbols symbols)
        {
            _compilation = compilation;
            _symbols = symbols;
        }

        public void AnalyzeType(SymbolAnalysisContext context)
        {
            if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || !JobClasses.HasAttributeSyntax(type) || Identity(type) is not { } identity)
            {
                return;
            }

            var cancellationToken = context.CancellationToken;
            if (!_conflicts.TryGetValue(identity.Environment, out var once))
            {
                once = _conflicts.GetOrAdd(identity.Environment, static _ => new ComputedOnce<ImmutableArray<Conflict>>());
            }

            var conflicts = once.Get(static (state, token) => state.This.FindConflicts(state.Environment, token), (This: this, identity.Environment), cancellationToken);

            foreach (var conflict in conflicts)
            {
                // Each job reports the conflicts of its environment that involve it; duplicates (shared declarations) once.
                if (!conflict.Members.Any(m => SymbolEqualityComparer.Default.Equals(m.Job, type)))
                {
                    continue;
                }

                // Inside this compilation (LocalDiagnostics): at the job's name when every member is declared in a referenced project.
                if (LocalDiagnostics.Within(Create(conflict, cancellationToken), context.Compilation, LocalDiagnostics.NameOf(type)) is { } diagnostic
                    && _once.IsFirst(diagnostic))
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }
        }

        private JobIdentity? Identity(INamedTypeSymbol type) =>
            _symbols.FindSparkJob(type) is { } attribute ? JobDeclarationReader.ReadIdentity(type, attribute) : null;

        private Dictionary<string, List<INamedTypeSymbol>> JobsByEnvironment(CancellationToken cancellationToken) =>
            _jobsByEnvironment.Get(static (state, token) => state.IndexJobs(token), this, cancellationToken);

        // Jobs by environment, each list in display-name order (the most specific declaration of a shared constraint is the
        // first job's).
        private Dictionary<string, List<INamedTypeSymbol>> IndexJobs(CancellationToken cancellationToken)
        {
            var index = new Dictionary<string, List<INamedTypeSymbol>>(StringComparer.Ordinal);
            foreach (var type in JobClasses.InDisplayNameOrder(_compilation, _symbols, cancellationToken))
            {
                if (Identity(type) is not { } identity)
                {
                    continue;
                }

                if (!index.TryGetValue(identity.Environment, out var list))
                {
                    list = new List<INamedTypeSymbol>();
                    index[identity.Environment] = list;
                }

                list.Add(type);
            }

            return index;
        }

        private ImmutableArray<Conflict> FindConflicts(string environment, CancellationToken cancellationToken)
        {
            if (!JobsByEnvironment(cancellationToken).TryGetValue(environment, out var jobs))
            {
                return ImmutableArray<Conflict>.Empty;
            }

            // Jobs repeat the same declarations, so the distinct parsed constraints on each package decide (ToConstraint
            // shares one instance per text). Only a package in conflict needs every declaration, with its job and source.
            var distinctByPackage = new Dictionary<string, HashSet<VersionConstraint>>(StringComparer.Ordinal);
            foreach (var job in jobs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var (_, constraint) in Reaching(job, cancellationToken))
                {
                    if (!distinctByPackage.TryGetValue(constraint.PackageKey, out var set))
                    {
                        set = new HashSet<VersionConstraint>();
                        distinctByPackage[constraint.PackageKey] = set;
                    }

                    set.Add(constraint);
                }
            }

            HashSet<string>? conflicting = null;
            foreach (var pair in distinctByPackage)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsSatisfiable(pair.Value))
                {
                    (conflicting ??= new HashSet<string>(StringComparer.Ordinal)).Add(pair.Key);
                }
            }

            if (conflicting is null)
            {
                return ImmutableArray<Conflict>.Empty;
            }

            // Every constraint on a conflicting package that reaches this environment, each attribute application once.
            var byPackage = new Dictionary<string, List<Declared>>(StringComparer.Ordinal);
            var seen = new HashSet<AttributeData>();
            foreach (var job in jobs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var (requirement, constraint) in Reaching(job, cancellationToken))
                {
                    if (!conflicting.Contains(constraint.PackageKey) || !seen.Add(requirement.Attribute))
                    {
                        continue;
                    }

                    if (!byPackage.TryGetValue(constraint.PackageKey, out var list))
                    {
                        list = new List<Declared>();
                        byPackage[constraint.PackageKey] = list;
                    }

                    list.Add(new Declared(requirement, job, constraint));
                }
            }

            var conflicts = ImmutableArray.CreateBuilder<Conflict>();
            foreach (var pair in byPackage.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                var declared = pair.Value.OrderBy(Specificity)
                    .Select(static d => d with { Constraint = d.Constraint.WithSource(d.Requirement) })
                    .ToList();
                var result = VersionConstraintSolver.Check(declared.Select(static d => d.Constraint));
                if (result.IsSatisfiable)
                {
                    continue;
                }

                var members = result.Conflict.Select(c => declared.First(d => ReferenceEquals(d.Constraint, c))).ToImmutableArray();
                var primary = members[0];
                string? narrowed = null;
                if (declared.Count > 1
                    && result.Relaxations.TryGetValue(primary.Constraint, out var relaxed)
                    && (primary.Constraint.Ecosystem == ConstraintEcosystem.Conda || declared.All(static d => d.Constraint.Ecosystem == ConstraintEcosystem.Pip)))
                {
                    narrowed = relaxed;
                }

                conflicts.Add(new Conflict(declared[0].Constraint.Package, members, narrowed));
            }

            return conflicts.ToImmutable();
        }

        // Environments repeat the same sets of distinct constraints: each set is decided once (the verdict depends only on
        // each constraint's ecosystem and text, not on its order or package name).
        private bool IsSatisfiable(HashSet<VersionConstraint> distinct)
        {
            var keys = new string[distinct.Count];
            var i = 0;
            foreach (var constraint in distinct)
            {
                keys[i++] = (constraint.Ecosystem == ConstraintEcosystem.Pip ? "pip:" : "conda:") + constraint.Text;
            }

            Array.Sort(keys, StringComparer.Ordinal);
            var key = string.Join("\u0001", keys);
            return _satisfiable.TryGetValue(key, out var satisfiable)
                ? satisfiable
                : _satisfiable.GetOrAdd(key, VersionConstraintSolver.Check(distinct).IsSatisfiable);
        }

        // The constraints one job brings to its environment: its nearest [PythonVersion] and [PySpark] (the most specific
        // declaration comes first) and every package declaration that parses.
        private IEnumerable<(DeclaredRequirement Requirement, VersionConstraint Constraint)> Reaching(INamedTypeSymbol job, CancellationToken cancellationToken)
        {
            bool python = false, pyspark = false;
            foreach (var requirement in JobRequirementsCache.Read(_compilation, job, _symbols, cancellationToken))
            {
                if ((requirement.Kind == RequirementKind.PythonVersion && !Take(ref python))
                    || (requirement.Kind == RequirementKind.PySpark && !Take(ref pyspark))
                    || ToConstraint(requirement) is not { } constraint)
                {
                    continue;
                }

                yield return (requirement, constraint);
            }
        }

        private static bool Take(ref bool taken)
        {
            if (taken)
            {
                return false;
            }

            taken = true;
            return true;
        }

        // Job declarations first (then base classes, then the assembly), keeping the read order inside a scope.
        private static int Specificity(Declared declared) => (int)declared.Requirement.Scope;

        // The parsed constraint of a declaration, one instance per distinct (ecosystem, name, text); declarations get their
        // own sourced copy only when they take part in a conflict.
        private VersionConstraint? ToConstraint(DeclaredRequirement requirement)
        {
            var key = (requirement.Kind == RequirementKind.PipPackage, requirement.Name, requirement.Value);
            return _parsed.TryGetValue(key, out var parsed) ? parsed : _parsed.GetOrAdd(key, Parse(requirement));
        }

        private static VersionConstraint? Parse(DeclaredRequirement requirement)
        {
            var value = requirement.Value?.Trim() ?? string.Empty;
            switch (requirement.Kind)
            {
                case RequirementKind.PythonVersion:
                case RequirementKind.PySpark:
                case RequirementKind.CondaPackage:
                {
                    var name = requirement.Name.Trim();
                    var channel = name.LastIndexOf("::", StringComparison.Ordinal);
                    name = channel >= 0 ? name.Substring(channel + 2) : name;
                    if (name.Length == 0)
                    {
                        return null;
                    }

                    return VersionConstraint.TryCreateConda(name, CondaSpecOf(value), null, out var constraint, out _) ? constraint : null;
                }

                case RequirementKind.PipPackage:
                {
                    var name = requirement.Name.Trim();
                    var extras = name.IndexOf('[');
                    name = (extras >= 0 ? name.Substring(0, extras) : name).Trim();
                    // URL requirements and environment markers are not version constraints.
                    if (name.Length == 0 || value.IndexOf('@') >= 0 || value.IndexOf(';') >= 0)
                    {
                        return null;
                    }

                    return VersionConstraint.TryCreatePip(name, value, null, out var constraint, out _) ? constraint : null;
                }

                default:
                    return null;
            }
        }

        /// <summary>
        /// The conda spec a declared constraint means (<see cref="DeclaredVersions.TryParseConda"/>, the reading the generator
        /// writes into environment.yaml), as spec text; the declared text when it does not parse (SJG2003 reports that).
        /// </summary>
        private static string CondaSpecOf(string value) =>
            DeclaredVersions.TryParseConda(value, out var spec, out _) ? spec?.ToString() ?? string.Empty : value;

        private static Diagnostic Create(Conflict conflict, CancellationToken cancellationToken)
        {
            var primary = conflict.Members[0];
            var others = conflict.Members.RemoveAt(0);
            var message = Describe(primary);
            message += others.Length == 0
                ? " admits no version"
                : " conflicts with " + string.Join(" and ", others.Select(Describe));
            if (conflict.Narrowed is { } narrowed)
            {
                message += narrowed.Length == 0
                    ? "; the other constraints allow any version"
                    : "; the other constraints allow '" + narrowed + "'";
            }

            var properties = conflict.Narrowed is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(NarrowedProperty, conflict.Narrowed);
            return Diagnostic.Create(
                DiagnosticDescriptors.UnsatisfiableConstraints,
                Location(primary, cancellationToken),
                others.Select(o => Location(o, cancellationToken)),
                properties,
                conflict.Package,
                message);
        }

        private static Location Location(Declared declared, CancellationToken cancellationToken)
        {
            var attribute = declared.Requirement.Attribute;
            return declared.Requirement.Kind is RequirementKind.PythonVersion or RequirementKind.PySpark
                ? AttributeArguments.ConstructorLocation(attribute, 0, "version", cancellationToken)
                : AttributeArguments.ConstructorLocation(attribute, 1, declared.Requirement.Kind == RequirementKind.PipPackage ? "specifier" : "version", cancellationToken);
        }

        private static string Describe(Declared declared)
        {
            var requirement = declared.Requirement;
            var what = requirement.Kind switch
            {
                RequirementKind.PythonVersion => "[PythonVersion]",
                RequirementKind.PySpark => "[PySpark]",
                RequirementKind.PipPackage => "pip",
                _ => "conda",
            };
            var where = requirement.Scope switch
            {
                DeclarationScope.Job => "job class '" + declared.Job.Name + "'",
                DeclarationScope.BaseClass => "base class '" + requirement.DeclaringSymbol.Name + "'",
                _ => "the assembly",
            };
            return what + " '" + (requirement.Value?.Trim() ?? string.Empty) + "' on " + where;
        }
    }
}
