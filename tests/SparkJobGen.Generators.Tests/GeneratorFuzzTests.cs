using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// Hostile declarations compiled with the real generator and every SparkJobGen analyzer, once with default severities and
/// once with every SJG diagnostic set to <c>none</c> (which the README allows and which stops the analyzers from running at
/// all): no input may make the generator throw (CS8785), fail to start (CS8784) or report anything, nor make an
/// analyzer throw (AD0001). A fixed list of known-hostile shapes runs first, then random declarations from a seed.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultIterations"/> random compilations with seed <see cref="DefaultSeed"/>. For a longer run set
/// <c>SJG_FUZZ_ITERATIONS</c> (and <c>SJG_FUZZ_SEED</c> for another sequence); a failure message names the seed, the
/// iteration and the source, so it reproduces exactly.
/// </remarks>
public sealed class GeneratorFuzzTests
{
    private const int DefaultSeed = 22;
    private const int DefaultIterations = 25;
    private const int DeclarationsPerCompilation = 6;
    private const int DeepChain = 60;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(SparkJobGenerator).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly ImmutableDictionary<string, ReportDiagnostic> AllSjgOff = Analyzers
        .SelectMany(a => a.SupportedDiagnostics)
        .Select(d => d.Id)
        .Distinct()
        .ToImmutableDictionary(id => id, _ => ReportDiagnostic.Suppress);

