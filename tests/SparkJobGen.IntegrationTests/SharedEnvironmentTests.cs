namespace SparkJobGen.IntegrationTests;

/// <summary>
/// Jobs sharing an environment, from a project using the packed package: the merged channel list keeps each job's declared
/// order whatever the class names (docs/diagnostics/SJG2009.md, "The merge rule"), opposite orders are reported by SJG2009
/// naming both jobs, and orders of three jobs forming a cycle by SJG2010 naming all three.
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

        // Three jobs of another environment whose orders form a cycle, no two disagreeing (each lists the assembly's
        // conda-forge last): SJG2010 names all three; as a warning the build writes the environment by the merge rule, the
        // cycle cut open before bioconda (first by name, all three first in some job), its other orders kept.
        project.WriteFile("jobs/score.py", "print('score')\n");
        project.WriteFile("Train.cs", """
            using SparkJobGen;

            namespace Demo;

            [SparkJob("jobs/train.py", Environment = "ml")]
            [CondaChannel("pytorch")]
            [CondaChannel("nvidia")]
            public partial class Train { }

            [SparkJob("jobs/score.py", Environment = "ml")]
            [CondaChannel("nvidia")]
            [CondaChannel("bioconda")]
            public partial class Score { }

            [SparkJob("jobs/export.py", Name = "export-ml", Environment = "ml")]
            [CondaChannel("bioconda")]
            [CondaChannel("pytorch")]
            public partial class ExportMl { }
            """);
        output = project.RunOk("build", "-c", "Debug", "-p:TreatWarningsAsErrors=false");
        Assert.Contains("SJG2010: Jobs 'export-ml', 'train' and 'score' share environment 'ml' but their channel orders form a cycle: 'export-ml' puts 'bioconda' before 'pytorch', 'train' puts 'pytorch' before 'nvidia', 'score' puts 'nvidia' before 'bioconda'; the merged environment.yaml lists 'bioconda', 'pytorch', 'nvidia' in that order.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SJG2009", output, StringComparison.Ordinal);
        yaml = File.ReadAllText(Path.Combine(project.Output, "sparkjobs", "ml", "environment.yaml"));
        Assert.Contains("channels:\n  - bioconda\n  - pytorch\n  - nvidia\n  - conda-forge\ndependencies:", yaml, StringComparison.Ordinal);
    }
}
