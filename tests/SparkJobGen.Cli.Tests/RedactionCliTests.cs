using SparkJobGen.Tests;
using SparkJobGen.Tests.Submission;
using SparkJobGen.Tests.Submission.Livy;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// The tool as a real process never prints a secret on any output path: <c>submit --dry-run</c> (human and <c>--json</c>),
/// the step lines, spark-submit's streamed output and the Livy dry-run request. Cloud credential conf keys, a job argument
/// written as two arguments (<c>--password S3CR3T</c>) and <c>spark.executorEnv.*</c> / <c>spark.yarn.appMasterEnv.*</c>
/// variables with secret-looking names are covered; spark-submit itself still receives every value.
/// </summary>
public sealed class RedactionCliTests : IDisposable
{
    private const string AzureKey = "AzUr3+Acc0untK3y/base64==";
    private const string GcsKey = "gcs-private-key-material-91";
    private const string SessionToken = "s3a-session-token-77";
    private const string TwoArgPassword = "S3CR3T-two-args";
    private const string DbPass = "dbp4ss-value-5";
    private const string AppMasterPass = "amp4ss-value-6";

    private static readonly string[] Secrets = [AzureKey, GcsKey, SessionToken, TwoArgPassword, DbPass, AppMasterPass];

    private readonly TempDirectory _work = new("sjg-cli-redaction");
    private readonly string _assembly;

    public RedactionCliTests()
    {
        _assembly = ProbeAssembly.LayOut(_work);
    }

    public void Dispose() => _work.Dispose();

    private string[] SubmitArguments(params string[] extra) =>
    [
        "submit", "probe-job", "--assembly", _assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", "hdfs:///envs/probe.tar.gz",
        "--conf", "spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net=" + AzureKey,
        "--conf", "spark.hadoop.fs.gs.auth.service.account.private.key=" + GcsKey,
        "--conf", "spark.hadoop.fs.s3a.session.token=" + SessionToken,
        "--conf", "spark.executorEnv.DB_PASS=" + DbPass,
        "--conf", "spark.yarn.appMasterEnv.MYSQL_PWD=" + AppMasterPass,
        .. extra,
        "--", "--input", "hdfs:///in", "--password", TwoArgPassword,
    ];

    [Fact]
    public async Task Dry_run_masks_every_secret_in_the_human_line_and_the_json_document()
    {
        var human = await CliProcess.RunAsync(null, SubmitArguments("--dry-run"));
        var json = await CliProcess.RunAsync(null, SubmitArguments("--dry-run", "--json"));

        Assert.True(human.ExitCode == 0, human.Stderr);
        Assert.True(json.ExitCode == 0, json.Stderr);
        AssertNoSecret(human.Stdout + human.Stderr + json.Stdout + json.Stderr);
        Assert.Contains("spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net=***", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("--password '***'", human.Stdout.Replace("--password ***", "--password '***'", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("spark.executorEnv.DB_PASS=***", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("hdfs:///in", json.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_masks_the_step_line_and_spark_submits_streamed_output_but_passes_the_values_on()
    {
        using var standIn = new SparkSubmitStandIn();
        // What spark-submit --verbose prints: Spark's own redaction (spark.redaction.regex) leaves these keys alone.
        standIn.PrintsOnStderr(string.Join("\n",
            "Spark properties used, including those specified through --conf and those from the properties file:",
            $"  (spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net,{AzureKey})",
            $"  (spark.executorEnv.DB_PASS,{DbPass})",
            $"  (spark.yarn.appMasterEnv.MYSQL_PWD,{AppMasterPass})",
            $"Main class: org.apache.spark.deploy.PythonRunner childArgs [--input hdfs:///in --password {TwoArgPassword}]",
            SparkLogs.YarnCluster("SUCCEEDED")));

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, SubmitArguments("--json"));

        Assert.True(code == 0, stderr);
        AssertNoSecret(stdout + stderr);
        Assert.Contains("==> submit: spark-submit", stderr, StringComparison.Ordinal);
        Assert.Contains("(spark.executorEnv.DB_PASS,***)", stderr, StringComparison.Ordinal);
        var received = standIn.ReceivedArguments();
        Assert.Equal(["--input", "hdfs:///in", "--password", TwoArgPassword], received[^4..]);
        Assert.Contains("spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net=" + AzureKey, received);
    }

    [Fact]
    public async Task Livy_dry_run_request_masks_conf_and_job_argument_secrets()
    {
        using var server = new LivyContractServer();
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            null, SubmitArguments("--livy", server.BaseUri.AbsoluteUri, "--script", "hdfs:///jobs/probe_job.py", "--dry-run"));

        Assert.True(code == 0, stderr);
        AssertNoSecret(stdout + stderr);
        Assert.Contains("\"--password\",\"***\"", stdout, StringComparison.Ordinal);
        Assert.Null(server.CreatedBatch);
    }

    private static void AssertNoSecret(string output)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[..8], output, StringComparison.Ordinal);
        }
    }
}
