using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// A job derived from a base job of another assembly. The compiler imports only the public and protected members of a
/// referenced assembly (internal ones too when it grants InternalsVisibleTo: Roslyn's default MetadataImportOptions.Public),
/// so the base job's internal or private [JobParameter] properties are not in the derived job's compilation at all and its
/// generated manifest leaves them out. SJG1012 reports each from the base job's own manifest instead of losing it silently.
/// </summary>
public sealed class CrossAssemblyBaseJobTests
{
    private static string Library(bool grantsInternals) => $$"""
        using SparkJobGen;
        {{(grantsInternals ? "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Consumer\")]" : string.Empty)}}
        namespace Contoso.Shared;
        [SparkJob("jobs/base.py")]
        public partial class BaseJob
        {
            [JobParameter] public string Region { get; init; } = "eu";
            [JobParameter] protected int Limit { get; init; } = 10;
            [JobParameter("--token")] internal string? Token { get; set; }
            [JobParameter] private bool Verbose { get; set; }
        }
        """;

    private const string Consumer = """
        using SparkJobGen;
        namespace Contoso.Jobs;
        [SparkJob("jobs/nightly.py")]
        public partial class Nightly : Contoso.Shared.BaseJob { [JobParameter] public int Days { get; init; } = 1; }
        """;

    [Fact]
    public async Task Parameters_the_derived_assembly_cannot_see_are_reported_from_the_base_jobs_manifest()
    {
        var (diagnostics, manifest) = await BuildConsumerAsync(grantsInternals: false);

        var reported = diagnostics.Where(d => d.Id == DiagnosticDescriptors.UnreadableParameterId).Select(d => d.GetMessage()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, reported.Count);
        Assert.StartsWith("Job parameter 'Token' (flag '--token') of the base job 'Contoso.Shared.BaseJob' is private or internal to the assembly 'Library'", reported[0], StringComparison.Ordinal);
        Assert.StartsWith("Job parameter 'Verbose' (flag '--verbose') of the base job 'Contoso.Shared.BaseJob'", reported[1], StringComparison.Ordinal);
        // What the message says would happen: the derived job's own manifest has the visible parameters only.
        Assert.Contains("6:Region", manifest, StringComparison.Ordinal);
        Assert.Contains("5:Limit", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("Token", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_InternalsVisibleTo_the_internal_parameter_is_seen_and_only_the_private_one_is_reported()
    {
        var (diagnostics, manifest) = await BuildConsumerAsync(grantsInternals: true);

        var reported = Assert.Single(diagnostics, d => d.Id == DiagnosticDescriptors.UnreadableParameterId);
        Assert.StartsWith("Job parameter 'Verbose'", reported.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("5:Token", manifest, StringComparison.Ordinal);
    }

    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, string Manifest)> BuildConsumerAsync(bool grantsInternals)
    {
        var library = GeneratorHarness.CreateCompilation(Library(grantsInternals)).WithAssemblyName("Library");
        var (libraryOutput, libraryDiagnostics, _) = GeneratorHarness.Run(library);
        Assert.Empty(libraryDiagnostics);
        using var image = new MemoryStream();
        var emitted = libraryOutput.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var consumer = GeneratorHarness.CreateCompilation(Consumer)
            .WithAssemblyName("Consumer")
            .AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        var (output, generatorDiagnostics, result) = GeneratorHarness.Run(consumer);
        Assert.Empty(generatorDiagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var manifest = GeneratorHarness.GeneratedSource(result, "SparkJobGen.Environments.g.cs")
            .Split('\n').Single(line => line.Contains("\"Contoso.Jobs.Nightly\"", StringComparison.Ordinal));
        var diagnostics = await output.WithAnalyzers([new JobDeclarationAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return (diagnostics, manifest);
    }
}
