namespace SparkJobGen.Tests.Submission;

/// <summary>
/// spark-submit output in the formats Spark's own clients log (YARN Client application reports, Kubernetes
/// LoggingPodStatusWatcher, standalone ClientEndpoint, SparkContext in local mode), re-expressed as test data.
/// </summary>
internal static class SparkLogs
{
    public const string YarnRunning = """
        24/11/24 04:10:01 INFO Client: Requesting a new application from cluster with 3 NodeManagers
        24/11/24 04:10:02 INFO Client: Submitting application application_1732419000000_0042 to ResourceManager
        24/11/24 04:10:02 INFO YarnClientImpl: Submitted application application_1732419000000_0042
        24/11/24 04:10:03 INFO Client: Application report for application_1732419000000_0042 (state: ACCEPTED)
        24/11/24 04:10:03 INFO Client:
        	 client token: N/A
        	 diagnostics: AM container is launched, waiting for AM container to Register with RM
        	 ApplicationMaster host: N/A
        	 ApplicationMaster RPC port: -1
        	 queue: etl
        	 start time: 1732419002000
        	 final status: UNDEFINED
        	 tracking URL: http://rm.example:8088/proxy/application_1732419000000_0042/
        	 user: etl
        24/11/24 04:10:10 INFO Client: Application report for application_1732419000000_0042 (state: RUNNING)
        """;

    public static string YarnCluster(string finalStatus) => YarnRunning + "\n" + $"""
        24/11/24 04:11:10 INFO Client: Application report for application_1732419000000_0042 (state: {(finalStatus == "SUCCEEDED" ? "FINISHED" : finalStatus)})
        24/11/24 04:11:10 INFO Client:
        	 client token: N/A
        	 diagnostics: {(finalStatus == "SUCCEEDED" ? "N/A" : "User application exited with status 1")}
        	 ApplicationMaster host: worker-2.example
        	 ApplicationMaster RPC port: 38211
        	 queue: etl
        	 start time: 1732419002000
        	 final status: {finalStatus}
        	 tracking URL: http://rm.example:8088/proxy/application_1732419000000_0042/
        	 user: etl
        """ + (finalStatus == "SUCCEEDED" ? string.Empty : "\nException in thread \"main\" org.apache.spark.SparkException: Application application_1732419000000_0042 finished with failed status");

    public static string KubernetesCluster(string finalPhase) => $"""
        24/11/24 04:10:05 INFO KubernetesClientUtils: Spark configuration files loaded from Some(/opt/spark/conf) : spark-env.sh
        24/11/24 04:10:06 INFO LoggingPodStatusWatcherImpl: State changed, new state:
        	 pod name: score-customers-5f1e8d9a3b2c4d10-driver
        	 namespace: analytics
        	 labels: spark-app-name -> score-customers, spark-app-selector -> spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718, spark-role -> driver
        	 pod uid: 0c6b4e0a-2f61-4b7e-9f0d-6a3c2b1d0e9f
        	 creation time: 2024-11-24T04:10:06Z
        	 service account name: spark
        	 node name: N/A
        	 start time: N/A
        	 phase: Pending
        	 container status: N/A
        24/11/24 04:10:07 INFO LoggingPodStatusWatcherImpl: Waiting for application score-customers with application ID spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718 and submission ID analytics:score-customers-5f1e8d9a3b2c4d10-driver to finish...
        24/11/24 04:10:07 INFO Client: Deployed Spark application score-customers with application ID spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718 and submission ID analytics:score-customers-5f1e8d9a3b2c4d10-driver into Kubernetes
        24/11/24 04:10:08 INFO LoggingPodStatusWatcherImpl: Application status for spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718 (phase: Running)
        24/11/24 04:11:30 INFO LoggingPodStatusWatcherImpl: Application status for spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718 (phase: {finalPhase})
        24/11/24 04:11:30 INFO LoggingPodStatusWatcherImpl: State changed, new state:
        	 pod name: score-customers-5f1e8d9a3b2c4d10-driver
        	 namespace: analytics
        	 phase: {finalPhase}
        24/11/24 04:11:30 INFO LoggingPodStatusWatcherImpl: Application score-customers with application ID spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718 and submission ID analytics:score-customers-5f1e8d9a3b2c4d10-driver finished
        """;

    public const string Standalone = """
        24/11/24 04:10:03 INFO ClientEndpoint: Driver successfully submitted as driver-20241124041003-0001
        24/11/24 04:10:05 INFO StandaloneSchedulerBackend: Connected to Spark cluster with app ID app-20241124041005-0003
        24/11/24 04:10:05 INFO StandaloneAppClient$ClientEndpoint: Executor added: app-20241124041005-0003/0 on worker-20241124035959-10.0.0.7-35111 (10.0.0.7:35111) with 4 core(s)
        """;

    public const string Local = """
        24/11/24 04:10:04 INFO SparkContext: Running Spark version 3.5.1
        24/11/24 04:10:04 INFO SparkContext: Submitted application: score-customers
        24/11/24 04:10:05 INFO Executor: Starting executor ID driver on host build-agent
        24/11/24 04:10:05 INFO SingleEventLogFileWriter: Logging events to file:/tmp/spark-events/local-1732419005123.inprogress
        Traceback (most recent call last):
          File "/work/jobs/score_customers.py", line 3, in <module>
        ValueError: bad input
        """;
}
