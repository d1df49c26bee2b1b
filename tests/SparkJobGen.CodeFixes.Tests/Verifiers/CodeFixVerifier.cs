using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SparkJobGen.CodeFixes.Tests.Verifiers;

// The verifier pattern of Microsoft.CodeAnalysis.Testing: static helpers on a type generic in the analyzer.
#pragma warning disable CA1000

/// <summary>Runs an analyzer and a code fix over test sources with markup, in a SparkJobGen-shaped project.</summary>
/// <typeparam name="TAnalyzer">The analyzer reporting the diagnostic.</typeparam>
/// <typeparam name="TCodeFix">The code fix.</typeparam>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Verifies the diagnostics of <paramref name="source"/> and that fixing all of them gives <paramref name="fixedSource"/>.</summary>
    /// <param name="source">C# source with markup.</param>
    /// <param name="fixedSource">The expected source after the fix (with markup for diagnostics that remain).</param>
    public static Task VerifyAsync(string source, string fixedSource)
    {
        var test = Create(source, fixedSource);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>A configured test for callers that add files, options or expected diagnostics.</summary>
    /// <param name="source">C# source with markup.</param>
    /// <param name="fixedSource">The expected fixed source.</param>
    public static Test Create(string source, string fixedSource)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        TestProject.SetBuildProperties(test.TestState, checkScripts: null);
        TestProject.SetBuildProperties(test.FixedState, checkScripts: null);
        return test;
    }

    /// <summary>A diagnostic of <paramref name="id"/> from the analyzer's supported descriptors.</summary>
    /// <param name="id">The diagnostic id.</param>
    public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

    /// <summary>The test type: C# latest, runtime references, SparkJobGen attributes.</summary>
    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        /// <summary>Creates the test.</summary>
        public Test()
        {
            ReferenceAssemblies = TestProject.ReferenceAssemblies;
            TestProject.AddReferences(TestState);
            TestProject.AddReferences(FixedState);
        }

        /// <inheritdoc />
        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);
    }
}
