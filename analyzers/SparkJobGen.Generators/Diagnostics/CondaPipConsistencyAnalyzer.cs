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

            var once = new ReportedOnce();
            start.RegisterSymbolAction(symbolContext => AnalyzeJob(symbolContext, symbols, once), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeJob(SymbolAnalysisContext context, JobAttributeSymbols symbols, ReportedOnce once)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || !type.GetAttributes().Any(symbols.IsSparkJob))
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var requirements = JobDeclarationReader.ReadRequirements(type, symbols, cancellationToken);

        // Names first, parsing only packages present in both sections.
        var pipNames = new HashSet<string>(System.StringComparer.Ordinal);
        var condaNames = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var requirement in requirements)
        {
            switch (requirement.Kind)
            {
                case RequirementKind.PipPackage:
                    pipNames.Add(DeclaredConstraint.PipKey(requirement.Name));
                    break;
                case RequirementKind.CondaPackage:
                    condaNames.Add(DeclaredConstraint.PipKey(DeclaredConstraint.CondaKey(requirement.Name)));
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

        var constraints = DeclaredConstraint.From(requirements, key => pipNames.Contains(DeclaredConstraint.PipKey(key)));
        var pipPackages = new HashSet<string>(constraints.Where(static c => c.IsPip).Select(static c => c.Package), System.StringComparer.Ordinal);
        foreach (var package in pipPackages.OrderBy(static p => p, System.StringComparer.Ordinal))
        {
            // conda names are compared in PEP 503 form too, so scikit_learn and scikit-learn meet.
            var conda = constraints.Where(c => !c.IsPip && DeclaredConstraint.PipKey(c.Package) == package).ToList();
            if (conda.Count == 0)
            {
                continue;
            }

            var pip = constraints.Where(c => c.IsPip && c.Package == package).ToList();
            var pipClauses = Clauses(pip);
            var condaClauses = Clauses(conda);
            if (pipClauses.SequenceEqual(condaClauses, System.StringComparer.Ordinal))
            {
                continue;
            }

            var diagnostic = Diagnostic.Create(
                DiagnosticDescriptors.CondaPipMismatch,
                pip[0].VersionLocation(cancellationToken),
                conda.Select(c => c.VersionLocation(cancellationToken)),
                package,
                Describe(pip),
                Describe(conda));
            if (once.IsFirst(diagnostic))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static List<string> Clauses(List<DeclaredConstraint> constraints)
    {
        var all = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (var constraint in constraints)
        {
            all.UnionWith(constraint.CanonicalClauses);
        }

        return all.ToList();
    }

    private static string Describe(List<DeclaredConstraint> constraints)
    {
        var texts = constraints.Where(static c => !c.IsAny).Select(static c => c.Text).Distinct().ToList();
        return texts.Count == 0 ? "any version" : string.Join("' and '", texts);
    }
}
