using SparkJobGen;

// Defaults for every job in this assembly.
[assembly: CondaChannel("conda-forge")]
[assembly: PythonVersion("3.11")]

namespace CustomerScoring;

/// <summary>Customer segments the scoring job can be limited to.</summary>
public enum Segment
{
    Retail,
    Enterprise,
    Public,
}

/// <summary>Shared settings of the analytics jobs: Spark tuning every job in the team uses.</summary>
[SparkConf("spark.sql.adaptive.enabled", "true")]
[SparkConf("spark.sql.shuffle.partitions", "200")]
public abstract class AnalyticsJob
{
    /// <summary>The day whose data is processed.</summary>
    [JobParameter("--run-date")]
    public required DateOnly RunDate { get; init; }
}

/// <summary>Scores customers with a gradient-boosted model; runs in the shared <c>analytics</c> environment.</summary>
[SparkJob("jobs/score_customers.py", Name = "score-customers", Environment = "analytics")]
[PySpark("3.5.1")]
[CondaPackage("numpy", ">=1.26,<2")]
[CondaPackage("pandas", "2.1.*")]
[CondaPackage("pyarrow", ">=14")]
[PipPackage("lightgbm", "==4.3.0")]
[SparkConf("spark.sql.shuffle.partitions", "400")]
public partial class ScoreCustomers : AnalyticsJob
{
    /// <summary>The customer table.</summary>
    [JobParameter("--input")]
    public required Uri Input { get; init; }

    /// <summary>Where the scores are written.</summary>
    [JobParameter("--output")]
    public required Uri Output { get; init; }

    /// <summary>Customers scoring at least this are flagged.</summary>
    [JobParameter("--threshold")]
    public double Threshold { get; init; } = 0.5;

    /// <summary>Limits scoring to these segments; all when empty.</summary>
    [JobParameter("--segment")]
    public IReadOnlyList<Segment> Segments { get; init; } = [];

    /// <summary>Computes scores without writing them.</summary>
    [JobParameter("--dry-run")]
    public bool DryRun { get; init; }
}

/// <summary>
/// Summarises customers per segment. Pure Python plus PySpark when present, so it also runs on a machine without Spark
/// or conda: in its own small <c>reporting</c> environment.
/// </summary>
[SparkJob("jobs/summarize_customers.py", Name = "summarize-customers", Environment = "reporting")]
public partial class SummarizeCustomers : AnalyticsJob
{
    /// <summary>The customer table (CSV).</summary>
    [JobParameter("--input")]
    public required string Input { get; init; }

    /// <summary>Only customers with at least this lifetime value are counted.</summary>
    [JobParameter("--min-value")]
    public decimal MinValue { get; init; }

    /// <summary>A free-text label printed in the report header.</summary>
    [JobParameter("--label")]
    public string? Label { get; init; }
}
