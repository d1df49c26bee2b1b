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

    [Fact]
    public Task SJG2010_three_jobs_whose_orders_form_a_cycle_no_two_of_them_disagreeing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/train.py", Environment = "ml")]
        [CondaChannel({|#1:"pytorch"|})]
        [CondaChannel("nvidia")]
        public partial class Train { }

        [SparkJob("jobs/score.py", Environment = "ml")]
        [CondaChannel({|#2:"nvidia"|})]
        [CondaChannel("conda-forge")]
        public partial class Score { }

        [SparkJob("jobs/export.py", Environment = "ml")]
        [CondaChannel({|#0:"conda-forge"|})]
        [CondaChannel("pytorch")]
        [CondaChannel("bioconda")]
        public partial class Export { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ChannelOrderCycleId).WithLocation(0).WithLocation(1).WithLocation(2)
            .WithArguments(
                "'export', 'train' and 'score'",
                "ml",
                "'export' puts 'conda-forge' before 'pytorch', 'train' puts 'pytorch' before 'nvidia', 'score' puts 'nvidia' before 'conda-forge'",
                "'conda-forge', 'pytorch', 'nvidia'"));

    [Fact]
    public Task SJG2010_four_jobs_in_a_cycle_with_the_assemblys_channel_after_each() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaChannel("conda-forge")]

        [SparkJob("jobs/one.py", Environment = "shared")]
        [CondaChannel({|#0:"anaconda"|})]
        [CondaChannel("bioconda")]
        public partial class One { }

        [SparkJob("jobs/two.py", Environment = "shared")]
        [CondaChannel({|#1:"bioconda"|})]
        [CondaChannel("defaults")]
        public partial class Two { }

        [SparkJob("jobs/three.py", Environment = "shared")]
        [CondaChannel({|#2:"defaults"|})]
        [CondaChannel("nvidia")]
        public partial class Three { }

        [SparkJob("jobs/four.py", Environment = "shared")]
        [CondaChannel({|#3:"nvidia"|})]
        [CondaChannel("anaconda")]
        public partial class Four { }

        [SparkJob("jobs/other.py", Environment = "shared")]
        public partial class Other { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ChannelOrderCycleId).WithLocation(0).WithLocation(1).WithLocation(2).WithLocation(3)
            .WithArguments(
                "'one', 'two', 'three' and 'four'",
                "shared",
                "'one' puts 'anaconda' before 'bioconda', 'two' puts 'bioconda' before 'defaults', 'three' puts 'defaults' before 'nvidia', 'four' puts 'nvidia' before 'anaconda'",
                "'anaconda', 'bioconda', 'defaults', 'nvidia'"));

    [Fact]
    public Task SJG2010_once_per_independent_cycle_and_SJG2009_once_for_an_opposite_pair_beside_them() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py", Environment = "e")]
        [CondaChannel({|#0:"x"|})]
        [CondaChannel("y")]
        public partial class A { }

        [SparkJob("jobs/b.py", Environment = "e")]
        [CondaChannel({|#1:"y"|})]
        [CondaChannel("z")]
        public partial class B { }

        [SparkJob("jobs/c.py", Environment = "e")]
        [CondaChannel({|#2:"z"|})]
        [CondaChannel("x")]
        public partial class C { }

        [SparkJob("jobs/d.py", Environment = "e")]
        [CondaChannel({|#3:"p"|})]
        [CondaChannel("q")]
        public partial class D { }

        [SparkJob("jobs/e.py", Environment = "e")]
        [CondaChannel({|#4:"q"|})]
        [CondaChannel("p")]
        public partial class E { }

        [SparkJob("jobs/f.py", Environment = "e")]
        [CondaChannel({|#7:"m"|})]
        [CondaChannel("n")]
        public partial class F { }

        [SparkJob("jobs/g.py", Environment = "e")]
        [CondaChannel({|#5:"k"|})]
        [CondaChannel("m")]
        public partial class G { }

        [SparkJob("jobs/h.py", Environment = "e")]
        [CondaChannel({|#6:"n"|})]
        [CondaChannel("k")]
        public partial class H { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ConflictingChannelOrderId).WithLocation(3).WithLocation(4)
            .WithArguments("d", "e", "e", "p", "q", "p"),
        Verify.Diagnostic(DiagnosticDescriptors.ChannelOrderCycleId).WithLocation(0).WithLocation(1).WithLocation(2)
            .WithArguments("'a', 'b' and 'c'", "e", "'a' puts 'x' before 'y', 'b' puts 'y' before 'z', 'c' puts 'z' before 'x'", "'x', 'y', 'z'"),
        Verify.Diagnostic(DiagnosticDescriptors.ChannelOrderCycleId).WithLocation(5).WithLocation(7).WithLocation(6)
            .WithArguments("'g', 'f' and 'h'", "e", "'g' puts 'k' before 'm', 'f' puts 'm' before 'n', 'h' puts 'n' before 'k'", "'k', 'm', 'n'"));

    [Fact]
    public Task A_cycle_through_a_pair_two_jobs_order_oppositely_is_that_SJG2009_only() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py", Environment = "e")]
        [CondaChannel({|#0:"x"|})]
        [CondaChannel("y")]
        public partial class A { }

        [SparkJob("jobs/b.py", Environment = "e")]
        [CondaChannel("y")]
        [CondaChannel("z")]
        public partial class B { }

        [SparkJob("jobs/c.py", Environment = "e")]
        [CondaChannel("z")]
        [CondaChannel("x")]
        public partial class C { }

        [SparkJob("jobs/d.py", Environment = "e")]
        [CondaChannel({|#1:"y"|})]
        [CondaChannel("x")]
        public partial class D { }

        [SparkJob("jobs/p.py", Environment = "f")]
        [CondaChannel({|#2:"x"|})]
        [CondaChannel("y")]
        [CondaChannel("z")]
        public partial class P { }

        [SparkJob("jobs/q.py", Environment = "f")]
        [CondaChannel({|#3:"z"|})]
        [CondaChannel("w")]
        [CondaChannel("x")]
        public partial class Q { }

        [SparkJob("jobs/r.py", Environment = "f")]
        [CondaChannel("y")]
        [CondaChannel("z")]
        public partial class R { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ConflictingChannelOrderId).WithLocation(0).WithLocation(1)
            .WithArguments("a", "d", "e", "x", "y", "x"),
        Verify.Diagnostic(DiagnosticDescriptors.ConflictingChannelOrderId).WithLocation(2).WithLocation(3)
            .WithArguments("p", "q", "f", "x", "z", "x"));

    [Fact]
    public Task A_job_in_an_SJG2009_pair_on_other_channels_still_counts_in_an_SJG2010_cycle() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py", Environment = "e")]
        [CondaChannel({|#0:"p"|})]
        [CondaChannel("q")]
        [CondaChannel({|#2:"x"|})]
        [CondaChannel("y")]
        public partial class A { }

        [SparkJob("jobs/b.py", Environment = "e")]
        [CondaChannel({|#3:"y"|})]
        [CondaChannel("z")]
        public partial class B { }

        [SparkJob("jobs/c.py", Environment = "e")]
        [CondaChannel({|#4:"z"|})]
        [CondaChannel("x")]
        public partial class C { }

        [SparkJob("jobs/d.py", Environment = "e")]
        [CondaChannel({|#1:"q"|})]
        [CondaChannel("p")]
        public partial class D { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ConflictingChannelOrderId).WithLocation(0).WithLocation(1)
            .WithArguments("a", "d", "e", "p", "q", "p"),
        // Merged: p, q (p first by name), then the cycle cut open at y (earliest position 0 and before z by name; x is first in
        // no job), z after y as B declares, x last.
        Verify.Diagnostic(DiagnosticDescriptors.ChannelOrderCycleId).WithLocation(2).WithLocation(3).WithLocation(4)
            .WithArguments("'a', 'b' and 'c'", "e", "'a' puts 'x' before 'y', 'b' puts 'y' before 'z', 'c' puts 'z' before 'x'", "'y', 'z', 'x'"));
}
