using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// SJG1019 against what the compiled code really runs: each call the analyzer reports is shown, by running the emitted
/// assembly, to reach another method than SparkJobGen's extension method, and each call it leaves alone to reach
/// SparkJobGen's (C# extension lookup goes from the innermost namespace outwards; a member of the receiver's type wins).
/// </summary>
public sealed class ExtensionCallTests
{
    private const string Source = """
        using SparkJobGen;
        namespace Contoso.Jobs
        {
            [SparkJob("jobs/score.py")]
            public partial class ScoreCustomers { [JobParameter] public string Input { get; init; } = "in"; }

            [SparkJob("jobs/score_v2.py")]
            public partial class ScoreCustomersV2 : ScoreCustomers { [JobParameter] public int Extra { get; init; } = 7; }

            // A wrapper of the job's own: generated for (no SJG1013), and it calls SparkJobGen's by name.
            [SparkJob("jobs/wrapped.py")]
            public partial class Wrapped
            {
                public SparkSubmission ToSubmission(string queue = "default") => SparkJobExtensions.ToSubmission(this).InQueue(queue);
                public SparkSubmission Inside() => this.ToSubmission("inside");
            }

            // A static member is never bound through an instance, so job.ToJobArguments() stays SparkJobGen's.
            [SparkJob("jobs/static.py")]
            public partial class WithStatic { public static System.Collections.Generic.IReadOnlyList<string> ToJobArguments() => ["static"]; }

            public static class JobConvenience
            {
                public static SparkSubmission ToSubmission(this ScoreCustomers job, string queue = "analytics") =>
                    SparkJobExtensions.ToSubmission(job).InQueue(queue);
            }

            public static class Probe
            {
                // Found first in this namespace, although a worse match: submits the base job.
                public static string Captured() => new ScoreCustomersV2().ToSubmission().Job.Name;
                public static string Named() => JobConvenience.ToSubmission(new ScoreCustomersV2()).Job.Name;
                public static string Wrapper() => new Wrapped().ToSubmission().Queue ?? "none";
                public static string Explicit() => global::SparkJobExtensions.ToSubmission(new ScoreCustomersV2()).Job.Name;
                public static string Static() => string.Join(",", new WithStatic().ToJobArguments());
                public static string Generic<T>(T job) where T : ISparkJob => job.ToSubmission().Job.Name;
                public static string ThroughGeneric() => Generic(new ScoreCustomersV2());
            }
        }

        namespace Contoso.App
        {
            public static class Elsewhere
            {
                // Outside Contoso.Jobs the convenience method is not in scope: SparkJobGen's is called.
                public static string Name() => new Contoso.Jobs.ScoreCustomersV2().ToSubmission().Job.Name;
            }
        }
        """;

    [Fact]
    public async Task Calls_that_bind_elsewhere_are_reported_and_do_reach_another_method()
    {
        var source = Source;
        var (output, _) = GeneratorHarness.RunAndAssertClean(source);

        var diagnostics = (await output.WithAnalyzers([new ExtensionCallAnalyzer()]).GetAnalyzerDiagnosticsAsync())
            .OrderBy(d => d.Location.SourceSpan.Start).ToList();

        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticDescriptors.ExtensionCallShadowedId, d.Id));
        Assert.Equal(Span(source, "new ScoreCustomersV2().", "ToSubmission"), diagnostics[0].Location.SourceSpan.Start);
        Assert.Equal(
            "This ToSubmission() call on 'ScoreCustomersV2' calls 'Contoso.Jobs.JobConvenience.ToSubmission(Contoso.Jobs.ScoreCustomers, string)', not SparkJobGen's ToSubmission() extension method; rename that method, or write global::SparkJobExtensions.ToSubmission(job) for SparkJobGen's",
            diagnostics[0].GetMessage());
        Assert.Equal(Span(source, "new Wrapped().", "ToSubmission"), diagnostics[1].Location.SourceSpan.Start);
        Assert.Contains("calls 'Contoso.Jobs.Wrapped.ToSubmission(string)'", diagnostics[1].GetMessage(), StringComparison.Ordinal);

        var assembly = GeneratorHarness.EmitAndLoad(output);
        // What the reported calls really do: the base job, the wrapper's queue.
        Assert.Equal("score-customers", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Captured"));
        Assert.Equal("default", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Wrapper"));
        // And the calls left alone reach SparkJobGen's.
        Assert.Equal("score-customers-v2", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Explicit"));
        Assert.Equal("score-customers-v2", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "ThroughGeneric"));
        Assert.Equal("score-customers-v2", GeneratorHarness.Invoke(assembly, "Contoso.App.Elsewhere", "Name"));
        Assert.Equal(string.Empty, GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Static"));
    }

    private static int Span(string source, string before, string name) => source.IndexOf(before + name, StringComparison.Ordinal) + before.Length;
}
