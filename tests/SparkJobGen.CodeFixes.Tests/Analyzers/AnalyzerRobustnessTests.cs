using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.CodeFixes.Tests.Verifiers;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

/// <summary>Bad input never crashes an analyzer: code that does not compile, null and malformed arguments, odd members.</summary>
public sealed class AnalyzerRobustnessTests
{
    private const string BrokenSource = """
        using System;
        using SparkJobGen;

        [assembly: PySpark("3.5")]
        [assembly: PythonVersion("2.7")]
        [assembly: CondaPackage(null!, null)]
        [assembly: PipPackage("numpy", ";")]

        [SparkJob]
        public partial class MissingScript { }

        [SparkJob(42)]
        public partial class WrongType { }

        [SparkJob("jobs/c.py", Name = "", Environment = null)]
        [PipPackage(null!, null)]
        [PipPackage("pandas", ">=")]
        [PipPackage("pyarrow", "@")]
        [CondaPackage("x", "(((")]
        [CondaPackage("numpy", "|")]
        [CondaPackage("::", "")]
        [CondaChannel(null!)]
        [SparkConf(null!, null!)]
        [PySpark("")]
        [PythonVersion("   ")]
        public partial class NullsEverywhere : Undefined
        {
            [JobParameter(null!)] public string X { get; set; } = "";
            [JobParameter] public int this[int i] => i;
            [JobParameter] public static string S { get; set; } = "";
            [JobParameter] public Undefined2 Y { get; set; }
            [JobParameter(Format = null)] public DateTime D { get; set; }
        }

        [SparkJob("jobs/d.py")]
        public partial class Generic<T> where T : new() { [JobParameter] public T? Value { get; set; } }

        public partial class Outer<T> { [SparkJob("jobs/e.py")] public partial class Inner { } }
        """;

