namespace SparkJobGen.Tests.Submission;

/// <summary>Job definitions as the generator would emit them, for submission tests.</summary>
internal static class Jobs
{
    public const string AnalyticsYaml = "name: analytics\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - sjg-probe==1.0\n";

    public static SparkJobDefinition ScoreCustomers(string script = "jobs/score_customers.py", IReadOnlyList<KeyValuePair<string, string>>? conf = null) => new(
        "score-customers",
        script,
        "analytics",
        AnalyticsYaml,
        "3.11",
        null,
        ["conda-forge"],
        [new PackageRequirement("python", "=3.11")],
        [new PackageRequirement("sjg-probe", "==1.0")],
        conf ?? [new("spark.sql.shuffle.partitions", "400")],
        []);
}
