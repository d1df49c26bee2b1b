using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.ChannelOrderAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class ChannelOrderAnalyzerTests
{
    [Fact]
    public Task Orders_that_extend_each_other_report_nothing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaChannel("conda-forge")]

        [SparkJob("jobs/summarize.py", Environment = "reporting")]
        [CondaChannel("pytorch")]
        [CondaChannel("bioconda")]
        public partial class SummarizeCustomers { }

        [SparkJob("jobs/export.py", Environment = "reporting")]
        public partial class AExport { }

        [SparkJob("jobs/other.py", Environment = "other")]
        [CondaChannel("conda-forge")]
        [CondaChannel("pytorch")]
        public partial class OtherEnvironment { }
        """);

    [Fact]
    public Task SJG2009_two_jobs_of_one_environment_order_two_channels_oppositely() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/train.py", Environment = "ml")]
        [CondaChannel({|#1:"pytorch"|})]
        [CondaChannel("conda-forge")]
        public partial class Train { }

        [SparkJob("jobs/score.py", Environment = "ml")]
        [CondaChannel({|#0:"conda-forge"|})]
        [CondaChannel("pytorch")]
        public partial class Score { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ConflictingChannelOrderId).WithLocation(0).WithLocation(1)
            .WithArguments("score", "train", "ml", "conda-forge", "pytorch", "conda-forge"));

    [Fact]
    public Task SJG2009_counts_base_class_and_assembly_channels_in_each_jobs_order() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaChannel("conda-forge")]

        [CondaChannel({|#1:"bioconda"|})]
        public abstract class BioJob { }

        [SparkJob("jobs/a.py", Environment = "shared")]
        [CondaChannel({|#0:"conda-forge"|})]
        public partial class Aligner : BioJob { }

        [SparkJob("jobs/b.py", Environment = "shared")]
        public partial class Browser : BioJob { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ConflictingChannelOrderId).WithLocation(0).WithLocation(1)
            .WithArguments("aligner", "browser", "shared", "conda-forge", "bioconda", "bioconda"));
}
