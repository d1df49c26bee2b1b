using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Submission.Livy;

/// <summary>
/// Submits a job as a Livy batch and follows it to the end: <c>POST /batches</c>, polls <c>GET /batches/{id}/state</c> with
/// capped exponential backoff, streams the new lines of each output section of <c>GET /batches/{id}/log</c> (printing the
/// cluster manager's diagnostics once, at the end), reads the application id from <c>GET /batches/{id}</c>, and sends
/// <c>DELETE /batches/{id}</c> on cancellation, timeout or a throwing output callback. Transient failures of the follow-up
/// requests are retried within <see cref="LivyOptions.TransientErrorWindow"/>; a finished batch Livy has forgotten (404) ends
/// with what was read before. When Livy's log cap dropped lines, the end says where the full log is.
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
    /// <exception cref="SubmissionOutputException">The output callback threw; the batch was deleted.</exception>
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
    /// <exception cref="SubmissionOutputException">The output callback threw; the batch was deleted.</exception>
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
        var follow = new Follow(client, options, redactor);
        try
        {
            batch = await client.CreateBatchAsync(request, token).ConfigureAwait(false);
            var batchId = batch.Id;
            follow.BatchId = batchId;
            follow.CreatedAppId = batch.AppId;
            follow.State = batch.State ?? "starting";
            var follower = new LivyLogFollower();
            var delay = options.PollInitialDelay;
            if (logger is not null)
            {
                SubmissionLog.LivyState(logger, batchId, follow.State);
            }

            // Livy forgets a finished batch once livy.server.session.state-retain.sec has passed: afterwards its log and its
            // GET /batches/{id} answer 404, and the result is built from what was read before.
            var forgotten = false;
            while (true)
            {
                bool moved;
                try
                {
                    moved = await DrainLogAsync(follow, follower, token).ConfigureAwait(false);
                }
                catch (LivyException exception) when (IsTerminal(follow.State) && exception.StatusCode == HttpStatusCode.NotFound)
                {
                    moved = false;
                    forgotten = true;
                }

                if (IsTerminal(follow.State))
                {
                    break;
                }

                await Task.Delay(delay, token).ConfigureAwait(false);
                var current = (await follow.RetryAsync(
                    ct => client.GetBatchStateAsync(batchId, ct),
                    static answer => string.IsNullOrEmpty(answer.State) ? "answered without a state" : null,
                    "GET /batches/" + batchId.ToString(CultureInfo.InvariantCulture) + "/state",
                    token).ConfigureAwait(false)).State;
                if (current != follow.State)
                {
                    follow.State = current;
                    delay = options.PollInitialDelay;
                    if (logger is not null)
                    {
                        SubmissionLog.LivyState(logger, batchId, current);
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

            LivyBatch? final = null;
            if (!forgotten)
            {
                try
                {
                    final = await follow.RetryAsync(ct => client.GetBatchAsync(batchId, ct), null, "GET /batches/" + batchId.ToString(CultureInfo.InvariantCulture), token).ConfigureAwait(false);
                }
                catch (LivyException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
                {
                    // Forgotten since its last state answer: the application id comes from the output already read.
                }
            }

            var appId = final?.AppId ?? follow.AppId;
            ReportEnd(follow, follower, appId, final ?? batch, request);
            var result = Result(appId, ToSubmissionState(follow.State), stopwatch.Elapsed, batchId, final ?? batch, cluster, deployMode) with { ApplicationName = request.Name };
            if (logger is not null)
            {
                SubmissionLog.Finished(logger, BackendName, result.ExitCode, result.FinalState, result.ApplicationId ?? "unknown");
            }

            return result;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            var cancelled = cancellationToken.IsCancellationRequested;
            var kill = await StopAsync(client, batch, options, redactor).ConfigureAwait(false);
            var result = Result(follow.AppId, cancelled ? SubmissionState.Cancelled : SubmissionState.TimedOut, stopwatch.Elapsed, batch?.Id, batch, cluster, deployMode)
                with { ClusterKill = kill, ApplicationName = request.Name };
            if (cancelled)
            {
                throw new SubmissionCanceledException($"The Livy batch {batch?.Id.ToString(CultureInfo.InvariantCulture) ?? "(not created)"} was cancelled: {kill}.", result, cancellationToken);
            }

            throw new SubmissionTimeoutException($"The Livy batch {batch?.Id.ToString(CultureInfo.InvariantCulture) ?? "(not created)"} did not finish within {options.Timeout}: {kill}.", result);
        }
        catch (Exception exception) when (follow.OutputFailure is not null && ReferenceEquals(exception, follow.OutputFailure))
        {
            var kill = await StopAsync(client, batch, options, redactor).ConfigureAwait(false);
            var result = Result(follow.AppId, SubmissionState.Cancelled, stopwatch.Elapsed, batch?.Id, batch, cluster, deployMode)
                with { ClusterKill = kill, ApplicationName = request.Name };
            throw new SubmissionOutputException(
                $"The OnOutput callback threw {exception.GetType().Name}, so following the Livy batch {batch?.Id.ToString(CultureInfo.InvariantCulture) ?? "(not created)"} stopped: {kill}.",
                result,
                exception);
        }
    }

    /// <summary>Deletes the batch after a cancellation, a timeout or a failed output callback, and says what happened.</summary>
    private static async Task<string> StopAsync(LivyClient client, LivyBatch? batch, LivyOptions options, SecretRedactor redactor)
    {
        if (batch is null)
        {
            return "no batch had been created yet";
        }

        if (!options.DeleteOnCancel)
        {
            return "not attempted (DeleteOnCancel is false)";
        }

        try
        {
            using var deleteLimit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.DeleteBatchAsync(batch.Id, deleteLimit.Token).ConfigureAwait(false);
            return $"DELETE /batches/{batch.Id} succeeded";
        }
        catch (Exception exception) when (exception is LivyException or OperationCanceledException)
        {
            return redactor.Redact($"DELETE /batches/{batch.Id} failed: {exception.Message}");
        }
    }

    private static SubmissionResult Result(string? appId, SubmissionState state, TimeSpan duration, int? batchId, LivyBatch? batch, ClusterManager? cluster, DeployMode? deployMode)
    {
        string? ui = null;
        batch?.AppInfo?.TryGetValue("sparkUiUrl", out ui);
        return new SubmissionResult(state == SubmissionState.Succeeded ? 0 : 1, appId, state, duration, BackendName)
        {
            SubmissionId = batchId?.ToString(CultureInfo.InvariantCulture),
            TrackingUrl = ui,
            Cluster = cluster,
            DeployMode = deployMode,
        };
    }

    /// <summary>Reads the whole log and prints the lines not shown yet; returns whether there were any.</summary>
    private static async Task<bool> DrainLogAsync(Follow follow, LivyLogFollower follower, CancellationToken token)
    {
        var options = follow.Options;
        var log = new List<string>();
        var from = 0;
        var what = "GET /batches/" + follow.BatchId.ToString(CultureInfo.InvariantCulture) + "/log";
        while (true)
        {
            var offset = from;
            var page = await follow.RetryAsync(ct => follow.Client.GetBatchLogAsync(follow.BatchId, offset, options.LogPageSize, ct), null, what, token).ConfigureAwait(false);
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
            var redacted = line with { Text = follow.Redactor.Redact(line.Text) };
            follow.Parser.Observe(redacted.Text);
            Emit(redacted, follow);
        }

        return fresh.Count > 0;
    }

    private const string MissingPackedPython = "Cannot run program \"" + SparkSubmission.PackedPython + "\"";

    /// <summary>Prints the diagnostics once, and where the full log is when Livy's cap dropped lines.</summary>
    private static void ReportEnd(Follow follow, LivyLogFollower follower, string? appId, LivyBatch batch, LivyBatchRequest request)
    {
        var redactor = follow.Redactor;
        if (follower.DriverPythonMissing)
        {
            Emit(new OutputLine(
                OutputChannel.StandardError,
                $"[livy] The driver looked for {SparkSubmission.PackedPython} where the environment archive is not extracted: the Livy server ran it in client mode " +
                "(its livy.spark.deploy-mode overrides the request's spark.submit.deployMode). Have the server run batches in cluster mode, or submit in client " +
                "mode with --driver-python (WithDriverPython) naming a Python with the job's packages on the Livy server."), follow);
        }

        if (follower.Diagnostics.Count > 0 && System.Linq.Enumerable.Any(follower.Diagnostics, static l => l.Trim().Length > 0))
        {
            Emit(new OutputLine(OutputChannel.StandardError, follower.DiagnosticsName + ":"), follow);
            foreach (var line in follower.Diagnostics)
            {
                Emit(new OutputLine(OutputChannel.StandardError, redactor.Redact(line)), follow);
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
                    (follower.LinesMissed ? ", and dropped some before they could be read" : ", so lines it dropped before the first read are not shown") + $"; {where}")), follow);
        }
    }

    private static void Emit(OutputLine line, Follow follow)
    {
        if (follow.Options.Logger is { } logger)
        {
            SubmissionLog.Output(logger, line.Text);
        }

        try
        {
            follow.Options.OnOutput?.Invoke(line);
        }
        catch (Exception exception)
        {
            // FollowAsync recognises it, deletes the batch and wraps it in a SubmissionOutputException.
            follow.OutputFailure = exception;
            throw;
        }
    }

    /// <summary>What is known about the batch being followed, and the retrying of its follow-up requests.</summary>
    private sealed class Follow(LivyClient client, LivyOptions options, SecretRedactor redactor)
    {
        private TimeSpan _retryDelay = options.PollInitialDelay;
        private Stopwatch? _failingSince;
        private int _failures;

        public LivyClient Client { get; } = client;

        public LivyOptions Options { get; } = options;

        public SecretRedactor Redactor { get; } = redactor;

        /// <summary>Reads the application id from the batch's spark-submit output until Livy reports it.</summary>
        public SparkLogParser Parser { get; } = new();

        public int BatchId { get; set; }

        public string State { get; set; } = "starting";

        public string? CreatedAppId { get; set; }

        public string? AppId => CreatedAppId ?? Parser.ApplicationId;

        /// <summary>What the output callback threw.</summary>
        public Exception? OutputFailure { get; set; }

        /// <summary>
        /// Sends a follow-up request, retrying transient failures (and answers <paramref name="problem"/> finds wrong) with
        /// backoff until <see cref="LivyOptions.TransientErrorWindow"/> has passed without a success.
        /// </summary>
        public async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> send, Func<T, string?>? problem, string what, CancellationToken token)
        {
            while (true)
            {
                LivyException failure;
                try
                {
                    var answer = await send(token).ConfigureAwait(false);
                    var wrong = problem?.Invoke(answer);
                    if (wrong is null)
                    {
                        _failingSince = null;
                        _failures = 0;
                        _retryDelay = Options.PollInitialDelay;
                        return answer;
                    }

                    failure = new LivyException($"{what} {wrong}, which Livy never does; a gateway or proxy may have changed the answer.") { IsTransient = true };
                }
                catch (LivyException exception) when (exception.IsTransient)
                {
                    failure = exception;
                }

                _failures++;
                _failingSince ??= Stopwatch.StartNew();
                if (_failingSince.Elapsed >= Options.TransientErrorWindow)
                {
                    throw Lost(failure);
                }

                if (Options.Logger is { } logger)
                {
                    SubmissionLog.LivyRetry(logger, BatchId, failure.Message, _retryDelay);
                }

                await Task.Delay(_retryDelay, token).ConfigureAwait(false);
                var next = TimeSpan.FromTicks(_retryDelay.Ticks * 2);
                _retryDelay = next > Options.PollMaxDelay ? Options.PollMaxDelay : next;
            }
        }

        private LivyException Lost(LivyException last)
        {
            var id = BatchId.ToString(CultureInfo.InvariantCulture);
            var batchUri = new Uri(Client.BaseUri, "batches/" + id);
            var where = IsTerminal(State)
                ? $"The batch had finished ('{State}', application id {AppId ?? "not known"}), but its log or result could not be read: see GET {batchUri}."
                : $"The batch's last known state is '{State}' and its application id is {AppId ?? "not known yet"}. The batch may still be running " +
                  $"and was not deleted: follow it with GET {batchUri} (and /state, /log), or stop it with DELETE {batchUri}.";
            var message = Redactor.Redact(
                $"Lost contact with Livy while following batch {id}: {_failures} requests in a row failed over {Options.TransientErrorWindow} " +
                $"(TransientErrorWindow); the last: {last.Message} {where}");
            return new LivyException(message, last)
            {
                StatusCode = last.StatusCode,
                BatchId = BatchId,
            };
        }
    }
}
