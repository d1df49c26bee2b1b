using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SparkJobGen.CodeFixes.Tests.Verifiers;

// The verifier pattern of Microsoft.CodeAnalysis.Testing: static helpers on a type generic in the analyzer.
#pragma warning disable CA1000

/// <summary>Runs one analyzer over test sources with <c>{|SJGnnnn:...|}</c> markup, in a SparkJobGen-shaped project.</summary>
/// <typeparam name="TAnalyzer">The analyzer.</typeparam>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Verifies that <paramref name="source"/> produces exactly the marked and <paramref name="expected"/> diagnostics.</summary>
    /// <param name="source">C# source with markup.</param>
    /// <param name="expected">Diagnostics not expressed as markup.</param>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = Create(source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>A configured test (build properties unset, no scripts) for callers that add files or options.</summary>
    /// <param name="source">C# source with markup.</param>
    /// <param name="checkScripts">The SparkJobGenCheckScripts build property, or <see langword="null"/> for unset.</param>
    public static Test Create(string source, bool? checkScripts = null)
    {
        var test = new Test { TestCode = source };
        TestProject.SetBuildProperties(test.TestState, checkScripts);
        return test;
    }

    /// <summary>A diagnostic of <paramref name="id"/> from the analyzer's supported descriptors.</summary>
    /// <param name="id">The diagnostic id.</param>
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    /// <summary>The test type: C# latest, runtime references, SparkJobGen attributes.</summary>
    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        /// <summary>Creates the test.</summary>
        public Test()
        {
            ReferenceAssemblies = TestProject.ReferenceAssemblies;
            TestProject.AddReferences(TestState);
        }

        /// <inheritdoc />
        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);
    }
}
