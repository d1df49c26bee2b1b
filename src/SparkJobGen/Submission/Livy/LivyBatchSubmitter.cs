using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Submission.Livy;

/// <summary>
/// Submits a job as a Livy batch and follows it to the end: <c>POST /batches</c>, polls <c>GET /batches/{id}/state</c> with
/// capped exponential backoff, streams the new lines of each output section of <c>GET /batches/{id}/log</c> (printing the
/// cluster manager's diagnostics once, at the end), reads the application id from <c>GET /batches/{id}</c>, and sends
/// <c>DELETE /batches/{id}</c> on cancellation or timeout. When Livy's log cap dropped lines, the end says where the full
/// log is.
/// </summary>
public static class LivyBatchSubmitter
{
    /// <summary>The <see cref="SubmissionResult.Backend"/> of Livy batches.</summary>
    public const string BackendName = "livy";

    /// <summary>Submits <paramref name="submission"/> (see <see cref="LivyBatchRequest.FromSubmission"/>) and waits for it to finish.</summary>
    /// <param name="submission">A cluster submission whose files are URIs the cluster can read.</param>
    /// <param name="options">The Livy endpoint, credentials and polling.</param>
    /// <param name="cancellationToken">Deletes the batch and stops following it.</param>
    /// <exception cref="SubmissionPreflightException">The submission cannot be sent to Livy (local mode, local files).</exception>
    /// <exception cref="LivyException">A request failed.</exception>
    /// <exception cref="SubmissionCanceledException">Cancelled; the batch was deleted.</exception>
    /// <exception cref="SubmissionTimeoutException">Timed out; the batch was deleted.</exception>
    public static Task<SubmissionResult> SubmitAsync(SparkSubmission submission, LivyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var request = LivyBatchRequest.FromSubmission(submission);
        return FollowAsync(request, options, submission.Cluster, submission.DeployMode, cancellationToken);
    }

    /// <summary>Submits a request made from <paramref name="submission"/> (so its batch name is the one already shown) and waits for it to finish.</summary>
    /// <param name="request">The request, from <see cref="LivyBatchRequest.FromSubmission"/>.</param>
    /// <param name="submission">The submission it was made from, for the result's cluster manager and deploy mode.</param>
    /// <param name="options">The Livy endpoint, credentials and polling.</param>
    /// <param name="cancellationToken">Deletes the batch and stops following it.</param>
    internal static Task<SubmissionResult> SubmitAsync(LivyBatchRequest request, SparkSubmission submission, LivyOptions options, CancellationToken cancellationToken) =>
        FollowAsync(request, options, submission.Cluster, submission.DeployMode, cancellationToken);

    /// <summary>Submits a batch request and waits for it to finish.</summary>
    /// <param name="request">The batch.</param>
    /// <param name="options">The Livy endpoint, credentials and polling.</param>
    /// <param name="cancellationToken">Deletes the batch and stops following it.</param>
    /// <exception cref="LivyException">A request failed.</exception>
    /// <exception cref="SubmissionCanceledException">Cancelled; the batch was deleted.</exception>
    /// <exception cref="SubmissionTimeoutException">Timed out; the batch was deleted.</exception>
    public static Task<SubmissionResult> SubmitAsync(LivyBatchRequest request, LivyOptions options, CancellationToken cancellationToken = default) =>
        FollowAsync(request, options, null, null, cancellationToken);

    /// <summary>Whether a Livy batch state is final.</summary>
    /// <param name="state">A state such as <c>running</c> or <c>success</c>.</param>
    public static bool IsTerminal(string state) => state is "success" or "dead" or "killed" or "error";

    /// <summary>Maps a final Livy batch state to a <see cref="SubmissionState"/>.</summary>
    /// <param name="state">A final state.</param>
    public static SubmissionState ToSubmissionState(string state) => state switch
    {
        "success" => SubmissionState.Succeeded,
        "killed" => SubmissionState.Killed,
        _ => SubmissionState.Failed,
    };

