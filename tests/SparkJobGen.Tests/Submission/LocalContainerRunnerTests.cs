using System.Collections.Concurrent;
using System.Text.Json;
using SparkJobGen.Environments;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Preflight;
using SparkJobGen.Tests.Environments;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// The local container run and the one-call job runner with a REAL venv (this machine's python3 plus a locally built wheel),
/// archived by <see cref="TarArchiver"/> until the Packing library's packer is wired in, extracted as environment/ and run
/// with the packed interpreter.
/// </summary>
public sealed class LocalContainerRunnerTests : IDisposable
{
    // Prints what a YARN container would show the job: its interpreter, working-directory layout, PYSPARK_PYTHON and argv.
    private const string ProbeScript = """
        import json, os, sys
        import sjg_probe
        print(json.dumps({
            "value": sjg_probe.VALUE,
            "executable_in_cwd_environment": os.path.realpath(sys.prefix) == os.path.realpath(os.path.join(os.getcwd(), "environment")),
            "cwd_entries": sorted(os.listdir(".")),
            "pyspark_python": os.environ.get("PYSPARK_PYTHON"),
            "argv": sys.argv[1:],
        }))
        code = int(os.environ.get("PROBE_EXIT", "0"))
        if os.environ.get("PROBE_SLEEP"):
            import time; time.sleep(int(os.environ["PROBE_SLEEP"]))
        sys.exit(code)
        """;

    private const string Yaml = "name: probe\nchannels:\n  - conda-forge\ndependencies:\n  - python=3\n  - pip\n  - pip:\n      - sjg-probe==1.0\n";

    private readonly TempDirectory _work = new("sjg-container");
    private readonly string _script;

    public LocalContainerRunnerTests()
    {
        LocalWheel.Build(_work.Combine("wheels"));
        _script = _work.WriteFile("jobs/probe_job.py", ProbeScript + "\n");
    }

    public void Dispose() => _work.Dispose();

    private SparkJobRunOptions RunOptions(TarArchiver archiver, IReadOnlyDictionary<string, string?>? variables = null, Action<OutputLine>? onOutput = null) => new()
    {
        Environment = new EnvironmentCreationOptions
        {
            CacheRoot = _work.Combine("cache", "envs"),
            Tool = EnvironmentTool.Venv,
            PipArguments = ["--no-index", "--find-links", _work.Combine("wheels")],
        },
        PackCacheRoot = _work.Combine("cache", "packs"),
        Archiver = archiver,
        SparkSubmit = new SparkSubmitOptions
        {
            EnvironmentVariables = variables ?? new Dictionary<string, string?> { ["SPARK_HOME"] = null, ["PATH"] = "/usr/bin:/bin" },
            OnOutput = onOutput,
        },
        Container = new LocalContainerOptions { OnOutput = onOutput, ScratchRoot = _work.Combine("scratch") },
    };

    private static SparkJobDefinition ProbeJob(string script) =>
        new("probe-job", script, "probe", Yaml, "3", null, [], [], [new PackageRequirement("sjg-probe", "==1.0")], [], []);

