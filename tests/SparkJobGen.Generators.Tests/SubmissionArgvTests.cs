using System.Globalization;
using System.Reflection;

namespace SparkJobGen.Generators.Tests;

/// <summary>Compiles generated builders for real, runs them, and asserts the exact spark-submit argv per mode.</summary>
public sealed class SubmissionArgvTests
{
    private const string Probe = """
        namespace Contoso.Jobs;

        public static class Probe
        {
            public static SparkJobGen.SparkSubmission Submission() =>
                new ScoreCustomers { Input = new("hdfs:///data/c"), RunDate = new(2026, 11, 24) }.ToSubmission().WithScript("jobs/score_customers.py");

            public static System.Collections.Generic.IReadOnlyList<string> Arguments(ScoreCustomers job) => job.ToJobArguments();
        }
        """;

    private static readonly Lazy<Assembly> Jobs = new(() =>
        GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(Sources.ScoreCustomers, Probe).Output));

    private static SparkSubmission Submission() => (SparkSubmission)GeneratorHarness.Invoke(Jobs.Value, "Contoso.Jobs.Probe", "Submission")!;

    /// <summary>
    /// A local path as spark-submit receives it: an absolute file:// URI (percent-encoding is tested with paths that need it in
    /// SparkJobGen.Tests' LauncherArgumentTests; this folder's path needs none).
    /// </summary>
    private static string FileUri(string path)
    {
        var full = Path.GetFullPath(path);
        Assert.Matches("^[A-Za-z0-9/._~-]+$", full);
        return "file://" + full;
    }

    private static readonly string[] JobTail = [FileUri("jobs/score_customers.py"), "--input", "hdfs:///data/c", "--run-date", "2026-11-24", "--threshold", "0.5"];

    [Fact]
    public void Local_mode_uses_the_local_interpreter_everywhere_and_ships_no_archive()
    {
        var command = Submission().WithEnvironmentArchive("artifacts/analytics.tar.gz").WithDriverPython("/opt/envs/analytics/bin/python").ToCommand();
        Assert.Equal(
            [
                "--master", "local[*]", "--name", "score-customers",
                "--conf", "spark.pyspark.python=/opt/envs/analytics/bin/python",
                "--conf", "spark.pyspark.driver.python=/opt/envs/analytics/bin/python",
                "--conf", "spark.sql.shuffle.partitions=400",
                .. JobTail,
            ],
            command.Arguments);
        Assert.Equal("/opt/envs/analytics/bin/python", command.Environment["PYSPARK_PYTHON"]);
        Assert.Equal("/opt/envs/analytics/bin/python", command.Environment["PYSPARK_DRIVER_PYTHON"]);
        Assert.Null(command.EnvironmentArchive);
    }

    [Fact]
    public void Yarn_cluster_mode_ships_the_archive_and_sets_the_application_master_python()
    {
        var command = Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive("artifacts/analytics.tar.gz").ExecutorMemory("4g").InQueue("etl").ToCommand();
        Assert.Equal(
            [
                "--master", "yarn", "--deploy-mode", "cluster", "--name", "score-customers", "--queue", "etl",
                "--executor-memory", "4g",
                "--archives", FileUri("artifacts/analytics.tar.gz") + "#environment",
                "--conf", "spark.pyspark.python=./environment/bin/python",
                "--conf", "spark.pyspark.driver.python=./environment/bin/python",
                "--conf", "spark.yarn.appMasterEnv.PYSPARK_PYTHON=./environment/bin/python",
                "--conf", "spark.sql.shuffle.partitions=400",
                .. JobTail,
            ],
            command.Arguments);
        Assert.Equal("./environment/bin/python", command.Environment["PYSPARK_PYTHON"]);
        Assert.True(command.Environment.ContainsKey("PYSPARK_DRIVER_PYTHON"));
        Assert.Null(command.Environment["PYSPARK_DRIVER_PYTHON"]);
    }

    [Fact]
    public void Yarn_client_mode_runs_the_driver_on_the_local_interpreter()
    {
        var command = Submission().OnYarn(DeployMode.Client).WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz#environment")
            .WithDriverPython("/usr/bin/python3.11").NumExecutors(10).ExecutorCores(4).DriverMemory("2g").ToCommand();
        Assert.Equal(
            [
                "--master", "yarn", "--deploy-mode", "client", "--name", "score-customers",
                "--driver-memory", "2g", "--executor-cores", "4", "--num-executors", "10",
                "--archives", "hdfs:///envs/analytics.tar.gz#environment",
                "--conf", "spark.pyspark.python=./environment/bin/python",
                "--conf", "spark.pyspark.driver.python=/usr/bin/python3.11",
                "--conf", "spark.sql.shuffle.partitions=400",
                .. JobTail,
            ],
            command.Arguments);
        Assert.Equal("./environment/bin/python", command.Environment["PYSPARK_PYTHON"]);
        Assert.Equal("/usr/bin/python3.11", command.Environment["PYSPARK_DRIVER_PYTHON"]);
    }

    [Fact]
    public void Standalone_client_mode()
    {
        var args = Submission().OnStandalone("spark://master:7077").WithEnvironmentArchive("/shared/analytics.tar.gz").ToSparkSubmitArguments();
        Assert.Equal(
            [
                "--master", "spark://master:7077", "--deploy-mode", "client", "--name", "score-customers",
                "--archives", "file:///shared/analytics.tar.gz#environment",
                "--conf", "spark.pyspark.python=./environment/bin/python",
                "--conf", "spark.pyspark.driver.python=python3",
                "--conf", "spark.sql.shuffle.partitions=400",
                .. JobTail,
            ],
            args);
    }

    [Fact]
    public void Standalone_cluster_mode_is_refused_for_python()
    {
        var error = Assert.Throws<NotSupportedException>(() => Submission().OnStandalone("spark://master:7077", DeployMode.Cluster));
        Assert.Contains("cluster deploy mode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_cluster_mode_sets_the_driver_pod_python_and_image()
    {
        var args = Submission().OnKubernetes("https://k8s.example:6443", DeployMode.Cluster, "registry/spark-py:3.5.1")
            .InNamespace("analytics").WithEnvironmentArchive("s3a://envs/analytics.tar.gz").WithScript("s3a://jobs/score_customers.py")
            .WithConf("spark.sql.shuffle.partitions", "64").ToSparkSubmitArguments();
        Assert.Equal(
            [
                "--master", "k8s://https://k8s.example:6443", "--deploy-mode", "cluster", "--name", "score-customers",
                "--archives", "s3a://envs/analytics.tar.gz#environment",
                "--conf", "spark.pyspark.python=./environment/bin/python",
                "--conf", "spark.pyspark.driver.python=./environment/bin/python",
                "--conf", "spark.kubernetes.driverEnv.PYSPARK_PYTHON=./environment/bin/python",
                "--conf", "spark.kubernetes.container.image=registry/spark-py:3.5.1",
                "--conf", "spark.kubernetes.namespace=analytics",
                "--conf", "spark.sql.shuffle.partitions=64",
                "s3a://jobs/score_customers.py", "--input", "hdfs:///data/c", "--run-date", "2026-11-24", "--threshold", "0.5",
            ],
            args);
    }

    [Fact]
    public void Kubernetes_client_mode_and_upload_path()
    {
        var args = Submission().OnKubernetes("k8s://https://10.0.0.1:443", DeployMode.Client, "spark-py:latest")
            .WithEnvironmentArchive("analytics.tar.gz").ToSparkSubmitArguments();
        Assert.Equal(
            [
                "--master", "k8s://https://10.0.0.1:443", "--deploy-mode", "client", "--name", "score-customers",
                "--archives", FileUri("analytics.tar.gz") + "#environment",
                "--conf", "spark.pyspark.python=./environment/bin/python",
                "--conf", "spark.pyspark.driver.python=python3",
                "--conf", "spark.kubernetes.container.image=spark-py:latest",
                "--conf", "spark.sql.shuffle.partitions=400",
                .. JobTail,
            ],
            args);
    }

    [Fact]
    public void Kubernetes_cluster_mode_with_a_local_archive_needs_an_upload_path()
    {
        var submission = Submission().OnKubernetes("https://k8s:6443", DeployMode.Cluster, "spark-py").WithEnvironmentArchive("analytics.tar.gz");
        var error = Assert.Throws<InvalidOperationException>(() => submission.ToSparkSubmitArguments());
        Assert.Contains("WithKubernetesUploadPath", error.Message, StringComparison.Ordinal);
        var args = submission.WithKubernetesUploadPath("s3a://bucket/uploads").ToSparkSubmitArguments();
        Assert.Contains("spark.kubernetes.file.upload.path=s3a://bucket/uploads", args);
    }

    [Fact]
    public void Cluster_modes_without_an_archive_fail_with_an_actionable_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Submission().OnYarn().ToSparkSubmitArguments());
        Assert.Contains("WithEnvironmentArchive", error.Message, StringComparison.Ordinal);
        Assert.Contains("sparkjobgen pack", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_foreign_archive_alias_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Submission().WithEnvironmentArchive("env.tar.gz#venv"));
    }

    [Fact]
    public void Default_script_path_is_the_copy_in_the_build_output()
    {
        var job = (SparkSubmission)GeneratorHarness.Invoke(Jobs.Value, "Contoso.Jobs.Probe", "Submission")!;
        var fresh = new SparkSubmission(job.Job, job.JobArguments);
        var expected = Path.Combine(AppContext.BaseDirectory, "sparkjobs", "analytics", "jobs", "score_customers.py");
        Assert.Equal(expected, fresh.ToCommand().ScriptPath);
    }

    [Fact]
    public void Job_values_reach_the_script_exactly_and_culture_invariantly()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using SparkJobGen;

            namespace Contoso.Jobs;

            public enum Tier { Gold, Silver }

            [SparkJob("all.py")]
            public partial class AllTypes
            {
                [JobParameter] public string? Text { get; init; }
                [JobParameter] public bool Flag { get; init; }
                [JobParameter] public bool? MaybeFlag { get; init; }
                [JobParameter] public int Count { get; init; }
                [JobParameter] public long Big { get; init; }
                [JobParameter] public double Ratio { get; init; }
                [JobParameter] public decimal Price { get; init; }
                [JobParameter] public DateOnly Day { get; init; }
                [JobParameter] public DateTime At { get; init; }
                [JobParameter] public DateTimeOffset When { get; init; }
                [JobParameter] public TimeSpan Window { get; init; }
                [JobParameter] public Uri? Link { get; init; }
                [JobParameter] public Tier Level { get; init; }
                [JobParameter] public int? Missing { get; init; }
                [JobParameter] public List<double> Weights { get; init; } = new();
                [JobParameter("--compact-day", Format = "yyyyMMdd")] public DateOnly? CompactDay { get; init; }
            }

            public static class Probe
            {
                public static IReadOnlyList<string> Arguments() => new AllTypes
                {
                    Text = "a b \"quoted\" x=y\nline2 ünï €",
                    Flag = true,
                    MaybeFlag = false,
                    Count = -3,
                    Big = 9_007_199_254_740_993,
                    Ratio = 1234.5678,
                    Price = 1.50m,
                    Day = new DateOnly(2026, 2, 3),
                    At = new DateTime(2026, 11, 24, 8, 30, 0, DateTimeKind.Utc),
                    When = new DateTimeOffset(2026, 11, 24, 8, 30, 0, TimeSpan.FromHours(1)),
                    Window = new TimeSpan(1, 2, 30, 0),
                    Link = new Uri("s3a://bucket/path with space/ü"),
                    Level = Tier.Silver,
                    Weights = new() { 0.25, 1e-7 },
                    CompactDay = new DateOnly(2026, 1, 9),
                }.ToJobArguments();
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // A culture with comma decimals and non-Gregorian-looking formats must not leak into the argv.
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var args = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!;
            Assert.Equal(
                [
                    "--text", "a b \"quoted\" x=y\nline2 ünï €",
                    "--flag",
                    "--count=-3",
                    "--big", "9007199254740993",
                    "--ratio", "1234.5678",
                    "--price", "1.50",
                    "--day", "2026-02-03",
                    "--at", "2026-11-24T08:30:00.0000000Z",
                    "--when", "2026-11-24T08:30:00.0000000+01:00",
                    "--window", "P1DT2H30M",
                    "--link", "s3a://bucket/path with space/ü",
                    "--level", "Silver",
                    "--weights", "0.25",
                    "--weights", "1E-07",
                    "--compact-day", "20260109",
                ],
                args);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    /// <summary>
    /// A list parameter's elements are rendered by <c>JobArgumentList.AddEach</c> from their run-time type; each must come out
    /// exactly as the same value does through its scalar <c>Add</c> overload (one flag per element, nulls omitted).
    /// </summary>
    [Fact]
    public void Every_list_element_type_renders_like_its_scalar()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using SparkJobGen;

            namespace Contoso.Jobs;

            public enum Tier { Gold, Silver }

            [SparkJob("lists.py")]
            public partial class Lists
            {
                [JobParameter("--s")] public IReadOnlyList<string?> Texts { get; init; } = [];
                [JobParameter("--i")] public List<int?> Ints { get; init; } = [];
                [JobParameter("--l")] public long[] Longs { get; init; } = [];
                [JobParameter("--d")] public List<double> Doubles { get; init; } = [];
                [JobParameter("--m")] public decimal[] Decimals { get; init; } = [];
                [JobParameter("--day")] public IEnumerable<DateOnly> Days { get; init; } = [];
                [JobParameter("--at")] public List<DateTime> Ats { get; init; } = [];
                [JobParameter("--when")] public List<DateTimeOffset> Whens { get; init; } = [];
                [JobParameter("--window")] public TimeSpan[] Windows { get; init; } = [];
                [JobParameter("--link")] public List<Uri> Links { get; init; } = [];
                [JobParameter("--tier")] public List<Tier> Tiers { get; init; } = [];
                [JobParameter("--compact", Format = "yyyyMMdd")] public List<DateOnly?> Compact { get; init; } = [];
                [JobParameter("--secret", Sensitive = true)] public string[]? Secrets { get; init; }
            }

            [SparkJob("scalars.py")]
            public partial class Scalars
            {
                [JobParameter("--s")] public string? Text { get; init; }
                [JobParameter("--i")] public int? Int { get; init; }
                [JobParameter("--l")] public long? Long { get; init; }
                [JobParameter("--d")] public double? Double { get; init; }
                [JobParameter("--m")] public decimal? Decimal { get; init; }
                [JobParameter("--day")] public DateOnly? Day { get; init; }
                [JobParameter("--at")] public DateTime? At { get; init; }
                [JobParameter("--when")] public DateTimeOffset? When { get; init; }
                [JobParameter("--window")] public TimeSpan? Window { get; init; }
                [JobParameter("--link")] public Uri? Link { get; init; }
                [JobParameter("--tier")] public Tier? Level { get; init; }
                [JobParameter("--compact", Format = "yyyyMMdd")] public DateOnly? Compact { get; init; }
                [JobParameter("--secret", Sensitive = true)] public string? Secret { get; init; }
            }

            public static class Probe
            {
                private static readonly DateOnly Day = new(2026, 2, 3);
                private static readonly DateTime At = new(2026, 11, 24, 8, 30, 0, DateTimeKind.Utc);
                private static readonly DateTimeOffset When = new(2026, 11, 24, 8, 30, 0, TimeSpan.FromHours(-5));
                private static readonly Uri Link = new("s3a://bucket/a b/ü");

                public static IReadOnlyList<string> List() => new Lists
                {
                    Texts = ["a b", null, "-dash", ""],
                    Ints = [-3, null, 0],
                    Longs = [long.MinValue, 9_007_199_254_740_993],
                    Doubles = [double.NaN, -0.5, 1e-7, double.PositiveInfinity],
                    Decimals = [1.50m, -0.000m],
                    Days = [Day],
                    Ats = [At],
                    Whens = [When],
                    Windows = [TimeSpan.FromSeconds(-5), new TimeSpan(1, 2, 30, 0)],
                    Links = [Link],
                    Tiers = [Tier.Silver, (Tier)7],
                    Compact = [Day, null],
                    Secrets = ["tok-1", "-tok-2"],
                }.ToJobArguments();

                public static IReadOnlyList<string> Scalar() => Concat(
                    new Scalars { Text = "a b" }, new Scalars { Text = "-dash" }, new Scalars { Text = "" },
                    new Scalars { Int = -3 }, new Scalars { Int = 0 },
                    new Scalars { Long = long.MinValue }, new Scalars { Long = 9_007_199_254_740_993 },
                    new Scalars { Double = double.NaN }, new Scalars { Double = -0.5 }, new Scalars { Double = 1e-7 }, new Scalars { Double = double.PositiveInfinity },
                    new Scalars { Decimal = 1.50m }, new Scalars { Decimal = -0.000m },
                    new Scalars { Day = Day }, new Scalars { At = At }, new Scalars { When = When },
                    new Scalars { Window = TimeSpan.FromSeconds(-5) }, new Scalars { Window = new TimeSpan(1, 2, 30, 0) },
                    new Scalars { Link = Link }, new Scalars { Level = Tier.Silver }, new Scalars { Level = (Tier)7 },
                    new Scalars { Compact = Day },
                    new Scalars { Secret = "tok-1" }, new Scalars { Secret = "-tok-2" });

                public static IReadOnlyList<string> ListSecrets() => ((RenderedJobArguments)List()).SensitiveValues;

                private static IReadOnlyList<string> Concat(params Scalars[] jobs)
                {
                    var all = new List<string>();
                    foreach (var job in jobs) all.AddRange(job.ToJobArguments());
                    return all;
                }
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var list = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "List")!;
            var scalar = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Scalar")!;
            Assert.Equal(scalar, list);
            Assert.Contains("--i=-3", list);
            Assert.Contains("7", list);
            Assert.Equal(["tok-1", "-tok-2"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "ListSecrets")!);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Values_that_look_like_options_stay_values()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            [SparkJob("x.py")]
            public partial class Injection { [JobParameter("--name")] public string? Name { get; init; } }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Arguments() => new Injection { Name = "--master yarn" }.ToJobArguments();
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        var args = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!;
        Assert.Equal(["--name=--master yarn"], args);
    }

    /// <summary>
    /// What SJG1010 says of a key set twice on one declaration: the first entry of the declaration is used, and a nearer
    /// declaration (the job over the assembly) overrides a farther one.
    /// </summary>
    [Fact]
    public void A_key_set_twice_on_one_declaration_keeps_the_first_entry()
    {
        const string source = """
            using SparkJobGen;
            [assembly: SparkConf("spark.executor.cores", "2")]
            [assembly: SparkConf("spark.executor.cores", "4")]
            [assembly: SparkConf("spark.executor.instances", "3")]
            [assembly: SparkConf("spark.executor.instances", "5")]
            namespace Contoso.Jobs;
            [SparkJob("jobs/score.py")]
            [SparkConf("spark.sql.shuffle.partitions", "200")]
            [SparkConf("spark.sql.shuffle.partitions", "400")]
            [SparkConf("spark.executor.cores", "8")]
            public partial class ScoreCustomers { }
            public static class Probe
            {
                public static string Conf() => string.Join(";", System.Linq.Enumerable.Select(ScoreCustomers.Definition.SparkConf, c => c.Key + "=" + c.Value));
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        var conf = ((string)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Conf")!).Split(';');
        Assert.Equal(["spark.executor.cores=8", "spark.executor.instances=3", "spark.sql.shuffle.partitions=200"], conf.Order(StringComparer.Ordinal));
    }

    /// <summary>What SJG1018 says of empty values: each is treated as absent.</summary>
    [Fact]
    public void Empty_values_fall_back_to_the_defaults()
    {
        const string source = """
            using SparkJobGen;
            [assembly: PythonVersion("3.10")]
            namespace Contoso.Jobs;
            [PySpark("3.4.1")]
            public abstract class JobBase { }
            [SparkJob("jobs/score.py", Name = "", Environment = " ")]
            [PythonVersion("")]
            [PySpark(" ")]
            public partial class ScoreCustomers : JobBase { }
            public static class Probe
            {
                public static string Identity() =>
                    string.Join("|", ScoreCustomers.Definition.Name, ScoreCustomers.Definition.Environment, ScoreCustomers.Definition.PythonVersion, ScoreCustomers.Definition.PySparkVersion);
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        Assert.Equal("score-customers|score-customers|3.10|3.4.1", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Identity"));
    }

    [Fact]
    public void A_job_derived_from_a_job_hides_its_generated_members_cleanly()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            [SparkJob("base.py")]
            public partial class BaseJob { [JobParameter] public int A { get; init; } }
            [SparkJob("derived.py")]
            public partial class DerivedJob : BaseJob { [JobParameter] public int B { get; init; } }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Arguments() =>
                    new DerivedJob { A = 1, B = 2 }.ToSubmission().ToSparkSubmitArguments();

                // A static member: the variable's type decides, as it did for the generated methods that hid the base job's.
                public static System.Collections.Generic.IReadOnlyList<string> AsBase()
                {
                    BaseJob job = new DerivedJob { A = 1, B = 2 };
                    return job.ToSubmission().ToSparkSubmitArguments();
                }
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        var args = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!;
        Assert.Equal(["--name", "derived-job"], args.Skip(2).Take(2));
        Assert.Equal(["--a", "1", "--b", "2"], args.TakeLast(4));
        Assert.EndsWith("derived.py", args[^5], StringComparison.Ordinal);
        var asBase = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "AsBase")!;
        Assert.Equal(["--name", "base-job"], asBase.Skip(2).Take(2));
        Assert.Equal(["--a", "1"], asBase.TakeLast(2));
        Assert.EndsWith("base.py", asBase[^3], StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>ToJobArguments()</c> reads each parameter through <c>JobArgumentList.Render&lt;TJob&gt;</c>: the property named in the
    /// definition, the most derived declaration of that name, whatever its accessibility, including one a base class that is
    /// not a job declares.
    /// </summary>
    [Fact]
    public void Parameters_declared_on_base_classes_or_not_public_are_read_from_the_member_the_job_sees()
    {
        const string source = """
            using System;
            using SparkJobGen;
            namespace Contoso.Jobs;

            public abstract class JobBase
            {
                [JobParameter(Sensitive = true)] protected string? Token { get; set; }
                [JobParameter] public virtual int Limit { get; init; } = 10;
                [JobParameter] public string Region { get; init; } = "eu";
                public void SetToken(string token) => Token = token;
            }

            [SparkJob("nightly.py")]
            public partial class Nightly : JobBase
            {
                [JobParameter(Format = "yyyyMMdd")] private DateOnly Day { get; init; } = new(2026, 3, 4);
                public override int Limit { get; init; } = 20;
                [JobParameter("--region")] public new string Region { get; init; } = "us";
            }

            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Arguments()
                {
                    var job = new Nightly();
                    job.SetToken("s3cr3t");
                    return job.ToJobArguments();
                }
            }
            """;
        var run = GeneratorHarness.RunAndAssertClean(source);
        var generated = Assert.Single(run.Output.SyntaxTrees, static t => t.FilePath.EndsWith("Contoso.Jobs.Nightly.g.cs", StringComparison.Ordinal)).ToString();
        // The job gets the interface and its Definition; ToJobArguments() is the runtime's one extension method for every job.
        Assert.Contains("partial class Nightly : global::SparkJobGen.ISparkJob", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("ToJobArguments", generated, StringComparison.Ordinal);
        var assembly = GeneratorHarness.EmitAndLoad(run.Output);
        var args = (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!;
        // Base first, each type in source order; the override's value, the hiding property's value, the private one's format.
        Assert.Equal(["--token", "s3cr3t", "--limit", "20", "--region", "us", "--day", "20260304"], args);
        Assert.Equal(["s3cr3t"], ((RenderedJobArguments)args).SensitiveValues);
    }

    /// <summary>A property the job cannot read (SJG1012) is left out of the job, as the analyzer says, and the rest still compiles.</summary>
    [Fact]
    public void A_parameter_the_job_cannot_read_is_left_out()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            public abstract class JobBase
            {
                [JobParameter] private string Region { get; set; } = "eu";
                [JobParameter] public string? Token { set { } }
            }
            [SparkJob("nightly.py")]
            public partial class Nightly : JobBase { [JobParameter] public int Limit { get; init; } = 3; }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Arguments() => new Nightly().ToJobArguments();
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        Assert.Equal(["--limit", "3"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!);
    }

    [Fact]
    public void Render_with_another_jobs_definition_names_the_missing_property()
    {
        var definition = new SparkJobDefinition("other", "other.py", "env", string.Empty, null, null, [], [], [], [],
            [new JobParameterInfo("Nope", "--nope", "string", IsRequired: false, IsFlag: false, IsList: false)]);
        var error = Assert.Throws<InvalidOperationException>(() => JobArgumentList.Render(definition, new Uri("http://x")));
        Assert.Contains("'Nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Uri does not have", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Odd but legal declarations the generated code must compile with (found by an outside-in check).</summary>
    [Fact]
    public void Keyword_type_names_line_separators_and_members_a_plain_base_already_has_compile_cleanly()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            [SparkJob("jobs/a.py")] public partial class @object { [JobParameter] public int N { get; init; } = 1; }
            public partial class @struct { [SparkJob("jobs/b.py")] public partial class @record { } }
            [SparkJob("jobs/c\u2028d.py", Name = "odd\u0085name", Environment = "e\u2029v")] public partial class Separators { }
            public class Plain
            {
                public static string Definition = "plain";
                // Neither binds job.ToJobArguments() or job.ToSubmission(): the extension methods are called.
                public virtual System.Collections.Generic.IReadOnlyList<string> ToJobArguments(int limit) => [];
                public abstract class ToSubmission { }
            }
            [SparkJob("jobs/e.py")] public partial class OnPlain : Plain { [JobParameter] public int M { get; init; } = 2; }
            [SparkJob("jobs/f.py")] public partial class IntNamed { [JobParameter] public int ToJobArguments { get; init; } = 5; }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> IntNamed() => new IntNamed().ToJobArguments();
                public static System.Collections.Generic.IReadOnlyList<string> Keyword() => new @object().ToJobArguments();
                public static string Nested() => @struct.@record.Definition.Name;
                public static string Separated() => Separators.Definition.Name;
                public static System.Collections.Generic.IReadOnlyList<string> OnPlain() => new OnPlain().ToJobArguments();
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        Assert.Equal(["--n", "1"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Keyword")!);
        Assert.Equal("record", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Nested"));
        Assert.Equal("odd\u0085name", GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Separated"));
        Assert.Equal(["--m", "2"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "OnPlain")!);
        // An int property of the name cannot be invoked, so the call is the extension method's (and SJG1013 stays quiet).
        Assert.Equal(["--to-job-arguments", "5"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "IntNamed")!);
    }

    [Fact]
    public void An_override_with_its_own_job_parameter_attribute_changes_the_flag_in_the_base_place()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            public abstract class JobBase
            {
                [JobParameter] public virtual int X { get; set; } = 1;
                [JobParameter] public int Y { get; set; } = 2;
            }
            [SparkJob("jobs/a.py")]
            public partial class Derived : JobBase { [JobParameter("--other", Format = "D3")] public override int X { get; set; } = 3; }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Arguments() => new Derived().ToJobArguments();
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        Assert.Equal(["--other", "003", "--y", "2"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!);
    }

    [Fact]
    public void A_format_the_value_cannot_take_names_the_parameter_and_the_format()
    {
        var definition = new SparkJobDefinition("j", "j.py", "env", string.Empty, null, null, [], [], [], [],
            [new JobParameterInfo("Span", "--span", "TimeSpan", IsRequired: false, IsFlag: false, IsList: false, Format: "yyyy")]);
        var error = Assert.Throws<FormatException>(() => JobArgumentList.Render(definition, new FormatProbe()));
        Assert.Contains("The job parameter 'Span' (--span) has Format = \"yyyy\", which cannot format its value of type TimeSpan", error.Message, StringComparison.Ordinal);
    }

    private sealed class FormatProbe
    {
        public TimeSpan Span { get; init; } = TimeSpan.FromMinutes(90);
    }

    [Fact]
    public void A_job_whose_generated_names_are_taken_gets_nothing_generated_and_the_project_still_compiles()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            [SparkJob("jobs/a.py")] public partial class Own { public static string Definition => "mine"; }
            [SparkJob("jobs/b.py")] public partial class Fine { [JobParameter] public int N { get; init; } = 4; }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Fine() => new Fine().ToJobArguments();
            }
            """;
        var (output, result) = GeneratorHarness.RunAndAssertClean(source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.Contains("Own", StringComparison.Ordinal));
        Assert.Equal(["--n", "4"], (IReadOnlyList<string>)GeneratorHarness.Invoke(GeneratorHarness.EmitAndLoad(output), "Contoso.Jobs.Probe", "Fine")!);
    }

    [Fact]
    public void An_explicit_interface_implementation_gets_its_own_name_as_default_flag()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            public interface IHasLimit { int Limit { get; } }
            [SparkJob("jobs/a.py")]
            public partial class Nightly : IHasLimit { [JobParameter] int IHasLimit.Limit => 5; }
            public static class Probe
            {
                public static System.Collections.Generic.IReadOnlyList<string> Arguments() => new Nightly().ToJobArguments();
            }
            """;
        var assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(source).Output);
        Assert.Equal(["--limit", "5"], (IReadOnlyList<string>)GeneratorHarness.Invoke(assembly, "Contoso.Jobs.Probe", "Arguments")!);
    }
}
