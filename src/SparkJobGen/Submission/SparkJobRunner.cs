using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using SparkJobGen.Environments;
using SparkJobGen.Submission.Preflight;

namespace SparkJobGen.Submission;

/// <summary>A step of a job run, reported as it starts or finishes.</summary>
/// <param name="Name">The step: <c>environment</c>, <c>pack</c>, <c>verify</c>, <c>preflight</c> or <c>submit</c>.</param>
/// <param name="Detail">What is happening, for example the command or the archive path.</param>
/// <param name="IsDone">Whether the step finished (false when it starts).</param>
/// <param name="IsFailed">Whether the step finished by failing (a preflight check that failed).</param>
public sealed record JobRunStep(string Name, string Detail, bool IsDone, bool IsFailed = false);

/// <summary>Options of <see cref="SparkJobRunner"/>.</summary>
public sealed record SparkJobRunOptions
{
    /// <summary>How the environment is created and cached.</summary>
    public EnvironmentCreationOptions Environment { get; init; } = new();

    /// <summary>The packing step; required unless the submission already names an environment archive.</summary>
    public IEnvironmentArchiver? Archiver { get; init; }

    /// <summary>Where packed archives are cached; default <c>$SPARKJOBGEN_CACHE/packs</c> (else <c>$XDG_CACHE_HOME/sparkjobgen/packs</c>, else <c>~/.cache/sparkjobgen/packs</c>).</summary>
    public string? PackCacheRoot { get; init; }

    /// <summary>How spark-submit is found and run.</summary>
    public SparkSubmitOptions SparkSubmit { get; init; } = new();

    /// <summary>How the local container run works (used in local mode when Spark is absent, or when forced).</summary>
    public LocalContainerOptions Container { get; init; } = new();

    /// <summary>Uses the local container run even when Spark is installed (local mode only).</summary>
    public bool ForceLocalContainer { get; init; }

    /// <summary>Skips the preflight checks (<see cref="SubmissionPreflight"/>); their outcome is then not reported either.</summary>
    public bool SkipPreflight { get; init; }

    /// <summary>What the preflight compares against: a declared cluster Spark version, the job assembly for its glibc floor.</summary>
    public PreflightOptions Preflight { get; init; } = new();

    /// <summary>Receives step progress.</summary>
    public Action<JobRunStep>? OnStep { get; init; }

    /// <summary>Masks step details; set by <see cref="SparkJobRunner.RunAsync"/> from the submission's secrets.</summary>
    internal SecretRedactor? StepRedactor { get; init; }
    /// <summary>Credentials, endpoints and progress of the submission's environment store (<see cref="SparkSubmission.WithEnvironmentStore"/>).</summary>
    public Stores.EnvironmentStoreOptions Store { get; init; } = new();

    /// <summary>Receives step progress as log messages.</summary>
    public ILogger? Logger { get; init; }
}

/// <summary>The outcome of <see cref="SparkJobRunner.RunAsync"/>.</summary>
/// <param name="Environment">The created or reused environment; null when the submission brought its own archive.</param>
/// <param name="EnvironmentArchive">The packed archive used.</param>
/// <param name="ArchiveReused">Whether the archive came from the pack cache.</param>
/// <param name="Submission">How the job ended.</param>
public sealed record JobRunResult(CreatedEnvironment? Environment, string EnvironmentArchive, bool ArchiveReused, SubmissionResult Submission)
{
    /// <summary>How the archive reached the environment store; null when the submission names no store (or runs locally).</summary>
    public Stores.StoreShipResult? Store { get; init; }
    /// <summary>The preflight checks that ran before submitting; null when skipped or when nothing reached spark-submit (a local container run).</summary>
    public PreflightReport? Preflight { get; init; }

    /// <summary>The spark-submit command that ran (its <see cref="SparkSubmitCommand.Arguments"/> hold secrets unmasked); null for a local container run.</summary>
    public SparkSubmitCommand? SparkSubmitCommand { get; init; }
}

