using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SparkJobGen.AnalyzerBench;

// Benchmark-only analyzer run in-process by CompilationWithAnalyzers; never loaded by a compiler, never shipped.
#pragma warning disable RS1041, RS1036, RS2008

/// <summary>
/// A baseline analyzer that only binds every type's attributes (what any attribute-driven analyzer pays at least), so the
/// SparkJobGen numbers can be read as a cost on top of it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AttributeBindingBaseline : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BENCH0001", "never reported", "never reported", "Bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Never];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(static c => _ = c.Symbol.GetAttributes().Length, SymbolKind.NamedType);
    }
}
