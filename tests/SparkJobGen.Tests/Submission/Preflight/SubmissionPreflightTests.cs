using SparkJobGen.Submission;
using SparkJobGen.Submission.Preflight;

// The glibc floor this test assembly declares, read back by ClusterGlibcFloor and by the preflight through JobAssembly.
[assembly: SparkJobGen.ClusterGlibc("2.28")]

namespace SparkJobGen.Tests.Submission.Preflight;

/// <summary>
/// The preflight on real archives (written by GNU tar and Python's zipfile, holding real ELF files of this machine), the real
/// python3 as driver, and a spark-submit STAND-IN that prints Spark's version banner.
/// </summary>
public sealed class SubmissionPreflightTests : IDisposable
{
    private const string Libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    private readonly TempDirectory _work = new("sjg-preflight");
    private readonly SparkSubmitStandIn _standIn = new();
    private readonly string _script;

    public SubmissionPreflightTests()
    {
        _script = _work.WriteFile("jobs/score.py", "print(1)\n");
    }

    public void Dispose()
    {
        _standIn.Dispose();
        _work.Dispose();
    }

    private static string LocalPythonMinor()
    {
        var (code, output) = Processes.Run("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])");
        Assert.Equal(0, code);
        return output.Trim();
    }

    /// <summary>An environment archive made with GNU tar: lib/pythonX.Y/os.py, and real ELF files copied from this machine.</summary>
    private string Archive(string pythonMinor, string format = "tar.gz", params string[] elfFiles)
    {
        var root = _work.Combine("env-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "lib", "python" + pythonMinor));
        File.WriteAllText(Path.Combine(root, "lib", "python" + pythonMinor, "os.py"), "# os\n");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.WriteAllText(Path.Combine(root, "bin", "conda-unpack"), "#!/bin/sh\n");
        foreach (var elf in elfFiles)
        {
            File.Copy(elf, Path.Combine(root, "lib", Path.GetFileName(elf)));
        }

        var archive = root + "." + format;
        var (code, output) = format == "zip"
            ? Processes.Run("python3", "-c", "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w')\nfor d,_,fs in os.walk(sys.argv[2]):\n  for f in fs:\n    p=os.path.join(d,f); z.write(p, os.path.relpath(p, sys.argv[2]))\nz.close()", archive, root)
            : Processes.Run("tar", "-czf", archive, "-C", root, ".");
        Assert.True(code == 0, output);
        return archive;
    }

    private SparkSubmission Submission(string? pySpark = null) =>
        new SparkSubmission(
            new SparkJobDefinition("score", "jobs/score.py", "analytics", Jobs.AnalyticsYaml, "3.11", pySpark, [], [], [], [], []),
            ["--input", "x"]).WithScript(_script);

    private PreflightOptions Options(string? sparkVersion = null)
    {
        if (sparkVersion is not null)
        {
            _standIn.ReportsVersion(sparkVersion);
        }

        return new PreflightOptions
        {
            SparkSubmit = new SparkSubmitOptions { EnvironmentVariables = new Dictionary<string, string?> { ["SPARK_HOME"] = _standIn.SparkHome } },
            FactsCacheDirectory = _work.Combine("facts"),
        };
    }

    private static PreflightCheck Check(PreflightReport report, string name) => report.Checks.Single(c => c.Name == name);

    [Fact]
    public async Task Client_mode_driver_python_must_match_the_packed_minor_version()
    {
        var local = LocalPythonMinor();
        var other = local == "3.10" ? "3.9" : "3.10";

        var same = await SubmissionPreflight.CheckAsync(Submission().OnYarn(DeployMode.Client).WithEnvironmentArchive(Archive(local)).WithDriverPython("python3"), Options());
        var mismatch = await SubmissionPreflight.CheckAsync(Submission().OnYarn(DeployMode.Client).WithEnvironmentArchive(Archive(other)).WithDriverPython("python3"), Options());
        var cluster = await SubmissionPreflight.CheckAsync(Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(Archive(other)), Options());

        Assert.Equal(PreflightStatus.Passed, Check(same, "python").Status);
        Assert.Equal(PreflightStatus.Failed, Check(mismatch, "python").Status);
        Assert.Contains($"Python {local} but the packed environment is Python {other}", Check(mismatch, "python").Detail, StringComparison.Ordinal);
        Assert.Contains("PYTHON_VERSION_MISMATCH", Check(mismatch, "python").Detail, StringComparison.Ordinal);
        var error = Assert.Throws<SubmissionPreflightException>(mismatch.ThrowIfFailed);
        Assert.Contains("--no-preflight", error.Message, StringComparison.Ordinal);
        Assert.Equal(PreflightStatus.Skipped, Check(cluster, "python").Status);
    }

    [Fact]
    public async Task A_driver_python_that_cannot_run_fails_the_check()
    {
        var report = await SubmissionPreflight.CheckAsync(
            Submission().OnStandalone("spark://m:7077").WithEnvironmentArchive(Archive("3.11")).WithDriverPython(_work.Combine("no", "python")), Options());

        Assert.Equal(PreflightStatus.Failed, Check(report, "python").Status);
        Assert.Contains("could not report its version", Check(report, "python").Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.0.3", "standalone", PreflightStatus.Failed)]
    [InlineData("3.0.3", "kubernetes", PreflightStatus.Failed)]
    [InlineData("3.0.3", "yarn", PreflightStatus.Passed)]
    [InlineData("3.1.1", "standalone", PreflightStatus.Passed)]
    public async Task Spark_before_3_1_cannot_ship_the_archive_to_standalone_or_kubernetes(string version, string cluster, PreflightStatus expected)
    {
        // spark.archives first exists in Spark 3.1.1 core/src/main/scala/org/apache/spark/internal/config/package.scala:1816
        // (absent from 3.0.0); YARN has its own --archives (spark.yarn.dist.archives) in every release.
        var archive = Archive("3.11");
        var submission = cluster switch
        {
            "standalone" => Submission().OnStandalone("spark://m:7077").WithEnvironmentArchive(archive),
            "kubernetes" => Submission().OnKubernetes("https://k8s:6443", DeployMode.Client, "spark-py").WithEnvironmentArchive(archive),
            _ => Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(archive),
        };

        var report = await SubmissionPreflight.CheckAsync(submission, Options(version));

        Assert.Equal(expected, Check(report, "spark").Status);
        Assert.Contains("Spark " + version, Check(report, "spark").Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.5.*", "3.5.1", PreflightStatus.Passed)]
    [InlineData(">=3.4,<4", "3.5.1", PreflightStatus.Passed)]
    [InlineData("3.4.1", "3.5.1", PreflightStatus.Failed)]
    [InlineData("3.5.0", "3.5.1", PreflightStatus.Passed)]
    public async Task The_running_spark_must_be_in_the_jobs_pyspark_major_minor(string pySpark, string spark, PreflightStatus expected)
    {
        var report = await SubmissionPreflight.CheckAsync(Submission(pySpark), Options(spark));

        Assert.Equal(expected, Check(report, "spark").Status);
        if (expected == PreflightStatus.Failed)
        {
            Assert.Contains($"[PySpark(\"{pySpark}\")]", Check(report, "spark").Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_declared_cluster_spark_version_is_used_instead_of_spark_submit()
    {
        var report = await SubmissionPreflight.CheckAsync(Submission("3.5.*"), Options("3.5.1") with { ClusterSparkVersion = "3.3.2" });

        Assert.Equal(PreflightStatus.Failed, Check(report, "spark").Status);
        Assert.Contains("declared cluster Spark is Spark 3.3.2", Check(report, "spark").Detail, StringComparison.Ordinal);
        // The advice fits where the version came from: the declared one, not SPARK_HOME's spark-submit.
        Assert.EndsWith("or, if the cluster runs a Spark 3.5.*, declare that version.", Check(report, "spark").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("SPARK_HOME", Check(report, "spark").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_spark_submit_the_spark_check_is_skipped_not_failed()
    {
        using var empty = new TempDirectory();
        var options = new PreflightOptions { SparkSubmit = new SparkSubmitOptions { EnvironmentVariables = new Dictionary<string, string?> { ["SPARK_HOME"] = null, ["PATH"] = empty.Path } } };

        var report = await SubmissionPreflight.CheckAsync(Submission("3.5.*"), options);

        Assert.Equal(PreflightStatus.Skipped, Check(report, "spark").Status);
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("zip")]
    public async Task Native_code_needing_a_newer_glibc_than_the_cluster_declares_is_refused(string format)
    {
        var needed = ElfSymbolVersionsTests.ReadelfNeeds(Libstdcxx).Select(static n => ElfSymbolVersions.ParseGlibc(n.Item2)).Where(static v => v is not null).Max()!;
        var archive = Archive("3.11", format, Libstdcxx, "/bin/ls");
        var lsNeeds = ElfSymbolVersionsTests.ReadelfNeeds("/bin/ls").Select(static n => ElfSymbolVersions.ParseGlibc(n.Item2)).Where(static v => v is not null).Max()!;
        var max = needed > lsNeeds ? needed : lsNeeds;
        var below = new Version(max.Major, max.Minor - 1).ToString();
        var submission = Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(archive);

        var refused = await SubmissionPreflight.CheckAsync(submission.WithClusterGlibc(below), Options());
        var accepted = await SubmissionPreflight.CheckAsync(submission.WithClusterGlibc($"{max.Major}.{max.Minor}"), Options());
        var undeclared = await SubmissionPreflight.CheckAsync(submission, Options() with { JobAssembly = typeof(object).Assembly });

        Assert.Equal(PreflightStatus.Failed, Check(refused, "glibc").Status);
        Assert.Contains($"needs GLIBC_{max.Major}.{max.Minor}", Check(refused, "glibc").Detail, StringComparison.Ordinal);
        Assert.Contains(needed > lsNeeds ? "libstdc++.so.6" : "ls", Check(refused, "glibc").Detail, StringComparison.Ordinal);
        Assert.Equal(PreflightStatus.Passed, Check(accepted, "glibc").Status);
        Assert.Contains("2 ELF files", Check(accepted, "glibc").Detail, StringComparison.Ordinal);
        Assert.Equal(PreflightStatus.Skipped, Check(undeclared, "glibc").Status);
    }

    [Fact]
    public async Task The_glibc_floor_comes_from_the_job_assemblys_attribute_in_memory_and_on_disk()
    {
        var assembly = typeof(SubmissionPreflightTests).Assembly;
        var archive = Archive("3.11", "tar.gz", "/bin/ls");

        var report = await SubmissionPreflight.CheckAsync(Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(archive), Options() with { JobAssembly = assembly });

        Assert.Contains("declares glibc 2.28", Check(report, "glibc").Detail, StringComparison.Ordinal);
        Assert.Equal("2.28", ClusterGlibcFloor.ReadFromAssemblyFile(assembly.Location));
        Assert.Null(ClusterGlibcFloor.ReadFromAssemblyFile(typeof(SparkSubmission).Assembly.Location));
        // The builder's value wins over the attribute.
        var builder = await SubmissionPreflight.CheckAsync(Submission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive(archive).WithClusterGlibc("2.99"), Options() with { JobAssembly = assembly });
        Assert.Contains("cluster glibc 2.99", Check(builder, "glibc").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_packed_environment_facts_come_from_one_read_of_the_archive()
    {
        var facts = await PackedEnvironmentFacts.ReadAsync(Archive("3.12", "tar.gz", "/bin/ls"));

        Assert.Equal("3.12", facts.PythonVersion);
        Assert.Equal(1, facts.ElfFiles);
        Assert.Equal("./lib/ls", facts.MaxGlibcFile);
        Assert.Equal(ElfSymbolVersionsTests.ReadelfNeeds("/bin/ls").Select(static n => ElfSymbolVersions.ParseGlibc(n.Item2)).Where(static v => v is not null).Max(), facts.MaxGlibc);
    }

    [Fact]
    public async Task The_facts_of_an_unchanged_archive_are_read_once_and_read_again_when_it_is_replaced()
    {
        var cache = _work.Combine("facts-cache");
        var archive = Archive("3.12", "tar.gz", "/bin/ls");
        var first = await PackedEnvironmentFacts.ReadAsync(archive, cache, CancellationToken.None);

        // Zeros of the same length under the same modification time: not an archive at all, so facts can only come from the cache.
        var written = File.GetLastWriteTimeUtc(archive);
        File.WriteAllBytes(archive, new byte[new FileInfo(archive).Length]);
        File.SetLastWriteTimeUtc(archive, written);
        var cached = await PackedEnvironmentFacts.ReadAsync(archive, cache, CancellationToken.None);
        await Assert.ThrowsAnyAsync<InvalidDataException>(() => PackedEnvironmentFacts.ReadAsync(archive, null, CancellationToken.None));

        // Another archive published under the same path (a new modification time, as a re-pack's rename gives it): read again.
        File.WriteAllBytes(archive, File.ReadAllBytes(Archive("3.11")));
        var replaced = await PackedEnvironmentFacts.ReadAsync(archive, cache, CancellationToken.None);

        Assert.Equal("3.12", first.PythonVersion);
        Assert.Equal(1, first.ElfFiles);
        Assert.Equal(first, cached);
        Assert.Equal("3.11", replaced.PythonVersion);
        Assert.Equal(0, replaced.ElfFiles);
        Assert.Null(replaced.MaxGlibc);
    }

    [Fact]
    public void The_builder_refuses_a_glibc_floor_that_is_not_major_minor()
    {
        Assert.Throws<ArgumentException>(() => Submission().WithClusterGlibc("2"));
        Assert.Throws<ArgumentException>(() => Submission().WithClusterGlibc("glibc 2.17"));
        Assert.Equal("2.17", Submission().WithClusterGlibc("2.17").ClusterGlibc);
    }

    [Fact]
    public void Spark_version_is_read_from_the_banner_not_the_scala_line()
    {
        // Spark 3.5.1 core/src/main/scala/org/apache/spark/deploy/SparkSubmit.scala:136-143 prints "... version %s" and then
        // "Using Scala %s", where Scala's versionString is "version 2.12.18".
        Assert.Equal(new Version(3, 5, 1), SubmissionPreflight.ParseSparkVersion("   /___/ .__/\\_,_/_/ /_/\\_\\   version 3.5.1\nUsing Scala version 2.12.18, OpenJDK"));
        Assert.Null(SubmissionPreflight.ParseSparkVersion("Using Scala version 2.12.18"));
    }
}
