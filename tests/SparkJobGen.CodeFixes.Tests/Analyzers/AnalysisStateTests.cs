using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.CodeFixes.Tests.Verifiers;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

/// <summary>
/// The analyzers keep per-analysis state (texts parsed once, verdicts decided once per distinct constraint set, diagnostics
/// reported once per declaration). These tests check that the state never changes what is reported: the same analyzer
/// instances analysing an edited compilation, then the original again (what the IDE does on every edit), concurrent and
/// sequential analysis, and analyses cancelled part way, all report exactly what fresh analyzers report on their own.
/// </summary>
public sealed class AnalysisStateTests
{
    private const int Jobs = 40;

    [Fact]
    public async Task The_same_analyzers_report_afresh_on_an_edited_compilation_and_again_on_the_original()
    {
        var original = Compile(JobSources(conflictEvery: 7, condaPandas: "2.1.*"));
        var edited = original.ReplaceSyntaxTree(original.SyntaxTrees.First(), Parse(JobSources(conflictEvery: 5, condaPandas: ">=2.2")[0], "Job0.cs"));
        var expectedOriginal = await RunAsync(CreateAnalyzers(), original, concurrent: false);
        var expectedEdited = await RunAsync(CreateAnalyzers(), edited, concurrent: false);
        AssertMeaningful(expectedOriginal);
        Assert.NotEqual(expectedOriginal, expectedEdited);

        var analyzers = CreateAnalyzers();
        AssertSame(expectedOriginal, await RunAsync(analyzers, original, concurrent: true));
        AssertSame(expectedEdited, await RunAsync(analyzers, edited, concurrent: true));
        AssertSame(expectedOriginal, await RunAsync(analyzers, original, concurrent: true));

        // The same compilation object analysed twice by the same analyzers reports everything both times.
        AssertSame(expectedEdited, await RunAsync(analyzers, edited, concurrent: true));
    }

    [Fact]
    public async Task Concurrent_analysis_reports_exactly_what_sequential_analysis_reports()
    {
        var compilation = Compile(JobSources(conflictEvery: 3, condaPandas: "2.1.*"));
        var expected = await RunAsync(CreateAnalyzers(), compilation, concurrent: false);
        AssertMeaningful(expected);
        for (var round = 0; round < 8; round++)
        {
            AssertSame(expected, await RunAsync(CreateAnalyzers(), compilation, concurrent: true));
        }
    }

