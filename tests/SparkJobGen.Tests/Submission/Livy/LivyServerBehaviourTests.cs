using System.Collections.Concurrent;
using System.Net;
using System.Text;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Tests.Submission.Livy;

/// <summary>
/// The Livy client against <see cref="LivyContractServer"/> where it follows Livy's server source (apache/incubator-livy
/// fc4202ea): batch names, the sectioned and capped log, nulls in the request, and the deploy mode a request can set.
/// </summary>
public sealed class LivyServerBehaviourTests
{
    private static SparkSubmission Submission() => LivyTestJob.YarnCluster();

    private static LivyOptions Options(LivyContractServer server, ConcurrentQueue<OutputLine>? lines = null) => new(server.BaseUri)
    {
        PollInitialDelay = TimeSpan.FromMilliseconds(5),
        PollMaxDelay = TimeSpan.FromMilliseconds(20),
        LogPageSize = 7,
        OnOutput = lines is null ? null : lines.Enqueue,
    };

    private static string[] Numbered(int count, string prefix = "line") => Enumerable.Range(1, count).Select(i => $"{prefix} {i:D3}").ToArray();

    private static async Task<HttpStatusCode> PostAsync(LivyContractServer server, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "batches")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Requested-By", "test");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    // Livy refuses a name any tracked batch holds, finished ones included until state-retain.sec has passed
    // (server/src/main/scala/org/apache/livy/sessions/SessionManager.scala:102-110 and :162-168).
    [Fact]
    public async Task A_rerun_and_concurrent_runs_of_one_job_get_distinct_batch_names()
    {
        using var server = new LivyContractServer { States = ["running", "success"] };

        var first = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server));
        var rerun = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server));
        var concurrent = await Task.WhenAll(LivyBatchSubmitter.SubmitAsync(Submission(), Options(server)), LivyBatchSubmitter.SubmitAsync(Submission(), Options(server)));

        Assert.Empty(server.Violations);
        Assert.All(new[] { first, rerun, concurrent[0], concurrent[1] }, r => Assert.Equal(SubmissionState.Succeeded, r.FinalState));
        Assert.Equal(4, server.CreatedNames.Distinct().Count());
        Assert.All(server.CreatedNames, n => Assert.Matches("^score-customers-[0-9a-f]{8}$", n));
        Assert.Equal(server.CreatedNames[0], first.ApplicationName);

        // The server does refuse a name a finished batch still holds: the uniqueness above is the client's doing.
        var reused = $"{{\"file\":\"hdfs:///a.py\",\"name\":\"{server.CreatedNames[0]}\"}}";
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server, reused));
    }

    [Fact]
    public async Task A_name_set_on_the_builder_is_sent_as_is_and_a_duplicate_says_how_to_fix_it()
    {
        using var server = new LivyContractServer { States = ["running", "success"] };
        var named = Submission().WithName("score-2026-11-24");

        var result = await LivyBatchSubmitter.SubmitAsync(named, Options(server));
        var duplicate = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(named, Options(server)));

        Assert.Equal("score-2026-11-24", server.CreatedNames[0]);
        Assert.Equal("score-2026-11-24", result.ApplicationName);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("Duplicate session name: Some(score-2026-11-24)", duplicate.Message);
        Assert.Contains("--name", duplicate.Message);

        // Once the retention time has passed the server forgets the finished batch and the name is free again (the retention is
        // changed here rather than waited for, so a slow machine cannot let it expire before the duplicate above).
        server.StateRetention = TimeSpan.Zero;
        var again = await LivyBatchSubmitter.SubmitAsync(named, Options(server));
        Assert.Equal(SubmissionState.Succeeded, again.FinalState);
    }

    // The log is rebuilt from sections on every request (utils/SparkYarnApp.scala:141-144): new output lands before the
    // "\nstderr: " and "\nYARN Diagnostics: " headers, so offsets into it are not stable.
    [Fact]
    public async Task Every_output_line_is_shown_once_in_order_and_the_diagnostics_once_at_the_end()
    {
        var output = Numbered(30);
        string[] diagnostics = ["User application exited with status 1", "Failing this attempt."];
        using var server = new LivyContractServer
        {
            LogLines = output,
            LinesPerPoll = 3,
            Diagnostics = diagnostics,
            States = ["starting", "running", "running", "running", "running", "dead"],
        };
        var lines = new ConcurrentQueue<OutputLine>();

        var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server, lines));

        Assert.Empty(server.Violations);
        Assert.Equal(SubmissionState.Failed, result.FinalState);
        Assert.Equal(output, lines.Where(l => l.Channel == OutputChannel.StandardOutput).Select(l => l.Text));
        Assert.Equal(["YARN Diagnostics:", .. diagnostics], lines.Where(l => l.Channel == OutputChannel.StandardError).Select(l => l.Text));
        Assert.DoesNotContain(lines, l => l.Text.Contains("stdout:") || l.Text.Contains("stderr:"));
    }

    // Livy keeps the last livy.cache-log.size lines of each stream (utils/LineBufferedStream.scala:28-33 CircularQueue,
    // LivyConf.scala:257 default 200): a full section keeps its length while its content moves on.
    [Fact]
    public async Task Lines_past_the_cap_are_shown_and_the_end_names_the_full_log()
    {
        var output = Numbered(75).Append("ValueError: the final error").ToArray();
        using var server = new LivyContractServer
        {
            LogLines = output,
            LinesPerPoll = 6,
            LogCap = 20,
            States = [.. Enumerable.Repeat("running", 14), "dead"],
        };
        var lines = new ConcurrentQueue<OutputLine>();

        await LivyBatchSubmitter.SubmitAsync(Submission().AsProxyUser("analyst"), Options(server, lines));

        Assert.Empty(server.Violations);
        Assert.Equal(output, lines.Where(l => l.Channel == OutputChannel.StandardOutput).Select(l => l.Text));
        var note = Assert.Single(lines, l => l.Channel == OutputChannel.StandardError);
        Assert.Contains("last 20 lines", note.Text);
        Assert.Contains("yarn logs -applicationId application_1732419000000_0007 -appOwner analyst", note.Text);
    }

    [Fact]
    public async Task Lines_the_server_dropped_between_two_reads_are_reported_and_the_tail_is_shown()
    {
        var output = Numbered(100).Append("ValueError: the final error").ToArray();
        using var server = new LivyContractServer { LogLines = output, LinesPerPoll = 40, LogCap = 20, States = ["running", "running", "dead"] };
        var lines = new ConcurrentQueue<OutputLine>();

        await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server, lines));

        var shown = lines.Where(l => l.Channel == OutputChannel.StandardOutput).Select(l => l.Text).ToArray();
        Assert.Equal(output[^20..], shown[^20..]);
        Assert.Equal(shown.Distinct(), shown);
        Assert.Contains(lines, l => l.Text.Contains("dropped by the server before they could be read"));
        Assert.Contains(lines, l => l.Text.Contains("and dropped some before they could be read") && l.Text.Contains("yarn logs -applicationId"));
    }

    // A JSON null in a list field replaces the empty default of CreateBatchRequest (batch/CreateBatchRequest.scala:24-37) and
    // fails in Session.prepareConf (sessions/Session.scala:85-102) with 500 (JsonServlet.scala:64-66); a null Option is None.
    [Fact]
    public async Task The_body_has_no_nulls_and_the_server_fails_on_a_null_list()
    {
        var request = LivyBatchRequest.FromSubmission(Submission());
        Assert.Null(request.PyFiles);
        Assert.DoesNotContain("null", request.ToJson());

        using var server = new LivyContractServer();
        Assert.Equal(HttpStatusCode.Created, await PostAsync(server, request.ToJson()));
        Assert.Equal(HttpStatusCode.Created, await PostAsync(server, "{\"file\":\"hdfs:///a.py\",\"queue\":null}"));
        Assert.Equal(HttpStatusCode.InternalServerError, await PostAsync(server, "{\"file\":\"hdfs:///a.py\",\"archives\":null}"));
    }

    // A server with livy.spark.deploy-mode=client overrides the request (sessions/Session.scala:99-102): the driver runs on the
    // Livy host, and Spark's PythonRunner (v3.5.1 core/.../deploy/PythonRunner.scala:43-47, :75) starts ./environment/bin/python
    // with a ProcessBuilder. The failure line is produced here by the real JDK doing the same.
    [Fact]
    public async Task A_driver_forced_into_client_mode_by_the_server_is_explained()
    {
        var work = Path.Combine(Path.GetTempPath(), "sjg-jdk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var source = Path.Combine(work, "Run.java");
            File.WriteAllText(source, "public class Run { public static void main(String[] a) { try { new ProcessBuilder(\"./environment/bin/python\", \"score.py\").start(); } catch (java.io.IOException e) { System.out.println(\"Exception in thread \\\"main\\\" \" + e); } } }");
            var jdk = Processes.Run("java", source);
            Assert.Equal(0, jdk.ExitCode);
            var failure = jdk.Output.Trim();
            Assert.Contains("Cannot run program", failure);

            using var server = new LivyContractServer { LogLines = ["24/11/24 04:20:01 INFO SparkContext: Running Spark version 3.5.1", failure], States = ["running", "dead"] };
            var lines = new ConcurrentQueue<OutputLine>();

            var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server, lines));

            Assert.Equal(SubmissionState.Failed, result.FinalState);
            var note = Assert.Single(lines, l => l.Text.StartsWith("[livy] The driver", StringComparison.Ordinal));
            Assert.Contains("livy.spark.deploy-mode", note.Text);
            Assert.Contains("--driver-python", note.Text);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Livy adds its own spark.master over the request's, and spark.submit.deployMode only when livy.spark.deploy-mode is set
    // (sessions/Session.scala:99-102); spark-submit takes the deploy mode from that property when --deploy-mode is absent
    // (Spark v3.5.1 core/src/main/scala/org/apache/spark/deploy/SparkSubmitArguments.scala:201-203), else client mode.
    [Fact]
    public void The_request_carries_its_deploy_mode_and_client_mode_needs_a_driver_python_on_the_livy_host()
    {
        var cluster = LivyBatchRequest.FromSubmission(Submission());
        Assert.Equal("cluster", cluster.Conf!["spark.submit.deployMode"]);
        Assert.Equal("./environment/bin/python", cluster.Conf["spark.yarn.appMasterEnv.PYSPARK_PYTHON"]);

        var refused = Assert.Throws<SubmissionPreflightException>(() => LivyBatchRequest.FromSubmission(Submission().OnYarn(DeployMode.Client)));
        Assert.Contains("--driver-python", refused.Message);
        Assert.Contains("--deploy-mode cluster", refused.Message);

        var client = LivyBatchRequest.FromSubmission(Submission().OnYarn(DeployMode.Client).WithDriverPython("/opt/envs/analytics/bin/python"));
        Assert.Equal("client", client.Conf!["spark.submit.deployMode"]);
        Assert.Equal("/opt/envs/analytics/bin/python", client.Conf["spark.pyspark.driver.python"]);
        Assert.Equal("./environment/bin/python", client.Conf["spark.pyspark.python"]);

        // Naming the default's value is naming an interpreter all the same (a python3 on the Livy host's PATH with the packages).
        var named = LivyBatchRequest.FromSubmission(Submission().OnYarn(DeployMode.Client).WithDriverPython("python3"));
        Assert.Equal("python3", named.Conf!["spark.pyspark.driver.python"]);
    }
}
