using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Versions.Constraints;
using SparkJobGen.Subprocesses;

namespace SparkJobGen.Submission.Preflight;

/// <summary>
/// Checks, before anything is submitted, the failures a cluster would otherwise report minutes later: a driver Python whose
/// minor version differs from the packed one (client modes), a Spark older than 3.1 where <c>spark.archives</c> is needed
/// (standalone, Kubernetes) or of another major.minor than the job's <c>[PySpark]</c>, and native code in the archive that needs
/// a newer glibc than the cluster declares. Used by <see cref="SparkJobRunner"/> and by <c>sparkjobgen run</c> and <c>submit</c>.
/// </summary>
public static partial class SubmissionPreflight
{
    /// <summary>The first Spark release with <c>spark.archives</c> (and so <c>--archives</c> outside YARN): 3.1.</summary>
    public static readonly Version ArchivesSince = new(3, 1);

    /// <summary>Runs the checks. Nothing is submitted; failures are returned, not thrown (see <see cref="PreflightReport.ThrowIfFailed"/>).</summary>
    /// <param name="submission">The submission, with its environment archive set for cluster modes.</param>
    /// <param name="options">How to find spark-submit and what the cluster declares.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    public static async Task<PreflightReport> CheckAsync(SparkSubmission submission, PreflightOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        options ??= new PreflightOptions();
        var checks = new List<PreflightCheck>();

        var archive = submission.Cluster == ClusterManager.Local ? null : submission.EnvironmentArchive;
        var localArchive = archive is null ? null : SparkSubmitRunner.LocalPath(archive);
        var floorText = submission.ClusterGlibc ?? options.DeclaredGlibc ?? (options.JobAssembly ?? Assembly.GetEntryAssembly())?.GetCustomAttribute<ClusterGlibcAttribute>()?.Version;
        var clientOnCluster = submission.Cluster != ClusterManager.Local && submission.DeployMode == DeployMode.Client && archive is not null;

        PackedEnvironmentFacts? facts = null;
        string? factsError = null;
        if (localArchive is not null && File.Exists(localArchive) && (clientOnCluster || floorText is not null))
        {
            try
            {
                var cache = options.FactsCacheDirectory is { } configured
                    ? Path.GetFullPath(configured)
                    : CacheRoot.Folder(CacheRoot.Preflight, options.SparkSubmit.EnvironmentVariables);
                facts = await PackedEnvironmentFacts.ReadAsync(localArchive, cache, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is NotSupportedException or InvalidDataException or IOException or FormatException)
            {
                factsError = exception.Message;
            }
        }

        checks.Add(await CheckPythonAsync(submission, clientOnCluster, archive, localArchive, facts, factsError, options, cancellationToken).ConfigureAwait(false));
        checks.Add(await CheckSparkAsync(submission, options, cancellationToken).ConfigureAwait(false));
        checks.Add(CheckGlibc(floorText, archive, localArchive, facts, factsError));
        return new PreflightReport(checks);
    }

