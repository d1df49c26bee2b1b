using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// A job's generated <c>Definition</c> implements the static abstract member of <c>ISparkJob</c>, a C# 11 feature. Under an
/// older <c>LangVersion</c> the generator emits nothing (no file that cannot compile) and SJG1017 names the job and the
/// version; from C# 11 on the generated code compiles cleanly.
/// </summary>
public sealed class LanguageVersionTests
{
    private const string Source = """
        using SparkJobGen;
        namespace Contoso.Jobs
        {
            [SparkJob("jobs/nightly.py")]
            public partial class Nightly { [JobParameter] public int Limit { get; set; } }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "7.3")]
    [InlineData(LanguageVersion.CSharp8, "8.0")]
    [InlineData(LanguageVersion.CSharp9, "9.0")]
    [InlineData(LanguageVersion.CSharp10, "10.0")]
    public async Task Under_an_older_version_nothing_is_generated_and_SJG1017_says_why(LanguageVersion version, string display)
    {
        var (output, generated) = Run(version);
        Assert.Empty(generated);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        var diagnostics = await AnalyzeAsync(output);
        var reported = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticDescriptors.LanguageVersionTooOldId, reported.Id);
        Assert.Equal(DiagnosticSeverity.Error, reported.Severity);
        Assert.Equal("Nightly", output.SyntaxTrees.First().GetText().ToString(reported.Location.SourceSpan));
        Assert.Contains($"is compiled as C# {display},", reported.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp11)]
    [InlineData(LanguageVersion.CSharp12)]
    [InlineData(LanguageVersion.Latest)]
    public async Task From_CSharp_11_the_generated_code_compiles_cleanly(LanguageVersion version)
    {
        var (output, generated) = Run(version);
        Assert.Equal(2, generated.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(await AnalyzeAsync(output));
    }

    /// <summary>
    /// Why the generator stops: the job file it emits under C# 11, compiled as C# 10, fails in the compiler itself (CS8706,
    /// "cannot implement interface member ... because feature 'static abstract members in interfaces' is not available").
    /// </summary>
    [Fact]
    public void The_generated_job_file_does_not_compile_under_CSharp_10()
    {
        var (_, generated) = Run(LanguageVersion.CSharp11);
        var options = new CSharpParseOptions(LanguageVersion.CSharp10);
        var trees = generated.Select(g => CSharpSyntaxTree.ParseText(g.SourceText, options, g.HintName)).Prepend(CSharpSyntaxTree.ParseText(Source, options));
        var compilation = GeneratorHarness.CreateCompilation(Source).RemoveAllSyntaxTrees().AddSyntaxTrees(trees);
        Assert.Contains(compilation.GetDiagnostics(), d => d.Id == "CS8706");
    }

    private static (Compilation Output, ImmutableArray<GeneratedSourceResult> Generated) Run(LanguageVersion version)
    {
        var options = new CSharpParseOptions(version);
        var compilation = GeneratorHarness.CreateCompilation(Source);
        compilation = compilation
            .RemoveAllSyntaxTrees()
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(Source, options, path: "Source0.cs"))
            .WithOptions(compilation.Options.WithNullableContextOptions(version < LanguageVersion.CSharp8 ? NullableContextOptions.Disable : NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create([new SparkJobGenerator().AsSourceGenerator()], parseOptions: options)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        return (output, result.GeneratedSources);
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation) =>
        await compilation.WithAnalyzers([new JobDeclarationAnalyzer()]).GetAnalyzerDiagnosticsAsync();
}