    [Fact]
    public async Task Without_spark_the_job_runs_in_a_local_container_from_the_packed_real_venv_and_reuses_caches()
    {
        string[] jobArguments = [.. new JobArgumentList().Add("--note", "--master local[1]").Add("--label", "a b \"c\" = ünïcode\nline2").Add("--run-date", new DateOnly(2026, 11, 24)), "--dry-run"];
        var submission = new SparkSubmission(ProbeJob("jobs/probe_job.py"), jobArguments).WithScript(_script);
        var lines = new ConcurrentQueue<OutputLine>();
        var archiver = new TarArchiver();
        var steps = new ConcurrentQueue<JobRunStep>();

        var run = await SparkJobRunner.RunAsync(submission, RunOptions(archiver, onOutput: lines.Enqueue) with { OnStep = steps.Enqueue });

        Assert.Equal("local-container", run.Submission.Backend);
        Assert.Equal(SubmissionState.Succeeded, run.Submission.FinalState);
        Assert.Equal(0, run.Submission.ExitCode);
        var report = JsonDocument.Parse(lines.Single(l => l.Text.StartsWith('{')).Text).RootElement;
        Assert.Equal(LocalWheel.Marker, report.GetProperty("value").GetString());
        Assert.True(report.GetProperty("executable_in_cwd_environment").GetBoolean());
        Assert.Equal(["environment", "probe_job.py"], report.GetProperty("cwd_entries").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("./environment/bin/python", report.GetProperty("pyspark_python").GetString());
        Assert.Equal(jobArguments, report.GetProperty("argv").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, Processes.Run("gzip", "-t", run.EnvironmentArchive).ExitCode);
        Assert.False(run.ArchiveReused);
        Assert.Contains(steps, s => s.Name == "verify");
        Assert.Empty(Directory.GetFileSystemEntries(_work.Combine("scratch")));

        var second = await SparkJobRunner.RunAsync(submission, RunOptions(archiver));

        Assert.True(second.Environment!.Reused);
        Assert.True(second.ArchiveReused);
        Assert.Equal(1, archiver.Packs);
        Assert.Equal(SubmissionState.Succeeded, second.Submission.FinalState);

        // One archive cache: the runner's record is the pack cache's (packs/index, as `sparkjobgen pack` keeps them), no marker of
        // its own beside the archive; and like every pack cache hit it needs the archive unchanged since it was recorded.
        Assert.Single(Directory.GetFiles(_work.Combine("cache", "packs", "index"), "*.json"));
        Assert.Empty(Directory.GetFiles(_work.Combine("cache", "packs"), "*.complete.json", SearchOption.AllDirectories));
        await using (var damaged = File.Open(run.EnvironmentArchive, FileMode.Open))
        {
            damaged.SetLength(damaged.Length / 2);
        }

        var third = await SparkJobRunner.RunAsync(submission, RunOptions(archiver));

        Assert.False(third.ArchiveReused);
        Assert.Equal(2, archiver.Packs);
        Assert.Equal(0, Processes.Run("gzip", "-t", third.EnvironmentArchive).ExitCode);
        Assert.Equal(SubmissionState.Succeeded, third.Submission.FinalState);
    }

    [Fact]
    public async Task With_spark_present_local_mode_runs_spark_submit_with_the_created_interpreter()
    {
        using var standIn = new SparkSubmitStandIn();
        var submission = new SparkSubmission(ProbeJob("jobs/probe_job.py"), ["--input", "data/x.csv"]).WithScript(_script);
        var variables = new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome };

        var run = await SparkJobRunner.RunAsync(submission, RunOptions(new TarArchiver(), variables));

        Assert.Equal("spark-submit", run.Submission.Backend);
        var argv = standIn.ReceivedArguments();
        Assert.Equal(["--master", "local[*]"], argv[..2]);
        Assert.Contains("spark.pyspark.python=" + run.Environment!.PythonPath, argv);
        Assert.Equal(["--input", "data/x.csv"], argv[^2..]);
        Assert.Equal(run.Environment.PythonPath, standIn.ReceivedEnvironment()["PYSPARK_PYTHON"]);
    }

    [Fact]
    public async Task Cluster_submission_ships_the_packed_archive()
    {
        using var standIn = new SparkSubmitStandIn();
        var submission = new SparkSubmission(ProbeJob("jobs/probe_job.py"), []).WithScript(_script).OnYarn(DeployMode.Cluster);

        var run = await SparkJobRunner.RunAsync(submission, RunOptions(new TarArchiver(), new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }));

