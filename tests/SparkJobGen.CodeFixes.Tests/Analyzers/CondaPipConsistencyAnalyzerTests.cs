using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.CondaPipConsistencyAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class CondaPipConsistencyAnalyzerTests
{
    [Fact]
    public Task Same_constraints_in_both_sections_report_nothing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [CondaPackage("numpy", ">=1.26,<2")]
        [PipPackage("numpy", "<2, >=1.26")]
        [CondaPackage("conda-forge::pandas", "2.1")]
        [PipPackage("pandas", "==2.1.*")]
        [CondaPackage("pyarrow")]
        [PipPackage("requests", "~=2.31")]
        public partial class A { }
        """);

    [Fact]
    public Task SJG2004_different_constraints_point_at_pip_with_conda_as_additional_location() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaPackage("numpy", {|#1:">=1.26,<2"|})]

        [SparkJob("jobs/a.py")]
        [PipPackage("numpy", {|#0:">=2"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.CondaPipMismatchId).WithLocation(0).WithLocation(1)
            .WithArguments("numpy", ">=2", ">=1.26,<2"));

    [Fact]
    public Task SJG2004_pyspark_from_PySpark_attribute_and_pip() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.5.1"|})]
        [PipPackage({|#0:"PySpark"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.CondaPipMismatchId).WithLocation(0).WithLocation(1)
            .WithArguments("pyspark", "any version", "3.5.1"));
}
