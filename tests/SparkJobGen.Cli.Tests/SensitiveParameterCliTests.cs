using System.Text.Json;
using ParityJobs;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Submission;
using SparkJobGen.Tests.Submission.Livy;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// A <c>[JobParameter(Sensitive = true)]</c> whose flag does not look secret (<c>--customer-ref</c> on
/// tests/Fixtures/ParityJobs, compiled by the real generator): the tool learns from the assembly's manifest that its value is a
/// secret, masks it in both argument forms on every output path (dry-run, <c>--json</c>, step lines, the child's streamed
/// output, Livy requests, logs and diagnostics), and still passes it to spark-submit and Livy unmasked.
/// </summary>
public sealed class SensitiveParameterCliTests : IDisposable
{
    private const string Reference = "CUST-REF-77310";

    private readonly TempDirectory _work = new("sjg-sensitive");
    private readonly string _assembly;

    public SensitiveParameterCliTests()
    {
        var app = _work.Combine("app");
        Directory.CreateDirectory(app);
        _assembly = Path.Combine(app, "ParityJobs.dll");
        File.Copy(typeof(ParityScore).Assembly.Location, _assembly);
        _work.WriteFile("app/sparkjobs/parity/jobs/score.py", "print('score')\n");
    }

    public void Dispose() => _work.Dispose();

    /// <summary>The two ways a script's argv can carry the value, as the tool receives them after <c>--</c>.</summary>
    public static TheoryData<string> Forms => new() { "two-arguments", "equals" };

    private static string[] JobArguments(string form) =>
        form == "equals"
            ? ["--run-date", "2026-11-24", "--input", "hdfs:///in", "--customer-ref=" + Reference]
            : ["--run-date", "2026-11-24", "--input", "hdfs:///in", "--customer-ref", Reference];

    private string[] Submit(string form, params string[] options) =>
        ["submit", "parity-score", "--assembly", _assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", "hdfs:///envs/parity.tar.gz",
            .. options, "--", .. JobArguments(form)];

    [Fact]
    public void The_flag_does_not_look_secret_so_only_the_manifest_can_tell()
    {
        Assert.False(SparkJobGen.Submission.SecretRedactor.IsSecretKey("--customer-ref"));
        Assert.True(ParityScore.Definition.Parameters.Single(p => p.Flag == "--customer-ref").IsSensitive);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Dry_run_masks_the_value_in_the_human_line_and_the_json_document(string form)
    {
        var human = await CliProcess.RunAsync(null, Submit(form, "--dry-run"));
        var json = await CliProcess.RunAsync(null, Submit(form, "--dry-run", "--json"));

        Assert.True(human.ExitCode == 0, human.Stderr);
        Assert.True(json.ExitCode == 0, json.Stderr);
        AssertNoReference(human.Stdout + human.Stderr + json.Stdout + json.Stderr);
        // The command line quotes every element holding '*' (SparkSubmitRunner.FormatCommandLine).
        Assert.Contains(form == "equals" ? "'--customer-ref=***'" : "--customer-ref '***'", human.Stdout, StringComparison.Ordinal);
        var argv = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("sparkSubmitArguments").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(form == "equals" ? ["--input", "hdfs:///in", "--customer-ref=***"] : ["--input", "hdfs:///in", "--customer-ref", "***"], argv[^(form == "equals" ? 3 : 4)..]);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Submit_masks_the_step_line_and_the_streamed_output_while_spark_submit_receives_the_value(string form)
    {
        using var standIn = new SparkSubmitStandIn();
        // What spark-submit --verbose and the script itself print: the child's argv, unmasked.
        standIn.PrintsOnStdout($"customer {Reference} scored");
        standIn.PrintsOnStderr(string.Join("\n",
            $"Main class: org.apache.spark.deploy.PythonRunner childArgs [--input hdfs:///in {string.Join(' ', JobArguments(form)[^1..])}]",
            SparkLogs.YarnCluster("SUCCEEDED")));

        var human = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, Submit(form));
        var json = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, Submit(form, "--json"));

        Assert.True(human.ExitCode == 0, human.Stderr);
        Assert.True(json.ExitCode == 0, json.Stderr);
        AssertNoReference(human.Stdout + human.Stderr + json.Stdout + json.Stderr);
        Assert.Contains("==> submit: spark-submit", human.Stdout + human.Stderr, StringComparison.Ordinal);
        Assert.Contains("customer *** scored", human.Stdout + human.Stderr, StringComparison.Ordinal);
        var received = standIn.ReceivedArguments();
        Assert.Equal(JobArguments(form), received[^JobArguments(form).Length..]);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Livy_dry_run_masks_the_value_in_the_request_body(string form)
    {
        using var server = new LivyContractServer();
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, Submit(form, "--livy", server.BaseUri.AbsoluteUri, "--script", "hdfs:///jobs/score.py", "--dry-run"));

        Assert.True(code == 0, stderr);
        AssertNoReference(stdout + stderr);
        var args = JsonDocument.Parse(stdout).RootElement.GetProperty("args").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(form == "equals" ? "--customer-ref=***" : "***", args[^1]);
        Assert.Null(server.CreatedBatch);
    }

