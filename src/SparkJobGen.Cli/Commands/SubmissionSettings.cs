using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Preflight;

namespace SparkJobGen.Cli.Commands;

/// <summary>The spark-submit settings of <c>run</c> and <c>submit</c>, mirroring spark-submit's own option names.</summary>
internal sealed class SubmissionSettings
{
    public Option<string?> Master { get; } = new("--master") { Description = "local[*] (default), local[N], yarn, spark://host:7077 or k8s://https://host:6443.", HelpName = "url" };

    public Option<string?> DeployMode { get; } = new("--deploy-mode") { Description = "client (default) or cluster." };

    public Option<string?> Archive { get; } = new("--archive") { Description = "The packed environment archive (path or URI) shipped as <archive>#environment.", HelpName = "path-or-uri" };

    public Option<string?> Store { get; } = new("--store") { Description = "Ship the archive through this content-addressed store (s3a://bucket/envs/, hdfs://namenode/path/, file:///mnt/envs/): uploaded once, then reused.", HelpName = "uri" };

    public Option<string?> Script { get; } = new("--script") { Description = "Overrides the script path (for example an hdfs:// or s3a:// copy).", HelpName = "path-or-uri" };

    public Option<string[]> Conf { get; } = new("--conf") { Description = "A Spark property key=value (repeatable); overrides the job's declared value.", HelpName = "key=value" };

    public Option<string?> Name { get; } = new("--name") { Description = "The application name (default: the job name)." };

    public Option<string?> ProxyUser { get; } = new("--proxy-user") { Description = "Run the application as this user (spark-submit --proxy-user, Livy proxyUser)." };

    public Option<string?> Queue { get; } = new("--queue") { Description = "The YARN queue." };

    public Option<string?> DriverMemory { get; } = new("--driver-memory") { Description = "Driver memory, for example 2g." };

    public Option<int?> DriverCores { get; } = new("--driver-cores") { Description = "Driver cores (cluster mode)." };

    public Option<string?> ExecutorMemory { get; } = new("--executor-memory") { Description = "Memory per executor, for example 4g." };

    public Option<int?> ExecutorCores { get; } = new("--executor-cores") { Description = "Cores per executor." };

    public Option<int?> NumExecutors { get; } = new("--num-executors") { Description = "Number of executors." };

    public Option<string?> KubernetesImage { get; } = new("--k8s-image") { Description = "The Spark container image with Python (required with k8s://)." };

    public Option<string?> Namespace { get; } = new("--namespace") { Description = "The Kubernetes namespace." };

    public Option<string?> UploadPath { get; } = new("--upload-path") { Description = "Where spark-submit uploads local files in Kubernetes cluster mode (s3a://…)." };

    public Option<string?> DriverPython { get; } = new("--driver-python") { Description = "The driver's Python in local and client modes (run drives with the environment it creates; this applies with --archive)." };

    public Option<string?> ClusterGlibc { get; } = new("--cluster-glibc") { Description = "The oldest glibc on the cluster's nodes (major.minor, e.g. 2.17); the preflight refuses an archive needing newer. Default: the job assembly's [assembly: ClusterGlibc]." };

    public Option<string?> ClusterSparkVersion { get; } = MustBeVersion(new("--cluster-spark-version") { Description = "The cluster's Spark version for the preflight, instead of asking spark-submit --version.", HelpName = "version" });

    public Option<bool> NoPreflight { get; } = new("--no-preflight") { Description = "Skip the preflight checks (driver/packed Python, Spark version, glibc)." };

    public Option<string?> SparkSubmit { get; } = new("--spark-submit") { Description = "The spark-submit executable (default: $SPARK_HOME/bin/spark-submit, then PATH).", HelpName = "path" };

