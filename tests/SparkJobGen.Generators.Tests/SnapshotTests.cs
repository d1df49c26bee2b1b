namespace SparkJobGen.Generators.Tests;

/// <summary>Generated sources compared with checked-in snapshots.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void ScoreCustomers_job_source()
    {
        var (_, result) = GeneratorHarness.RunAndAssertClean(Sources.ScoreCustomers);
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "Contoso.Jobs.ScoreCustomers.g.cs"), "ScoreCustomers");
    }

    [Fact]
    public void ScoreCustomers_environments_source()
    {
        var (_, result) = GeneratorHarness.RunAndAssertClean(Sources.ScoreCustomers);
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "SparkJobGen.Environments.g.cs"), "ScoreCustomers.Environments");
    }

    [Fact]
    public void Shared_environment_with_base_class_and_assembly_defaults()
    {
        const string source = """
            using System;
            using SparkJobGen;

            [assembly: CondaChannel("conda-forge")]
            [assembly: PythonVersion("3.10")]
            [assembly: SparkConf("spark.executor.instances", "2")]

            namespace Contoso.Jobs;

            [PythonVersion("3.11")]
            [CondaChannel("nvidia")]
            [CondaPackage("numpy", ">=1.26")]
            [PipPackage("Requests[socks]", ">=2.31")]
            [SparkConf("spark.sql.shuffle.partitions", "200")]
            public abstract class AnalyticsJob
            {
                [JobParameter] public required string Tenant { get; init; }
            }

            [SparkJob("jobs/daily.py", Environment = "analytics")]
            [CondaPackage("numpy", "<2")]
            [CondaPackage("pandas", "1.5.*|>=2,<3")]
            [SparkConf("spark.sql.shuffle.partitions", "800")]
            public partial class DailyRollup : AnalyticsJob
            {
                [JobParameter(Format = "yyyyMMdd")] public DateTime? Day { get; init; }
                [JobParameter] public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(90);
            }

            [SparkJob("./jobs/hourly.py", Environment = "analytics")]
            [CondaPackage("conda-forge::pyarrow", "14.0")]
            [PipPackage("requests", "<3")]
            [PipPackage("rich")]
            public partial class HourlyRollup : AnalyticsJob
            {
                [JobParameter] public int[] Hours { get; init; } = [];
                [JobParameter] public Mode? RunMode { get; init; }
                public enum Mode { Fast, Exact }
            }
            """;
        var (_, result) = GeneratorHarness.RunAndAssertClean(source);
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "Contoso.Jobs.DailyRollup.g.cs"), "SharedEnvironment.DailyRollup");
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "Contoso.Jobs.HourlyRollup.g.cs"), "SharedEnvironment.HourlyRollup");
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "SparkJobGen.Environments.g.cs"), "SharedEnvironment.Environments");
    }

    [Fact]
    public void Nested_job_in_global_namespace()
    {
        const string source = """
            using SparkJobGen;

            public static partial class Pipelines
            {
                [SparkJob("etl.py")]
                public partial record NightlyETL
                {
                    [JobParameter("--limit")] public long? Limit { get; init; }
                }
            }
            """;
        var (_, result) = GeneratorHarness.RunAndAssertClean(source);
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "Pipelines.NightlyETL.g.cs"), "Nested.NightlyETL");
        Snapshot.Match(GeneratorHarness.GeneratedSource(result, "SparkJobGen.Environments.g.cs"), "Nested.Environments");
    }
}
