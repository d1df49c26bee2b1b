using System.Collections.Concurrent;
using SparkJobGen.Environments;
using SparkJobGen.Submission;
using SparkJobGen.Tests.Environments;

namespace SparkJobGen.Tests.Submission;

/// <summary>Runs only when SPARK_HOME points at a Spark installation (skipped with the reason otherwise).</summary>
public sealed class RequiresSparkFactAttribute : FactAttribute
{
    public RequiresSparkFactAttribute()
    {
        var home = Environment.GetEnvironmentVariable("SPARK_HOME");
        if (string.IsNullOrEmpty(home) || !File.Exists(Path.Combine(home, "bin", "spark-submit")))
        {
            Skip = "SPARK_HOME is not set to a Spark installation: download Spark 3.5 (spark-3.5.x-bin-hadoop3.tgz), extract it and export SPARK_HOME=<dir> (Java 17 on PATH) to run the real PySpark test.";
        }
    }
}

/// <summary>A real PySpark job end to end: venv environment, pack, spark-submit --master local[*], application id and result.</summary>
public sealed class RealSparkTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-spark");

    public void Dispose() => _work.Dispose();

    [RequiresSparkFact]
    public async Task Real_pyspark_job_runs_in_local_mode_with_the_created_environment()
    {
        LocalWheel.Build(_work.Combine("wheels"));
        var script = _work.WriteFile("jobs/count_job.py", """
            import sys
            import sjg_probe
            from pyspark.sql import SparkSession
            spark = SparkSession.builder.appName("sjg-e2e").getOrCreate()
            n = int(sys.argv[sys.argv.index("--rows") + 1])
            total = spark.range(n).rdd.map(lambda x: 1).sum()
            print(f"probe={sjg_probe.VALUE} total={total} app={spark.sparkContext.applicationId}")
            spark.stop()
            """ + "\n");
        const string yaml = "name: e2e\ndependencies:\n  - python=3\n  - pip\n  - pip:\n      - sjg-probe==1.0\n";
        var job = new SparkJobDefinition("sjg-e2e", "jobs/count_job.py", "e2e", yaml, "3", null, [], [], [], [], []);
        var lines = new ConcurrentQueue<OutputLine>();

        var run = await SparkJobRunner.RunAsync(
            new SparkSubmission(job, ["--rows", "1000"]).WithScript(script).Local(2),
            new SparkJobRunOptions
            {
                Environment = new EnvironmentCreationOptions { CacheRoot = _work.Combine("envs"), Tool = EnvironmentTool.Venv, PipArguments = ["--no-index", "--find-links", _work.Combine("wheels")] },
                PackCacheRoot = _work.Combine("packs"),
                Archiver = new TarArchiver(),
                SparkSubmit = new SparkSubmitOptions { OnOutput = lines.Enqueue, Timeout = TimeSpan.FromMinutes(5) },
            });

        Assert.Equal("spark-submit", run.Submission.Backend);
        Assert.Equal(SubmissionState.Succeeded, run.Submission.FinalState);
        Assert.Contains(lines, l => l.Text.StartsWith($"probe={LocalWheel.Marker} total=1000 app=local-", StringComparison.Ordinal));
        Assert.StartsWith("local-", run.Submission.ApplicationId);
    }
}