/// <summary>
/// One call does it all: create or reuse the job's environment, pack it (cached by content hash), verify the archive, and
/// submit. In local mode (the default of <c>ToSubmission()</c>) it runs <c>spark-submit --master local[*]</c> with the created
/// environment's interpreter when Spark is installed, and otherwise a <see cref="LocalContainerRunner">local container run</see>
/// of the packed archive; on a cluster it ships the packed archive with <c>--archives …#environment</c>, and in client deploy
/// modes drives with the created environment's interpreter from a run directory whose <c>./environment</c> links to it.
/// Before spark-submit starts, the <see cref="SubmissionPreflight">preflight</see> runs unless <see cref="SparkJobRunOptions.SkipPreflight"/>.
/// A submission that already names an archive (<c>WithEnvironmentArchive</c>) skips creation and packing: on a cluster the
/// archive is shipped, in local mode it runs in a local container run.
/// </summary>
public static class SparkJobRunner
{
    /// <summary>Runs a job end to end.</summary>
    /// <param name="submission">The configured submission (for example <c>new MyJob { … }.ToSubmission()</c>).</param>
    /// <param name="options">Creation, packing and submission options.</param>
    /// <param name="cancellationToken">Stops whatever step is running (process trees are killed, partial results discarded).</param>
    /// <exception cref="EnvironmentCreationException">The environment could not be created.</exception>
    /// <exception cref="SubmissionPreflightException">Something needed for submission is missing, a preflight check failed, or a value Spark would change was refused.</exception>
    /// <exception cref="SubmissionCanceledException">Cancelled during submission.</exception>
    /// <exception cref="SubmissionTimeoutException">The submission timed out.</exception>
    public static async Task<JobRunResult> RunAsync(SparkSubmission submission, SparkJobRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        options ??= new SparkJobRunOptions();
        var redactor = new SecretRedactor(submission.SecretValues).AddFromConf(submission.EffectiveConf()).AddFromJobArguments(submission.JobArguments);

        // Step details (tool command lines, spark-submit lines) are masked like every other output.
        options = options with { StepRedactor = redactor };
        RefuseBeforeCreating(submission);

        CreatedEnvironment? environment = null;
        string archive;
        var archiveReused = false;
        if (submission.EnvironmentArchive is { } given)
        {
            // An archive made earlier (sparkjobgen pack, CI): no environment is created or packed.
            archive = given;
        }
        else
        {
            var archiver = options.Archiver ?? throw new SubmissionPreflightException(
                "No environment packer is configured: set SparkJobRunOptions.Archiver (the Packing library's packer), or give the submission an archive with WithEnvironmentArchive().");
            var spec = EnvironmentSpec.Parse(submission.Job.EnvironmentYaml, $"the environment.yaml of '{submission.Job.Environment}'");

            Step(options, "environment", $"{submission.Job.Environment} ({spec.ContentHash.Substring(0, 16)})", false);
            var creation = options.Environment with
            {
                OnCommand = command =>
                {
                    Step(options, "environment", command, false);
                    options.Environment.OnCommand?.Invoke(command);
                },
            };
            environment = await EnvironmentCreator.CreateAsync(spec, creation, cancellationToken).ConfigureAwait(false);
            Step(options, "environment", (environment.Reused ? "reused " : "created ") + environment.Prefix, true);

            (archive, archiveReused) = await PackCachedAsync(submission.Job.Environment, environment, archiver, options, cancellationToken).ConfigureAwait(false);
        }

        SubmissionResult result;
        Stores.StoreShipResult? shipped = null;
        PreflightReport? preflight = null;
        SparkSubmitCommand? sparkCommand = null;
        if (submission.Cluster == ClusterManager.Local)
        {
            // With a given archive there is no local environment to drive spark-submit, so the archive runs in a local container.
            var sparkPresent = environment is not null && !options.ForceLocalContainer && SparkSubmitRunner.IsSparkAvailable(options.SparkSubmit);
            if (sparkPresent)
            {
                var local = submission.WithDriverPython(environment!.PythonPath);
                preflight = await PreflightAsync(local, options, cancellationToken).ConfigureAwait(false);
                Step(options, "submit", "spark-submit --master " + local.Master, false);
                sparkCommand = ToCommand(local);
                result = await SparkSubmitRunner.SubmitAsync(sparkCommand, options.SparkSubmit, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                SparkSubmitCommand command;
                try
                {
                    command = submission.ToCommand();
                }
                catch (InvalidOperationException exception)
                {
                    throw new SubmissionPreflightException(exception.Message, exception);
                }

                Step(options, "submit", environment is null ? "local container run of " + archive : "local container run (" + WhyNoSparkSubmit(options) + ")", false);
                var container = options.Container with
                {
                    Timeout = options.Container.Timeout ?? options.SparkSubmit.Timeout,
                    Secrets = [.. options.Container.Secrets ?? [], .. options.SparkSubmit.Secrets ?? [], .. command.Secrets],
                };
                result = await LocalContainerRunner.RunAsync(
                    new LocalContainerRequest(archive, command.ScriptPath, command.JobArguments) { Environment = options.SparkSubmit.EnvironmentVariables },
                    container,
                    cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var cluster = submission.EnvironmentArchive is null ? submission.WithEnvironmentArchive(archive) : submission;
            var sparkSubmit = options.SparkSubmit;
            if (environment is not null && cluster.DeployMode == DeployMode.Client)
            {
                // The driver runs here: the environment just created is the packed one, so driver and executors run the same
                // Python, and ./environment in spark-submit's working directory points at it for Python that Spark starts in the driver.
                cluster = cluster.WithDriverPython(environment.PythonPath);
                sparkSubmit = sparkSubmit with { LocalEnvironment = sparkSubmit.LocalEnvironment ?? environment.Prefix };
            }

            // Preflight reads the local archive, and a failed check uploads nothing to the store.
            preflight = await PreflightAsync(cluster, options, cancellationToken).ConfigureAwait(false);
            (cluster, shipped) = await Stores.EnvironmentStoreShipper.ShipAsync(
                cluster, options.Store, detail => Step(options, "store", detail, false), cancellationToken).ConfigureAwait(false);
            Step(options, "submit", $"spark-submit --master {cluster.Master} --deploy-mode {cluster.DeployMode.ToString().ToLowerInvariant()}", false);
            sparkCommand = ToCommand(cluster);
            result = await SparkSubmitRunner.SubmitAsync(sparkCommand, sparkSubmit, cancellationToken).ConfigureAwait(false);
        }

        Step(options, "submit", $"{result.FinalState} (exit code {result.ExitCode})", true);
        return new JobRunResult(environment, archive, archiveReused, result) { Store = shipped, Preflight = preflight, SparkSubmitCommand = sparkCommand };
    }

    /// <summary>Why a local-mode run with a created environment did not use spark-submit, naming what was looked at.</summary>
    private static string WhyNoSparkSubmit(SparkJobRunOptions options)
    {
        if (options.ForceLocalContainer)
        {
            return "requested instead of spark-submit";
        }

        if (options.SparkSubmit.SparkSubmitPath is { } configured)
        {
            return $"the configured spark-submit '{configured}' does not exist or is not executable";
        }

        return new ExecutableLocator(options.SparkSubmit.EnvironmentVariables).GetVariable("SPARK_HOME") is { } sparkHome
            ? $"SPARK_HOME is '{sparkHome}' but {Path.Combine(sparkHome, "bin", "spark-submit")} does not exist and spark-submit is not on PATH: "
                + "point SPARK_HOME at a Spark install to run spark-submit --master local[*]"
            : "no Spark found: set SPARK_HOME to run spark-submit --master local[*]";
    }

    /// <summary>The spark-submit command of a submission; an incomplete submission is a refused prerequisite.</summary>
    /// <param name="submission">The submission.</param>
    internal static SparkSubmitCommand ToCommand(SparkSubmission submission)
    {
        try
        {
            return submission.ToCommand();
        }
        catch (InvalidOperationException exception)
        {
            throw new SubmissionPreflightException(exception.Message, exception);
        }
    }

    /// <summary>
    /// Builds the command once before anything is created, packed or uploaded, so a value Spark would change (or a submission
    /// incomplete for its mode) is refused at once. The archive is a placeholder of the kind that will be submitted: an object
    /// of the environment store when one will take the archive (a <c>file://</c> store's object is a local file, which
    /// Kubernetes cluster mode refuses without an upload path), else the local archive still to be packed.
    /// </summary>
    private static void RefuseBeforeCreating(SparkSubmission submission)
    {
        Uri? store = null;
        try
        {
            var probe = submission;
            if (submission.Cluster != ClusterManager.Local && submission.ClusterPython is null)
            {
                if (Stores.EnvironmentStoreShipper.WillShip(submission))
                {
                    store = Stores.EnvironmentStores.ParseLocation(submission.EnvironmentStore!);
                    probe = submission.WithEnvironmentArchive(new Uri(store, submission.Job.Environment + "-<key>.tar.gz").AbsoluteUri);
                }
                else if (submission.EnvironmentArchive is null)
                {
                    probe = submission.WithEnvironmentArchive(Path.Combine(Path.GetTempPath(), "not-yet-packed.tar.gz"));
                }
            }

            probe.ToCommand();
        }
        catch (InvalidOperationException exception)
        {
            var where = store is null ? string.Empty : $" The archive would be the environment store's object in {store.AbsoluteUri}, uploaded before spark-submit runs; nothing was uploaded.";
            throw new SubmissionPreflightException(exception.Message + where, exception);
        }
    }

    private static async Task<PreflightReport?> PreflightAsync(SparkSubmission submission, SparkJobRunOptions options, CancellationToken cancellationToken)
    {
        if (options.SkipPreflight)
        {
            Step(options, "preflight", "skipped", true);
            return null;
        }

        var report = await SubmissionPreflight.CheckAsync(submission, options.Preflight with { SparkSubmit = options.SparkSubmit }, cancellationToken).ConfigureAwait(false);
        foreach (var check in report.Checks)
        {
            Step(options, "preflight", $"{check.Name} {check.Status.ToString().ToLowerInvariant()}: {check.Detail}", true, check.Status == PreflightStatus.Failed);
        }

        report.ThrowIfFailed();
        return report;
    }

    /// <summary>The pack cache root (see <see cref="SparkJobRunOptions.PackCacheRoot"/>).</summary>
    /// <param name="options">The options.</param>
    public static string ResolvePackCacheRoot(SparkJobRunOptions? options = null) =>
        options?.PackCacheRoot is { } root ? Path.GetFullPath(root) : CacheRoot.Folder(CacheRoot.Packs, options?.Environment.EnvironmentVariables);

    /// <summary>
    /// The environment's archive from the pack cache (<see cref="Packing.PackCache"/>, the same records <c>sparkjobgen pack</c>
    /// keeps), or packed, verified and recorded now. Keyed by the environment's content hash and its prefix (a recreated
    /// environment is a different directory and is packed again); an archive changed since it was recorded is packed again.
    /// </summary>
    private static async Task<(string Archive, bool Reused)> PackCachedAsync(
        string environmentName, CreatedEnvironment environment, IEnvironmentArchiver archiver, SparkJobRunOptions options, CancellationToken cancellationToken)
    {
        var root = ResolvePackCacheRoot(options);
        var directory = Path.Combine(root, EnvironmentCreator.CacheKey(environment.ContentHash));
        var archive = Path.Combine(directory, environmentName + archiver.ArchiveExtension);
        var cache = new Packing.PackCache(root);
        var key = EnvironmentKeyPrefix + environment.ContentHash + "|" + environment.Prefix;
        Directory.CreateDirectory(directory);
        if (cache.FindCurrent(archive, key) is not null)
        {
            Step(options, "pack", "reused " + archive, true);
            return (archive, true);
        }

        cache.Forget(archive);
        var temporary = Path.Combine(directory, $".{environmentName}.{Guid.NewGuid():N}{archiver.ArchiveExtension}");
        try
        {
            Step(options, "pack", $"{environment.Prefix} -> {archive}", false);
            await archiver.PackAsync(environment.Prefix, temporary, cancellationToken).ConfigureAwait(false);
            Step(options, "verify", temporary, false);
            await archiver.VerifyAsync(temporary, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, archive, overwrite: true);
            cache.Remember(archive, key);
            Step(options, "pack", archive, true);
            return (archive, false);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Marks the runner's keys (environment content hash and prefix) apart from the packer's content keys.</summary>
    private const string EnvironmentKeyPrefix = "environment:";

    private static void Step(SparkJobRunOptions options, string name, string detail, bool done, bool failed = false)
    {
        detail = options.StepRedactor?.Redact(detail) ?? detail;
        options.OnStep?.Invoke(new JobRunStep(name, detail, done, failed));
        if (options.Logger is { } logger)
        {
            SubmissionLog.Step(logger, name, detail);
        }
    }
}
