using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using SparkJobGen.Subprocesses;

namespace SparkJobGen.Submission;

/// <summary>What a local container run executes.</summary>
/// <param name="EnvironmentArchive">The packed environment archive (<c>.tar.gz</c>, <c>.tgz</c>, <c>.tar</c>, <c>.tar.zst</c>, <c>.tar.bz2</c>, <c>.tar.xz</c> or <c>.zip</c>).</param>
/// <param name="ScriptPath">The job's Python script.</param>
/// <param name="JobArguments">The script's arguments, passed verbatim.</param>
public sealed record LocalContainerRequest(string EnvironmentArchive, string ScriptPath, IReadOnlyList<string> JobArguments)
{
    /// <summary>Extra environment variables for the script (null values unset).</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }
}

/// <summary>Options of <see cref="LocalContainerRunner"/>.</summary>
public sealed record LocalContainerOptions
{
    /// <summary>Where scratch working directories are made; the system temp directory when null.</summary>
    public string? ScratchRoot { get; init; }

    /// <summary>Keeps the scratch working directory after the run for inspection (its path is <see cref="SubmissionResult.WorkingDirectory"/> and in the log).</summary>
    public bool KeepScratch { get; init; }

    /// <summary>Stops the script after this long (<see cref="SubmissionTimeoutException"/>).
    /// A zero, negative or longer than 49 days value is refused when set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a positive time a timer can wait (at most 49 days).</exception>
    public TimeSpan? Timeout
    {
        get => _timeout;
        init => _timeout = SubmissionTimeouts.Check(value);
    }

    private readonly TimeSpan? _timeout;

    /// <summary>Receives the script's output lines (redacted).</summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>Receives the command and output lines.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Secret values to mask in output.</summary>
    public IReadOnlyList<string>? Secrets { get; init; }
}

/// <summary>
/// Runs a job the way a YARN container would, without a JVM: the environment archive is extracted as <c>environment/</c>
/// in a fresh scratch working directory beside a copy of the script, and <c>./environment/bin/python &lt;script&gt; &lt;args&gt;</c>
/// runs there with <c>PYSPARK_PYTHON=./environment/bin/python</c>. This exercises the packed interpreter, the archive layout
/// and the typed arguments for real; only Spark itself is absent (a script that imports pyspark needs pyspark in the environment).
/// </summary>
public static class LocalContainerRunner
{
    /// <summary>The <see cref="SubmissionResult.Backend"/> of local container runs.</summary>
    public const string BackendName = "local-container";

    /// <summary>Extracts the archive, runs the script with the packed interpreter and returns how it ended.</summary>
    /// <param name="request">The archive, script and arguments.</param>
    /// <param name="options">Scratch, timeout and output options; defaults when null.</param>
    /// <param name="cancellationToken">Kills the script's process tree.</param>
    /// <exception cref="SubmissionPreflightException">The archive or script is missing, or the archive has no bin/python.</exception>
    /// <exception cref="SubmissionCanceledException">Cancelled.</exception>
    /// <exception cref="SubmissionTimeoutException">Timed out.</exception>
    public static async Task<SubmissionResult> RunAsync(LocalContainerRequest request, LocalContainerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new LocalContainerOptions();
        if (!File.Exists(request.EnvironmentArchive))
        {
            throw new SubmissionPreflightException($"The environment archive '{request.EnvironmentArchive}' does not exist: create it with `sparkjobgen pack`.");
        }

        if (!File.Exists(request.ScriptPath))
        {
            throw new SubmissionPreflightException($"The script '{request.ScriptPath}' does not exist: build the project so it is copied to sparkjobs/<environment>/.");
        }

        var scratch = Path.Combine(options.ScratchRoot ?? Path.GetTempPath(), string.Concat("sparkjobgen-container-", Guid.NewGuid().ToString("N").AsSpan(0, 12)));
        Directory.CreateDirectory(scratch);
        var redactor = new SecretRedactor(options.Secrets ?? Array.Empty<string>()).AddFromJobArguments(request.JobArguments);
        try
        {
            var environmentDirectory = Path.Combine(scratch, SparkSubmission.ArchiveAlias);
            Directory.CreateDirectory(environmentDirectory);
            await ArchiveExtractor.ExtractAsync(request.EnvironmentArchive, environmentDirectory, cancellationToken).ConfigureAwait(false);
            var python = Path.Combine(environmentDirectory, "bin", "python");
            if (!File.Exists(python))
            {
                throw new SubmissionPreflightException(
                    $"The archive '{request.EnvironmentArchive}' has no bin/python at its root: it is not a packed environment (pack one with `sparkjobgen pack`).");
            }

            var scriptName = Path.GetFileName(request.ScriptPath);
            File.Copy(request.ScriptPath, Path.Combine(scratch, scriptName));

            var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (request.Environment is not null)
            {
                foreach (var (key, value) in request.Environment)
                {
                    environment[key] = value;
                }
            }

            environment["PYSPARK_PYTHON"] = SparkSubmission.PackedPython;
            environment["PYSPARK_DRIVER_PYTHON"] = null;
            environment["PYTHONHOME"] = null;
            environment["PYTHONPATH"] = null;
            environment["PWD"] = scratch;

            string[] arguments = [scriptName, .. request.JobArguments];
            if (options.Logger is { } logger)
            {
                var shown = SparkSubmitRunner.FormatCommandLine(redactor.RedactArguments(arguments));
                SubmissionLog.Running(logger, SparkSubmission.PackedPython + " (in " + scratch + ")", shown);
            }

            using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            ChildProcessExit exit;
            try
            {
                // Relative executable resolved against the working directory, as YARN's launch script does.
                exit = await ChildProcess.RunAsync(
                    Path.Combine(scratch, SparkSubmission.ArchiveAlias, "bin", "python"),
                    arguments,
                    environment,
                    scratch,
                    line =>
                    {
                        var redacted = line with { Text = redactor.Redact(line.Text) };
                        if (options.Logger is { } log)
                        {
                            SubmissionLog.Output(log, redacted.Text);
                        }

                        options.OnOutput?.Invoke(redacted);
                    },
                    linked.Token).ConfigureAwait(false);
            }
            catch (Win32Exception exception)
            {
                throw new SubmissionPreflightException($"The packed interpreter could not be started: {exception.Message}. The archive may have been packed on another OS or architecture.", exception);
            }

            var state = exit.WasKilled
                ? (cancellationToken.IsCancellationRequested ? SubmissionState.Cancelled : SubmissionState.TimedOut)
                : exit.ExitCode == 0 ? SubmissionState.Succeeded : SubmissionState.Failed;
            var result = new SubmissionResult(exit.ExitCode, null, state, exit.Duration, BackendName) { Cluster = ClusterManager.Local, DeployMode = DeployMode.Client, WorkingDirectory = options.KeepScratch ? scratch : null };
            if (options.Logger is { } done)
            {
                SubmissionLog.Finished(done, BackendName, exit.ExitCode, state, "none");
            }

            return state switch
            {
                SubmissionState.Cancelled => throw new SubmissionCanceledException("The local container run was cancelled; its process tree was killed.", result, cancellationToken),
                SubmissionState.TimedOut => throw new SubmissionTimeoutException($"The local container run did not finish within {options.Timeout}; its process tree was killed.", result),
                _ => result,
            };
        }
        finally
        {
            if (!options.KeepScratch)
            {
                try
                {
                    Directory.Delete(scratch, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
