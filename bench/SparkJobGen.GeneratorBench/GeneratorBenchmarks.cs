using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SparkJobGen.Generators;

namespace SparkJobGen.Benchmarks;

/// <summary>
/// The generator on a compilation of 1,000 job classes (one file each, 10 environments shared by 100 jobs, 6 packages and
/// 4 parameters per job): a full first run (on a warm compilation, and on new symbols as in a build), and the incremental
/// runs an IDE performs after one keystroke.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warmDriver = null!;
    private CSharpCompilation _constraintEdit = null!;
    private CSharpCompilation _bodyEdit = null!;
    private CSharpCompilation _unrelatedEdit = null!;

    [Params(1000)]
    public int Jobs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, Jobs).Select(i => CSharpSyntaxTree.ParseText(JobSource(i), parse, path: $"Job{i}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText("[assembly: SparkJobGen.CondaChannel(\"conda-forge\")][assembly: SparkJobGen.PythonVersion(\"3.11\")]", parse, path: "Assembly.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Append(typeof(SparkJobAttribute).Assembly.Location)
            .Append(typeof(SparkSubmission).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _warmDriver = CreateDriver().RunGenerators(_compilation);

        var target = _compilation.SyntaxTrees.First();
        var text = target.GetText();
        var at = text.ToString().IndexOf(">=1.20", StringComparison.Ordinal);
        _constraintEdit = _compilation.ReplaceSyntaxTree(target, target.WithChangedText(text.WithChanges(new TextChange(new TextSpan(at, 6), ">=1.21"))));
        var body = text.ToString().IndexOf("=> 0;", StringComparison.Ordinal);
        _bodyEdit = _compilation.ReplaceSyntaxTree(target, target.WithChangedText(text.WithChanges(new TextChange(new TextSpan(body, 5), "=> 1;"))));
        _unrelatedEdit = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int X => 1; }", parse));
    }

    [Benchmark(Description = "full run")]
    public GeneratorDriver FullRun() => CreateDriver().RunGenerators(_compilation);

    /// <summary>
    /// A full run on a compilation with new symbols (the same parsed trees): what a command-line build pays, where nothing
    /// is bound yet when the generator runs. <see cref="FullRun"/> reuses one compilation, whose symbols keep the attributes
    /// every earlier iteration bound.
    /// </summary>
    [Benchmark(Description = "full run, new compilation")]
    public GeneratorDriver FullRunNewCompilation() => CreateDriver().RunGenerators(_compilation.Clone());

    [Benchmark(Description = "edit: one constraint")]
    public GeneratorDriver ConstraintEdit() => _warmDriver.RunGenerators(_constraintEdit);

    [Benchmark(Description = "edit: a method body")]
    public GeneratorDriver BodyEdit() => _warmDriver.RunGenerators(_bodyEdit);

    [Benchmark(Description = "edit: unrelated type added")]
    public GeneratorDriver UnrelatedEdit() => _warmDriver.RunGenerators(_unrelatedEdit);

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create([new SparkJobGenerator().AsSourceGenerator()], parseOptions: new CSharpParseOptions(LanguageVersion.Latest));

    private static string JobSource(int i) => $$"""
        using System;
        using System.Collections.Generic;
        using SparkJobGen;

        namespace Bench.Jobs{{i % 20}};

        [SparkJob("jobs/job_{{i}}.py", Environment = "env-{{i % 10}}")]
        [PySpark("3.5.1")]
        [CondaPackage("numpy", ">=1.{{20 + (i % 7)}},<2")]
        [CondaPackage("pandas", "2.1.*")]
        [CondaPackage("pyarrow", ">=14")]
        [CondaPackage("package-{{i % 50}}", ">=1.0")]
        [PipPackage("lib-{{i % 30}}", "~=2.{{i % 5}}")]
        [PipPackage("requests", ">=2.31,<3")]
        [SparkConf("spark.sql.shuffle.partitions", "{{200 + i}}")]
        public partial class Job{{i}}
        {
            [JobParameter] public required DateOnly RunDate { get; init; }
            [JobParameter] public required Uri Input { get; init; }
            [JobParameter] public double Threshold { get; init; } = 0.5;
            [JobParameter] public IReadOnlyList<string> Segments { get; init; } = [];
            public int Helper() => 0;
        }
        """;
}