    [Fact]
    public async Task No_analyzer_throws_on_malformed_declarations()
    {
        var compilation = CSharpCompilation.Create(
            "Broken",
            [CSharpSyntaxTree.ParseText(BrokenSource, new CSharpParseOptions(LanguageVersion.Latest), path: "/proj/Broken.cs")],
            TestProject.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        var (diagnostics, exceptions) = await RunAllAnalyzersAsync(compilation);

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");

        // The analyzers still say what they can about the parts that make sense.
        var ids = diagnostics.Select(d => d.Id).ToHashSet();
        Assert.Contains(DiagnosticDescriptors.InvalidPipSpecifierId, ids);
        Assert.Contains(DiagnosticDescriptors.InvalidCondaSpecId, ids);
        Assert.Contains(DiagnosticDescriptors.InvalidPackageNameId, ids);
        Assert.Contains(DiagnosticDescriptors.InvalidSparkConfId, ids);
        Assert.Contains(DiagnosticDescriptors.JobShapeNotSupportedId, ids);
        Assert.Contains(DiagnosticDescriptors.PythonOutsidePySparkRangeId, ids);

        // A [SparkJob] the compiler rejects (missing or mistyped script) gets the compiler's error only.
        Assert.DoesNotContain(diagnostics, d => d.Id == DiagnosticDescriptors.EmptyScriptPathId);
    }
    [Fact]
    public async Task Declarations_inherited_from_a_referenced_project_never_put_a_diagnostic_outside_the_compilation()
    {
        // In the IDE a project reference is a compilation reference: a base class's attributes keep their syntax, in a tree of
        // the other project. Roslyn refuses a diagnostic located there (AnalyzerExecutor throws ArgumentException, "not part of
        // the compilation being analyzed"), so an analyzer that points at that syntax fails with AD0001.
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var library = CSharpCompilation.Create(
            "Shared",
            [CSharpSyntaxTree.ParseText("""
                using SparkJobGen;

                namespace Shared;

                [CondaChannel("pytorch")]
                [CondaChannel("conda-forge")]
                [CondaPackage("numpy", "<2")]
                [CondaPackage("pandas", "2.1.*")]
                [PipPackage("pandas", ">=2.2")]
                [PySpark("3.5.1")]
                [PythonVersion("3.13")]
                public abstract class SharedJob
                {
                    [JobParameter("--day")] public System.DateOnly Day { get; init; }
                }
                """, parse, path: "/shared/SharedJob.cs")],
            TestProject.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.DoesNotContain(library.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        var compilation = CSharpCompilation.Create(
            "App",
            [CSharpSyntaxTree.ParseText("""
                using SparkJobGen;

                [SparkJob("jobs/a.py", Environment = "shared")]
                [CondaPackage("numpy", ">=2.1")]
                public partial class A : Shared.SharedJob
                {
                    [JobParameter("--day")] public System.DateOnly Other { get; init; }
                }

                [SparkJob("jobs/b.py", Environment = "shared")]
                [CondaChannel("conda-forge")]
                [CondaChannel("pytorch")]
                public partial class B { }

                [SparkJob("jobs/c.py", Environment = "shared")]
                public partial class C : Shared.SharedJob { }
                """, parse, path: "/proj/Jobs.cs")],
            [.. TestProject.References, library.ToMetadataReference()],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        // Concurrent analysis runs the jobs in any order: every round must place every diagnostic the same way.
        for (var round = 0; round < 8; round++)
        {
            var (diagnostics, exceptions) = await RunAllAnalyzersAsync(compilation);

            Assert.Empty(exceptions);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            foreach (var diagnostic in diagnostics)
            {
                foreach (var location in diagnostic.AdditionalLocations.Prepend(diagnostic.Location))
                {
                    Assert.True(location.SourceTree is null || compilation.ContainsSyntaxTree(location.SourceTree), $"{diagnostic.Id} points outside the compilation: {diagnostic}");
                }
            }

            // What the inherited declarations cause is still reported, in this project: numpy <2 (inherited) against >=2.1 on A,
            // the channel order B reverses, and pandas constrained differently by conda and pip.
            // A conflict with a local member points at it; one wholly inherited points at the job's name.
            string Text(Location location) => location.SourceTree!.GetText().ToString(location.SourceSpan);
            var numpy = Assert.Single(diagnostics, d => d.Id == DiagnosticDescriptors.UnsatisfiableConstraintsId && d.GetMessage().Contains("'numpy'", StringComparison.Ordinal));
            Assert.Equal("\">=2.1\"", Text(numpy.Location));
            Assert.Contains("'<2' on base class 'SharedJob'", numpy.GetMessage(), StringComparison.Ordinal);
            var pandas = Assert.Single(diagnostics, d => d.Id == DiagnosticDescriptors.UnsatisfiableConstraintsId && d.GetMessage().Contains("'pandas'", StringComparison.Ordinal));
            Assert.Equal("A", Text(pandas.Location));
            Assert.Equal(2, diagnostics.Count(d => d.Id == DiagnosticDescriptors.ConflictingChannelOrderId));
            Assert.All(diagnostics.Where(d => d.Id == DiagnosticDescriptors.ConflictingChannelOrderId), d => Assert.Equal("\"conda-forge\"", Text(d.Location)));
            Assert.Equal("A", Text(Assert.Single(diagnostics, d => d.Id == DiagnosticDescriptors.CondaPipMismatchId).Location));
            Assert.Equal(["A", "C"], diagnostics.Where(d => d.Id == DiagnosticDescriptors.PythonOutsidePySparkRangeId).Select(d => Text(d.Location)).Order(StringComparer.Ordinal));
            Assert.Equal("\"--day\"", Text(Assert.Single(diagnostics, d => d.Id == DiagnosticDescriptors.DuplicateParameterId).Location));
        }
    }

    /// <summary>Every SparkJobGen analyzer, concurrently, over <paramref name="compilation"/>: its diagnostics and any analyzer exception.</summary>
    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, ConcurrentBag<Exception> Exceptions)> RunAllAnalyzersAsync(Compilation compilation)
    {
        var analyzers = typeof(DiagnosticDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var exceptions = new ConcurrentBag<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        return (await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None), exceptions);
    }
}
