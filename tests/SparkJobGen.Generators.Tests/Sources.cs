namespace SparkJobGen.Generators.Tests;

/// <summary>Job sources shared by the tests.</summary>
internal static class Sources
{
    public const string ScoreCustomers = """
        using System;
        using System.Collections.Generic;
        using SparkJobGen;

        [assembly: CondaChannel("conda-forge")]

        namespace Contoso.Jobs;

        public enum Segment { Retail, Enterprise }

        [SparkJob("jobs/score_customers.py", Name = "score-customers", Environment = "analytics")]
        [PythonVersion("3.11")]
        [PySpark("3.5.1")]
        [CondaPackage("numpy", ">=1.26,<2")]
        [CondaPackage("pandas", "2.1.*")]
        [PipPackage("lightgbm", "==4.3.0")]
        [SparkConf("spark.sql.shuffle.partitions", "400")]
        public partial class ScoreCustomers
        {
            [JobParameter("--input")] public required Uri Input { get; init; }
            [JobParameter("--run-date")] public required DateOnly RunDate { get; init; }
            [JobParameter("--threshold")] public double Threshold { get; init; } = 0.5;
            [JobParameter("--segment")] public IReadOnlyList<string> Segments { get; init; } = [];
            [JobParameter("--dry-run")] public bool DryRun { get; init; }
        }
        """;
}
