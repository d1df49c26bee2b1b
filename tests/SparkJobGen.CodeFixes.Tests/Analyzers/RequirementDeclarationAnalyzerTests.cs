using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.RequirementDeclarationAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class RequirementDeclarationAnalyzerTests
{
    [Fact]
    public Task Valid_requirements_report_nothing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaChannel("conda-forge")]
        [assembly: PipPackage("requests[socks]", ">=2.31,<3")]

        [SparkJob("jobs/score.py")]
        [CondaPackage("conda-forge::numpy", ">=1.26,<2")]
        [PipPackage("scikit-learn", "~=1.4")]
        [PipPackage("delta-spark", "==3.1.0; python_version >= \"3.9\"")]
        [PipPackage("mylib", "@ https://example.com/mylib-1.0.tar.gz")]
        [SparkConf("spark.sql.shuffle.partitions", "200")]
        [PythonVersion("3.11")]
        [PySpark(">=3.4,<4")]
        [CondaPackage("pandas", "1.5.*|>=2,<3")]
        [CondaPackage("pyarrow", "=14")]
        public partial class ScoreCustomers { }
        """);

    [Fact]
    public Task SJG2003_points_inside_the_string_at_the_error() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PythonVersion("{|#0:=>|}3.10")]

        [SparkJob("jobs/score.py")]
        [CondaPackage("numpy", ">=1.26,{|#1:<<|}2")]
        [PySpark("{|#2:^3.5$|}")]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidCondaSpecId).WithLocation(0)
            .WithArguments("=>3.10", "python", "Invalid operator '=>'; use ==, !=, <, <=, >, >=, =, or ~=."),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidCondaSpecId).WithLocation(1)
            .WithArguments(">=1.26,<<2", "numpy", "Invalid operator '<<'; use ==, !=, <, <=, >, >=, =, or ~=."),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidCondaSpecId).WithLocation(2)
            .WithArguments("^3.5$", "pyspark", "Regular-expression version specs (^...$) are not supported; use operators or a '*' glob."));

    [Fact]
    public Task SJG2002_points_inside_the_string_at_the_error() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage("pandas", ">=2.0,{|#0:=|}2.1")]
        [PipPackage("numpy", ">=1{|#1:.x|}")]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidPipSpecifierId).WithLocation(0)
            .WithArguments(">=2.0,=2.1", "pandas", "Expected an operator (~=, ==, !=, <=, >=, <, >, ===) before the version."),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidPipSpecifierId).WithLocation(1)
            .WithArguments(">=1.x", "numpy", "Unexpected text '.x' in version."));

    [Fact]
    public Task SJG2002_on_an_assembly_attribute_is_reported_once() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PipPackage("pandas", "{|#0:2|}.0")]

        [SparkJob("jobs/a.py")]
        public partial class A { }

        [SparkJob("jobs/b.py")]
        public partial class B { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidPipSpecifierId).WithLocation(0)
            .WithArguments("2.0", "pandas", "Expected an operator (~=, ==, !=, <=, >=, <, >, ===) before the version."));

    [Fact]
    public Task SJG1010_unusable_spark_conf_entries() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [SparkConf({|SJG1010:""|}, "1")]
        [SparkConf({|SJG1010:" spark.a"|}, "1")]
        [SparkConf({|SJG1010:"spark.b=2"|}, "1")]
        [SparkConf("spark.c", {|SJG1010:null!|})]
        public partial class ScoreCustomers { }
        """);

    /// <summary>
    /// The generator keeps the first entry of a key on one declaration (<c>SubmissionArgvTests.A_key_set_twice_on_one_declaration_keeps_the_first_entry</c>
    /// checks that on the generated definition), so a second one is reported; an entry of the same key on another declaration (a base class,
    /// the assembly) is the documented nearest-wins override and is not.
    /// </summary>
    [Fact]
    public Task SJG1010_a_key_set_twice_on_one_declaration() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: SparkConf("spark.executor.cores", "2")]
        [assembly: SparkConf({|#2:"spark.executor.cores"|}, "4")]

        public class JobBase { }

        [SparkJob("jobs/score.py")]
        [SparkConf("spark.sql.shuffle.partitions", "200")]
        [SparkConf({|#0:"spark.sql.shuffle.partitions"|}, "400")]
        [SparkConf("spark.executor.memory", "4g")]
        [SparkConf("spark.executor.memory", "4g")]
        [SparkConf("spark.executor.cores", "8")]
        public partial class ScoreCustomers : JobBase { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidSparkConfId).WithLocation(0).WithArguments(
            "spark.sql.shuffle.partitions", "an earlier [SparkConf] on the same declaration sets the key to \"200\", and the first entry for a key is the one used"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidSparkConfId).WithLocation(2).WithArguments(
            "spark.executor.cores", "an earlier [SparkConf] on the same declaration sets the key to \"2\", and the first entry for a key is the one used"));

    /// <summary>
    /// An explicitly empty value is treated as absent (SubmissionArgvTests.Empty_values_fall_back_to_the_defaults checks what
    /// the generator makes of each), which is worth a warning when it is written out.
    /// </summary>
    [Fact]
    public Task SJG1018_empty_values_replaced_by_defaults() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: PythonVersion({|#0:""|})]

        [SparkJob("jobs/score.py")]
        [PySpark({|#3:" "|})]
        public partial class ScoreCustomers { }

        [SparkJob("jobs/other.py", Name = "other", Environment = "analytics")]
        [PythonVersion("3.11")]
        public partial class Other { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.EmptyValueId).WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithArguments("[PythonVersion]", "it is ignored and the assembly pins no Python version"),
        Verify.Diagnostic(DiagnosticDescriptors.EmptyValueId).WithLocation(3).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithArguments("[PySpark]", "it is ignored and the PySpark version of a base class or the assembly applies (or none is pinned)"));

    /// <summary>The [SparkJob] arguments of SJG1018.</summary>
    [Fact]
    public Task SJG1018_an_empty_name_or_environment() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py", Name = {|#0:""|}, Environment = {|#1:"  "|})]
        public partial class ScoreCustomers { }

        [SparkJob("jobs/rollup.py", Name = "daily-rollup", Environment = {|#2:""|})]
        public partial class Rollup { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.EmptyValueId).WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithArguments("Name", "the job is named 'score-customers', after its class"),
        Verify.Diagnostic(DiagnosticDescriptors.EmptyValueId).WithLocation(1).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithArguments("Environment", "the job gets an environment of its own, 'score-customers'"),
        Verify.Diagnostic(DiagnosticDescriptors.EmptyValueId).WithLocation(2).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithArguments("Environment", "the job gets an environment of its own, 'daily-rollup'"));

    [Fact]
    public Task SJG1011_invalid_names() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaChannel({|SJG1011:"conda forge"|})]

        [SparkJob("jobs/score.py")]
        [CondaPackage({|SJG1011:""|})]
        [CondaPackage({|SJG1011:"numpy>=1.26"|})]
        [PipPackage({|SJG1011:"-pandas"|})]
        [PipPackage({|SJG1011:"requests[socks"|})]
        public partial class ScoreCustomers { }
        """);

    /// <summary>A name is said to hold a version only when a version follows its operator or space; other stray characters get the name rule.</summary>
    [Fact]
    public Task SJG1011_says_a_version_is_in_the_name_only_when_one_is() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [CondaPackage({|#0:"numpy >=1.26"|})]
        [CondaPackage({|#1:"bad name!"|})]
        [PipPackage({|#2:"requests~="|})]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidPackageNameId).WithLocation(0).WithArguments("numpy >=1.26", "conda package name", "it looks like it holds a version; pass the version as the second argument"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidPackageNameId).WithLocation(1).WithArguments("bad name!", "conda package name", "a conda package name has only letters, digits, '.', '_', '-' and '+'"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidPackageNameId).WithLocation(2).WithArguments("requests~=", "pip distribution name", "a distribution name has only letters, digits, '.', '_' and '-', and starts and ends with a letter or digit"));

    [Fact]
    public Task SJG2008_names_and_specifiers_not_in_normalized_form() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        [PipPackage({|#0:"Scikit_Learn"|}, {|#1:">= 1.4, < 2"|})]
        [PipPackage("pandas", {|#2:"==2.1.0RC1"|})]
        public partial class ScoreCustomers { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.NotNormalizedId).WithLocation(0).WithArguments("Scikit_Learn", "scikit-learn"),
        Verify.Diagnostic(DiagnosticDescriptors.NotNormalizedId).WithLocation(1).WithArguments(">= 1.4, < 2", ">=1.4,<2"),
        Verify.Diagnostic(DiagnosticDescriptors.NotNormalizedId).WithLocation(2).WithArguments("==2.1.0RC1", "==2.1.0rc1"));
}