    /// <summary>The Spark version in <c>spark-submit --version</c>'s banner (<c>version 3.5.1</c>), not the Scala version after it.</summary>
    /// <param name="output">The output of <c>spark-submit --version</c>.</param>
    public static Version? ParseSparkVersion(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = SparkBannerVersion().Match(output);
        return match.Success ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture)) : null;
    }

    private static async Task<PreflightCheck> CheckPythonAsync(
        SparkSubmission submission, bool clientOnCluster, string? archive, string? localArchive, PackedEnvironmentFacts? facts, string? factsError, PreflightOptions options, CancellationToken cancellationToken)
    {
        const string Name = "python";
        if (submission.Cluster == ClusterManager.Local)
        {
            return new(Name, PreflightStatus.Skipped, $"local mode: the driver and the workers both run {submission.DriverPython}");
        }

        if (!clientOnCluster)
        {
            return new(Name, PreflightStatus.Skipped, archive is null
                ? $"no archive: the cluster's {submission.ClusterPython} cannot be inspected from here"
                : $"cluster deploy mode: the driver runs the packed {SparkSubmission.PackedPython} like the executors");
        }

        if (localArchive is null)
        {
            return new(Name, PreflightStatus.Skipped, $"the archive '{archive}' is remote, so its Python version cannot be read here");
        }

        if (facts?.PythonVersion is not { } packed)
        {
            return new(Name, PreflightStatus.Skipped, factsError ?? $"no lib/pythonX.Y/ in '{localArchive}', so its Python version is unknown");
        }

        var driver = await DriverPythonVersionAsync(submission.DriverPython, options, cancellationToken).ConfigureAwait(false);
        if (driver.Version is null)
        {
            return new(Name, PreflightStatus.Failed,
                $"the driver Python '{submission.DriverPython}' could not report its version ({driver.Error}). Set the driver's Python (WithDriverPython, --driver-python) to the environment's bin/python.");
        }

        return driver.Version == packed
            ? new(Name, PreflightStatus.Passed, $"driver {submission.DriverPython} is Python {driver.Version}, the packed environment Python {packed}")
            : new(Name, PreflightStatus.Failed,
                $"the driver {submission.DriverPython} is Python {driver.Version} but the packed environment is Python {packed}: every Python task would fail with " +
                "PYTHON_VERSION_MISMATCH. Drive with the environment's own interpreter (WithDriverPython(\"<environment>/bin/python\"), --driver-python; " +
                "`sparkjobgen run` does this by itself).");
    }

    private static async Task<(string? Version, string Error)> DriverPythonVersionAsync(string python, PreflightOptions options, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromMinutes(1));
            var exit = await ChildProcess.RunAsync(
                python,
                ["-c", "import sys; print('sjg-python %d.%d' % sys.version_info[:2])"],
                options.SparkSubmit.EnvironmentVariables,
                null,
                line => output.AppendLine(line.Text),
                limit.Token).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var match = PythonVersionLine().Match(output.ToString());
            return exit.ExitCode == 0 && match.Success ? (match.Groups[1].Value, string.Empty) : (null, $"exit code {exit.ExitCode}: {output.ToString().Trim()}");
        }
        catch (Win32Exception exception)
        {
            return (null, exception.Message);
        }
    }

    private static async Task<PreflightCheck> CheckSparkAsync(SparkSubmission submission, PreflightOptions options, CancellationToken cancellationToken)
    {
        const string Name = "spark";
        Version? version;
        string source;
        if (options.ClusterSparkVersion is { } declared)
        {
            version = Version.TryParse(declared, out var parsed) ? parsed : null;
            if (version is null)
            {
                return new(Name, PreflightStatus.Failed, $"the declared cluster Spark version '{declared}' is not a version such as 3.5.1");
            }

            source = "declared cluster Spark";
        }
        else
        {
            string sparkSubmit;
            try
            {
                sparkSubmit = SparkSubmitRunner.LocateSparkSubmit(options.SparkSubmit);
            }
            catch (SubmissionPreflightException)
            {
                return new(Name, PreflightStatus.Skipped, "spark-submit was not found, so the Spark version is unknown");
            }

            var output = new StringBuilder();
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(TimeSpan.FromMinutes(2));
                var environment = SparkSubmitRunner.ChildEnvironment(options.SparkSubmit.EnvironmentVariables, new Dictionary<string, string?>(), static name => Environment.GetEnvironmentVariable(name));
                await ChildProcess.RunAsync(sparkSubmit, ["--version"], environment, null, line => output.AppendLine(line.Text), limit.Token).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (Win32Exception exception)
            {
                return new(Name, PreflightStatus.Skipped, $"`{sparkSubmit} --version` could not be run: {exception.Message}");
            }

            version = ParseSparkVersion(output.ToString());
            if (version is null)
            {
                return new(Name, PreflightStatus.Skipped, $"`{sparkSubmit} --version` printed no Spark version");
            }

            source = "spark-submit";
        }

        var series = $"{version.Major}.{version.Minor}";
        var needsArchivesConf = submission.EnvironmentArchive is not null && submission.Cluster is ClusterManager.Standalone or ClusterManager.Kubernetes;
        if (needsArchivesConf && version < ArchivesSince)
        {
            return new(Name, PreflightStatus.Failed,
                $"{source} is Spark {version}, but shipping the environment archive to {submission.Cluster} needs spark.archives, added in Spark 3.1: " +
                (options.ClusterSparkVersion is null ? "use Spark 3.1 or later (SPARK_HOME)" : "submit to a cluster with Spark 3.1 or later (and declare its version)")
                + ", or install the environment on every node and use WithClusterPython.");
        }

        if (submission.Job.PySparkVersion is { Length: > 0 } spec)
        {
            bool agrees;
            try
            {
                agrees = VersionConstraintSolver.Check([
                    VersionConstraint.ParseConda("pyspark", spec),
                    VersionConstraint.ParseConda("pyspark", series + ".*"),
                ]).IsSatisfiable;
            }
            catch (FormatException)
            {
                return new(Name, PreflightStatus.Skipped, $"{source} is Spark {version}; the job's [PySpark(\"{spec}\")] could not be read");
            }

            if (!agrees)
            {
                return new(Name, PreflightStatus.Failed,
                    $"{source} is Spark {version} but job '{submission.Job.Name}' declares [PySpark(\"{spec}\")], which admits no {series}.x: the driver's pyspark and " +
                    $"the cluster's Spark would not match. Declare [PySpark(\"{series}.*\")] (and rebuild the environment), " + (options.ClusterSparkVersion is null
                        ? $"or submit with a Spark {spec} (SPARK_HOME)."
                        : $"or, if the cluster runs a Spark {spec}, declare that version."));
            }

            return new(Name, PreflightStatus.Passed, $"{source} is Spark {version}, in the job's [PySpark(\"{spec}\")]");
        }

        return new(Name, PreflightStatus.Passed, $"{source} is Spark {version}" + (needsArchivesConf ? " (spark.archives: 3.1 or later)" : string.Empty));
    }

    private static PreflightCheck CheckGlibc(string? floorText, string? archive, string? localArchive, PackedEnvironmentFacts? facts, string? factsError)
    {
        const string Name = "glibc";
        if (floorText is null)
        {
            return new(Name, PreflightStatus.Skipped, "no cluster glibc declared ([assembly: ClusterGlibc(\"2.17\")], WithClusterGlibc, --cluster-glibc)");
        }

        if (!Version.TryParse(floorText, out var floor))
        {
            return new(Name, PreflightStatus.Failed, $"the declared cluster glibc '{floorText}' is not a version such as 2.17");
        }

        if (archive is null)
        {
            return new(Name, PreflightStatus.Skipped, "no environment archive is shipped");
        }

        if (localArchive is null)
        {
            return new(Name, PreflightStatus.Skipped, $"the archive '{archive}' is remote, so its native code cannot be read here");
        }

        if (facts is null)
        {
            return new(Name, PreflightStatus.Skipped, factsError ?? $"the archive '{localArchive}' could not be read");
        }

        if (facts.MaxGlibc is null)
        {
            return new(Name, PreflightStatus.Passed, $"{facts.ElfFiles} ELF files, none needs a GLIBC_ version; cluster glibc {floor}");
        }

        return facts.MaxGlibc <= floor
            ? new(Name, PreflightStatus.Passed, $"{facts.ElfFiles} ELF files need at most GLIBC_{facts.MaxGlibc} ({facts.MaxGlibcFile}); cluster glibc {floor}")
            : new(Name, PreflightStatus.Failed,
                $"{facts.MaxGlibcFile} in the archive needs GLIBC_{facts.MaxGlibc} but the cluster declares glibc {floor}: it would fail to load on the nodes " +
                $"(\"version `GLIBC_{facts.MaxGlibc}' not found\"). Build the environment on a machine (or image) with glibc {floor} or older, or pin packages built for it.");
    }

    [GeneratedRegex(@"(?<!Scala )version (\d+)\.(\d+)\.(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex SparkBannerVersion();

    [GeneratedRegex(@"^sjg-python (\d+\.\d+)\s*$", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex PythonVersionLine();
}
