using System.Collections.Concurrent;
using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission;

/// <summary>SparkSubmitRunner against a spark-submit STAND-IN that records argv/environment and prints scripted log lines.</summary>
public sealed class SparkSubmitRunnerTests : IDisposable
{
    private readonly SparkSubmitStandIn _standIn = new();
    private readonly TempDirectory _work = new();
    private readonly string _script;
    private readonly string _archive;

    public SparkSubmitRunnerTests()
    {
        _script = _work.WriteFile("jobs/score_customers.py", "print('hello')\n");
        _archive = _work.WriteFile("analytics.tar.gz", "not really an archive; spark-submit is a stand-in\n");
    }

    public void Dispose()
    {
        _standIn.Dispose();
        _work.Dispose();
    }

    private SparkSubmitOptions Options(Action<OutputLine>? onOutput = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var variables = new Dictionary<string, string?> { ["SPARK_HOME"] = _standIn.SparkHome };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        return new SparkSubmitOptions { EnvironmentVariables = variables, OnOutput = onOutput };
    }

    /// <summary>Writes a yarn STAND-IN into <paramref name="bin"/> that records its argv and prints what <c>yarn application -kill</c> prints; returns the record's path.</summary>
    private static string YarnStandIn(TempDirectory bin)
    {
        var record = bin.Combine("yarn.argv");
        bin.WriteFile("yarn", $"#!/bin/bash\n# yarn STAND-IN for tests: records argv only.\nprintf '%s\\0' \"$@\" > '{record}'\necho \"Killing application $3\"\n", executable: true);
        return record;
    }

    /// <summary>
    /// Runs a Kubernetes cluster submission whose stand-in reports the driver pod running and sleeps, cancels it, and returns
    /// the cancellation; the stand-in's second invocation (the kill) records its argv and does not sleep.
    /// </summary>
    private async Task<SubmissionCanceledException> CancelWhileTheDriverRunsAsync(SparkSubmission submission)
    {
        var running = SparkLogs.KubernetesCluster("Running");
        _standIn.PrintsOnStderr(running[..running.IndexOf("(phase: Running)", StringComparison.Ordinal)] + "(phase: Running)").SleepsInChild(300);
        using var cts = new CancellationTokenSource();

        var run = SparkSubmitRunner.SubmitAsync(submission, Options(), cts.Token);
        await Processes.WaitUntilAsync(() => _standIn.ReadPid("child.pid") is not null, "the stand-in's sleeping child");
        File.Delete(Path.Combine(_standIn.Control, "sleep"));
        File.Delete(Path.Combine(_standIn.Control, "stderr"));
        cts.Cancel();

        return await Assert.ThrowsAsync<SubmissionCanceledException>(() => run);
    }

    private static string RealPath(string path) => Processes.Run("realpath", path).Output.Trim();

    private SparkSubmission Submission(IReadOnlyList<string>? jobArguments = null) =>
        new SparkSubmission(Jobs.ScoreCustomers(), jobArguments ?? ["--input", "hdfs:///data/customers"]).WithScript(_script);

