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

    [Fact]
    public Task SJG2008_fix_removes_spaces_from_conda_version_specs() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PythonVersion({|SJG2008:" 3.11 "|})]

        [SparkJob("jobs/score.py")]
        [CondaPackage("numpy", {|SJG2008:">=1.26, <2"|})]
        [CondaPackage("pandas", {|SJG2008:"1.5.* | >=2,<3"|})]
        [CondaPackage("pyarrow", ">=14")]
        public partial class ScoreCustomers { }
        """, """
        using SparkJobGen;

        [assembly: PythonVersion("3.11")]

        [SparkJob("jobs/score.py")]
        [CondaPackage("numpy", ">=1.26,<2")]
        [CondaPackage("pandas", "1.5.*|>=2,<3")]
        [CondaPackage("pyarrow", ">=14")]
        public partial class ScoreCustomers { }
        """);

    // An empty clause is valid (pip and pypa/packaging skip it; it was SJG2002 on e618d5d): SJG2008 drops it.
    [Fact]
    public Task SJG2008_fix_drops_an_empty_clause() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage("requests", {|SJG2008:">=2.31,"|})]
        [PipPackage("rich", {|SJG2008:">=13,,<14"|})]
        public partial class ScoreCustomers { }
        """, """
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage("requests", ">=2.31")]
        [PipPackage("rich", ">=13,<14")]
        public partial class ScoreCustomers { }
        """);
}