    private static async Task<SubmissionResult> FollowAsync(
        LivyBatchRequest request, LivyOptions options, ClusterManager? cluster, DeployMode? deployMode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        using var client = new LivyClient(options);
        var redactor = client.Redactor.AddFromConf(request.Conf ?? new System.Collections.Generic.Dictionary<string, string>())
            .AddRange(request.Secrets)
            .AddFromJobArguments(request.Args ?? []);
        var logger = options.Logger;
        var stopwatch = Stopwatch.StartNew();

        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;

        LivyBatch? batch = null;
        try
        {
            batch = await client.CreateBatchAsync(request, token).ConfigureAwait(false);
            var batchId = batch.Id;
            var state = batch.State ?? "starting";
            var follower = new LivyLogFollower();
            var delay = options.PollInitialDelay;
            if (logger is not null)
            {
                SubmissionLog.LivyState(logger, batchId, state);
            }

            while (true)
            {
                var moved = await DrainLogAsync(client, batchId, follower, options, redactor, token).ConfigureAwait(false);
                if (IsTerminal(state))
                {
                    break;
                }

                await Task.Delay(delay, token).ConfigureAwait(false);
                var current = (await client.GetBatchStateAsync(batchId, token).ConfigureAwait(false)).State;
                if (current != state)
                {
                    state = current;
                    delay = options.PollInitialDelay;
                    if (logger is not null)
                    {
                        SubmissionLog.LivyState(logger, batchId, state);
                    }
                }
                else if (moved)
                {
                    // Output is flowing: read again soon, before Livy's capped log moves past lines not read yet.
                    delay = options.PollInitialDelay;
                }
                else
                {
                    var next = TimeSpan.FromTicks(delay.Ticks * 2);
                    delay = next > options.PollMaxDelay ? options.PollMaxDelay : next;
                }
            }

            var final = await client.GetBatchAsync(batchId, token).ConfigureAwait(false);
            var appId = final.AppId ?? batch.AppId;
            ReportEnd(follower, appId, final, request, options, redactor);
            var result = Result(appId, ToSubmissionState(state), stopwatch.Elapsed, batchId, final, cluster, deployMode) with { ApplicationName = request.Name };
            if (logger is not null)
            {
                SubmissionLog.Finished(logger, BackendName, result.ExitCode, result.FinalState, result.ApplicationId ?? "unknown");
            }

            return result;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            var cancelled = cancellationToken.IsCancellationRequested;
            string kill;
            if (batch is null)
            {
                kill = "no batch had been created yet";
            }
            else if (options.DeleteOnCancel)
            {
                try
                {
                    using var deleteLimit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await client.DeleteBatchAsync(batch.Id, deleteLimit.Token).ConfigureAwait(false);
                    kill = $"DELETE /batches/{batch.Id} succeeded";
                }
                catch (Exception exception) when (exception is LivyException or OperationCanceledException)
                {
                    kill = redactor.Redact($"DELETE /batches/{batch.Id} failed: {exception.Message}");
                }
            }
            else
            {
                kill = "not attempted (DeleteOnCancel is false)";
            }

            var result = Result(batch?.AppId, cancelled ? SubmissionState.Cancelled : SubmissionState.TimedOut, stopwatch.Elapsed, batch?.Id, batch, cluster, deployMode)
                with { ClusterKill = kill, ApplicationName = request.Name };
            if (cancelled)
            {
                throw new SubmissionCanceledException($"The Livy batch {batch?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(not created)"} was cancelled: {kill}.", result, cancellationToken);
            }

            throw new SubmissionTimeoutException($"The Livy batch {batch?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(not created)"} did not finish within {options.Timeout}: {kill}.", result);
        }
    }

    private static SubmissionResult Result(string? appId, SubmissionState state, TimeSpan duration, int? batchId, LivyBatch? batch, ClusterManager? cluster, DeployMode? deployMode)
    {
        string? ui = null;
        batch?.AppInfo?.TryGetValue("sparkUiUrl", out ui);
        return new SubmissionResult(state == SubmissionState.Succeeded ? 0 : 1, appId, state, duration, BackendName)
        {
            SubmissionId = batchId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TrackingUrl = ui,
            Cluster = cluster,
            DeployMode = deployMode,
        };
    }

