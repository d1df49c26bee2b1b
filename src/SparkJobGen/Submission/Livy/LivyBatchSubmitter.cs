using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Submission.Livy;

/// <summary>
/// Submits a job as a Livy batch and follows it to the end: <c>POST /batches</c>, polls <c>GET /batches/{id}/state</c> with
/// capped exponential backoff, streams new lines from <c>GET /batches/{id}/log</c>, reads the application id from
/// <c>GET /batches/{id}</c>, and sends <c>DELETE /batches/{id}</c> on cancellation or timeout.
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
            var logOffset = 0;
            var delay = options.PollInitialDelay;
            if (logger is not null)
            {
                SubmissionLog.LivyState(logger, batchId, state);
            }

            while (true)
            {
                logOffset = await DrainLogAsync(client, batchId, logOffset, options, redactor, token).ConfigureAwait(false);
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
                else
                {
                    var next = TimeSpan.FromTicks(delay.Ticks * 2);
                    delay = next > options.PollMaxDelay ? options.PollMaxDelay : next;
                }
            }

            var final = await client.GetBatchAsync(batchId, token).ConfigureAwait(false);
            var result = Result(final.AppId ?? batch.AppId, ToSubmissionState(state), stopwatch.Elapsed, batchId, final, cluster, deployMode);
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
                with { ClusterKill = kill };
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

    private static async Task<int> DrainLogAsync(LivyClient client, int batchId, int offset, LivyOptions options, SecretRedactor redactor, CancellationToken token)
    {
        while (true)
        {
            var page = await client.GetBatchLogAsync(batchId, offset, options.LogPageSize, token).ConfigureAwait(false);
            foreach (var raw in page.Log)
            {
                var line = new OutputLine(OutputChannel.StandardOutput, redactor.Redact(raw));
                if (options.Logger is { } logger)
                {
                    SubmissionLog.Output(logger, line.Text);
                }

                options.OnOutput?.Invoke(line);
            }

            offset = page.From + page.Log.Count;
            if (page.Log.Count < options.LogPageSize)
            {
                return offset;
            }
        }
    }
}