    public SubmissionSettings()
    {
        Master.CompletionSources.Add("local[*]", "yarn", "spark://", "k8s://https://");
        DeployMode.AcceptOnlyFromAmong("client", "cluster");
    }

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The verb.</param>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Master, DeployMode, Archive, Store, Script, Conf, Name, ProxyUser, Queue, DriverMemory, DriverCores, ExecutorMemory, ExecutorCores, NumExecutors, KubernetesImage, Namespace, UploadPath, DriverPython, SparkSubmit, ClusterGlibc, ClusterSparkVersion, NoPreflight })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Applies the options to a submission.</summary>
    /// <param name="result">The parse result.</param>
    /// <param name="submission">The submission of the job.</param>
    /// <exception cref="ArgumentException">A value is invalid (reported as a usage error).</exception>
    public SparkSubmission Apply(ParseResult result, SparkSubmission submission)
    {
        var mode = result.GetValue(DeployMode) switch
        {
            "cluster" => SparkJobGen.DeployMode.Cluster,
            _ => SparkJobGen.DeployMode.Client,
        };
        var master = result.GetValue(Master) ?? "local[*]";
        if (master == "local" || master == "local[*]")
        {
            submission = submission.Local();
        }
        else if (master.StartsWith("local[", StringComparison.Ordinal) && master.EndsWith(']') &&
            int.TryParse(master.AsSpan(6, master.Length - 7), NumberStyles.None, CultureInfo.InvariantCulture, out var threads))
        {
            submission = threads > 0 ? submission.Local(threads) : throw new ArgumentException($"--master '{master}': the number of threads must be at least 1.");
        }
        else if (master == "yarn")
        {
            submission = submission.OnYarn(mode);
        }
        else if (master.StartsWith("spark://", StringComparison.Ordinal))
        {
            submission = submission.OnStandalone(master, mode);
        }
        else if (master.StartsWith("k8s://", StringComparison.Ordinal))
        {
            submission = submission.OnKubernetes(master, mode, result.GetValue(KubernetesImage) ?? throw new ArgumentException("--master k8s://… needs --k8s-image <spark-py image>."));
        }
        else
        {
            throw new ArgumentException($"--master '{master}' is not one of local[*], local[N], yarn, spark://host:port, k8s://https://host:port.");
        }

        if (master.StartsWith("local", StringComparison.Ordinal) && mode == SparkJobGen.DeployMode.Cluster)
        {
            throw new ArgumentException("--deploy-mode cluster needs a cluster --master (yarn, k8s://…).");
        }

        submission = Set(Archive, result, submission, static (s, v) => s.WithEnvironmentArchive(v!));
        submission = Set(Store, result, submission, static (s, v) => s.WithEnvironmentStore(v!));
        submission = Set(Script, result, submission, static (s, v) => s.WithScript(v!));
        submission = Set(Name, result, submission, static (s, v) => s.WithName(v!));
        submission = Set(ProxyUser, result, submission, static (s, v) => s.AsProxyUser(v!));
        submission = Set(Queue, result, submission, static (s, v) => s.InQueue(v!));
        submission = Set(DriverMemory, result, submission, static (s, v) => s.DriverMemory(v!));
        submission = Set(ExecutorMemory, result, submission, static (s, v) => s.ExecutorMemory(v!));
        submission = Set(Namespace, result, submission, static (s, v) => s.InNamespace(v!));
        submission = Set(UploadPath, result, submission, static (s, v) => s.WithKubernetesUploadPath(v!));
        submission = Set(DriverPython, result, submission, static (s, v) => s.WithDriverPython(v!));
        submission = Set(ClusterGlibc, result, submission, static (s, v) => s.WithClusterGlibc(v!));
        submission = Set(DriverCores, result, submission, static (s, v) => s.DriverCores(v!.Value));
        submission = Set(ExecutorCores, result, submission, static (s, v) => s.ExecutorCores(v!.Value));
        submission = Set(NumExecutors, result, submission, static (s, v) => s.NumExecutors(v!.Value));

        foreach (var entry in result.GetValue(Conf) ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--conf '{entry}' must be key=value.");
            }

            submission = submission.WithConf(entry[..equals], entry[(equals + 1)..]);
        }

        return submission;
    }

    /// <summary>What the preflight compares against: <c>--cluster-spark-version</c> and the job assembly's glibc floor.</summary>
    /// <param name="result">The parse result.</param>
    /// <param name="assemblyPath">The job assembly, whose <c>[assembly: ClusterGlibc]</c> is read from its metadata.</param>
    public PreflightOptions Preflight(ParseResult result, string assemblyPath) => new()
    {
        ClusterSparkVersion = result.GetValue(ClusterSparkVersion),
        DeclaredGlibc = ClusterGlibcFloor.ReadFromAssemblyFile(assemblyPath),
    };

    /// <summary>Runs the preflight of a spark-submit submission and prints each check, unless <c>--no-preflight</c>.</summary>
    /// <param name="result">The parse result.</param>
    /// <param name="submission">The submission.</param>
    /// <param name="preflight">The preflight options.</param>
    /// <param name="console">Where the checks are printed.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    /// <returns>The report; null when skipped.</returns>
    /// <exception cref="SubmissionPreflightException">A check failed.</exception>
    public async Task<PreflightReport?> RunPreflightAsync(ParseResult result, SparkSubmission submission, PreflightOptions preflight, Output.CliConsole console, CancellationToken cancellationToken)
    {
        if (result.GetValue(NoPreflight))
        {
            console.Step(new JobRunStep("preflight", "skipped (--no-preflight)", true));
            return null;
        }

        var report = await SubmissionPreflight.CheckAsync(submission, preflight, cancellationToken).ConfigureAwait(false);
        foreach (var check in report.Checks)
        {
            console.Step(new JobRunStep("preflight", $"{check.Name} {check.Status.ToString().ToLowerInvariant()}: {check.Detail}", true, check.Status == PreflightStatus.Failed));
        }

        report.ThrowIfFailed();
        return report;
    }

    /// <summary>The Spark conf values given on the command line, for redaction.</summary>
    /// <param name="result">The parse result.</param>
    public IEnumerable<KeyValuePair<string, string>> ConfValues(ParseResult result)
    {
        foreach (var entry in result.GetValue(Conf) ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                yield return new(entry[..equals], entry[(equals + 1)..]);
            }
        }
    }

    /// <summary>A version the preflight compares with (major.minor[.patch]) or a usage error, even where no preflight runs (--dry-run).</summary>
    private static Option<string?> MustBeVersion(Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (text is not null && !Version.TryParse(text, out _))
            {
                result.AddError($"{option.Name} '{text}' is not a version such as 3.5.1.");
            }
        });
        return option;
    }

    /// <summary>Applies an option's value when it was given; a value the builder refuses is a usage error naming the option.</summary>
    private static SparkSubmission Set<T>(Option<T> option, ParseResult result, SparkSubmission submission, Func<SparkSubmission, T, SparkSubmission> apply)
    {
        var value = result.GetValue(option);
        if (value is null)
        {
            return submission;
        }

        try
        {
            return apply(submission, value);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"{option.Name} '{value}': {CliApplication.MessageOf(exception)}", exception);
        }
    }
}
