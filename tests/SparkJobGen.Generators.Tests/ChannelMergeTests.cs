using SparkJobGen.Generators.Environments;

namespace SparkJobGen.Generators.Tests;

/// <summary>The channel merge rule for jobs sharing an environment (docs/diagnostics/SJG2009.md, "The merge rule").</summary>
public sealed class ChannelMergeTests
{
    [Theory]
    [InlineData("SummarizeCustomers", "ExportCustomers")]
    [InlineData("SummarizeCustomers", "ZExportCustomers")]
    public void A_jobs_own_channel_order_holds_in_a_shared_environment_whatever_the_class_names(string summarize, string export)
    {
        var (output, _) = GeneratorHarness.RunAndAssertClean($$"""
            using SparkJobGen;

            [assembly: CondaChannel("conda-forge")]

            namespace Demo;

            [SparkJob("jobs/summarize.py", Environment = "reporting")]
            [CondaChannel("pytorch")]
            [CondaChannel("bioconda")]
            [CondaChannel("conda-forge")]
            public partial class {{summarize}} { }

            [SparkJob("jobs/export.py", Environment = "reporting")]
            public partial class {{export}} { }
            """);

        var yaml = EnvironmentYaml(output, "reporting");
        Assert.Contains("channels:\n  - pytorch\n  - bioconda\n  - conda-forge\ndependencies:", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_declared_order_is_kept_and_unordered_channels_follow_earliest_position_then_name()
    {
        // a < b from one job, c < b from another: a and c are unordered (both first somewhere), so by name.
        Assert.Equal(["a", "c", "b"], EnvironmentMerger.MergeChannels([["a", "b"], ["c", "b"]]));
        Assert.Equal(["a", "c", "b"], EnvironmentMerger.MergeChannels([["c", "b"], ["a", "b"]]));

        // A chain through two jobs: x < y (job 1) and y < z (job 2), though z has the earlier position in job 2.
        Assert.Equal(["w", "x", "y", "z"], EnvironmentMerger.MergeChannels([["w", "x", "y"], ["y", "z"]]));
        Assert.Equal(["p", "q", "r"], EnvironmentMerger.MergeChannels([["q", "r"], ["p", "q"]]));
    }

    [Fact]
    public void Opposite_orders_give_the_same_result_in_either_job_order()
    {
        var one = EnvironmentMerger.MergeChannels([["pytorch", "conda-forge"], ["conda-forge", "pytorch", "bioconda"]]);
        var other = EnvironmentMerger.MergeChannels([["conda-forge", "pytorch", "bioconda"], ["pytorch", "conda-forge"]]);
        Assert.Equal(one, other);
        Assert.Equal(["conda-forge", "pytorch", "bioconda"], one);
    }

    [Fact]
    public void A_cycle_through_three_jobs_is_kept_together_by_earliest_position_then_name_in_any_job_order()
    {
        string[][] cycle = [["x", "y"], ["y", "z"], ["z", "x"]];
        foreach (var order in new[] { new[] { 0, 1, 2 }, [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0] })
        {
            Assert.Equal(["x", "y", "z"], EnvironmentMerger.MergeChannels(order.Select(i => (IReadOnlyList<string>)cycle[i]).ToList()));
        }

        // Within the cycle by earliest position: x is never first in a job, y and z are; a precedes x (an order on no cycle).
        Assert.Equal(["a", "y", "z", "x"], EnvironmentMerger.MergeChannels([["a", "x", "y"], ["y", "z"], ["z", "x"]]));
    }

    [Fact]
    public void An_order_on_no_cycle_holds_although_its_later_channel_is_first_in_another_job()
    {
        // x < w is on no cycle, so w stays after the cycle x, y, z though another job lists w first (earliest position 0
        // and a name before all three).
        Assert.Equal(["x", "y", "z", "w"], EnvironmentMerger.MergeChannels([["x", "y"], ["y", "z"], ["z", "x", "w"], ["w"]]));
        Assert.Equal(["x", "y", "z", "w"], EnvironmentMerger.MergeChannels([["w"], ["z", "x", "w"], ["y", "z"], ["x", "y"]]));
    }

    /// <summary>The environment.yaml the generator wrote for <paramref name="environment"/>.</summary>
    internal static string EnvironmentYaml(Microsoft.CodeAnalysis.Compilation output, string environment)
    {
        var tree = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("SparkJobGen.Environments.g.cs", StringComparison.Ordinal));
        var root = (Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax)tree.GetRoot();
        var literals = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>()
            .Select(l => l.Token.ValueText)
            .Where(t => t.Contains("name: " + environment + "\n", StringComparison.Ordinal))
            .ToList();
        return Assert.Single(literals);
    }
}
