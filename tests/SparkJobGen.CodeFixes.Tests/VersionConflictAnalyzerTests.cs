using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.VersionConflictAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests;

public sealed class VersionConflictAnalyzerTests
{
    [Fact]
    public Task Satisfiable_constraints_across_job_base_assembly_and_sections_report_nothing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PipPackage("numpy", "<2")]
        [assembly: PythonVersion("3.10")]
        [assembly: CondaPackage("pandas", ">=2,<3|1.5.*")]

        [CondaPackage("numpy", ">=1.24")]
        [PipPackage("Pandas", "!=2.0.0")]
        public abstract class JobBase { }

        [SparkJob("jobs/score.py")]
        [PythonVersion("3.11")]
        [PipPackage("numpy", "~=1.26.0,!=1.26.1")]
        [CondaPackage("pandas", "2.1")]
        public partial class ScoreCustomers : JobBase { }
        """);

    [Fact]
    public Task SJG2001_job_constraint_conflicts_with_the_assembly_default() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PipPackage("numpy", {|#1:"<2,>=1.24"|})]

        [SparkJob("jobs/score.py")]
        [PipPackage("numpy", {|#0:">=2"|})]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsatisfiableConstraintsId).WithLocation(0).WithLocation(1).WithArguments(
            "numpy",
            "pip '>=2' on job class 'ScoreCustomers' conflicts with pip '<2,>=1.24' on the assembly; the other constraints allow '>=1.24,<2'"));

    [Fact]
    public Task SJG2001_markup_on_the_primary_argument() => Verify.VerifyAsync("""
        using SparkJobGen;

        public abstract class Base { }

        [PipPackage("numpy", "!=1.26.*")]
        public abstract class JobBase : Base { }

        [SparkJob("jobs/score.py")]
        [PipPackage("NumPy", {|SJG2001:"==1.26.4"|})]
        public partial class ScoreCustomers : JobBase { }
        """);

    [Fact]
    public Task SJG2001_base_class_conda_constraint_against_the_job() => Verify.VerifyAsync("""
        using SparkJobGen;

        [CondaPackage("pandas", {|#1:"2.1"|})]
        public abstract class JobBase { }

        [SparkJob("jobs/score.py")]
        [CondaPackage("pandas", {|#0:">=2.2"|})]
        public partial class ScoreCustomers : JobBase { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsatisfiableConstraintsId).WithLocation(0).WithLocation(1).WithArguments(
            "pandas",
            "conda '>=2.2' on job class 'ScoreCustomers' conflicts with conda '2.1' on base class 'JobBase'; the other constraints allow '2.1.*'"));

    [Fact]
    public Task SJG2001_jobs_sharing_an_environment_are_intersected() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/daily.py", Environment = "rollup")]
        [PythonVersion({|#0:"3.10"|})]
        public partial class DailyRollup { }

        [SparkJob("jobs/hourly.py", Environment = "rollup")]
        [PythonVersion({|#1:"3.11"|})]
        public partial class HourlyRollup { }

        [SparkJob("jobs/other.py")]
        [PythonVersion("3.12")]
        public partial class Unrelated { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsatisfiableConstraintsId).WithLocation(0).WithLocation(1).WithArguments(
            "python",
            "[PythonVersion] '3.10' on job class 'DailyRollup' conflicts with [PythonVersion] '3.11' on job class 'HourlyRollup'; the other constraints allow '3.11.*'"));

    [Fact]
    public Task SJG2001_conda_and_pip_sections_are_intersected() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [CondaPackage("pyarrow", {|#0:"<14"|})]
        [PipPackage("PyArrow", {|#1:">=15"|})]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsatisfiableConstraintsId).WithLocation(0).WithLocation(1).WithArguments(
            "pyarrow",
            "conda '<14' on job class 'ScoreCustomers' conflicts with pip '>=15' on job class 'ScoreCustomers'; the other constraints allow '>=15'"));

    [Fact]
    public Task The_nearest_python_version_overrides_the_assembly_default() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PythonVersion("3.10")]
        [assembly: PySpark("3.4")]

        [SparkJob("jobs/score.py")]
        [PythonVersion("3.12")]
        [PySpark("3.5.1")]
        public partial class ScoreCustomers { }
        """);

    [Fact]
    public Task Only_pre_releases_satisfy_is_not_a_conflict() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage("polars", "==1.0.*")]
        [PipPackage("polars", "<=1.0,!=1.0")]
        public partial class ScoreCustomers { }
        """);

    [Fact]
    public Task Invalid_syntax_is_left_to_its_own_diagnostic() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PipPackage("numpy", "<2")]

        [SparkJob("jobs/score.py")]
        [PipPackage("numpy", ">>=3")]
        [CondaPackage("numpy", "((1.2")]
        public partial class ScoreCustomers { }
        """);

    [Fact]
    public Task SJG2001_three_way_conflict_names_every_side() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PipPackage("scipy", {|#2:"!=1.11.*"|})]

        [PipPackage("scipy", {|#1:"!=1.10.*"|})]
        public abstract class JobBase { }

        [SparkJob("jobs/score.py")]
        [PipPackage("scipy", {|#0:">=1.10,<1.12"|})]
        public partial class ScoreCustomers : JobBase { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsatisfiableConstraintsId).WithLocation(0).WithLocation(1).WithLocation(2).WithArguments(
            "scipy",
            "pip '>=1.10,<1.12' on job class 'ScoreCustomers' conflicts with pip '!=1.10.*' on base class 'JobBase' and pip '!=1.11.*' on the assembly; the other constraints allow '!=1.10.*,!=1.11.*'"));

    [Fact]
    public Task SJG2001_a_constraint_that_admits_no_version_on_its_own() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage("numpy", {|#0:">=3,<2"|})]
        [CondaPackage("scipy", "<1.0|>=2")]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsatisfiableConstraintsId).WithLocation(0).WithArguments(
            "numpy",
            "pip '>=3,<2' on job class 'ScoreCustomers' admits no version"));
}
