namespace SparkJobGen.IntegrationTests;

/// <summary>
/// Jobs sharing an environment, from a project using the packed package: the merged channel list keeps each job's declared
/// order whatever the class names (docs/diagnostics/SJG2009.md, "The merge rule"), and opposite orders are reported by SJG2009
/// naming both jobs.
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class SharedEnvironmentTests
{
    [Fact]
    public void Channel_priority_of_a_job_holds_in_the_merged_environment_and_conflicting_orders_name_both_jobs()
    {
        using var project = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["jobs/summarize.py"] = "print('summarize')\n",
            ["jobs/export.py"] = "print('export')\n",
            ["jobs/train.py"] = "print('train')\n",
            ["Program.cs"] = "System.Console.WriteLine(Demo.SummarizeCustomers.Definition.Environment);\n",
            ["Jobs.cs"] = """
                using SparkJobGen;

                [assembly: CondaChannel("conda-forge")]

                namespace Demo;

                // Merged in class-name order with first occurrence winning, AExport's conda-forge would come first.
                [SparkJob("jobs/export.py", Environment = "reporting")]
                public partial class AExport { }

                [SparkJob("jobs/summarize.py", Environment = "reporting")]
                [CondaChannel("pytorch")]
                [CondaChannel("bioconda")]
                [CondaChannel("conda-forge")]
                public partial class SummarizeCustomers { }
                """,
        });

        project.RunOk("build", "-c", "Debug");
        var yaml = File.ReadAllText(Path.Combine(project.Output, "sparkjobs", "reporting", "environment.yaml"));
        Assert.Contains("channels:\n  - pytorch\n  - bioconda\n  - conda-forge\ndependencies:", yaml, StringComparison.Ordinal);

        // A third job puts conda-forge before pytorch: SJG2009 (a warning, an error under TreatWarningsAsErrors) names both jobs.
        project.WriteFile("Train.cs", """
            using SparkJobGen;

            namespace Demo;

            [SparkJob("jobs/train.py", Environment = "reporting")]
            [CondaChannel("conda-forge")]
            [CondaChannel("pytorch")]
            public partial class Train { }
            """);
        var (exitCode, output) = project.Run("build", "-c", "Debug");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("SJG2009: Jobs 'summarize-customers' and 'train' share environment 'reporting' but order channels oppositely: 'summarize-customers' puts 'pytorch' before 'conda-forge', 'train' puts 'conda-forge' before 'pytorch'", output, StringComparison.Ordinal);
    }
}
