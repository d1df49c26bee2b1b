using System.Text.Json;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Environments;
using SparkJobGen.Tests.Submission;
using SparkJobGen.Tests.Submission.Livy;

namespace SparkJobGen.Cli.Tests;

/// <summary>The sparkjobgen tool as a real process: verbs, exit codes, --json, discovery from an assembly, spark-submit stand-in, Livy contract server, venv creation.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-cli");
    private readonly string _assembly;

    public CliTests()
    {
        _assembly = ProbeAssembly.LayOut(_work);
    }

    public void Dispose() => _work.Dispose();

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    /// <summary>
    /// A project with several target frameworks has no single TargetPath (MSBuild's outer build defines none); `jobs list`
    /// names each framework's assembly for --assembly instead of failing with an empty reason.
    /// </summary>
    [Fact]
    public async Task A_multi_targeted_project_names_the_assembly_of_each_framework()
    {
        var project = Path.Combine(_work.Path, "multi", "Multi.csproj");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        File.WriteAllText(project, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
              </PropertyGroup>
            </Project>
            """);
        var (code, _, stderr) = await CliProcess.RunAsync(null, "jobs", "list", "--project", project, "--no-build");
        Assert.Equal(7, code);
        Assert.Contains("targets several frameworks (net8.0, net10.0)", stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("bin", "Debug", "net8.0", "Multi.dll") + " (net8.0)", stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("bin", "Debug", "net10.0", "Multi.dll") + " (net10.0)", stderr, StringComparison.Ordinal);
    }

    /// <summary>A bad value for an option is a usage error whose message does not name a .NET parameter ("(Parameter 'cores')").</summary>
    [Fact]
    public async Task Bad_option_values_are_usage_errors_without_dotnet_parameter_names()
    {
        string[][] cases =
        [
            ["submit", "probe-job", "--assembly", _assembly, "--dry-run", "--executor-cores", "0"],
            ["submit", "probe-job", "--assembly", _assembly, "--dry-run", "--master", "local[0]"],
            ["store", "ls", "file:///tmp/envs/analytics.tar.gz"],
        ];
        string[] named = ["--executor-cores '0': ", "--master 'local[0]': ", "names an archive, not a folder"];
        for (var i = 0; i < cases.Length; i++)
        {
            var (code, _, stderr) = await CliProcess.RunAsync(null, cases[i]);
            Assert.True(code == 2, $"{string.Join(' ', cases[i])} exited {code}: {stderr}");
            Assert.Contains(named[i], stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter '", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Actual value was", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }

        var notANumber = await CliProcess.RunAsync(null, "submit", "probe-job", "--assembly", _assembly, "--executor-cores", "abc");
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Contains("'abc' is not a valid value for --executor-cores: expected a whole number.", notANumber.Stderr, StringComparison.Ordinal);
        var tool = await CliProcess.RunAsync(null, "env", "create", "environment.yaml", "--tool", "foo");
        Assert.Equal(2, tool.ExitCode);
        Assert.Contains("'foo' is not an environment tool: use auto, micromamba, mamba, conda, venv.", tool.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("SparkJobGen.Environments", tool.Stderr, StringComparison.Ordinal);

        // A declared cluster Spark version is checked as a value, as --cluster-glibc is, also where no preflight runs.
        foreach (var verb in new[] { "submit", "run" })
        {
            var sparkVersion = await CliProcess.RunAsync(null, verb, "probe-job", "--assembly", _assembly, "--master", "yarn", "--archive", "hdfs:///envs/a.tar.gz", "--dry-run", "--cluster-spark-version", "3.x");
            Assert.True(sparkVersion.ExitCode == 2, $"{verb} exited {sparkVersion.ExitCode}: {sparkVersion.Stderr}");
            Assert.Contains("--cluster-spark-version '3.x' is not a version such as 3.5.1.", sparkVersion.Stderr, StringComparison.Ordinal);
        }

        var zero = await CliProcess.RunAsync(null, "submit", "probe-job", "--assembly", _assembly, "--dry-run", "--timeout", "0");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("'0' is not a time limit: it must be longer than zero", zero.Stderr, StringComparison.Ordinal);
        foreach (var endless in new[] { "Infinity", "1e300" })
        {
            var huge = await CliProcess.RunAsync(null, "submit", "probe-job", "--assembly", _assembly, "--dry-run", "--timeout", endless);
            Assert.True(huge.ExitCode == 2, huge.Stderr);
            Assert.Contains($"'{endless}' is not a duration", huge.Stderr, StringComparison.Ordinal);
        }

        var json = await CliProcess.RunAsync(null, "store", "ls", "file:///tmp/envs/analytics.tar.gz", "--json");
        Assert.EndsWith("inside it).", Json(json.Stdout).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_create_of_a_folder_says_it_is_a_folder()
    {
        var folder = _work.Combine("sparkjobs-env");
        Directory.CreateDirectory(folder);
        var (code, _, stderr) = await CliProcess.RunAsync(null, "env", "create", folder, "--cache-dir", _work.Combine("cache"));
        Assert.Equal(3, code);
        Assert.Contains("is a folder, not an environment file: pass its environment.yaml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_submission_without_an_archive_says_which_option_to_pass()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "submit", "probe-job", "--assembly", _assembly, "--master", "yarn", "--deploy-mode", "cluster", "--dry-run");
        Assert.Equal(3, code);
        Assert.Contains("no environment archive was given for Yarn mode: pass --archive", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("WithEnvironmentArchive", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_verbs_and_unknown_input_is_a_usage_error()
    {
        var help = await CliProcess.RunAsync(null, "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var verb in new[] { "run", "submit", "env", "jobs" })
        {
            Assert.Contains(verb, help.Stdout);
        }

        var bogus = await CliProcess.RunAsync(null, "bogus");
        Assert.Equal(2, bogus.ExitCode);
        Assert.Contains("bogus", bogus.Stderr);

        var badOption = await CliProcess.RunAsync(null, "submit", "probe-job", "--assembly", _assembly, "--deploy-mode", "sideways");
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public async Task Jobs_list_reads_the_assembly_without_loading_it()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(null, "jobs", "list", "--assembly", _assembly, "--json");

        Assert.Equal(0, code);
        var jobs = Json(stdout).GetProperty("jobs").EnumerateArray().ToArray();
        Assert.Equal(["probe-job", "other-job"], jobs.Select(j => j.GetProperty("name").GetString()));
        Assert.Equal("jobs/probe_job.py", jobs[0].GetProperty("script").GetString());

        var plain = await CliProcess.RunAsync(null, "jobs", "list", "--assembly", _assembly);
        Assert.Contains("probe-job\tprobe\tjobs/probe_job.py\tSparkJobGen.Cli.Tests.ProbeJob", plain.Stdout);
    }

    [Fact]
    public async Task Unknown_job_exits_7_and_names_the_jobs()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "submit", "nope", "--assembly", _assembly);

        Assert.Equal(7, code);
        Assert.Contains("probe-job, other-job", stderr);
    }

    [Fact]
    public async Task Dry_run_shows_the_argv_with_job_arguments_after_the_script_and_secrets_masked()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            null, "submit", "probe-job", "--assembly", _assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", "hdfs:///envs/probe.tar.gz",
            "--conf", "spark.ssl.keyStorePassword=topsecret-pw", "--proxy-user", "analyst", "--dry-run", "--json", "--", "--master", "local", "--note=--conf x=y");

        Assert.True(code == 0, stderr);
        var argv = Json(stdout).GetProperty("sparkSubmitArguments").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var script = Array.FindIndex(argv, a => a.EndsWith("sparkjobs/probe/jobs/probe_job.py", StringComparison.Ordinal));
        Assert.Equal(["--master", "local", "--note=--conf x=y"], argv[(script + 1)..]);
        Assert.Equal(["--master", "yarn", "--deploy-mode", "cluster"], argv[..4]);
        Assert.Contains("hdfs:///envs/probe.tar.gz#environment", argv);
        Assert.Equal("analyst", argv[Array.IndexOf(argv, "--proxy-user") + 1]);
        Assert.Contains("spark.ssl.keyStorePassword=***", argv);
        Assert.DoesNotContain("topsecret-pw", stdout + stderr);
    }

    [Fact]
    public async Task Submit_runs_spark_submit_and_reports_the_application_as_json()
    {
        using var standIn = new SparkSubmitStandIn();
        standIn.PrintsOnStderr(SparkLogs.YarnCluster("SUCCEEDED"));
        var environment = new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome };

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            environment, "submit", "probe-job", "--assembly", _assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", "hdfs:///envs/probe.tar.gz", "--json", "--", "--run-date", "2026-11-24");

        Assert.True(code == 0, stderr);
        var document = Json(stdout);
        Assert.Equal("application_1732419000000_0042", document.GetProperty("submission").GetProperty("applicationId").GetString());
        Assert.Equal("succeeded", document.GetProperty("submission").GetProperty("finalState").GetString());
        Assert.Equal(["--run-date", "2026-11-24"], standIn.ReceivedArguments()[^2..]);
        Assert.Contains("(state: FINISHED)", stderr);
        var preflight = document.GetProperty("preflight").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["python"] = "skipped", ["spark"] = "skipped", ["glibc"] = "skipped" }, preflight);
    }

    [Fact]
    public async Task Failed_application_exits_1_and_missing_spark_exits_3()
    {
        using var standIn = new SparkSubmitStandIn();
        standIn.PrintsOnStderr(SparkLogs.YarnCluster("FAILED")).ExitsWith(1);

        var failed = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, "submit", "probe-job", "--assembly", _assembly, "--master", "yarn", "--archive", "hdfs:///e.tar.gz");
        Assert.Equal(1, failed.ExitCode);

        using var empty = new TempDirectory();
        var missing = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["PATH"] = empty.Path + ":" + Path.GetDirectoryName(Environment.ProcessPath) }, "submit", "probe-job", "--assembly", _assembly, "--json");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("spark-submit was not found", missing.Stderr);
        Assert.Equal("prerequisite", Json(missing.Stdout).GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Submit_preflight_refuses_native_code_newer_than_the_assemblys_glibc_floor_and_can_be_skipped()
    {
        using var standIn = new SparkSubmitStandIn();
        standIn.ReportsVersion("3.5.1");
        var root = _work.Combine("glibc-env");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.Copy("/bin/ls", Path.Combine(root, "bin", "ls"));
        var archive = _work.Combine("glibc-env.tar.gz");
        Assert.Equal(0, Processes.Run("tar", "-czf", archive, "-C", root, ".").ExitCode);
        var environment = new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome };
        string[] submit = ["submit", "probe-job", "--assembly", _assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", archive];

        var refused = await CliProcess.RunAsync(environment, submit);
        var skipped = await CliProcess.RunAsync(environment, [.. submit, "--no-preflight"]);
        var raised = await CliProcess.RunAsync(environment, [.. submit, "--cluster-glibc", "9.99"]);

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("[failed] preflight: glibc failed:", refused.Stdout + refused.Stderr);
        Assert.Contains("[done] preflight: spark passed:", refused.Stdout + refused.Stderr);
        Assert.Contains("./bin/ls in the archive needs GLIBC_", refused.Stderr);
        Assert.Contains("declares glibc 2.1", refused.Stderr);
        Assert.Contains("--no-preflight", refused.Stderr);
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.Contains("preflight: skipped (--no-preflight)", skipped.Stdout);
        Assert.True(raised.ExitCode == 0, raised.Stderr);
        Assert.Contains("preflight: glibc passed", raised.Stdout);
        Assert.Contains("preflight: spark passed: spark-submit is Spark 3.5.1", raised.Stdout);
    }

    [Fact]
    public async Task Timeout_exits_124()
    {
        using var standIn = new SparkSubmitStandIn();
        standIn.SleepsInChild(120);

        var (code, _, stderr) = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARK_HOME"] = standIn.SparkHome }, "submit", "probe-job", "--assembly", _assembly, "--timeout", "1s");

        Assert.Equal(124, code);
        Assert.Contains("did not finish within", stderr);
        await Processes.WaitUntilAsync(() => !Processes.IsAlive(standIn.ReadPid("child.pid")!.Value), "the stand-in's child to be killed");
    }

    [Fact]
    public async Task Livy_submission_uses_the_token_from_the_environment_and_never_prints_it()
    {
        const string token = "livy-token-0123456789abcdef";
        using var server = new LivyContractServer(expectedAuthorization: "Bearer " + token) { LogLines = ["hello from the driver"], States = ["running", "success"] };

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["SPARKJOBGEN_LIVY_TOKEN"] = token },
            "submit", "probe-job", "--assembly", _assembly, "--livy", server.BaseUri.AbsoluteUri, "--master", "yarn", "--deploy-mode", "cluster",
            "--archive", "hdfs:///envs/probe.tar.gz", "--script", "hdfs:///jobs/probe_job.py", "--proxy-user", "analyst", "--json", "--", "--input", "x");

        Assert.True(code == 0, stderr);
        Assert.Empty(server.Violations);
        Assert.Equal("analyst", (string?)server.CreatedBatch!["proxyUser"]);
        Assert.Equal(["--input", "x"], server.CreatedBatch["args"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("livy", Json(stdout).GetProperty("submission").GetProperty("backend").GetString());
        Assert.Contains("hello from the driver", stderr);
        Assert.DoesNotContain(token, stdout + stderr);
    }

    [Fact]
    public async Task Livy_rejects_local_script_with_exit_3()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(
            null, "submit", "probe-job", "--assembly", _assembly, "--livy", "http://127.0.0.1:9/", "--master", "yarn", "--deploy-mode", "cluster", "--archive", "hdfs:///e.tar.gz");

        Assert.Equal(3, code);
        Assert.Contains("Livy does not upload files", stderr);
    }

    [Fact]
    public async Task Env_create_shows_the_command_creates_a_real_venv_and_reuses_it()
    {
        LocalWheel.Build(_work.Combine("wheels"));
        var yaml = Path.Combine(Path.GetDirectoryName(_assembly)!, "sparkjobs", "probe", "environment.yaml");
        string[] args = ["env", "create", yaml, "--tool", "venv", "--cache-dir", _work.Combine("cache"), "--pip-arg=--no-index", "--pip-arg=--find-links=" + _work.Combine("wheels"), "--json"];

        var first = await CliProcess.RunAsync(null, args);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("-m venv", first.Stderr);
        Assert.Contains("-m pip install --disable-pip-version-check --no-input --no-index", first.Stderr);
        var environment = Json(first.Stdout).GetProperty("environment");
        Assert.False(environment.GetProperty("reused").GetBoolean());
        Assert.Equal(0, Processes.Run(environment.GetProperty("python").GetString()!, "-c", "import sjg_probe").ExitCode);

        var second = await CliProcess.RunAsync(null, args);
        Assert.True(Json(second.Stdout).GetProperty("environment").GetProperty("reused").GetBoolean());
    }

    [Fact]
    public async Task Run_with_a_given_archive_runs_the_job_in_a_local_container_with_verbatim_arguments()
    {
        LocalWheel.Build(_work.Combine("wheels"));
        var environment = await SparkJobGen.Environments.EnvironmentCreator.CreateAsync(
            SparkJobGen.Environments.EnvironmentSpec.Parse(ProbeAssembly.Yaml),
            new SparkJobGen.Environments.EnvironmentCreationOptions
            {
                CacheRoot = _work.Combine("envs"),
                Tool = SparkJobGen.Environments.EnvironmentTool.Venv,
                PipArguments = ["--no-index", "--find-links", _work.Combine("wheels")],
            });
        var archive = _work.Combine("probe.tar.gz");
        Assert.Equal(0, Processes.Run("tar", "-czf", archive, "-C", environment.Prefix, ".").ExitCode);
        string[] jobArguments = ["--label", "a b \"c\" = ünïcode", "--note=--master yarn", "--dry-run"];

        var (code, stdout, stderr) = await CliProcess.RunAsync(null, ["run", "probe-job", "--assembly", _assembly, "--archive", archive, "--", .. jobArguments]);

        Assert.True(code == 0, stderr);
        var report = Json(stdout.Split('\n').First(l => l.StartsWith('{')));
        Assert.Equal(LocalWheel.Marker, report.GetProperty("value").GetString());
        Assert.Equal(jobArguments, report.GetProperty("argv").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("./environment/bin/python", report.GetProperty("pyspark_python").GetString());
        Assert.Contains("local container run", stdout);

        var json = await CliProcess.RunAsync(null, ["run", "probe-job", "--assembly", _assembly, "--archive", archive, "--json"]);
        Assert.Equal("local-container", Json(json.Stdout).GetProperty("submission").GetProperty("backend").GetString());
        Assert.False(Json(json.Stdout).GetProperty("submission").TryGetProperty("workingDirectory", out _));

        // --keep-scratch says where the kept folder is, in the summary and in the JSON document; the folder holds the run.
        var scratchRoot = _work.Combine("scratch");
        Directory.CreateDirectory(scratchRoot);
        var kept = await CliProcess.RunAsync(new Dictionary<string, string?> { ["TMPDIR"] = scratchRoot }, ["run", "probe-job", "--assembly", _assembly, "--archive", archive, "--keep-scratch"]);
        var keptJson = await CliProcess.RunAsync(new Dictionary<string, string?> { ["TMPDIR"] = scratchRoot }, ["run", "probe-job", "--assembly", _assembly, "--archive", archive, "--keep-scratch", "--json"]);
        Assert.True(kept.ExitCode == 0, kept.Stderr);
        var folders = Directory.GetDirectories(scratchRoot, "sparkjobgen-container-*");
        Assert.Equal(2, folders.Length);
        Assert.Contains(kept.Stdout.Split('\n'), line => line.Contains("kept folder", StringComparison.Ordinal) && folders.Any(f => line.Contains(f, StringComparison.Ordinal)));
        var workingDirectory = Json(keptJson.Stdout).GetProperty("submission").GetProperty("workingDirectory").GetString()!;
        Assert.Contains(workingDirectory, folders);
        Assert.True(File.Exists(Path.Combine(workingDirectory, "environment", "bin", "python")), workingDirectory);
    }

    [Fact]
    public async Task Env_create_without_a_tool_exits_4_and_names_what_to_install()
    {
        using var empty = new TempDirectory();
        var yaml = _work.WriteFile("conda.yaml", "name: x\ndependencies:\n  - python=3.11\n  - numpy\n");

        var (code, _, stderr) = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["PATH"] = empty.Path, ["CONDA_EXE"] = null, ["MAMBA_EXE"] = null }, "env", "create", yaml, "--cache-dir", _work.Combine("cache"));

        Assert.Equal(4, code);
        Assert.Contains("Install micromamba", stderr);
    }
}

/// <summary>Ctrl+C (SIGINT) on the tool stops spark-submit's process tree and exits 130.</summary>
public sealed class CliInterruptTests
{
    [Fact]
    public async Task Sigint_kills_the_spark_submit_tree_and_exits_130()
    {
        using var work = new TempDirectory("sjg-cli-int");
        var assembly = ProbeAssembly.LayOut(work);
        using var standIn = new SparkSubmitStandIn();
        standIn.SleepsInChild(300);
        // Started through a wrapper that restores SIGINT's default disposition: a test run launched in the background by a
        // non-interactive shell (`cmd &`, as some CI runners do) has SIGINT ignored, every process below inherits that, and
        // the tool, like any well-behaved Unix program, then leaves it ignored.
        var info = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments = ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
            .. CliProcess.ToolCommand, "submit", "probe-job", "--assembly", assembly];
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SPARK_HOME"] = standIn.SparkHome;
        info.Environment["CI"] = "1";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await Processes.WaitUntilAsync(() => standIn.ReadPid("child.pid") is not null, "spark-submit's child");

        Assert.Equal(0, Processes.Run("kill", "-INT", process.Id.ToString()).ExitCode);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("cancelled", await stderr);
        await Processes.WaitUntilAsync(() => !Processes.IsAlive(standIn.ReadPid("child.pid")!.Value) && !Processes.IsAlive(standIn.ReadPid("self.pid")!.Value), "the tree to be gone");
    }
}
