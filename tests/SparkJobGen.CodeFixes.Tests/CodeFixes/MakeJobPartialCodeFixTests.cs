using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.CodeFixVerifier<
    SparkJobGen.Generators.Diagnostics.JobDeclarationAnalyzer,
    SparkJobGen.CodeFixes.MakeJobPartialCodeFix>;

namespace SparkJobGen.CodeFixes.Tests.CodeFixes;

public sealed class MakeJobPartialCodeFixTests
{
    [Fact]
    public Task SJG1004_fix_adds_partial_to_the_job_and_its_container() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public sealed class {|SJG1004:ScoreCustomers|} { }

        class {|SJG1004:Outer|}
        {
            [SparkJob("jobs/nested.py")]
            internal class {|SJG1004:Nested|} { }
        }
        """, """
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public sealed partial class ScoreCustomers { }

        partial class Outer
        {
            [SparkJob("jobs/nested.py")]
            internal partial class Nested { }
        }
        """);
}
