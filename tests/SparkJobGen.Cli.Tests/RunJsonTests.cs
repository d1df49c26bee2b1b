using System.Text.Json;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Environments;
using SparkJobGen.Tests.Submission;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// <c>run --json</c> end to end (a real venv, packed, run): the keys docs/cli.md documents as null are written as null, and
/// a local container run says why spark-submit was not used.
/// </summary>
public sealed class RunJsonTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-run-json");
    private readonly string _assembly;

    public RunJsonTests()
    {
        _assembly = ProbeAssembly.LayOut(_work);
        LocalWheel.Build(_work.Combine("wheels"));
    }

    public void Dispose() => _work.Dispose();

    private string[] Run(params string[] extra) =>
    [
        "run", "probe-job", "--assembly", _assembly, "--tool", "venv", "--cache-dir", _work.Combine("cache"),
        "--pip-arg=--no-index", "--pip-arg=--find-links=" + _work.Combine("wheels"), "--json", .. extra,
    ];

    [Fact]
    public async Task Preflight_and_spark_submit_arguments_are_null_without_spark_submit_and_with_no_preflight()
    {
        // SPARK_HOME names a folder without bin/spark-submit, and none is on PATH: a local container run.
        using var notSpark = new TempDirectory("sjg-not-spark");
        var container = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARK_HOME"] = notSpark.Path }, Run());

        Assert.True(container.ExitCode == 0, container.Stderr);
        Assert.Contains(
            $"local container run (SPARK_HOME is '{notSpark.Path}' but {Path.Combine(notSpark.Path, "bin", "spark-submit")} does not exist and spark-submit is not on PATH",
            container.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no Spark found", container.Stderr, StringComparison.Ordinal);
        var document = JsonDocument.Parse(container.Stdout).RootElement;
        Assert.Equal("local-container", document.GetProperty("submission").GetProperty("backend").GetString());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("preflight").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.GetProperty("sparkSubmitArguments").ValueKind);
        Assert.False(document.TryGetProperty("store", out _), "store is absent when no store was used");

        // spark-submit (a stand-in) with --no-preflight: the arguments it received, preflight null.
        using var standIn = new SparkSubmitStandIn();
        var spark = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, Run("--no-preflight"));

        Assert.True(spark.ExitCode == 0, spark.Stderr);
        document = JsonDocument.Parse(spark.Stdout).RootElement;
        Assert.Equal("spark-submit", document.GetProperty("submission").GetProperty("backend").GetString());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("preflight").ValueKind);
        var arguments = document.GetProperty("sparkSubmitArguments").EnumerateArray().Select(static e => e.GetString()!).ToArray();
        Assert.Equal(standIn.ReceivedArguments(), arguments);
        Assert.Equal(["--master", "local[*]"], arguments[..2]);

        // With the preflight, spark-submit's run lists its checks.
        var checkedRun = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, Run());
        Assert.True(checkedRun.ExitCode == 0, checkedRun.Stderr);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(checkedRun.Stdout).RootElement.GetProperty("preflight").ValueKind);
    }

    [Fact]
    public async Task Without_spark_home_the_local_container_run_says_no_spark_was_found()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, Run());

        Assert.True(code == 0, stderr);
        Assert.Contains("local container run (no Spark found: set SPARK_HOME to run spark-submit --master local[*])", stderr, StringComparison.Ordinal);
    }
}
