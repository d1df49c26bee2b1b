using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Tests;

/// <summary>The generator never throws and never reports diagnostics, whatever the user wrote; what it cannot model it skips.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> BrokenSources => new()
    {
        { "not partial", """[SparkJobGen.SparkJob("a.py")] public class Job { }""" },
        { "static", """[SparkJobGen.SparkJob("a.py")] public static partial class Job { }""" },
        { "generic", """[SparkJobGen.SparkJob("a.py")] public partial class Job<T> { }""" },
        { "nested in non-partial", """public class Outer { [SparkJobGen.SparkJob("a.py")] public partial class Job { } }""" },
        { "null script", """[SparkJobGen.SparkJob(null!)] public partial class Job { }""" },
        { "empty script", """[SparkJobGen.SparkJob("  ")] public partial class Job { }""" },
        { "missing argument", """[SparkJobGen.SparkJob] public partial class Job { }""" },
        { "non-constant argument", """[SparkJobGen.SparkJob(Job.Path)] public partial class Job { public static string Path = "a"; }""" },
        { "unsupported parameter", """[SparkJobGen.SparkJob("a.py")] public partial class Job { [SparkJobGen.JobParameter] public object? X { get; set; } [SparkJobGen.JobParameter] public System.Collections.Immutable.ImmutableArray<int> Y { get; set; } }""" },
        { "format on string", """[SparkJobGen.SparkJob("a.py")] public partial class Job { [SparkJobGen.JobParameter(Format = "x")] public string? X { get; set; } }""" },
        { "bad conf key", """[SparkJobGen.SparkJob("a.py")][SparkJobGen.SparkConf("a=b", "c")][SparkJobGen.SparkConf("", "c")][SparkJobGen.SparkConf("k", null!)] public partial class Job { }""" },
        { "null package", """[SparkJobGen.SparkJob("a.py")][SparkJobGen.CondaPackage(null!)][SparkJobGen.PipPackage("", null)][SparkJobGen.CondaChannel(null!)] public partial class Job { }""" },
        { "garbage specs", """[SparkJobGen.SparkJob("a.py")][SparkJobGen.CondaPackage("x", ">=<|((")][SparkJobGen.PipPackage("y[", "~=~=")][SparkJobGen.PythonVersion("")] public partial class Job { }""" },
        { "syntax errors", """[SparkJobGen.SparkJob("a.py" public partial class Job { [SparkJobGen.JobParameter("--x")] public int X { get; """ },
        { "attribute on struct", """[SparkJobGen.SparkJob("a.py")] public partial struct Job { }""" },
        { "duplicate flags", """[SparkJobGen.SparkJob("a.py")] public partial class Job { [SparkJobGen.JobParameter("--x")] public int A { get; set; } [SparkJobGen.JobParameter("--x")] public int B { get; set; } }""" },
        { "weird names", "[SparkJobGen.SparkJob(\"dir\\\\a b\\\"c\\n.py\", Name = \"n\\u0000\", Environment = \"e:\\n# x\")] public partial class Job { }" },
    };

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public void Never_throws_or_reports(string description, string source)
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.True(diagnostics.IsEmpty, description + ": " + string.Join("; ", diagnostics));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
    }

    [Theory]
    [InlineData("not partial", """[SparkJobGen.SparkJob("a.py")] public class Job { }""")]
    [InlineData("nested in non-partial", """public class Outer { [SparkJobGen.SparkJob("a.py")] public partial class Job { } }""")]
    [InlineData("generic", """[SparkJobGen.SparkJob("a.py")] public partial class Job<T> { }""")]
    public void Unmodellable_jobs_are_skipped(string description, string source)
    {
        var (_, _, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.True(result.Results.Single().GeneratedSources.IsEmpty, description);
    }

    [Fact]
    public void Without_the_runtime_only_the_environment_manifest_is_emitted_and_it_compiles()
    {
        var compilation = GeneratorHarness.CreateCompilation(includeRuntime: false, Sources.ScoreCustomers);
        var (output, diagnostics, result) = GeneratorHarness.Run(compilation);
        Assert.Empty(diagnostics);
        Assert.Equal(["SparkJobGen.Environments.g.cs"], result.Results.Single().GeneratedSources.Select(s => s.HintName));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Required_parameters_are_compile_errors_when_missing()
    {
        const string usage = """
            namespace Contoso.Jobs;
            public static class Usage { public static object Make() => new ScoreCustomers { Input = new("hdfs:///x") }.ToSubmission(); }
            """;
        var (output, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Sources.ScoreCustomers, usage));
        var error = Assert.Single(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS9035", error.Id);
        Assert.Contains("RunDate", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
