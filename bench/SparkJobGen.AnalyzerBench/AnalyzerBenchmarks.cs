using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.AnalyzerBench;

/// <summary>
/// Every SparkJobGen diagnostic analyzer on a compilation of 500 job classes (one file each) declaring 50 packages each
/// (30 conda, 20 pip, half of the pip names also in the conda section), in 10 environments shared by 50 jobs, with
/// a base class and assembly-level defaults: the cost a build (or a full-solution IDE analysis) pays.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> _all;
    private ImmutableArray<DiagnosticAnalyzer> _versionConflicts;
    private ImmutableArray<DiagnosticAnalyzer> _baseline;

    /// <summary>Job classes in the compilation.</summary>
    [Params(500)]
    public int Jobs { get; set; }

    /// <summary>Package constraints per job.</summary>
    [Params(50)]
    public int Packages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, Jobs).Select(i => CSharpSyntaxTree.ParseText(JobSource(i, Packages), parse, path: $"Job{i}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText("""
            using SparkJobGen;
            [assembly: PythonVersion("3.11")]
            [assembly: PySpark("3.5.1")]
            [assembly: CondaPackage("numpy", "<2")]
            [assembly: PipPackage("lib-1", "!=1.4.2")]
            [assembly: CondaPackage("pkg-2", ">=1.0")]
            namespace Bench;
            [CondaPackage("pandas", ">=2,<3|1.5.*")]
            [PipPackage("requests", ">=2.31")]
            public abstract class JobBase { }
            """, parse, path: "Assembly.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Append(typeof(SparkJobAttribute).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _all = typeof(VersionConflictAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        _versionConflicts = [new VersionConflictAnalyzer()];
        _baseline = [new AttributeBindingBaseline()];
        var compileErrors = _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (compileErrors.Count > 0)
        {
            throw new InvalidOperationException("The benchmark compilation does not compile: " + compileErrors[0]);
        }

        Console.WriteLine($"// analyzers: {string.Join(", ", _all.Select(a => a.GetType().Name))}");
        var diagnostics = RunAsync(_all).GetAwaiter().GetResult();
        Console.WriteLine($"// diagnostics reported: {diagnostics.Length} ({string.Join(", ", diagnostics.GroupBy(d => d.Id).Select(g => g.Key + " x" + g.Count()))})");
    }

    [Benchmark(Description = "all SparkJobGen analyzers")]
    public Task<ImmutableArray<Diagnostic>> AllAnalyzers() => RunAsync(_all);

    [Benchmark(Description = "SJG2001 version conflicts only")]
    public Task<ImmutableArray<Diagnostic>> VersionConflicts() => RunAsync(_versionConflicts);

    [Benchmark(Baseline = true, Description = "baseline: bind every type's attributes")]
    public Task<ImmutableArray<Diagnostic>> AttributeBinding() => RunAsync(_baseline);

    /// <summary>Runs every analyzer <paramref name="rounds"/> times with Roslyn's execution-time log and prints each one's time.</summary>
    public static async Task PrintPerAnalyzerAsync(int rounds)
    {
        var bench = new AnalyzerBenchmarks { Jobs = 500, Packages = 50 };
        bench.Setup();
        for (int round = 0; round < rounds; round++)
        {
            var result = await bench._compilation.WithAnalyzers(bench._all, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true))
                .GetAnalysisResultAsync(CancellationToken.None);
            Console.WriteLine($"round {round + 1}: " + string.Join(", ", result.AnalyzerTelemetryInfo
                .OrderByDescending(static p => p.Value.ExecutionTime)
                .Select(static p => $"{p.Key.GetType().Name} {p.Value.ExecutionTime.TotalMilliseconds:F0} ms")));
        }
    }

    private Task<ImmutableArray<Diagnostic>> RunAsync(ImmutableArray<DiagnosticAnalyzer> analyzers) =>
        _compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);

    // Satisfiable constraints of every shape (ranges, wildcards, !=, ~=, or-specs), one deliberate conflict per 100 jobs.
    private static string JobSource(int i, int packages)
    {
        var lines = new List<string>();
        for (int k = 0; k < packages; k++)
        {
            var name = "pkg-" + k;
            lines.Add((k % 5) switch
            {
                0 => $"[CondaPackage(\"{name}\", \">=1.{i % 7},<3\")]",
                1 => $"[PipPackage(\"pkg-{k - 1}\", \"~=2.{i % 5}\")]",
                2 => $"[CondaPackage(\"{name}\", \"2.{i % 3}.*|>=4\")]",
                3 => $"[PipPackage(\"lib-{k}\", \"!=1.4.*,>=1.{i % 9}\")]",
                _ => $"[CondaPackage(\"{name}\", \"{1 + (i % 2)}\")]",
            });
        }

        if (i % 100 == 99)
        {
            lines.Add("[CondaPackage(\"numpy\", \">=2.1\")]");
        }

        return $$"""
            using SparkJobGen;

            namespace Bench.Jobs{{i % 20}};

            [SparkJob("jobs/job_{{i}}.py", Environment = "env-{{i % 10}}")]
            {{string.Join("\n", lines)}}
            public partial class Job{{i}} : Bench.JobBase { }
            """;
    }
}
