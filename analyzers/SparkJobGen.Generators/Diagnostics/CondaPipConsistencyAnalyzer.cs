using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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

            var state = new CompilationState(symbols);
            start.RegisterSymbolAction(state.AnalyzeJob, SymbolKind.NamedType);
        });
    }

    /// <summary>Per-compilation state: parsed declarations, and the mismatches already reported.</summary>
    private sealed class CompilationState
    {
        private readonly JobAttributeSymbols _symbols;
        private readonly ParsedDeclarations _parsed = new();

        // A mismatch is reported once per pip declaration and message (declarations on a base class or the assembly reach
        // many jobs): the location follows from the attribute, the message from the package and both descriptions.
        private readonly ConcurrentDictionary<(AttributeData Pip, string Package, string PipText, string CondaText), byte> _reported = new();

        public CompilationState(JobAttributeSymbols symbols)
        {
            _symbols = symbols;
        }

        public void AnalyzeJob(SymbolAnalysisContext context)
        {
            if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || _symbols.FindSparkJob(type) is null)
            {
                return;
            }

            var cancellationToken = context.CancellationToken;
            var requirements = JobDeclarationReader.ReadRequirements(type, _symbols, cancellationToken);

            // Names first, parsing only packages present in both sections.
            var pipNames = new HashSet<string>(StringComparer.Ordinal);
            var condaNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var requirement in requirements)
            {
                switch (requirement.Kind)
                {
                    case RequirementKind.PipPackage:
                        pipNames.Add(_parsed.PipKey(requirement.Name));
                        break;
                    case RequirementKind.CondaPackage:
                        condaNames.Add(_parsed.PipKey(_parsed.CondaKey(requirement.Name)));
                        break;
                    case RequirementKind.PythonVersion:
                        condaNames.Add("python");
                        break;
                    case RequirementKind.PySpark:
                        condaNames.Add("pyspark");
                        break;
                }
            }

            pipNames.IntersectWith(condaNames);
            if (pipNames.Count == 0)
            {
                return;
            }

            var constraints = DeclaredConstraint.From(requirements, key => pipNames.Contains(_parsed.PipKey(key)), _parsed);
            var pipPackages = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var constraint in constraints)
            {
                if (constraint.IsPip)
                {
                    pipPackages.Add(constraint.Package);
                }
            }

            var pip = new List<DeclaredConstraint>();
            var conda = new List<DeclaredConstraint>();
            foreach (var package in pipPackages)
            {
                // conda names are compared in PEP 503 form too, so scikit_learn and scikit-learn meet.
                pip.Clear();
                conda.Clear();
                foreach (var constraint in constraints)
                {
                    if (constraint.IsPip ? constraint.Package == package : _parsed.PipKey(constraint.Package) == package)
                    {
                        (constraint.IsPip ? pip : conda).Add(constraint);
                    }
                }

                if (conda.Count == 0 || SameClauses(pip, conda))
                {
                    continue;
                }

                var pipText = Describe(pip);
                var condaText = Describe(conda);
                if (!_reported.TryAdd((pip[0].Requirement.Attribute, package, pipText, condaText), 0))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.CondaPipMismatch,
                    pip[0].VersionLocation(cancellationToken),
                    conda.Select(c => c.VersionLocation(cancellationToken)),
                    package,
                    pipText,
                    condaText));
            }
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