    [Fact]
    public async Task Livy_submission_sends_the_value_and_masks_it_in_the_log_and_the_diagnostics_of_a_failed_batch()
    {
        using var server = new LivyContractServer
        {
            States = ["running", "dead"],
            LogLines = ["starting", $"loading customer {Reference}", "failed"],
            Diagnostics = [$"User application exited with status 1: bad customer {Reference}"],
        };

        var human = await CliProcess.RunAsync(null, Submit("two-arguments", "--livy", server.BaseUri.AbsoluteUri, "--script", "hdfs:///jobs/score.py"));
        var sentArgs = server.CreatedBatch!["args"]!.AsArray().Select(a => (string)a!).ToArray();

        Assert.NotEqual(0, human.ExitCode);
        AssertNoReference(human.Stdout + human.Stderr);
        Assert.Contains("loading customer ***", human.Stdout + human.Stderr, StringComparison.Ordinal);
        Assert.Contains("bad customer ***", human.Stdout + human.Stderr, StringComparison.Ordinal);
        Assert.Equal(["--customer-ref", Reference], sentArgs[^2..]);
        Assert.DoesNotContain("   at ", human.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>run</c> with a given archive: the local container run of a real venv's Python prints the value it received; the tool
    /// masks it in that streamed output and the step lines, and the script still gets it (it writes its argv to a file).
    /// </summary>
    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Run_masks_the_value_in_the_child_output_while_the_script_receives_it(string form)
    {
        var environment = _work.Combine("venv");
        Assert.Equal(0, Processes.Run("python3", "-m", "venv", "--without-pip", environment).ExitCode);
        var archive = _work.Combine("parity.tar.gz");
        Assert.Equal(0, Processes.Run("tar", "-czf", archive, "-C", environment, ".").ExitCode);
        var received = _work.Combine("received.json");
        _work.WriteFile("app/sparkjobs/parity/jobs/score.py", $"""
            import json, sys
            open({JsonSerializer.Serialize(received)}, "w").write(json.dumps(sys.argv[1:]))
            print("argv: " + " ".join(sys.argv[1:]))
            """ + "\n");

        var human = await CliProcess.RunAsync(null, ["run", "parity-score", "--assembly", _assembly, "--archive", archive, "--", .. JobArguments(form)]);

        Assert.True(human.ExitCode == 0, human.Stderr);
        AssertNoReference(human.Stdout + human.Stderr);
        Assert.Contains("argv: --run-date 2026-11-24 --input hdfs:///in", human.Stdout + human.Stderr, StringComparison.Ordinal);
        Assert.Equal(JobArguments(form), JsonSerializer.Deserialize<string[]>(File.ReadAllText(received)));
    }

    [Fact]
    public async Task Jobs_list_json_shows_each_jobs_spark_conf_and_parameters_with_the_sensitive_one_marked()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "jobs", "list", "--assembly", _assembly, "--json");

        Assert.True(code == 0, stderr);
        var jobs = JsonDocument.Parse(stdout).RootElement.GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("name").GetString()!);
        // ParityToken's flags look secret ("--token", "--password"): the document keeps every key and value of its parameters.
        foreach (var definition in new[] { ParityScore.Definition, ParityPlain.Definition, ParityToken.Definition })
        {
            var job = jobs[definition.Name];
            // Compared with the definition the generated C# class holds, in declaration order.
            Assert.Equal(
                definition.SparkConf.Select(c => (c.Key, c.Value)),
                job.GetProperty("sparkConf").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)));
            Assert.Equal(
                definition.Parameters.Select(p => (p.PropertyName, p.Flag, p.TypeName, p.IsRequired, p.IsFlag, p.IsList, p.IsSensitive)),
                job.GetProperty("parameters").EnumerateArray().Select(p => (
                    p.GetProperty("propertyName").GetString()!, p.GetProperty("flag").GetString()!, p.GetProperty("typeName").GetString()!,
                    p.GetProperty("isRequired").GetBoolean(), p.GetProperty("isFlag").GetBoolean(), p.GetProperty("isList").GetBoolean(),
                    p.GetProperty("isSensitive").GetBoolean())));
        }

        Assert.Contains(jobs["parity-score"].GetProperty("parameters").EnumerateArray(), p => p.GetProperty("flag").GetString() == "--customer-ref" && p.GetProperty("isSensitive").GetBoolean());
        Assert.Equal("400", jobs["parity-score"].GetProperty("sparkConf").GetProperty("spark.sql.shuffle.partitions").GetString());
        Assert.Equal("200", jobs["parity-plain"].GetProperty("sparkConf").GetProperty("spark.sql.shuffle.partitions").GetString());
    }

    private static void AssertNoReference(string output)
    {
        Assert.DoesNotContain(Reference, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Reference[..9], output, StringComparison.Ordinal);
    }
}