    [Fact]
    public async Task An_analysis_cancelled_part_way_leaves_nothing_that_changes_the_next_one()
    {
        var compilation = Compile(JobSources(conflictEvery: 5, condaPandas: "2.1.*"));
        var expected = await RunAsync(CreateAnalyzers(), compilation, concurrent: false);
        AssertMeaningful(expected);

        // Cancelled from inside the analysis once a number of job classes have been seen, so the cancellation lands part
        // way whatever the machine's speed (a timer may fire only after a fast analysis has finished).
        var analyzers = CreateAnalyzers();
        var cancelled = 0;
        foreach (var after in new[] { 1, 3, 10, 25 })
        {
            using var cancellation = new CancellationTokenSource();
            try
            {
                await RunAsync(analyzers.Add(new CancelAfterSymbols(after, cancellation)), compilation, concurrent: true, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
        }

        Assert.True(cancelled > 0, "no analysis was cancelled part way");
        AssertSame(expected, await RunAsync(analyzers, compilation, concurrent: true));
    }

    private static void AssertSame(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            "missing:\n" + string.Join("\n", missing) + "\nextra:\n" + string.Join("\n", extra) + "\ncounts " + expected.Count + " vs " + actual.Count);
    }

    // Every SparkJobGen analyzer, new instances.
    private static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers() =>
        typeof(DiagnosticDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    // The input must exercise every path with per-analysis state, so an equality of empty lists proves nothing.
    private static void AssertMeaningful(IReadOnlyList<string> diagnostics)
    {
        foreach (var id in new[]
        {
            DiagnosticDescriptors.UnsatisfiableConstraintsId,
            DiagnosticDescriptors.InvalidCondaSpecId,
            DiagnosticDescriptors.CondaPipMismatchId,
            DiagnosticDescriptors.NotNormalizedId,
            DiagnosticDescriptors.ConflictingChannelOrderId,
            DiagnosticDescriptors.ChannelOrderCycleId,
            DiagnosticDescriptors.KnownBrokenCombinationId,
        })
        {
            Assert.Contains(diagnostics, d => d.StartsWith(id + "|", StringComparison.Ordinal));
        }

        // SJG2001 in more than one environment: the verdict cache is keyed by constraint texts, shared by environments.
        Assert.True(diagnostics.Count(d => d.StartsWith(DiagnosticDescriptors.UnsatisfiableConstraintsId + "|", StringComparison.Ordinal)) > 1);
    }

    private static async Task<IReadOnlyList<string>> RunAsync(
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        Compilation compilation,
        bool concurrent,
        CancellationToken cancellationToken = default)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrent, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(cancellationToken);
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("AD", StringComparison.Ordinal));

        // What a user or a code fix sees: id, place, additional locations, message and properties, duplicates kept. A
        // diagnostic at a declaration many jobs share (a base class's pip constraint, SJG2004) is reported once, with the
        // other side as written on the first of those jobs by name, whichever job the driver analyses first.
        return diagnostics
            .Select(d => d.Id + "|" + d.Location.GetLineSpan() + "|" + string.Join(";", d.AdditionalLocations.Select(l => l.GetLineSpan().ToString())) + "|" + d.GetMessage() + "|"
                + string.Join(";", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)))
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
    }

    private static CSharpCompilation Compile(IReadOnlyList<string> jobSources)
    {
        var trees = jobSources.Select((source, i) => Parse(source, "Job" + i + ".cs")).ToList();
        trees.Add(Parse("""
            using SparkJobGen;

            [assembly: PythonVersion("3.10")]
            [assembly: PySpark("3.3.2")]
            [assembly: CondaChannel("conda-forge")]
            [assembly: CondaPackage("numpy", "<2")]
            [assembly: CondaPackage("broken", "(((")]
            [assembly: PipPackage("requests", ">=2 , <3")]

            namespace Shared;

            [PipPackage("pandas", ">=2")]
            [CondaPackage("pyarrow", ">=14")]
            public abstract class JobBase { }
            """, "Shared.cs"));
        return CSharpCompilation.Create(
            "AnalysisState",
            trees,
            TestProject.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    private static SyntaxTree Parse(string source, string name) =>
        CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "/proj/" + name);

    // Jobs in four environments, repeating a few declarations: numpy '>=2.1' against the assembly's '<2' on every
    // conflictEvery-th job (so several environments meet the same conflicting texts), pandas in conda on every job against
    // the base class's pip '>=2' (SJG2004 at the base class's declaration, once per distinct message), opposite channel
    // orders in one environment, channel orders of three jobs forming a cycle in another, a pip name not in normal form on
    // some jobs.
    private static List<string> JobSources(int conflictEvery, string condaPandas)
    {
        var sources = new List<string>();
        for (var i = 0; i < Jobs; i++)
        {
            var source = new StringBuilder();
            source.AppendLine("using SparkJobGen;");
            source.AppendLine("namespace Jobs" + (i % 3) + ";");
            source.AppendLine("[SparkJob(\"jobs/job_" + i + ".py\", Environment = \"env-" + (i % 4) + "\")]");
            source.AppendLine("[CondaPackage(\"pandas\", \"" + (i % 2 == 0 ? condaPandas : "2.1.*") + "\")]");
            source.AppendLine("[CondaPackage(\"scipy\", \">=1." + (i % 5) + ",<2\")]");
            source.AppendLine("[PipPackage(\"scipy\", \">=1." + (i % 3) + "\")]");
            if (i % conflictEvery == 0)
            {
                source.AppendLine("[CondaPackage(\"numpy\", \">=2.1\")]");
            }

            if (i % 9 == 0)
            {
                source.AppendLine("[PipPackage(\"Scikit_Learn\", \"~=1.2\")]");
            }

            if (i == 1 || i == 5)
            {
                source.AppendLine(i == 1 ? "[CondaChannel(\"pytorch\")]" : "[CondaChannel(\"defaults\")]");
                source.AppendLine(i == 1 ? "[CondaChannel(\"defaults\")]" : "[CondaChannel(\"pytorch\")]");
            }

            if (i is 2 or 6 or 10)
            {
                // Three jobs of env-2 whose channel orders form a cycle (SJG2010): pytorch < nvidia < bioconda < pytorch.
                var cycle = new[] { "pytorch", "nvidia", "bioconda" };
                source.AppendLine("[CondaChannel(\"" + cycle[(i / 4) % 3] + "\")]");
                source.AppendLine("[CondaChannel(\"" + cycle[((i / 4) + 1) % 3] + "\")]");
            }

            source.AppendLine("public partial class Job" + i + " : Shared.JobBase { }");
            sources.Add(source.ToString());
        }

        return sources;
    }

    /// <summary>Cancels the analysis it runs in when it has seen <c>after</c> named types.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
#pragma warning disable RS1001, RS1025, RS1026, RS1036, RS1041
    private sealed class CancelAfterSymbols(int after, CancellationTokenSource cancellation) : DiagnosticAnalyzer
#pragma warning restore RS1001, RS1025, RS1026, RS1036, RS1041
    {
        private int _seen;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            [new DiagnosticDescriptor("TEST0001", "never reported", "never reported", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true)];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSymbolAction(
                _ =>
                {
                    if (Interlocked.Increment(ref _seen) == after)
                    {
                        cancellation.Cancel();
                    }
                },
                SymbolKind.NamedType);
        }
    }
}
