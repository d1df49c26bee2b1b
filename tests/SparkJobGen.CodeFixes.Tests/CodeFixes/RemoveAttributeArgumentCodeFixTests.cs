using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.CodeFixVerifier<
    SparkJobGen.Generators.Diagnostics.JobDeclarationAnalyzer,
    SparkJobGen.CodeFixes.RemoveAttributeArgumentCodeFix>;

namespace SparkJobGen.CodeFixes.Tests.CodeFixes;

public sealed class RemoveAttributeArgumentCodeFixTests
{
    [Fact]
    public Task SJG1007_fix_removes_the_empty_flag() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter({|SJG1007:""|})] public string? Region { get; set; }
            [JobParameter({|SJG1007:" "|}, Format = "D")] public int Limit { get; set; }
        }
        """, """
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter] public string? Region { get; set; }
            [JobParameter(Format = "D")] public int Limit { get; set; }
        }
        """);

    [Fact]
    public Task SJG1008_fix_removes_the_format() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter("--region", Format = {|SJG1008:"yyyy"|})] public string? Region { get; set; }
        }
        """, """
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter("--region")] public string? Region { get; set; }
        }
        """);
}
