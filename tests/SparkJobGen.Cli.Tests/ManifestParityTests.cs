using System.Text.Json;
using ParityJobs;
using SparkJobGen.Manifest;
using SparkJobGen.Submission.Livy;
using SparkJobGen.Tests;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// The tool builds the same submission from a built assembly's metadata as the job's generated builder does in C#. The jobs are
/// compiled by the real generator (tests/Fixtures/ParityJobs); the tool runs as a real process on a copy of that assembly.
/// </summary>
public sealed class ManifestParityTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-parity");
    private readonly string _appDirectory;
    private readonly string _assembly;

    public ManifestParityTests()
    {
        _appDirectory = _work.Combine("app");
        Directory.CreateDirectory(_appDirectory);
        _assembly = Path.Combine(_appDirectory, "ParityJobs.dll");
        File.Copy(typeof(ParityScore).Assembly.Location, _assembly);
    }

    public void Dispose() => _work.Dispose();

    /// <summary>A mode: the tool's options and the same settings on the C# builder.</summary>
    public static TheoryData<string> Modes => new()
    {
        "local", "local-threads", "standalone", "yarn-client", "yarn-cluster", "k8s-client", "k8s-cluster",
    };

    private static (string[] Cli, Func<SparkSubmission, SparkSubmission> Builder) Mode(string mode) => mode switch
    {
        "local" => ([], static s => s),
        "local-threads" => (["--master", "local[3]", "--driver-memory", "2g"], static s => s.Local(3).DriverMemory("2g")),
        "standalone" => (
            ["--master", "spark://master:7077", "--archive", "hdfs:///envs/parity.tar.gz", "--executor-memory", "4g", "--executor-cores", "2"],
            static s => s.OnStandalone("spark://master:7077").WithEnvironmentArchive("hdfs:///envs/parity.tar.gz").ExecutorMemory("4g").ExecutorCores(2)),
        "yarn-client" => (
            ["--master", "yarn", "--deploy-mode", "client", "--archive", "hdfs:///envs/parity.tar.gz", "--queue", "etl", "--driver-python", "/opt/py/bin/python"],
            static s => s.OnYarn(DeployMode.Client).WithEnvironmentArchive("hdfs:///envs/parity.tar.gz").InQueue("etl").WithDriverPython("/opt/py/bin/python")),
        "yarn-cluster" => (
            ["--master", "yarn", "--deploy-mode", "cluster", "--archive", "hdfs:///envs/parity.tar.gz", "--proxy-user", "analyst", "--num-executors", "5",
                "--driver-cores", "2", "--conf", "spark.sql.shuffle.partitions=800", "--conf", "spark.extra.flag=1", "--name", "nightly-score"],
            static s => s.OnYarn(DeployMode.Cluster).WithEnvironmentArchive("hdfs:///envs/parity.tar.gz").AsProxyUser("analyst").NumExecutors(5).DriverCores(2)
                .WithConf("spark.sql.shuffle.partitions", "800").WithConf("spark.extra.flag", "1").WithName("nightly-score")),
        "k8s-client" => (
            ["--master", "k8s://https://k8s:6443", "--k8s-image", "spark-py:3.5.1", "--archive", "s3a://b/parity.tar.gz", "--namespace", "jobs"],
            static s => s.OnKubernetes("https://k8s:6443", DeployMode.Client, "spark-py:3.5.1").WithEnvironmentArchive("s3a://b/parity.tar.gz").InNamespace("jobs")),
        "k8s-cluster" => (
            ["--master", "k8s://https://k8s:6443", "--deploy-mode", "cluster", "--k8s-image", "spark-py:3.5.1", "--archive", "s3a://b/parity.tar.gz", "--upload-path", "s3a://b/up"],
            static s => s.OnKubernetes("https://k8s:6443", DeployMode.Cluster, "spark-py:3.5.1").WithEnvironmentArchive("s3a://b/parity.tar.gz").WithKubernetesUploadPath("s3a://b/up")),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    private static ParityScore Job() => new()
    {
        RunDate = new DateOnly(2026, 11, 24),
        Input = new Uri("hdfs:///data/customers"),
        Threshold = 0.75,
        Segments = [Segment.Retail, Segment.Enterprise],
        DryRun = true,
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_tools_spark_submit_argv_equals_the_generated_builders(string mode)
    {
        var (cli, builder) = Mode(mode);
        var job = Job();
        var expected = builder(job.ToSubmission().WithScript(ParityScore.Definition.GetScriptPath(_appDirectory))).ToCommand();

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            null, ["submit", "parity-score", "--assembly", _assembly, "--dry-run", "--json", .. cli, "--", .. job.ToJobArguments()]);

        Assert.True(code == 0, stderr);
        var document = JsonDocument.Parse(stdout).RootElement;
        var argv = document.GetProperty("sparkSubmitArguments").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expected.Arguments, argv);
        var environment = document.GetProperty("environment").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(expected.Environment.OrderBy(p => p.Key), environment.OrderBy(p => p.Key));

        // The declared configuration reaches the tool's argv: the job's own value over its base class's, the assembly's entries.
        Assert.Contains("spark.sql.files.maxPartitionBytes=256m", argv);
        Assert.Contains("spark.sql.session.timeZone=UTC", argv);
        Assert.Contains(mode == "yarn-cluster" ? "spark.sql.shuffle.partitions=800" : "spark.sql.shuffle.partitions=400", argv);
    }

    [Fact]
    public async Task The_tools_livy_request_equals_the_generated_builders()
    {
        var job = Job();
        var expected = LivyBatchRequest.FromSubmission(
            job.ToSubmission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive("hdfs:///envs/parity.tar.gz").WithScript("hdfs:///jobs/score.py")
                .WithName("score-2026-11-24").ExecutorMemory("4g"));

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            null,
            ["submit", "parity-score", "--assembly", _assembly, "--livy", "http://127.0.0.1:9/", "--master", "yarn", "--deploy-mode", "cluster",
                "--archive", "hdfs:///envs/parity.tar.gz", "--script", "hdfs:///jobs/score.py", "--name", "score-2026-11-24", "--executor-memory", "4g",
                "--dry-run", "--", .. job.ToJobArguments()]);

        Assert.True(code == 0, stderr);
        Assert.Equal(expected.ToJson(), stdout.Trim());
        Assert.Equal("400", JsonDocument.Parse(stdout).RootElement.GetProperty("conf").GetProperty("spark.sql.shuffle.partitions").GetString());
    }

    [Fact]
    public void The_manifest_carries_everything_the_generated_definition_holds()
    {
        foreach (var definition in new[] { ParityScore.Definition, ParityPlain.Definition })
        {
            var manifest = SparkJobManifest.Read(_assembly);
            var job = manifest.FindJob(definition.Name)!;

            Assert.Equal(definition.PythonVersion, job.PythonVersion);
            Assert.Equal(definition.PySparkVersion, job.PySparkVersion);
            Assert.Equal(definition.Channels, job.Channels);
            Assert.Equal(definition.CondaPackages.Select(p => new KeyValuePair<string, string>(p.Name, p.Specifier)), job.CondaPackages.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.Split(' ')[0])));

            // The definition the tool builds from the manifest: specifiers and build strings (pyarrow's) as the job class's own.
            var discovered = new SparkJobGen.Cli.DiscoveredJob(job, definition.EnvironmentYaml, definition.Script, _assembly).ToDefinition();
            Assert.Equal(definition.CondaPackages, discovered.CondaPackages);
            Assert.Equal(definition.PipPackages, discovered.PipPackages);
            if (definition.Name == ParityScore.Definition.Name)
            {
                Assert.Contains(discovered.CondaPackages, p => p is { Name: "pyarrow", Specifier: "14.0.*", Build: "py311*" });
            }
            Assert.Equal(definition.PipPackages.Select(p => new KeyValuePair<string, string>(p.Name, p.Specifier)), job.PipPackages);
            Assert.Equal(definition.SparkConf, job.SparkConf);
            Assert.Equal(
                definition.Parameters,
                job.Parameters.Select(p => new JobParameterInfo(p.PropertyName, p.Flag, p.TypeName, p.IsRequired, p.IsFlag, p.IsList, p.IsSensitive)));
        }
    }
}