    public static TheoryData<string> KnownHostile
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in HostileSources.Keys)
            {
                data.Add(name);
            }

            return data;
        }
    }

    private static Dictionary<string, string[]> HostileSources { get; } = new()
    {
        ["partial class, [SparkJob] on two declarations"] =
        [
            """namespace N; [SparkJobGen.SparkJob("a.py")] public partial class Job { }""",
            """namespace N; [SparkJobGen.SparkJob("b.py", Name = "other")] public partial class Job { }""",
            """namespace N; [SparkJobGen.SparkJob("c.py")] public partial class Fine { }""",
        ],
        ["two [SparkJob] on one declaration"] = ["""[SparkJobGen.SparkJob("a.py")][SparkJobGen.SparkJob("b.py")] public partial class Job { }"""],
        ["names differing in case"] = ["""namespace N { [SparkJobGen.SparkJob("a.py")] partial class Job { } [SparkJobGen.SparkJob("a.py")] partial class JOB { } [SparkJobGen.SparkJob("a.py")] partial class job { } }"""],
        ["nested vs namespace"] = ["""namespace A { partial class B { [SparkJobGen.SparkJob("a.py")] partial class C { } } } namespace A.B { [SparkJobGen.SparkJob("a.py")] partial class C { } }"""],
        ["job named like the environments file"] = ["""namespace SparkJobGen { [SparkJob("a.py")] partial class Environments { } }"""],
        ["250-character class name"] = [$$"""[SparkJobGen.SparkJob("a.py")] public partial class J{{new string('x', 250)}} { }"""],
        ["1000-character class name, deep namespace"] = [$$"""namespace {{string.Join(".", Enumerable.Range(0, 8).Select(i => "N" + i + new string('n', 120)))}} { [SparkJobGen.SparkJob("a.py")] partial class J{{new string('y', 1000)}} { } }"""],
        ["file-local, twice"] = ["""[SparkJobGen.SparkJob("a.py")] file partial class Job { }""", """[SparkJobGen.SparkJob("a.py")] file partial class Job { }"""],
        ["nested in file-local"] = ["""file partial class Outer { [SparkJobGen.SparkJob("a.py")] public partial class Job { } }"""],
        ["record, struct, interface, static, generic"] =
        [
            """[SparkJobGen.SparkJob("a.py")] partial record R(int X);""",
            """[SparkJobGen.SparkJob("a.py")] partial record struct RS(int X);""",
            """[SparkJobGen.SparkJob("a.py")] partial struct S { }""",
            """[SparkJobGen.SparkJob("a.py")] partial interface I { }""",
            """[SparkJobGen.SparkJob("a.py")] static partial class St { }""",
            """[SparkJobGen.SparkJob("a.py")] partial class G<T> { }""",
            """partial class Outer<T> { [SparkJobGen.SparkJob("a.py")] partial class In { } }""",
            """partial struct OS { [SparkJobGen.SparkJob("a.py")] partial class In2 { } }""",
            """partial interface OI { [SparkJobGen.SparkJob("a.py")] partial class In3 { } }""",
        ],
        ["circular base chain"] = ["""[SparkJobGen.SparkJob("a.py")] partial class A : B { } [SparkJobGen.SparkJob("b.py")] partial class B : A { }"""],
        ["self base"] = ["""[SparkJobGen.SparkJob("a.py")] partial class A : A { }"""],
        ["deep base chain"] = [string.Join("\n", Enumerable.Range(0, DeepChain).Select(i => $"[SparkJobGen.SparkJob(\"j{i}.py\")][SparkJobGen.CondaPackage(\"numpy\", \">={i}\")] partial class D{i}{(i > 0 ? " : D" + (i - 1) : "")} {{ }}"))],
        ["#if around the attribute and the class"] = ["""
            #if NEVER
            [SparkJobGen.SparkJob("a.py")]
            #endif
            public partial class Hidden { }
            #if !NEVER
            [SparkJobGen.SparkJob("b.py")]
            public partial class Shown { }
            #else
            [SparkJobGen.SparkJob("c.py")]
            public partial class Shown { }
            #endif
            """],
        ["wrong argument types"] = ["""[SparkJobGen.SparkJob(42, Name = typeof(int), Environment = 1.5)][SparkJobGen.CondaPackage(default, 'x')][SparkJobGen.SparkConf(null, 3)] partial class W { [SparkJobGen.JobParameter(7, Format = 8)] public int X { get; set; } }"""],
        ["control and lone-surrogate strings"] = ["""[SparkJobGen.SparkJob("\0\u0001\uD800.py", Name = "\uDC00", Environment = "\u202E\r\n")][SparkJobGen.CondaPackage("\uD800x", "\u0000")][SparkJobGen.PipPackage("p\uDFFF", "==\uD800")][SparkJobGen.SparkConf("\uD800", "\uDC00")][SparkJobGen.CondaChannel("\u0007")] partial class C { [SparkJobGen.JobParameter("--\uD800", Format = "\uDC00")] public System.DateOnly D { get; set; } }"""],
        ["100 KB strings"] = [$$"""[SparkJobGen.SparkJob("{{new string('s', 100_000)}}.py", Name = "{{new string('n', 100_000)}}", Environment = "{{new string('e', 100_000)}}")][SparkJobGen.CondaPackage("{{new string('p', 100_000)}}", ">=1")][SparkJobGen.SparkConf("k{{new string('k', 100_000)}}", "v")] partial class Big { [SparkJobGen.JobParameter("--{{new string('f', 100_000)}}")] public int X { get; set; } }"""],
        ["10,000-digit numbers"] = [$$"""[SparkJobGen.SparkJob("a.py")][SparkJobGen.PySpark("3.{{new string('9', 10_000)}}")][SparkJobGen.PythonVersion("{{new string('3', 10_000)}}")][SparkJobGen.CondaPackage("numpy", ">=1.{{new string('7', 10_000)}},<2")][SparkJobGen.PipPackage("pandas", "=={{new string('1', 10_000)}}.0")] partial class Digits { }"""],
        ["500-way | conda spec"] = [$$"""[SparkJobGen.SparkJob("a.py")][SparkJobGen.CondaPackage("numpy", "{{string.Join("|", Enumerable.Range(0, 500).Select(i => "1." + i + ".*"))}}")] partial class Pipes { }"""],
        ["two 500-way | conda specs"] = [$$"""[SparkJobGen.SparkJob("a.py")][SparkJobGen.CondaPackage("numpy", "{{string.Join("|", Enumerable.Range(0, 500).Select(i => "1." + i + ".*"))}}")][SparkJobGen.CondaPackage("numpy", "{{string.Join("|", Enumerable.Range(0, 500).Select(i => ">=" + i + ",<" + (i + 1)))}}")] partial class Pipes { }"""],
        ["500 pip exclusions"] = [$$"""[SparkJobGen.SparkJob("a.py")][SparkJobGen.PipPackage("numpy", "{{string.Join(",", Enumerable.Range(0, 500).Select(i => "!=" + i + ".*"))}}")] partial class Pipes { }"""],
        ["null everywhere"] = ["""[SparkJobGen.SparkJob(null!, Name = null, Environment = null)][SparkJobGen.CondaPackage(null!, null)][SparkJobGen.PipPackage(null!, null)][SparkJobGen.SparkConf(null!, null!)][SparkJobGen.CondaChannel(null!)][SparkJobGen.PythonVersion(null!)][SparkJobGen.PySpark(null!)] partial class Nulls { [SparkJobGen.JobParameter(null!, Format = null)] public string? X { get; set; } }"""],
        ["parameters of every odd shape"] = ["""
            [SparkJobGen.SparkJob("a.py")]
            partial class Params
            {
                [SparkJobGen.JobParameter] public int this[int i] => i;
                [SparkJobGen.JobParameter] public static int S { get; set; }
                [SparkJobGen.JobParameter] public int WriteOnly { set { } }
                [SparkJobGen.JobParameter] public ref int Ref => throw null!;
                [SparkJobGen.JobParameter] public System.Collections.Generic.List<System.Collections.Generic.List<int>> Nested { get; set; } = new();
                [SparkJobGen.JobParameter] public int[][] Jagged { get; set; } = [];
                [SparkJobGen.JobParameter] public int[,] Multi { get; set; } = new int[0, 0];
                [SparkJobGen.JobParameter] public (int, string) Tuple { get; set; }
                [SparkJobGen.JobParameter] public dynamic? Dyn { get; set; }
                [SparkJobGen.JobParameter] public unsafe int* Ptr { get; set; }
                [SparkJobGen.JobParameter] public Undefined U { get; set; }
                [SparkJobGen.JobParameter("")] public int Empty { get; set; }
                [SparkJobGen.JobParameter("--x")][SparkJobGen.JobParameter("--y")] public int Twice { get; set; }
                [SparkJobGen.JobParameter] public int @class { get; set; }
                [SparkJobGen.JobParameter] public int _ { get; set; }
            }
            """],
        ["syntax errors"] = ["""[SparkJobGen.SparkJob("a.py" partial class { [SparkJobGen.JobParameter public int""", """[SparkJobGen.SparkJob(] partial class X : { }""", "[SparkJobGen.SparkJob(\"unterminated) partial class Y { }"],
    };

    [Theory]
    [MemberData(nameof(KnownHostile))]
    public async Task Known_hostile_declarations_neither_throw_nor_report(string name)
    {
        await AssertRobustAsync(name, HostileSources[name]);
    }

    [Fact]
    public async Task Random_declarations_from_a_seed_neither_throw_nor_report()
    {
        var seed = ReadSetting("SJG_FUZZ_SEED", DefaultSeed);
        var iterations = ReadSetting("SJG_FUZZ_ITERATIONS", DefaultIterations);
        var random = new Random(seed);
        for (var i = 0; i < iterations; i++)
        {
            var sources = new DeclarationFuzzer(random).Compilation(DeclarationsPerCompilation);
            await AssertRobustAsync($"seed {seed}, iteration {i}", sources);
        }
    }

    [Fact]
    public void The_fuzzer_produces_the_hostile_shapes_it_claims_to()
    {
        // Guards the generator of random input itself: with the CI seed it must reach jobs the generator models (so the
        // emit path is exercised), duplicated partial declarations, unicode and very long names.
        var random = new Random(DefaultSeed);
        var all = string.Join("\n", Enumerable.Range(0, DefaultIterations).SelectMany(_ => new DeclarationFuzzer(random).Compilation(DeclarationsPerCompilation)));
        Assert.Contains("public partial class", all, StringComparison.Ordinal);
        Assert.Contains("file ", all, StringComparison.Ordinal);
        Assert.Contains("#if", all, StringComparison.Ordinal);
        Assert.Contains(new string('x', 200), all, StringComparison.Ordinal);
        Assert.True(all.Contains('\uD800', StringComparison.Ordinal) || all.Contains("\\uD800", StringComparison.OrdinalIgnoreCase), "no lone surrogate in the fuzzed literals");

        random = new Random(DefaultSeed);
        var generated = 0;
        for (var i = 0; i < 10; i++)
        {
            var compilation = GeneratorHarness.CreateCompilation(new DeclarationFuzzer(random).Compilation(DeclarationsPerCompilation));
            generated += GeneratorHarness.Run(compilation).Result.Results.Single().GeneratedSources.Length;
        }

        Assert.True(generated > 10, $"only {generated} files generated for 10 random compilations");
    }

    private static async Task AssertRobustAsync(string name, string[] sources)
    {
        foreach (var sjgOff in new[] { false, true })
        {
            var compilation = GeneratorHarness.CreateCompilation(sources);
            compilation = compilation.WithOptions(compilation.Options
                .WithAllowUnsafe(true)
                .WithSpecificDiagnosticOptions(sjgOff ? AllSjgOff : ImmutableDictionary<string, ReportDiagnostic>.Empty));
            var context = $"{name} ({(sjgOff ? "every SJG diagnostic off" : "default severities")}):\n{Excerpt(sources)}";

            var driver = CSharpGeneratorDriver.Create([new SparkJobGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions)
                .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
            var run = driver.GetRunResult().Results.Single();
            Assert.True(run.Exception is null, $"{context}\ngenerator threw: {run.Exception}");
            Assert.True(generatorDiagnostics.IsEmpty, $"{context}\ngenerator reported: {string.Join("; ", generatorDiagnostics)}");

            var exceptions = new ConcurrentBag<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions([]),
                onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var diagnostics = await output.WithAnalyzers(Analyzers, options).GetAllDiagnosticsAsync(CancellationToken.None);

            Assert.True(exceptions.IsEmpty, $"{context}\nanalyzer threw: {string.Join("\n", exceptions)}");
            var crashes = diagnostics.Where(d => d.Id is "AD0001" or "CS8785" or "CS8784").ToList();
            Assert.True(crashes.Count == 0, $"{context}\n{string.Join("\n", crashes)}");
            if (sjgOff)
            {
                Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("SJG", StringComparison.Ordinal));
            }
        }
    }

    private static string Excerpt(string[] sources)
    {
        var text = string.Join("\n// ----\n", sources);
        return text.Length <= 4000 ? text : string.Concat(text.AsSpan(0, 4000), $"… ({text.Length} characters)");
    }

    private static int ReadSetting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>Builds random job declarations from pools of hostile pieces; the same <see cref="Random"/> state gives the same text.</summary>
    private sealed class DeclarationFuzzer(Random random)
    {
        private static readonly string[] Namespaces = ["", "N", "N.M", "n", "SparkJobGen", "SparkJobGen.Generated", "A.B", "Ns" + new string('x', 200), "Ünï.Cödé"];
        private static readonly string[] Names = ["Job", "JOB", "job", "Environments", "B", "C", "Jöb", "作业", "@class", "J" + new string('x', 250), "Job_", "Job1"];
        private static readonly string[] Kinds = ["class", "class", "class", "record", "struct", "interface", "record struct", "static class", "abstract class", "sealed class"];
        private static readonly string[] ContainerKinds = ["class", "struct", "record", "interface", "static class"];
        private static readonly string[] Attributes = ["SparkJob", "CondaPackage", "PipPackage", "SparkConf", "PythonVersion", "PySpark", "CondaChannel"];
        private static readonly string[] ParameterTypes =
        [
            "string?", "string", "bool", "int", "long", "double", "decimal", "System.DateOnly", "System.DateTime", "System.DateTimeOffset",
            "System.TimeSpan", "System.Uri?", "int?", "System.DayOfWeek", "System.Collections.Generic.IReadOnlyList<string>", "int[]",
            "System.Collections.Generic.List<double?>", "object", "System.Collections.Generic.Dictionary<string, int>", "Undefined", "dynamic", "(int, int)",
        ];

        private static readonly string[] Strings =
        [
            "a.py", "jobs/a.py", "", " ", "\0", "\u0001\u001f", "\uD800", "\uDC00x", "\u202E", "\r\n", "x\ny", "\"", "\\", "*/", "</summary>",
            "--password", "a=b", "${HOME}", "{0}", "numpy", ">=1.26,<2", "2.1.*", "==4.3.0", "~=1.4", "|", "1.5.*|>=2,<3", "((", "conda-forge",
            "spark.sql.shuffle.partitions", "3.11", "3.5.1", "::", "x::y", "requests[socks]", "yyyyMMdd", "N0", "R",
            new string('9', 10_000), string.Join("|", Enumerable.Range(0, 500).Select(i => "1." + i)), new string('s', 100_000),
        ];

        private static readonly string[] NonStrings = ["null", "null!", "42", "typeof(int)", "default", "1.5", "'c'", "nameof(System.String)", "true"];

        private readonly List<string> _typeNames = [];

        public string[] Compilation(int declarations)
        {
            var sources = new string[random.Next(1, 3)];
            var builders = sources.Select(_ => new StringBuilder()).ToArray();
            for (var i = 0; i < declarations; i++)
            {
                Declaration(builders[random.Next(builders.Length)]);
            }

            return builders.Select(b => b.ToString()).ToArray();
        }

        private void Declaration(StringBuilder text)
        {
            var conditional = random.Next(8) == 0;
            if (conditional)
            {
                text.AppendLine(random.Next(2) == 0 ? "#if DEBUG" : "#if !NEVER");
            }

            var ns = Pick(Namespaces);
            if (ns.Length > 0)
            {
                text.Append("namespace ").Append(ns).AppendLine(" {");
            }

            var depth = random.Next(4) == 0 ? random.Next(1, 4) : 0;
            for (var i = 0; i < depth; i++)
            {
                text.Append(random.Next(4) == 0 ? "" : "partial ").Append(Pick(ContainerKinds)).Append(' ').Append(Pick(Names).TrimStart('@')).Append('O').Append(i)
                    .Append(random.Next(6) == 0 ? "<T>" : "").AppendLine(" {");
            }

            var attributeCount = random.Next(0, 5);
            var hasSparkJob = random.Next(10) != 0;
            if (hasSparkJob)
            {
                text.Append("[SparkJobGen.SparkJob(").Append(random.Next(6) == 0 ? Pick(NonStrings) : StringArgument());
                if (random.Next(2) == 0)
                {
                    text.Append(", Name = ").Append(Argument());
                }

                if (random.Next(2) == 0)
                {
                    text.Append(", Environment = ").Append(Argument());
                }

                text.AppendLine(")]");
            }

            for (var i = 0; i < attributeCount; i++)
            {
                var attribute = Pick(Attributes);
                var arguments = attribute switch
                {
                    "SparkJob" => StringArgument(),
                    "CondaPackage" or "PipPackage" or "SparkConf" => Argument() + ", " + Argument(),
                    _ => Argument(),
                };
                text.Append("[SparkJobGen.").Append(attribute).Append('(').Append(arguments).AppendLine(")]");
            }

            var modifier = random.Next(6) switch
            {
                0 => "file ",
                1 => "internal ",
                _ => "public ",
            };
            var name = Pick(Names);
            var baseType = random.Next(3) == 0 && _typeNames.Count > 0 ? " : " + Pick(_typeNames) : random.Next(12) == 0 ? " : " + name.TrimStart('@') : "";
            _typeNames.Add(name.TrimStart('@'));
            text.Append(modifier).Append(random.Next(6) == 0 ? "" : "partial ").Append(Pick(Kinds)).Append(' ').Append(name)
                .Append(random.Next(10) == 0 ? "<T>" : "").Append(baseType).AppendLine();
            text.AppendLine("{");
            var parameters = random.Next(0, 5);
            for (var i = 0; i < parameters; i++)
            {
                text.Append("    [SparkJobGen.JobParameter");
                if (random.Next(2) == 0)
                {
                    text.Append('(').Append(Argument());
                    if (random.Next(3) == 0)
                    {
                        text.Append(", Format = ").Append(Argument());
                    }

                    text.Append(')');
                }

                var required = random.Next(4) == 0 ? "required " : "";
                text.Append("] public ").Append(required).Append(Pick(ParameterTypes)).Append(" P").Append(i).AppendLine(" { get; init; }");
            }

            text.AppendLine("}");
            for (var i = 0; i < depth; i++)
            {
                text.AppendLine("}");
            }

            if (ns.Length > 0)
            {
                text.AppendLine("}");
            }

            if (conditional)
            {
                text.AppendLine("#endif");
            }
        }

        private string Argument() => random.Next(5) == 0 ? Pick(NonStrings) : StringArgument();

        private string StringArgument() => SymbolDisplay.FormatLiteral(Pick(Strings), quote: true);

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
    }
}
