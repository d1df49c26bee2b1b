using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Tests.Submission.Livy;

/// <summary>The Livy backend against <see cref="LivyContractServer"/> (the documented REST contract, not Livy).</summary>
public sealed class LivyBatchSubmitterTests
{
    private const string Token = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig";

    private static readonly string[] Lines = LivyTestJob.YarnClusterLog;

    private static SparkSubmission YarnClusterSubmission() =>
        new SparkSubmission(Jobs.ScoreCustomers(), ["--input", "hdfs:///data/customers", "--note=--master local"])
            .OnYarn(DeployMode.Cluster)
            .WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz#environment")
            .WithScript("hdfs:///jobs/score_customers.py")
            .AsProxyUser("analyst")
            .InQueue("etl")
            .DriverMemory("2g")
            .DriverCores(2)
            .ExecutorMemory("4g")
            .ExecutorCores(4)
            .NumExecutors(10);

    private static LivyOptions Options(LivyContractServer server, LivyAuthentication? auth = null) => new(server.BaseUri)
    {
        Authentication = auth,
        PollInitialDelay = TimeSpan.FromMilliseconds(5),
        PollMaxDelay = TimeSpan.FromMilliseconds(40),
        LogPageSize = 3,
    };

    [Fact]
    public async Task Batch_request_carries_the_submission_and_follows_it_to_success()
    {
        using var server = new LivyContractServer(expectedAuthorization: "Bearer " + Token) { LogLines = Lines, States = ["starting", "running", "running", "running", "success"] };
        var lines = new ConcurrentQueue<OutputLine>();

        var result = await LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), Options(server, LivyAuthentication.Bearer(Token)) with { OnOutput = lines.Enqueue });

        Assert.Empty(server.Violations);
        var batch = server.CreatedBatch!;
        Assert.Equal("hdfs:///jobs/score_customers.py", (string?)batch["file"]);
        Assert.Equal(["--input", "hdfs:///data/customers", "--note=--master local"], batch["args"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["hdfs:///envs/analytics.tar.gz#environment"], batch["archives"]!.AsArray().Select(n => (string?)n));
        var conf = batch["conf"]!.AsObject();
        Assert.Equal("./environment/bin/python", (string?)conf["spark.yarn.appMasterEnv.PYSPARK_PYTHON"]);
        Assert.Equal("./environment/bin/python", (string?)conf["spark.pyspark.python"]);
        Assert.Equal("400", (string?)conf["spark.sql.shuffle.partitions"]);
        Assert.Equal("analyst", (string?)batch["proxyUser"]);
        Assert.Equal("etl", (string?)batch["queue"]);
        Assert.Matches("^score-customers-[0-9a-f]{8}$", (string?)batch["name"]);
        Assert.Equal("cluster", (string?)conf["spark.submit.deployMode"]);
        Assert.Equal("2g", (string?)batch["driverMemory"]);
        Assert.Equal(2, (int?)batch["driverCores"]);
        Assert.Equal("4g", (string?)batch["executorMemory"]);
        Assert.Equal(4, (int?)batch["executorCores"]);
        Assert.Equal(10, (int?)batch["numExecutors"]);

        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("application_1732419000000_0007", result.ApplicationId);
        Assert.Equal("0", result.SubmissionId);
        Assert.Equal("livy", result.Backend);
        Assert.Equal((string?)batch["name"], result.ApplicationName);
        // Every line exactly once, in order, across several log pages.
        Assert.Equal(Lines, lines.Select(l => l.Text));
        Assert.All(server.Requests, r => Assert.Equal("sparkjobgen", r.Headers["X-Requested-By"]));
        Assert.Equal(5, server.Requests.Count(r => r.Path.EndsWith("/state")));
        Assert.False(server.Deleted);
    }

    [Fact]
    public async Task Dead_batch_is_a_failed_result()
    {
        using var server = new LivyContractServer { LogLines = ["Traceback (most recent call last):", "ValueError: bad input"], States = ["starting", "dead"] };

        var result = await LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), Options(server));

        Assert.Empty(server.Violations);
        Assert.Equal(SubmissionState.Failed, result.FinalState);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Cancellation_deletes_the_batch()
    {
        using var server = new LivyContractServer { LogLines = Lines, States = ["running"] };
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var options = Options(server) with { OnOutput = _ => { if (Interlocked.Increment(ref seen) == 2) { cts.Cancel(); } } };

        var exception = await Assert.ThrowsAsync<SubmissionCanceledException>(() => LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), options, cts.Token));

        Assert.Empty(server.Violations);
        Assert.True(server.Deleted);
        Assert.Equal("DELETE", server.Requests[^1].Method);
        Assert.Equal(SubmissionState.Cancelled, exception.Result.FinalState);
        Assert.Contains("DELETE /batches/0 succeeded", exception.Result.ClusterKill);
    }

    [Fact]
    public async Task Timeout_deletes_the_batch_and_is_distinct_from_cancellation()
    {
        // On a loaded machine a short timeout can fire before POST /batches has returned; then there is no batch to delete and
        // the attempt says so. It is repeated with a longer timeout until the batch existed when the timeout fired.
        foreach (var milliseconds in new[] { 300, 2_000, 10_000, 60_000 })
        {
            using var server = new LivyContractServer { States = ["running"] };
            var options = Options(server) with { Timeout = TimeSpan.FromMilliseconds(milliseconds) };

            var exception = await Assert.ThrowsAsync<SubmissionTimeoutException>(() => LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), options));

            Assert.Equal(SubmissionState.TimedOut, exception.Result.FinalState);
            if (exception.Result.ClusterKill?.Contains("no batch had been created yet", StringComparison.Ordinal) == true)
            {
                Assert.False(server.Deleted);
                continue;
            }

            Assert.True(server.Deleted);
            Assert.Equal("DELETE", server.Requests[^1].Method);
            return;
        }

        Assert.Fail("POST /batches never returned within a 60 s timeout.");
    }

    [Fact]
    public async Task Basic_authentication_is_sent()
    {
        var expected = "Basic " + Convert.ToBase64String("etl:p@ss w0rd!"u8.ToArray());
        using var server = new LivyContractServer(expectedAuthorization: expected);

        var result = await LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), Options(server, LivyAuthentication.Basic("etl", "p@ss w0rd!")));

        Assert.Empty(server.Violations);
        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
    }

    [Fact]
    public async Task Custom_header_authentication_is_sent()
    {
        using var server = new LivyContractServer(expectedHeader: ("X-Api-Key", "k-123456789"));

        var result = await LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), Options(server, LivyAuthentication.Header("X-Api-Key", "k-123456789")));

        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
    }

    [Fact]
    public async Task Rejected_credentials_give_a_clear_error_without_the_secret()
    {
        using var server = new LivyContractServer(expectedAuthorization: "Bearer the-right-one");

        var exception = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(YarnClusterSubmission(), Options(server, LivyAuthentication.Bearer(Token))));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Contains("401", exception.Message);
        Assert.Contains("credentials", exception.Message);
        // The server echoes the header it got; the client masks it.
        Assert.DoesNotContain(Token, exception.ToString());
        Assert.Contains("***", exception.Message);
    }

    [Fact]
    public async Task Secret_conf_values_in_the_log_are_masked()
    {
        using var server = new LivyContractServer { LogLines = ["keystore password hunter2-keystore-pw accepted", "Authorization: Bearer " + Token, "done"] };
        var submission = YarnClusterSubmission().WithConf("spark.ssl.keyStorePassword", "hunter2-keystore-pw");
        var lines = new ConcurrentQueue<OutputLine>();
        var logger = new CollectingLogger();

        await LivyBatchSubmitter.SubmitAsync(submission, Options(server, LivyAuthentication.Bearer(Token)) with { OnOutput = lines.Enqueue, Logger = logger });

        var text = string.Join("\n", lines.Select(l => l.Text)) + logger.AllText;
        Assert.DoesNotContain("hunter2-keystore-pw", text);
        Assert.DoesNotContain(Token, text);
        Assert.Contains("keystore password *** accepted", text);
        // The server itself still got the real value.
        Assert.Equal("hunter2-keystore-pw", (string?)server.CreatedBatch!["conf"]!["spark.ssl.keyStorePassword"]);
    }

    [Fact]
    public void Local_files_and_local_mode_are_refused_before_any_request()
    {
        var local = Assert.Throws<SubmissionPreflightException>(() => LivyBatchRequest.FromSubmission(YarnClusterSubmission().WithScript("/home/me/jobs/score.py")));
        Assert.Contains("Livy does not upload files", local.Message);

        var localMode = Assert.Throws<SubmissionPreflightException>(() => LivyBatchRequest.FromSubmission(new SparkSubmission(Jobs.ScoreCustomers(), [])));
        Assert.Contains("OnYarn(DeployMode.Cluster)", localMode.Message);
    }

    [Fact]
    public void Authentication_never_prints_its_secret()
    {
        Assert.DoesNotContain(Token, LivyAuthentication.Bearer(Token).ToString());
        Assert.DoesNotContain("pw-secret", LivyAuthentication.Basic("etl", "pw-secret").ToString());
        Assert.DoesNotContain("k-123456789", LivyAuthentication.Header("X-Api-Key", "k-123456789").ToString());
    }

    [Fact]
    public async Task Contract_server_rejects_undocumented_fields()
    {
        // The checker can fail: a request with a field the API does not document, or a wrong type, is a violation.
        using var server = new LivyContractServer();
        using var http = new HttpClient();
        using var content = new StringContent("{\"file\":\"hdfs:///a.py\",\"executorCores\":\"4\",\"pythonPath\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        content.Headers.Add("X-Requested-By", "test");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "batches")) { Content = content };
        request.Headers.Add("X-Requested-By", "test");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(server.Violations, v => v.Contains("'executorCores'"));
        Assert.Contains(server.Violations, v => v.Contains("'pythonPath'"));
    }
}