    [Fact]
    public async Task Yarn_cluster_receives_exact_argv_and_environment_with_null_variables_removed()
    {
        var submission = Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(_archive).ExecutorMemory("4g").InQueue("etl").AsProxyUser("analyst");
        var options = Options(extra: new Dictionary<string, string?> { ["PYSPARK_DRIVER_PYTHON"] = "/inherited/python", ["SJG_MARKER"] = "kept" });

        var result = await SparkSubmitRunner.SubmitAsync(submission, options);

        Assert.Equal(submission.ToSparkSubmitArguments(), _standIn.ReceivedArguments());
        var environment = _standIn.ReceivedEnvironment();
        Assert.Equal("./environment/bin/python", environment["PYSPARK_PYTHON"]);
        Assert.False(environment.ContainsKey("PYSPARK_DRIVER_PYTHON"), "a null command variable must be unset in the child");
        Assert.Equal("kept", environment["SJG_MARKER"]);
        Assert.Equal(_standIn.SparkHome, environment["SPARK_HOME"]);
        Assert.Contains("--proxy-user", _standIn.ReceivedArguments());
        Assert.Equal("analyst", _standIn.ReceivedArguments()[Array.IndexOf(_standIn.ReceivedArguments(), "--proxy-user") + 1]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        Assert.Equal("spark-submit", result.Backend);
    }

    [Fact]
    public async Task Job_parameter_values_that_look_like_options_stay_after_the_script()
    {
        var rendered = new JobArgumentList()
            .Add("--note", "--master local[1] --conf spark.x=1")
            .Add("--label", "a b \"c\" = ünïcode\nline2")
            .ToArray();
        string[] jobArguments = [.. rendered, "--deploy-mode", "--conf", "spark.driver.memory=100g"];
        var submission = Submission(jobArguments).OnYarn(DeployMode.Client).WithEnvironmentArchive(_archive);

        await SparkSubmitRunner.SubmitAsync(submission, Options());

        var received = _standIn.ReceivedArguments();
        var scriptIndex = Array.IndexOf(received, "file://" + _script);
        Assert.True(scriptIndex > 0);
        Assert.Equal(jobArguments, received[(scriptIndex + 1)..]);
        Assert.Equal("--note=--master local[1] --conf spark.x=1", received[scriptIndex + 1]);
        // Nothing from the job's values leaked before the primary resource, where spark-submit reads its own options.
        Assert.DoesNotContain("spark.driver.memory=100g", received[..scriptIndex]);
        Assert.Equal(1, received[..scriptIndex].Count(a => a == "--deploy-mode"));
    }

    [Fact]
    public async Task Yarn_success_extracts_application_id_final_status_and_tracking_url()
    {
        _standIn.PrintsOnStderr(SparkLogs.YarnCluster("SUCCEEDED")).ExitsWith(0);
        var lines = new ConcurrentQueue<OutputLine>();

        var result = await SparkSubmitRunner.SubmitAsync(Submission().OnYarn().WithEnvironmentArchive(_archive), Options(lines.Enqueue));

        Assert.Equal("application_1732419000000_0042", result.ApplicationId);
        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        Assert.Equal("http://rm.example:8088/proxy/application_1732419000000_0042/", result.TrackingUrl);
        Assert.Equal(ClusterManager.Yarn, result.Cluster);
        Assert.Contains(lines, l => l.Channel == OutputChannel.StandardError && l.Text.Contains("(state: FINISHED)"));
    }

    [Fact]
    public async Task Yarn_failure_maps_to_failed_with_exit_code()
    {
        _standIn.PrintsOnStderr(SparkLogs.YarnCluster("FAILED")).ExitsWith(1);

        var result = await SparkSubmitRunner.SubmitAsync(Submission().OnYarn().WithEnvironmentArchive(_archive), Options());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(SubmissionState.Failed, result.FinalState);
        Assert.Equal("application_1732419000000_0042", result.ApplicationId);
    }

    [Fact]
    public async Task Yarn_killed_by_someone_else_maps_to_killed()
    {
        _standIn.PrintsOnStderr(SparkLogs.YarnCluster("KILLED")).ExitsWith(1);

        var result = await SparkSubmitRunner.SubmitAsync(Submission().OnYarn().WithEnvironmentArchive(_archive), Options());

        Assert.Equal(SubmissionState.Killed, result.FinalState);
    }

    [Fact]
    public async Task Kubernetes_cluster_extracts_submission_id_driver_pod_and_phase()
    {
        _standIn.PrintsOnStderr(SparkLogs.KubernetesCluster("Failed")).ExitsWith(0);
        var submission = Submission().OnKubernetes("https://k8s.example:6443", DeployMode.Cluster, "spark-py:3.5.1")
            .WithEnvironmentArchive("s3a://bucket/envs/analytics.tar.gz").WithScript("s3a://bucket/jobs/score_customers.py");

        var result = await SparkSubmitRunner.SubmitAsync(submission, Options());

        Assert.Equal("spark-3f2a9c1e5b7d4e8fa1b2c3d4e5f60718", result.ApplicationId);
        Assert.Equal("analytics:score-customers-5f1e8d9a3b2c4d10-driver", result.SubmissionId);
        Assert.Equal("score-customers-5f1e8d9a3b2c4d10-driver", result.DriverPod);
        Assert.Equal("analytics", result.Namespace);
        Assert.Equal(SubmissionState.Failed, result.FinalState);
    }

    [Fact]
    public async Task Standalone_extracts_driver_and_application_ids()
    {
        _standIn.PrintsOnStderr(SparkLogs.Standalone).ExitsWith(0);

        var result = await SparkSubmitRunner.SubmitAsync(Submission().OnStandalone("spark://master.example:7077").WithEnvironmentArchive(_archive), Options());

        Assert.Equal("app-20241124041005-0003", result.ApplicationId);
        Assert.Equal("driver-20241124041003-0001", result.SubmissionId);
        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
    }

    [Fact]
    public async Task Local_extracts_local_application_id_and_nonzero_exit_is_failed()
    {
        _standIn.PrintsOnStderr(SparkLogs.Local).ExitsWith(3);

        var result = await SparkSubmitRunner.SubmitAsync(Submission(), Options());

        Assert.Equal("local-1732419005123", result.ApplicationId);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(SubmissionState.Failed, result.FinalState);
    }

    [Fact]
    public async Task Cancellation_kills_the_process_tree_and_kills_the_yarn_application()
    {
        using var yarnBin = new TempDirectory("sjg-yarn");
        var yarnRecord = YarnStandIn(yarnBin);
        _standIn.PrintsOnStderr(SparkLogs.YarnRunning).SleepsInChild(300);
        var options = Options(extra: new Dictionary<string, string?> { ["PATH"] = yarnBin.Path + ":/usr/bin:/bin" });
        using var cts = new CancellationTokenSource();

        var run = SparkSubmitRunner.SubmitAsync(Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(_archive), options, cts.Token);
        await Processes.WaitUntilAsync(() => _standIn.ReadPid("child.pid") is not null, "the stand-in's sleeping child");
        var parent = _standIn.ReadPid("self.pid")!.Value;
        var child = _standIn.ReadPid("child.pid")!.Value;
        Assert.True(Processes.IsAlive(child));
        cts.Cancel();

        var exception = await Assert.ThrowsAsync<SubmissionCanceledException>(() => run);

        Assert.Equal(SubmissionState.Cancelled, exception.Result.FinalState);
        Assert.Equal("application_1732419000000_0042", exception.Result.ApplicationId);
        await Processes.WaitUntilAsync(() => !Processes.IsAlive(parent) && !Processes.IsAlive(child), "the process tree to be gone");
        Assert.Equal(["application", "-kill", "application_1732419000000_0042"], File.ReadAllText(yarnRecord).TrimEnd('\0').Split('\0'));
        Assert.Contains("exited with code 0", exception.Result.ClusterKill);
    }

    [Fact]
    public async Task Kubernetes_cluster_cancellation_runs_spark_submit_kill_with_the_submission_id()
    {
        var submission = Submission().OnKubernetes("https://k8s.example:6443", DeployMode.Cluster, "spark-py:3.5.1")
            .WithEnvironmentArchive("s3a://bucket/envs/analytics.tar.gz").WithScript("s3a://bucket/jobs/score_customers.py");

        var exception = await CancelWhileTheDriverRunsAsync(submission);

        Assert.Equal("analytics:score-customers-5f1e8d9a3b2c4d10-driver", exception.Result.SubmissionId);
        Assert.Equal(["--kill", "analytics:score-customers-5f1e8d9a3b2c4d10-driver", "--master", "k8s://https://k8s.example:6443"], _standIn.ReceivedArguments()[..4]);
        Assert.Contains("exited with code 0", exception.Result.ClusterKill);
    }

    /// <summary>
    /// An OnOutput that throws used to kill the pump that fed it: spark-submit then blocked on its full pipe until the timeout
    /// (forever without one) and the exception was lost. Now the callback gets no more lines, the tree is killed, the YARN
    /// application is killed as for a cancellation, and the callback's exception is the inner exception.
    /// </summary>
    [Fact]
    public async Task An_output_callback_that_throws_stops_the_submission_and_surfaces_its_exception()
    {
        using var yarnBin = new TempDirectory("sjg-yarn");
        var yarnRecord = YarnStandIn(yarnBin);
        // 200,000 lines after the application id: far more than a pipe holds, so a stopped reader blocks the stand-in.
        _standIn.PrintsOnStderr(SparkLogs.YarnRunning + "\n" + string.Join("\n", Enumerable.Repeat("INFO Client: Application report (state: RUNNING)", 200_000))).SleepsInChild(300);
        var calls = 0;
        var broken = new InvalidOperationException("log sink closed");
        var options = Options(
            onOutput: _ =>
            {
                // Well past the application id, so the YARN application is known and killed.
                if (Interlocked.Increment(ref calls) == 200)
                {
                    throw broken;
                }
            },
            extra: new Dictionary<string, string?> { ["PATH"] = yarnBin.Path + ":/usr/bin:/bin" }) with { Timeout = TimeSpan.FromMinutes(2) };

        // The timeout only bounds a regression: the old pump stopped reading and the run ended in SubmissionTimeoutException.
        var exception = await Assert.ThrowsAsync<SubmissionOutputException>(
            () => SparkSubmitRunner.SubmitAsync(Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(_archive), options));

        Assert.Same(broken, exception.InnerException);
        Assert.Contains("OnOutput callback threw InvalidOperationException", exception.Message, StringComparison.Ordinal);
        Assert.Equal(SubmissionState.Cancelled, exception.Result.FinalState);
        Assert.Equal(200, Volatile.Read(ref calls));
        var parent = _standIn.ReadPid("self.pid")!.Value;
        await Processes.WaitUntilAsync(() => !Processes.IsAlive(parent), "the stand-in to be gone");
        Assert.Equal("application_1732419000000_0042", exception.Result.ApplicationId);
        Assert.Equal(["application", "-kill", "application_1732419000000_0042"], File.ReadAllText(yarnRecord).TrimEnd('\0').Split('\0'));
        Assert.Contains("exited with code 0", exception.Result.ClusterKill);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_starts_nothing_and_is_a_submission_cancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var exception = await Assert.ThrowsAsync<SubmissionCanceledException>(() => SparkSubmitRunner.SubmitAsync(Submission(), Options(), cts.Token));

        Assert.False(_standIn.WasStarted);
        Assert.Equal(SubmissionState.Cancelled, exception.Result.FinalState);
        Assert.Equal(cts.Token, exception.CancellationToken);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(50 * 24 * 3600)]
    public void A_timeout_no_timer_can_wait_is_refused_when_set(int seconds)
    {
        var value = TimeSpan.FromSeconds(seconds);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SparkSubmitOptions { Timeout = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SparkJobGen.Submission.Livy.LivyOptions(new Uri("http://127.0.0.1:8998/")) { Timeout = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalContainerOptions { Timeout = value });
        Assert.Equal(TimeSpan.FromDays(49), new SparkSubmitOptions { Timeout = TimeSpan.FromDays(49) }.Timeout);
        Assert.Null(new SparkSubmitOptions { Timeout = null }.Timeout);
    }

    [Fact]
    public async Task A_missing_working_directory_or_interpreter_is_named_instead_of_blaming_the_executable_bit()
    {
        var missing = _work.Combine("no-such-dir");
        var options = Options() with { WorkingDirectory = missing };

        var noDirectory = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkSubmitRunner.SubmitAsync(Submission(), options));
        Assert.Contains($"The working directory '{missing}' does not exist", noDirectory.Message, StringComparison.Ordinal);

        var sparkSubmit = _work.WriteFile("spark/bin/spark-submit", "#!/no/such/interpreter -e\necho hi\n", executable: true);
        var noInterpreter = await Assert.ThrowsAsync<SubmissionPreflightException>(
            () => SparkSubmitRunner.SubmitAsync(Submission(), Options() with { SparkSubmitPath = sparkSubmit }));
        Assert.Contains("names the interpreter '/no/such/interpreter', which does not exist", noInterpreter.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// spark-submit --kill builds its Kubernetes client from its own command's configuration (Spark v3.5.1
    /// core/src/main/scala/org/apache/spark/deploy/SparkSubmit.scala:110 args.toSparkConf();
    /// resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/submit/K8sSubmitOps.scala:116-122 reads
    /// spark.kubernetes.authenticate.submission.*), so the submission's spark.kubernetes.* settings go with the kill, and
    /// only spark-submit's own options are read (a job argument that looks like --conf is not).
    /// </summary>
    [Fact]
    public async Task Kubernetes_kill_passes_the_submissions_kubernetes_settings_and_masks_the_token()
    {
        var submission = new SparkSubmission(Jobs.ScoreCustomers(), ["--conf", "spark.kubernetes.context=from-the-job"])
            .OnKubernetes("https://k8s.example:6443", DeployMode.Cluster, "spark-py:3.5.1")
            .WithEnvironmentArchive("s3a://bucket/envs/analytics.tar.gz").WithScript("s3a://bucket/jobs/score_customers.py")
            .WithConf("spark.kubernetes.context", "prod")
            .WithConf("spark.executor.memory", "4g")
            .WithSecretConf("spark.kubernetes.authenticate.submission.oauthToken", "tok-8c1f2e");

        var exception = await CancelWhileTheDriverRunsAsync(submission);

        var kill = _standIn.ReceivedArguments();
        Assert.Equal(["--kill", "analytics:score-customers-5f1e8d9a3b2c4d10-driver", "--master", "k8s://https://k8s.example:6443"], kill[..4]);
        var pairs = kill[4..].Chunk(2).ToList();
        Assert.All(pairs, pair => Assert.Equal("--conf", pair[0]));
        var conf = pairs.Select(pair => pair[1]).ToList();
        Assert.All(conf, entry => Assert.StartsWith("spark.kubernetes.", entry, StringComparison.Ordinal));
        Assert.Contains("spark.kubernetes.context=prod", conf);
        Assert.Contains("spark.kubernetes.authenticate.submission.oauthToken=tok-8c1f2e", conf);
        Assert.Contains("spark.kubernetes.container.image=spark-py:3.5.1", conf);
        Assert.DoesNotContain("tok-8c1f2e", exception.Result.ClusterKill, StringComparison.Ordinal);
        Assert.DoesNotContain("from-the-job", string.Join(" ", _standIn.ReceivedArguments()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_is_distinct_from_cancellation_and_kills_the_tree()
    {
        _standIn.SleepsInChild(300);

        // On a loaded machine the timeout can fire before the stand-in has started its child; that attempt proves nothing
        // about the child, so it is repeated with a longer timeout until the child was running when the timeout fired.
        foreach (var seconds in new[] { 1, 4, 15, 60 })
        {
            File.Delete(Path.Combine(_standIn.Control, "child.pid"));
            File.Delete(Path.Combine(_standIn.Control, "self.pid"));
            var options = Options() with { Timeout = TimeSpan.FromSeconds(seconds) };

            var exception = await Assert.ThrowsAsync<SubmissionTimeoutException>(() => SparkSubmitRunner.SubmitAsync(Submission(), options));

            Assert.Equal(SubmissionState.TimedOut, exception.Result.FinalState);
            Assert.Contains("client deploy mode", exception.Result.ClusterKill);
            if (_standIn.ReadPid("child.pid") is not { } child)
            {
                continue;
            }

            await Processes.WaitUntilAsync(() => !Processes.IsAlive(child) && !Processes.IsAlive(_standIn.ReadPid("self.pid")!.Value), "the process tree to be gone");
            return;
        }

        Assert.Fail("The stand-in never started its child before a 60 s timeout.");
    }

    [Fact]
    public async Task An_inherited_SPARK_REMOTE_is_removed_from_spark_submits_environment()
    {
        // Spark 3.4.0 and 3.5.1 core/src/main/scala/org/apache/spark/deploy/SparkSubmitArguments.scala:160 take SPARK_REMOTE
        // from the environment and :248-250 refuse it next to a master or deploy mode ("Remote cannot be specified with master
        // and/or deploy mode."); the launcher does the same first (launcher/.../SparkSubmitCommandBuilder.java:356-362).
        var options = Options(extra: new Dictionary<string, string?> { ["SPARK_REMOTE"] = "sc://connect.example:15002" });

        await SparkSubmitRunner.SubmitAsync(Submission().OnYarn(DeployMode.Client).WithEnvironmentArchive(_archive), options);

        Assert.False(_standIn.ReceivedEnvironment().ContainsKey("SPARK_REMOTE"));
        Assert.Contains("--master", _standIn.ReceivedArguments());
    }

    [Theory]
    [InlineData("C", null, null, "LC_ALL", "C.UTF-8")]
    [InlineData("POSIX", null, "en_US.UTF-8", "LC_ALL", "C.UTF-8")]
    [InlineData(null, null, "C", "LC_CTYPE", "C.UTF-8")]
    [InlineData(null, null, null, "LC_CTYPE", "C.UTF-8")]
    [InlineData(null, "de_DE.ISO-8859-1", "en_US.UTF-8", "LC_CTYPE", "C.UTF-8")]
    [InlineData(null, null, "en_US.UTF-8", "LC_CTYPE", null)]
    [InlineData("de_DE.utf8", null, null, "LC_ALL", "de_DE.utf8")]
    public async Task A_non_utf8_locale_is_replaced_by_a_utf8_character_set(string? lcAll, string? lcCtype, string? lang, string variable, string? expected)
    {
        var options = Options(extra: new Dictionary<string, string?> { ["LC_ALL"] = lcAll, ["LC_CTYPE"] = lcCtype, ["LANG"] = lang });

        await SparkSubmitRunner.SubmitAsync(Submission(), options);

        var environment = _standIn.ReceivedEnvironment();
        Assert.Equal(expected, environment.GetValueOrDefault(variable));
        // LANG (messages, dates, numbers) is left as it was.
        Assert.Equal(lang, environment.GetValueOrDefault("LANG"));
    }

    [Fact]
    public async Task Client_mode_with_a_local_environment_runs_where_environment_resolves_and_relative_paths_still_work()
    {
        // spark.pyspark.python=./environment/bin/python is also what Spark 4 starts inside the driver (apache/spark 003a69c
        // sql/core/src/main/scala/org/apache/spark/sql/execution/python/PythonPlannerRunner.scala:66), relative to the
        // driver's working directory, which is spark-submit's in client mode.
        using var environment = new TempDirectory("sjg-localenv");
        var python = environment.WriteFile("bin/python", "#!/bin/sh\n", executable: true);
        var relativeScript = Path.GetRelativePath(Environment.CurrentDirectory, _script);
        var submission = new SparkSubmission(Jobs.ScoreCustomers(), ["--input", "x"]).WithScript(relativeScript)
            .OnStandalone("spark://master.example:7077").WithEnvironmentArchive(_archive).WithDriverPython(python);

        await SparkSubmitRunner.SubmitAsync(submission, Options() with { LocalEnvironment = environment.Path });

        Assert.Equal(RealPath(python), _standIn.ReceivedEnvironmentPython());
        Assert.NotEqual(RealPath(Environment.CurrentDirectory), _standIn.ReceivedWorkingDirectory());
        Assert.Contains("file://" + _script, _standIn.ReceivedArguments());
        Assert.False(Directory.Exists(_standIn.ReceivedWorkingDirectory()));
        Assert.True(File.Exists(python));

        // Cluster deploy mode (the driver is not here) and local mode keep the caller's working directory.
        await SparkSubmitRunner.SubmitAsync(submission.OnYarn(DeployMode.Cluster), Options() with { LocalEnvironment = environment.Path });
        Assert.Equal(RealPath(Environment.CurrentDirectory), _standIn.ReceivedWorkingDirectory());
        Assert.Equal(string.Empty, _standIn.ReceivedEnvironmentPython());
    }

    [Fact]
    public async Task Missing_spark_submit_is_reported_before_anything_starts()
    {
        using var empty = new TempDirectory();
        var options = new SparkSubmitOptions { EnvironmentVariables = new Dictionary<string, string?> { ["SPARK_HOME"] = null, ["PATH"] = empty.Path } };

        var exception = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkSubmitRunner.SubmitAsync(Submission(), options));

        Assert.Contains("spark-submit was not found", exception.Message);
        Assert.Contains("SPARK_HOME", exception.Message);
        Assert.Contains("Install Spark", exception.Message);
    }

    [Fact]
    public async Task Spark_home_without_spark_submit_names_the_expected_path()
    {
        using var notSpark = new TempDirectory();
        var options = new SparkSubmitOptions { EnvironmentVariables = new Dictionary<string, string?> { ["SPARK_HOME"] = notSpark.Path, ["PATH"] = notSpark.Path } };

        var exception = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkSubmitRunner.SubmitAsync(Submission(), options));

        Assert.Contains(Path.Combine(notSpark.Path, "bin", "spark-submit"), exception.Message);
    }

    [Fact]
    public async Task Missing_java_is_reported_before_spark_submit_starts()
    {
        using var empty = new TempDirectory();
        var options = Options(extra: new Dictionary<string, string?> { ["JAVA_HOME"] = null, ["PATH"] = empty.Path });

        var exception = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkSubmitRunner.SubmitAsync(Submission(), options));

        Assert.Contains("Java was not found", exception.Message);
        Assert.Contains("JAVA_HOME", exception.Message);
        Assert.False(_standIn.WasStarted);
    }

    [Fact]
    public async Task Missing_local_archive_is_reported_before_spark_submit_starts()
    {
        var missing = _work.Combine("nope", "analytics.tar.gz");

        var exception = await Assert.ThrowsAsync<SubmissionPreflightException>(
            () => SparkSubmitRunner.SubmitAsync(Submission().OnYarn().WithEnvironmentArchive(missing), Options()));

        Assert.Contains(missing, exception.Message);
        Assert.Contains("sparkjobgen pack", exception.Message);
        Assert.False(_standIn.WasStarted);
    }

    [Fact]
    public async Task Missing_local_script_is_reported_and_remote_archive_is_not_checked()
    {
        var missing = _work.Combine("jobs", "absent.py");
        var submission = Submission().OnYarn().WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz").WithScript(missing);

        var exception = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkSubmitRunner.SubmitAsync(submission, Options()));

        Assert.Contains(missing, exception.Message);
        Assert.False(_standIn.WasStarted);
    }

    [Fact]
    public async Task Configured_spark_submit_wins_over_spark_home()
    {
        using var other = new SparkSubmitStandIn();
        var options = Options() with { SparkSubmitPath = other.SparkSubmit };

        await SparkSubmitRunner.SubmitAsync(Submission(), options);

        Assert.True(other.WasStarted);
        Assert.False(_standIn.WasStarted);
    }

    [Fact]
    public async Task Secrets_never_reach_output_logs_or_the_logged_command()
    {
        const string password = "hunter2-keystore-pw";
        const string keytab = "/etc/security/keytabs/etl.service.keytab";
        _standIn.PrintsOnStderr($"24/11/24 04:10:01 INFO SecurityManager: keystore password is {password}\nUsing keytab {keytab} for principal etl@EXAMPLE.COM\nspark.ssl.trustStorePassword=other-secret-value");
        var submission = Submission().OnYarn(DeployMode.Client).WithEnvironmentArchive(_archive)
            .WithConf("spark.ssl.keyStorePassword", password).WithConf("spark.kerberos.keytab", keytab);
        var lines = new ConcurrentQueue<OutputLine>();
        var logger = new CollectingLogger();

        await SparkSubmitRunner.SubmitAsync(submission, Options(lines.Enqueue) with { Logger = logger });

        var everything = string.Join("\n", lines.Select(l => l.Text)) + "\n" + logger.AllText;
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain(keytab, everything);
        Assert.DoesNotContain("other-secret-value", everything);
        Assert.Contains("keystore password is ***", everything);
        Assert.Contains("spark.ssl.keyStorePassword=***", logger.AllText);
        // The child still receives the real values.
        Assert.Contains("spark.ssl.keyStorePassword=" + password, _standIn.ReceivedArguments());
    }
}
