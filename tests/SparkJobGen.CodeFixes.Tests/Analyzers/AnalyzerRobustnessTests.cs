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
        var analyzers = typeof(DiagnosticDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var compilation = CSharpCompilation.Create(
            "Broken",
            [CSharpSyntaxTree.ParseText(BrokenSource, new CSharpParseOptions(LanguageVersion.Latest), path: "/proj/Broken.cs")],
            TestProject.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        var exceptions = new ConcurrentBag<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);

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
}
