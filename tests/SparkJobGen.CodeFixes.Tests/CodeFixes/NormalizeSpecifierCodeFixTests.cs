using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.CodeFixVerifier<
    SparkJobGen.Generators.Diagnostics.RequirementDeclarationAnalyzer,
    SparkJobGen.CodeFixes.NormalizeSpecifierCodeFix>;

namespace SparkJobGen.CodeFixes.Tests.CodeFixes;

public sealed class NormalizeSpecifierCodeFixTests
{
    [Fact]
    public Task SJG2008_fix_writes_the_normalized_name_and_specifier() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage({|SJG2008:"Scikit_Learn"|}, {|SJG2008:">= 1.4, < 2"|})]
        [PipPackage(name: "pandas", specifier: {|SJG2008:"==2.1.0RC1"|})]
        public partial class ScoreCustomers { }
        """, """
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage("scikit-learn", ">=1.4,<2")]
        [PipPackage(name: "pandas", specifier: "==2.1.0rc1")]
        public partial class ScoreCustomers { }
        """);
}
