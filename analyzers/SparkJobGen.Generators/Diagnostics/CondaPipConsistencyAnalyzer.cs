using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// SJG2004: a package named in both the conda and the pip section of a job's environment with different constraints. pip runs
/// after conda and may install another version over conda's files. The diagnostic points at the pip declaration, with the
/// conda declarations as additional locations.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CondaPipConsistencyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.CondaPipMismatch);

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
            start.RegisterSymbolAction(state.AnalyzeJob, SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// One package a job's environment constrains differently in the pip and conda sections: the pip declarations (the first
    /// is where the diagnostic points) and the conda declarations (the additional locations), described for the message.
    /// </summary>
    private sealed class Mismatch
    {
        public Mismatch(string package, List<DeclaredConstraint> pip, List<DeclaredConstraint> conda)
        {
            Package = package;
            Pip = pip[0].Requirement;
            Conda = conda.ConvertAll(static c => c.Requirement);
            PipText = Describe(pip);
            CondaText = Describe(conda);
        }

        public string Package { get; }

        public DeclaredRequirement Pip { get; }

        public List<DeclaredRequirement> Conda { get; }

        public string PipText { get; }

        public string CondaText { get; }

        /// <summary>Whether the pip declaration is on a base class or the assembly, so other jobs may meet it too.</summary>
        public bool IsShared => Pip.Scope != DeclarationScope.Job;

        public bool SameDiagnostic(Mismatch other) =>
            ReferenceEquals(Pip.Attribute, other.Pip.Attribute) && Package == other.Package && PipText == other.PipText && CondaText == other.CondaText;
    }

    /// <summary>
    /// Per-compilation state: parsed declarations; for a mismatch at a shared pip declaration, which were reported and the
    /// mismatches of the jobs consulted to choose their additional locations.
    /// </summary>
    private sealed class CompilationState
    {
        private readonly Compilation _compilation;
        private readonly JobAttributeSymbols _symbols;
        private readonly ParsedDeclarations _parsed = new();

        // A mismatch at a declaration on a base class or the assembly (which reach many jobs) is reported once per
        // declaration and message: the location follows from the attribute, the message from the package and both
        // descriptions. Its additional locations are those of the first job (by display name) that has the same mismatch,
        // whichever job's analysis reports it.
        private readonly ConcurrentDictionary<(AttributeData Pip, string Package, string PipText, string CondaText), byte> _reportedShared = new();
        private readonly ComputedOnce<List<INamedTypeSymbol>> _jobs = new();
        private readonly ConcurrentDictionary<INamedTypeSymbol, List<Mismatch>> _mismatches = new(SymbolEqualityComparer.Default);

        public CompilationState(Compilation compilation, JobAttributeSymbols symbols)
        {
            _compilation = compilation;
            _symbols = symbols;
        }

        public void AnalyzeJob(SymbolAnalysisContext context)
        {
            if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || _symbols.FindSparkJob(type) is null)
            {
                return;
            }

            var cancellationToken = context.CancellationToken;
            if (!_mismatches.TryGetValue(type, out var mismatches))
            {
                mismatches = FindMismatches(type, cancellationToken);
            }

            foreach (var mismatch in mismatches)
            {
                if (!mismatch.IsShared)
                {
                    // A declaration on the job itself belongs to this job alone.
                    ReportHere(context, type, Create(mismatch, cancellationToken));
                }
                else if (_reportedShared.TryAdd((mismatch.Pip.Attribute, mismatch.Package, mismatch.PipText, mismatch.CondaText), 0))
                {
                    // Whichever job is analysed first, the diagnostic is the first job's, in display-name order: its locations
                    // and, when both declarations are in a referenced project, its name.
                    var (first, firstJob) = FirstJobsMismatch(mismatch, cancellationToken) ?? (mismatch, type);
                    ReportHere(context, firstJob, Create(first, cancellationToken));
                }
            }
        }

        // Inside this compilation (LocalDiagnostics): at the job's name when both declarations are in a referenced project.
        private static void ReportHere(SymbolAnalysisContext context, INamedTypeSymbol job, Diagnostic diagnostic)
        {
            if (LocalDiagnostics.Within(diagnostic, context.Compilation, LocalDiagnostics.NameOf(job)) is { } local)
            {
                context.ReportDiagnostic(local);
            }
        }

        // The same mismatch as found on the first job, in display-name order, that has it.
        private (Mismatch Mismatch, INamedTypeSymbol Job)? FirstJobsMismatch(Mismatch mismatch, CancellationToken cancellationToken)
        {
            var jobs = _jobs.Get(static (state, token) => JobClasses.InDisplayNameOrder(state._compilation, state._symbols, token), this, cancellationToken);
            foreach (var job in jobs)
            {
                if (!_mismatches.TryGetValue(job, out var mismatches))
                {
                    mismatches = _mismatches.GetOrAdd(job, FindMismatches(job, cancellationToken));
                }

                foreach (var candidate in mismatches)
                {
                    if (candidate.SameDiagnostic(mismatch))
                    {
                        return (candidate, job);
                    }
                }
            }

            return null;
        }

        // The packages the job's environment constrains differently in its pip and conda sections, by PEP 503 name (ordinal).
        // Every analyzer reads every job, so this allocates only for packages named in both sections.
        private List<Mismatch> FindMismatches(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var found = new List<Mismatch>();
            var requirements = JobRequirementsCache.Read(_compilation, type, _symbols, cancellationToken);

            // Names first, parsing only packages present in both sections; conda names are compared in PEP 503 form too, so
            // scikit_learn and scikit-learn meet. A job names a few dozen packages: lists searched in order cost less than sets.
            var pipKeys = new List<string>();
            foreach (var requirement in requirements)
            {
                if (requirement.Kind == RequirementKind.PipPackage)
                {
                    pipKeys.Add(_parsed.PipKey(requirement.Name));
                }
            }

            if (pipKeys.Count == 0)
            {
                return found;
            }

            var packages = new List<string>();
            foreach (var requirement in requirements)
            {
                var condaKey = requirement.Kind switch
                {
                    RequirementKind.CondaPackage => _parsed.PipKey(_parsed.CondaKey(requirement.Name)),
                    RequirementKind.PythonVersion => "python",
                    RequirementKind.PySpark => "pyspark",
                    _ => null,
                };
                if (condaKey is not null && !packages.Contains(condaKey) && pipKeys.Contains(condaKey))
                {
                    packages.Add(condaKey);
                }
            }

            if (packages.Count == 0)
            {
                return found;
            }

            packages.Sort(StringComparer.Ordinal);
            var constraints = DeclaredConstraint.From(requirements, key => packages.Contains(_parsed.PipKey(key)), _parsed);
            var pip = new List<DeclaredConstraint>();
            var conda = new List<DeclaredConstraint>();
            foreach (var package in packages)
            {
                pip.Clear();
                conda.Clear();
                foreach (var constraint in constraints)
                {
                    if (constraint.IsPip ? constraint.Package == package : _parsed.PipKey(constraint.Package) == package)
                    {
                        (constraint.IsPip ? pip : conda).Add(constraint);
                    }
                }

                // A pip declaration that does not parse is SJG2002's; a package with none left is not compared.
                if (pip.Count > 0 && conda.Count > 0 && !SameClauses(pip, conda))
                {
                    found.Add(new Mismatch(package, pip, conda));
                }
            }

            return found;
        }

        private static Diagnostic Create(Mismatch mismatch, CancellationToken cancellationToken)
        {
            var conda = new Location[mismatch.Conda.Count];
            for (var i = 0; i < conda.Length; i++)
            {
                conda[i] = DeclaredConstraint.VersionLocation(mismatch.Conda[i], cancellationToken);
            }

            return Diagnostic.Create(
                DiagnosticDescriptors.CondaPipMismatch,
                DeclaredConstraint.VersionLocation(mismatch.Pip, cancellationToken),
                conda,
                mismatch.Package,
                mismatch.PipText,
                mismatch.CondaText);
        }
    }

    // Whether both sections state the same set of canonical clauses (the common case of one declaration each compares the
    // cached clause lists directly).
    private static bool SameClauses(List<DeclaredConstraint> pip, List<DeclaredConstraint> conda) =>
        pip.Count == 1 && conda.Count == 1
            ? pip[0].CanonicalClauses.SequenceEqual(conda[0].CanonicalClauses, StringComparer.Ordinal)
            : Clauses(pip).SequenceEqual(Clauses(conda), StringComparer.Ordinal);

    private static List<string> Clauses(List<DeclaredConstraint> constraints)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var constraint in constraints)
        {
            all.UnionWith(constraint.CanonicalClauses);
        }

        return all.ToList();
    }

    private static string Describe(List<DeclaredConstraint> constraints)
    {
        if (constraints.Count == 1)
        {
            return constraints[0].IsAny ? "any version" : constraints[0].Text;
        }

        var texts = constraints.Where(static c => !c.IsAny).Select(static c => c.Text).Distinct().ToList();
        return texts.Count == 0 ? "any version" : string.Join("' and '", texts);
    }
}
