namespace SparkJobGen.Tests.Submission.Livy;

/// <summary>The job, submission and spark-submit log the Livy tests share.</summary>
internal static class LivyTestJob
{
    /// <summary>What spark-submit prints for a YARN cluster run that succeeds, as the Livy server's batch log holds it.</summary>
    public static readonly string[] YarnClusterLog =
    [
        "24/11/24 04:20:01 INFO Client: Submitted application application_1732419000000_0007",
        "24/11/24 04:20:02 INFO Client: Application report for application_1732419000000_0007 (state: ACCEPTED)",
        "24/11/24 04:20:10 INFO Client: Application report for application_1732419000000_0007 (state: RUNNING)",
        "scored 1204 customers",
        "24/11/24 04:21:00 INFO Client: Application report for application_1732419000000_0007 (state: FINISHED)",
        "\t final status: SUCCEEDED",
    ];

    /// <summary>A YARN cluster-mode submission with remote archive and script, as a Livy batch takes it.</summary>
    public static SparkSubmission YarnCluster() =>
        new SparkSubmission(Jobs.ScoreCustomers(), ["--input", "hdfs:///data/customers"])
            .OnYarn(DeployMode.Cluster)
            .WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz")
            .WithScript("hdfs:///jobs/score_customers.py");
}
