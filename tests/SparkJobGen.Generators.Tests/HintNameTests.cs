using System.Text;
using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// Every generated file gets a hint name that is unique (Roslyn compares hint names ignoring case and throws on a
/// duplicate, which costs the whole project its generated code) and short enough to be a file name when
/// <c>EmitCompilerGeneratedFiles</c> writes it to disk.
/// </summary>
public sealed class HintNameTests
{
    /// <summary>The bound on a hint name, in UTF-8 bytes; Linux and Windows file names allow 255.</summary>
    private const int MaxHintNameBytes = 120;

    private const string OtherJob = """
        namespace Contoso.Jobs;
        [SparkJobGen.SparkJob("jobs/other.py")]
        public partial class OtherJob { [SparkJobGen.JobParameter("--x")] public int X { get; init; } }
        """;

    [Fact]
    public void Two_partial_declarations_that_both_carry_SparkJob_do_not_cost_other_jobs_their_code()
    {
        const string first = """
            namespace Contoso.Jobs;
            [SparkJobGen.SparkJob("jobs/a.py", Name = "first")]
            public partial class Twice { [SparkJobGen.JobParameter("--a")] public int A { get; init; } }
            """;
        const string second = """
            namespace Contoso.Jobs;
            [SparkJobGen.SparkJob("jobs/b.py", Name = "second")]
            public partial class Twice { }
            """;

        var (output, generatorDiagnostics, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(first, second, OtherJob));

        Assert.Empty(generatorDiagnostics);
        var run = result.Results.Single();
        Assert.Null(run.Exception);
        var hintNames = run.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(["Contoso.Jobs.OtherJob.g.cs", "Contoso.Jobs.Twice.g.cs", "SparkJobGen.Environments.g.cs"], hintNames.Order(StringComparer.Ordinal));

        // The class gets one set of members, from the declaration the compiler keeps (the first): the only error is the
        // compiler's own duplicate-attribute error, not a duplicate member from the generator.
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToList();
        Assert.Equal(["CS0579"], errors);
        var twice = GeneratorHarness.GeneratedSource(result, "Contoso.Jobs.Twice.g.cs");
        Assert.Contains("typeof(Twice), \"first\")", twice, StringComparison.Ordinal);
        Assert.DoesNotContain("\"second\"", twice, StringComparison.Ordinal);
        Assert.Single(Manifest(result), line => line.Contains("\"Contoso.Jobs.Twice\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Class_names_that_differ_only_in_case_get_distinct_hint_names_and_compile()
    {
        const string source = """
            namespace Contoso.Jobs;
            [SparkJobGen.SparkJob("jobs/a.py", Name = "lower")] public partial class Job { }
            [SparkJobGen.SparkJob("jobs/b.py", Name = "upper")] public partial class JOB { }
            """;

        var (_, result) = GeneratorHarness.RunAndAssertClean(source, OtherJob);
        var hintNames = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(4, hintNames.Count);
        Assert.Equal(hintNames.Count, hintNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Contoso.Jobs.OtherJob.g.cs", hintNames);
    }

    [Fact]
    public void A_nested_job_and_a_namespace_job_with_the_same_dotted_name_get_distinct_hint_names()
    {
        const string nested = """
            namespace A { public partial class B { [SparkJobGen.SparkJob("jobs/a.py", Name = "nested")] public partial class C { } } }
            """;
        const string namespaced = """
            namespace A.X { [SparkJobGen.SparkJob("jobs/b.py", Name = "namespaced")] public partial class C { } }
            namespace A { [SparkJobGen.SparkJob("jobs/c.py", Name = "dotted")] public partial class X { } }
            """;

        // A.B+C and the namespace job A.X.C are both "A.?.C" in dotted form; A.X (a type) shares its dotted name with the namespace.
        var (_, generatorDiagnostics, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(nested, namespaced.Replace("A.X", "A.B", StringComparison.Ordinal).Replace("class X", "class Y", StringComparison.Ordinal)));
        Assert.Empty(generatorDiagnostics);
        var run = result.Results.Single();
        Assert.Null(run.Exception);
        var hintNames = run.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(4, hintNames.Count);
        Assert.Equal(hintNames.Count, hintNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void A_job_whose_name_matches_the_environments_file_gets_another_hint_name()
    {
        const string source = """
            namespace SparkJobGen;
            [SparkJob("jobs/a.py", Name = "environments")] public partial class Environments { }
            """;

        var (_, generatorDiagnostics, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.Empty(generatorDiagnostics);
        var run = result.Results.Single();
        Assert.Null(run.Exception);
        var hintNames = run.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(2, hintNames.Count);
        Assert.Contains("SparkJobGen.Environments.g.cs", hintNames);
        Assert.Contains(run.GeneratedSources, s => s.HintName != "SparkJobGen.Environments.g.cs" && s.SourceText.ToString().Contains("partial class Environments", StringComparison.Ordinal));
    }

    [Fact]
    public void File_local_jobs_with_one_name_in_two_files_do_not_throw()
    {
        const string job = """
            namespace Contoso.Jobs;
            [SparkJobGen.SparkJob("jobs/a.py")] file partial class Local { }
            """;

        var (_, generatorDiagnostics, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(job, job, OtherJob));
        Assert.Empty(generatorDiagnostics);
        var run = result.Results.Single();
        Assert.Null(run.Exception);
        Assert.Contains("Contoso.Jobs.OtherJob.g.cs", run.GeneratedSources.Select(s => s.HintName));
    }

    [Theory]
    [InlineData(250, 1)]
    [InlineData(500, 3)]
    public void Long_names_become_a_bounded_prefix_plus_a_hash_that_a_file_system_accepts(int nameLength, int namespaceDepth)
    {
        var className = "J" + new string('x', nameLength - 1);
        var ns = string.Join(".", Enumerable.Range(0, namespaceDepth).Select(i => "N" + i + new string('n', 60)));
        var source = $$"""
            namespace {{ns}};
            [SparkJobGen.SparkJob("jobs/a.py", Name = "long")] public partial class {{className}} { }
            [SparkJobGen.SparkJob("jobs/b.py", Name = "long-too")] public partial class {{className}}y { }
            """;

        var (_, result) = GeneratorHarness.RunAndAssertClean(source);
        var jobHints = result.Results.Single().GeneratedSources.Select(s => s.HintName).Where(h => h != "SparkJobGen.Environments.g.cs").ToList();
        Assert.Equal(2, jobHints.Count);
        Assert.NotEqual(jobHints[0], jobHints[1]);
        foreach (var hint in jobHints)
        {
            Assert.True(Encoding.UTF8.GetByteCount(hint) <= MaxHintNameBytes, $"{hint} is {hint.Length} characters");
            Assert.StartsWith(ns.Substring(0, 20), hint, StringComparison.Ordinal);
            Assert.EndsWith(".g.cs", hint, StringComparison.Ordinal);

            // Where EmitCompilerGeneratedFiles puts it: obj/<config>/<tfm>/generated/<assembly>/<generator type>/<hint name>.
            var directory = Path.Combine(Path.GetTempPath(), "sjg-hint-" + Guid.NewGuid().ToString("N"), "generated", "SparkJobGen.Generators", "SparkJobGen.Generators.SparkJobGenerator");
            Directory.CreateDirectory(directory);
            try
            {
                File.WriteAllText(Path.Combine(directory, hint), "// x");
                Assert.Single(Directory.GetFiles(directory));
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(directory)))!, recursive: true);
            }
        }

        // Deterministic: a second run on a fresh compilation names the files the same way.
        var (_, again) = GeneratorHarness.RunAndAssertClean(source);
        Assert.Equal(jobHints, again.Results.Single().GeneratedSources.Select(s => s.HintName).Where(h => h != "SparkJobGen.Environments.g.cs"));
    }

    [Fact]
    public void Non_ascii_class_names_keep_a_valid_hint_name()
    {
        const string source = """
            namespace Contoso.Jobs;
            [SparkJobGen.SparkJob("jobs/a.py", Name = "umlaut")] public partial class Jöb { }
            [SparkJobGen.SparkJob("jobs/b.py", Name = "plain")] public partial class J_b { }
            [SparkJobGen.SparkJob("jobs/c.py", Name = "cjk")] public partial class 作业 { }
            """;

        var (_, result) = GeneratorHarness.RunAndAssertClean(source);
        var hintNames = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(4, hintNames.Count);
        Assert.Equal(hintNames.Count, hintNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    private static IEnumerable<string> Manifest(GeneratorDriverRunResult result) =>
        GeneratorHarness.GeneratedSource(result, "SparkJobGen.Environments.g.cs").Split('\n').Where(l => l.Contains("GeneratedSparkJobAttribute(", StringComparison.Ordinal));
}
