using SparkJobGen.CodeFixes.Tests.Verifiers;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.ScriptFileAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class ScriptFileAnalyzerTests
{
    private const string TwoJobs = """
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers { }

        [SparkJob({|#0:"./jobs/../jobs/missing.py"|})]
        public partial class Missing { }
        """;

    [Fact]
    public Task SJG1003_reports_the_script_that_is_not_an_additional_file()
    {
        var test = Verify.Create(TwoJobs, checkScripts: true);
        TestProject.AddScripts(test.TestState, "jobs/score.py", "jobs/other.py");
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("SJG1003").WithLocation(0).WithArguments("jobs/../jobs/missing.py", "missing"));
        return test.RunAsync();
    }

    [Fact]
    public Task Scripts_in_other_folders_resolve_against_the_project_directory()
    {
        var test = Verify.Create("""
            using SparkJobGen;

            [SparkJob("../shared/common.py")]
            public partial class Shared { }

            [SparkJob({|#0:"jobs/score.py"|})]
            public partial class ScoreCustomers { }
            """, checkScripts: true);
        test.TestState.AdditionalFiles.Add(("/shared/common.py", "print(1)\n"));
        test.TestState.AdditionalFiles.Add(("/elsewhere/jobs/score.py", "print(1)\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("SJG1003").WithLocation(0).WithArguments("jobs/score.py", "score-customers"));
        return test.RunAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public Task Nothing_is_reported_unless_SparkJobGenCheckScripts_is_true(bool? checkScripts)
    {
        var test = Verify.Create(TwoJobs.Replace("{|#0:", string.Empty).Replace("|}", string.Empty), checkScripts);
        TestProject.AddScripts(test.TestState, "jobs/score.py");
        return test.RunAsync();
    }
}
