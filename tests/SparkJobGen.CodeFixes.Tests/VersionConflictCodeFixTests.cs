using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.CodeFixVerifier<
    SparkJobGen.Generators.Diagnostics.VersionConflictAnalyzer,
    SparkJobGen.CodeFixes.NarrowConstraintCodeFix>;

namespace SparkJobGen.CodeFixes.Tests;

public sealed class VersionConflictCodeFixTests
{
    [Fact]
    public Task Narrows_the_job_constraint_to_the_assembly_range() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PipPackage("numpy", "<2,>=1.24")]

        [SparkJob("jobs/score.py")]
        [PipPackage("numpy", {|SJG2001:">=2"|})]
        public partial class ScoreCustomers { }
        """, """
        using SparkJobGen;

        [assembly: PipPackage("numpy", "<2,>=1.24")]

        [SparkJob("jobs/score.py")]
        [PipPackage("numpy", ">=1.24,<2")]
        public partial class ScoreCustomers { }
        """);

    [Fact]
    public Task Narrows_a_conda_constraint_to_the_base_class_range() => Verify.VerifyAsync("""
        using SparkJobGen;

        [CondaPackage("pandas", ">=2,<3")]
        public abstract class JobBase { }

        [SparkJob("jobs/score.py")]
        [CondaPackage("pandas", {|SJG2001:"1.5.*"|})]
        public partial class ScoreCustomers : JobBase { }
        """, """
        using SparkJobGen;

        [CondaPackage("pandas", ">=2,<3")]
        public abstract class JobBase { }

        [SparkJob("jobs/score.py")]
        [CondaPackage("pandas", ">=2,<3")]
        public partial class ScoreCustomers : JobBase { }
        """);

    [Fact]
    public Task No_fix_when_a_pip_constraint_meets_a_conda_range()
    {
        // The other side is a conda spec, which is not pip syntax: the fix is not offered and the source stays.
        const string source = """
            using SparkJobGen;

            [SparkJob("jobs/score.py")]
            [PipPackage("pyarrow", {|SJG2001:">=15"|})]
            [CondaPackage("pyarrow", "<14")]
            public partial class ScoreCustomers { }
            """;
        return Verify.VerifyAsync(source, source);
    }
}