    /// <summary>Reads the whole log and prints the lines not shown yet; returns whether there were any.</summary>
    private static async Task<bool> DrainLogAsync(LivyClient client, int batchId, LivyLogFollower follower, LivyOptions options, SecretRedactor redactor, CancellationToken token)
    {
        var log = new List<string>();
        var from = 0;
        while (true)
        {
            var page = await client.GetBatchLogAsync(batchId, from, options.LogPageSize, token).ConfigureAwait(false);
            log.AddRange(page.Log);
            from = page.From + page.Log.Count;
            if (page.Log.Count == 0 || (page.Total is { } total ? from >= total : page.Log.Count < options.LogPageSize))
            {
                break;
            }
        }

        var fresh = follower.Update(log);
        foreach (var line in fresh)
        {
            // Spark's PythonRunner starts the driver's Python with a ProcessBuilder; the JDK's message when it is missing.
            follower.DriverPythonMissing |= line.Text.Contains(MissingPackedPython, StringComparison.Ordinal);
            Emit(line with { Text = redactor.Redact(line.Text) }, options);
        }

        return fresh.Count > 0;
    }

    private const string MissingPackedPython = "Cannot run program \"" + SparkSubmission.PackedPython + "\"";

    /// <summary>Prints the diagnostics once, and where the full log is when Livy's cap dropped lines.</summary>
    private static void ReportEnd(LivyLogFollower follower, string? appId, LivyBatch batch, LivyBatchRequest request, LivyOptions options, SecretRedactor redactor)
    {
        if (follower.DriverPythonMissing)
        {
            Emit(new OutputLine(
                OutputChannel.StandardError,
                $"[livy] The driver looked for {SparkSubmission.PackedPython} where the environment archive is not extracted: the Livy server ran it in client mode " +
                "(its livy.spark.deploy-mode overrides the request's spark.submit.deployMode). Have the server run batches in cluster mode, or submit in client " +
                "mode with --driver-python (WithDriverPython) naming a Python with the job's packages on the Livy server."), options);
        }

        if (follower.Diagnostics.Count > 0 && System.Linq.Enumerable.Any(follower.Diagnostics, static l => l.Trim().Length > 0))
        {
            Emit(new OutputLine(OutputChannel.StandardError, follower.DiagnosticsName + ":"), options);
            foreach (var line in follower.Diagnostics)
            {
                Emit(new OutputLine(OutputChannel.StandardError, redactor.Redact(line)), options);
            }
        }

        if (follower.Cap is { } cap)
        {
            string where;
            if (appId is not null && appId.StartsWith("application_", StringComparison.Ordinal))
            {
                where = $"the full log is in YARN: yarn logs -applicationId {appId}" + (request.ProxyUser is { } user ? $" -appOwner {user}" : string.Empty);
            }
            else
            {
                string? driverLog = null;
                batch.AppInfo?.TryGetValue("driverLogUrl", out driverLog);
                where = driverLog is not null
                    ? "the driver's full log is at " + driverLog
                    : "the full log is the driver's log on the cluster" + (appId is null ? string.Empty : $" (application {appId})");
            }

            Emit(new OutputLine(
                OutputChannel.StandardError,
                redactor.Redact($"[livy] Livy keeps only the last {cap} lines of spark-submit's output (livy.cache-log.size)" +
                    (follower.LinesMissed ? ", and dropped some before they could be read" : ", so lines it dropped before the first read are not shown") + $"; {where}")), options);
        }
    }

    private static void Emit(OutputLine line, LivyOptions options)
    {
        if (options.Logger is { } logger)
        {
            SubmissionLog.Output(logger, line.Text);
        }

        options.OnOutput?.Invoke(line);
    }
}