        var argv = standIn.ReceivedArguments();
        Assert.Equal("file://" + run.EnvironmentArchive + "#environment", argv[Array.IndexOf(argv, "--archives") + 1]);
        Assert.Contains("spark.yarn.appMasterEnv.PYSPARK_PYTHON=./environment/bin/python", argv);
    }

    [Fact]
    public async Task Client_modes_drive_with_the_created_environment_in_a_directory_where_environment_resolves_to_it()
    {
        using var standIn = new SparkSubmitStandIn();
        standIn.ReportsVersion("3.5.1");
        var steps = new ConcurrentQueue<JobRunStep>();
        var submission = new SparkSubmission(ProbeJob("jobs/probe_job.py"), ["--input", "data/x.csv"]).WithScript(_script).OnYarn(DeployMode.Client);

        var run = await SparkJobRunner.RunAsync(submission, RunOptions(new TarArchiver(), new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }) with { OnStep = steps.Enqueue });

        // The driver runs the created environment's interpreter, not python3 from PATH (PythonRunner picks
        // spark.pyspark.driver.python first: Spark 3.5.1 core/src/main/scala/org/apache/spark/deploy/PythonRunner.scala:43-46).
        var python = run.Environment!.PythonPath;
        var argv = standIn.ReceivedArguments();
        Assert.Contains("spark.pyspark.driver.python=" + python, argv);
        Assert.Contains("spark.pyspark.python=./environment/bin/python", argv);
        Assert.Equal(python, standIn.ReceivedEnvironment()["PYSPARK_DRIVER_PYTHON"]);
        // ./environment/bin/python resolves, in spark-submit's working directory, to the same environment. Spark 4 runs Python
        // in the driver with the executors' interpreter: apache/spark (003a69c) sql/core/src/main/scala/org/apache/spark/sql/
        // execution/python/PythonPlannerRunner.scala:40-42 ("run Python functions in Spark driver") and :66
        // (val pythonExec = func.pythonExec), which PySpark takes from PYSPARK_PYTHON, set from spark.pyspark.python by
        // Spark 3.5.1 core/src/main/scala/org/apache/spark/deploy/PythonRunner.scala:85.
        Assert.Equal(Processes.Run("realpath", python).Output.Trim(), standIn.ReceivedEnvironmentPython());
        Assert.NotEqual(Environment.CurrentDirectory, standIn.ReceivedWorkingDirectory());
        Assert.False(Directory.Exists(standIn.ReceivedWorkingDirectory()), "the run directory held only the link and is removed");
        Assert.True(File.Exists(python), "removing the link must not touch the environment");
        // The preflight ran and was reported.
        Assert.Equal(PreflightStatus.Passed, run.Preflight!.Checks.Single(c => c.Name == "python").Status);
        Assert.Contains(steps, s => s.Name == "preflight" && s.Detail.StartsWith("python passed", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Name == "preflight" && s.Detail.StartsWith("spark passed: spark-submit is Spark 3.5.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_preflight_stops_the_run_before_spark_submit_and_can_be_skipped()
    {
        using var standIn = new SparkSubmitStandIn();
        standIn.ReportsVersion("3.0.3");
        var submission = new SparkSubmission(ProbeJob("jobs/probe_job.py"), []).WithScript(_script).OnStandalone("spark://m:7077");
        var options = RunOptions(new TarArchiver(), new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome });

        var error = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkJobRunner.RunAsync(submission, options));

        Assert.Contains("spark.archives, added in Spark 3.1", error.Message, StringComparison.Ordinal);
        Assert.False(standIn.WasStarted);

        var skipped = await SparkJobRunner.RunAsync(submission, options with { SkipPreflight = true });
        Assert.True(standIn.WasStarted);
        Assert.Null(skipped.Preflight);
    }

    [Fact]
    public async Task A_value_spark_would_change_is_refused_before_any_environment_is_created_or_packed()
    {
        var archiver = new TarArchiver();
        var rendered = new JobArgumentList().Add("--pattern", "`echo INJECTED`").ToArray();
        var yarnCluster = new SparkSubmission(ProbeJob("jobs/probe_job.py"), rendered).WithScript(_script).OnYarn(DeployMode.Cluster);
        var local = new SparkSubmission(ProbeJob("jobs/probe_job.py"), new JobArgumentList().Add("--note", "a\r\nb").ToArray()).WithScript(_script);

        var shell = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkJobRunner.RunAsync(yarnCluster, RunOptions(archiver)));
        var carriageReturn = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkJobRunner.RunAsync(local, RunOptions(archiver)));

        Assert.Contains("job parameter --pattern", shell.Message, StringComparison.Ordinal);
        Assert.Contains("job parameter --note", carriageReturn.Message, StringComparison.Ordinal);
        Assert.Equal(0, archiver.Packs);
        Assert.False(Directory.Exists(_work.Combine("cache", "envs")) && Directory.EnumerateFileSystemEntries(_work.Combine("cache", "envs")).Any(),
            "no environment may be created for a submission that is refused");
    }

    [Fact]
    public async Task Script_failure_timeout_and_bad_archive_are_reported()
    {
        var archiver = new TarArchiver();
        var warmup = await SparkJobRunner.RunAsync(new SparkSubmission(ProbeJob("p.py"), []).WithScript(_script), RunOptions(archiver));
        var archive = warmup.EnvironmentArchive;

        var failed = await LocalContainerRunner.RunAsync(
            new LocalContainerRequest(archive, _script, []) { Environment = new Dictionary<string, string?> { ["PROBE_EXIT"] = "3" } });
        Assert.Equal(3, failed.ExitCode);
        Assert.Equal(SubmissionState.Failed, failed.FinalState);

        var timeout = await Assert.ThrowsAsync<SubmissionTimeoutException>(() => LocalContainerRunner.RunAsync(
            new LocalContainerRequest(archive, _script, []) { Environment = new Dictionary<string, string?> { ["PROBE_SLEEP"] = "60" } },
            new LocalContainerOptions { Timeout = TimeSpan.FromSeconds(1) }));
        Assert.Equal(SubmissionState.TimedOut, timeout.Result.FinalState);

        var notAnEnvironment = _work.Combine("empty.tar.gz");
        Assert.Equal(0, Processes.Run("tar", "-czf", notAnEnvironment, "-C", _work.Combine("jobs"), ".").ExitCode);
        var bad = await Assert.ThrowsAsync<SubmissionPreflightException>(() => LocalContainerRunner.RunAsync(new LocalContainerRequest(notAnEnvironment, _script, [])));
        Assert.Contains("no bin/python", bad.Message);
    }

    [Fact]
    public async Task Without_a_packer_the_error_says_what_to_configure()
    {
        var options = RunOptions(new TarArchiver()) with { Archiver = null };

        var exception = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkJobRunner.RunAsync(new SparkSubmission(ProbeJob("p.py"), []).WithScript(_script), options));

        Assert.Contains("Archiver", exception.Message);
    }
}
