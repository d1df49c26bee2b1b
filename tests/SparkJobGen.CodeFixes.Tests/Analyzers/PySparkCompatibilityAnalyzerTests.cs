using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.PySparkCompatibilityAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class PySparkCompatibilityAnalyzerTests
{
    private static string Source(int major, int minor) =>
        PySparkCompatibility.Lines.Single(l => l.Major == major && l.Minor == minor).Source;

    [Fact]
    public Task Compatible_declarations_report_nothing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark("3.5.1")]
        [PythonVersion("3.11")]
        [CondaPackage("pandas", ">=1.5,<2.2")]
        [PipPackage("pyarrow", ">=14")]
        [CondaPackage("numpy", "<2")]
        public partial class A { }

        // Several PySpark lines: Python 3.11 is fine for 3.5, so the solver has a way out.
        [SparkJob("jobs/b.py")]
        [PySpark(">=3.3,<4")]
        [PythonVersion("3.11")]
        public partial class B { }

        // No lower bound on numpy: nothing pins it below the minimum.
        [SparkJob("jobs/c.py")]
        [PySpark("4.0")]
        [PipPackage("numpy", "!=1.22.0")]
        public partial class C { }
        """);

    [Fact]
    public Task SJG2005_python_newer_than_the_pyspark_line_supports() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.3.*"|})]
        [PythonVersion({|#0:"3.11"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.PythonOutsidePySparkRangeId).WithLocation(0).WithLocation(1)
            .WithArguments("3.11", "3.11", "3.3", "3.7 to 3.10", Source(3, 3)));

    [Fact]
    public Task SJG2005_python_older_than_the_minimum_is_reported_once_for_assembly_declarations() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PySpark({|#1:">=4.0,<4.1"|})]
        [assembly: PythonVersion({|#0:">=3.8,<3.12"|})]

        [SparkJob("jobs/a.py")]
        public partial class A { }

        [SparkJob("jobs/b.py")]
        public partial class B { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.PythonOutsidePySparkRangeId).WithLocation(0).WithLocation(1)
            .WithArguments(">=3.8,<3.12", "3.8", "4.0", "3.9 and later", Source(4, 0)));

    [Fact]
    public Task SJG2006_pyarrow_allowed_below_the_documented_minimum() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.5"|})]
        [PipPackage("pyarrow", {|#0:">=2.0"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.BelowPySparkMinimumId).WithLocation(0).WithLocation(1)
            .WithArguments("pyarrow", ">=2.0", "2.0", "4.0.0", "3.5", Source(3, 5)));

    // Jobs with the same checked declarations share one verdict: a list that produced nothing is skipped on later jobs, and
    // that must neither hide a different list (pyarrow '>=2.0' on B and D) nor the same list's diagnostics at its own
    // places on another job (D repeats B).
    [Fact]
    public Task SJG2006_reported_on_every_job_whose_declarations_differ_from_a_quiet_job() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PySpark({|#1:"3.5"|})]

        [SparkJob("jobs/a.py")]
        [PipPackage("pyarrow", ">=4.0.0")]
        public partial class A { }

        [SparkJob("jobs/b.py")]
        [PipPackage("pyarrow", {|#0:">=2.0"|})]
        public partial class B { }

        [SparkJob("jobs/c.py")]
        [PipPackage("pyarrow", ">=4.0.0")]
        public partial class C { }

        [SparkJob("jobs/d.py")]
        [PipPackage("pyarrow", {|#2:">=2.0"|})]
        public partial class D { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.BelowPySparkMinimumId).WithLocation(0).WithLocation(1)
            .WithArguments("pyarrow", ">=2.0", "2.0", "4.0.0", "3.5", Source(3, 5)),
        Verify.Diagnostic(DiagnosticDescriptors.BelowPySparkMinimumId).WithLocation(2).WithLocation(1)
            .WithArguments("pyarrow", ">=2.0", "2.0", "4.0.0", "3.5", Source(3, 5)));

    [Fact]
    public Task SJG2006_pinned_pandas_below_the_minimum() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"4.0.0"|})]
        [CondaPackage("pandas", {|#0:"1.5.3"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.BelowPySparkMinimumId).WithLocation(0).WithLocation(1)
            .WithArguments("pandas", "1.5.3", "1.5.3", "2.0.0", "4.0", Source(4, 0)));

    [Fact]
    public Task SJG2007_pyspark_3_3_with_pandas_2() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.3.2"|})]
        [CondaPackage("pandas", {|#0:">=1.5"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.KnownBrokenCombinationId).WithLocation(0).WithLocation(1)
            .WithArguments("3.3", "pandas", ">=1.5", "2.0", PySparkCompatibility.Broken[0].Reason, PySparkCompatibility.Broken[0].Source));

    [Fact]
    public Task SJG2007_pyspark_3_5_with_numpy_2() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.5.*"|})]
        [PipPackage({|#0:"numpy"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.KnownBrokenCombinationId).WithLocation(0).WithLocation(1)
            .WithArguments("3.5", "numpy", "any version", "2.0", PySparkCompatibility.Broken[1].Reason, PySparkCompatibility.Broken[1].Source));

    // Decided exactly, not by probing (on e618d5d each line was probed at x.y.0 to x.y.9, Python at 3.m.0 to 3.m.15 and
    // dependencies on a grid up to 20.30.3, so these said nothing).
    [Fact]
    public Task SJG2005_for_releases_no_probe_reached() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"==3.3.12"|})]
        [PythonVersion({|#0:"==3.11.40"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.PythonOutsidePySparkRangeId).WithLocation(0).WithLocation(1)
            .WithArguments("==3.11.40", "3.11", "3.3", "3.7 to 3.10", Source(3, 3)));

    [Fact]
    public Task SJG2006_for_a_pin_between_probes() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.5"|})]
        [PipPackage("pyarrow", {|#0:">3.0.4,<3.0.6"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.BelowPySparkMinimumId).WithLocation(0).WithLocation(1)
            .WithArguments("pyarrow", ">3.0.4,<3.0.6", "3.0.4.1", "4.0.0", "3.5", Source(3, 5)));
}
