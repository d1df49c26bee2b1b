using SparkJobGen;

// Assembly-wide declarations: every job inherits them unless a nearer declaration sets the same key.
[assembly: CondaChannel("conda-forge")]
[assembly: PythonVersion("3.11")]
[assembly: SparkConf("spark.sql.adaptive.enabled", "true")]
[assembly: SparkConf("spark.sql.session.timeZone", "UTC")]

namespace ParityJobs;

/// <summary>Segments a job can be limited to.</summary>
public enum Segment
{
    Retail,
    Enterprise,
}

/// <summary>Settings shared by the jobs below, declared on a base class.</summary>
[SparkConf("spark.sql.shuffle.partitions", "200")]
[SparkConf("spark.executor.memoryOverhead", "1g")]
public abstract class TeamJob
{
    /// <summary>The day processed.</summary>
    [JobParameter("--run-date")]
    public required DateOnly RunDate { get; init; }
}

/// <summary>A job with Spark conf on every level, requirements and every kind of parameter.</summary>
[SparkJob("jobs/score.py", Name = "parity-score", Environment = "parity")]
[PySpark("3.5.1")]
[CondaPackage("numpy", ">=1.26,<2")]
[CondaPackage("pyarrow", "14.0.*", Build = "py311*")]
[PipPackage("lightgbm", "==4.3.0")]
[SparkConf("spark.sql.shuffle.partitions", "400")]
[SparkConf("spark.sql.files.maxPartitionBytes", "256m")]
public partial class ParityScore : TeamJob
{
    /// <summary>The input table.</summary>
    [JobParameter("--input")]
    public required Uri Input { get; init; }

    /// <summary>A threshold.</summary>
    [JobParameter]
    public double Threshold { get; init; } = 0.5;

    /// <summary>Segments, the flag repeated per element.</summary>
    [JobParameter("--segment")]
    public IReadOnlyList<Segment> Segments { get; init; } = [];

    /// <summary>A flag.</summary>
    [JobParameter("--dry-run")]
    public bool DryRun { get; init; }

    /// <summary>A secret whose flag does not look secret: only Sensitive tells the tool to mask it.</summary>
    [JobParameter("--customer-ref", Sensitive = true)]
    public string? CustomerRef { get; init; }
}

/// <summary>
/// Parameters whose flags look secret: a JSON document that lists them has "--token" and "--password" as values just before
/// the next key, which masking must leave alone.
/// </summary>
[SparkJob("jobs/token.py", Name = "parity-token", Environment = "parity")]
public partial class ParityToken : TeamJob
{
    /// <summary>A secret by its flag and by its declaration.</summary>
    [JobParameter("--token", Sensitive = true)]
    public string? Token { get; init; }

    /// <summary>A flag the redactor treats as secret, not declared sensitive.</summary>
    [JobParameter("--password")]
    public string? Password { get; init; }
}

/// <summary>A job with nothing of its own but what it inherits.</summary>
[SparkJob("jobs/plain.py", Name = "parity-plain", Environment = "parity")]
public partial class ParityPlain : TeamJob
{
}
