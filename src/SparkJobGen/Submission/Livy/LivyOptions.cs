using System;
using System.Net.Http;
using Microsoft.Extensions.Logging;

namespace SparkJobGen.Submission.Livy;

/// <summary>How to reach a Livy server and follow a batch.</summary>
/// <param name="Endpoint">The Livy base URL, for example <c>http://livy.example:8998/</c> (a path prefix such as Knox's <c>/gateway/default/livy/v1/</c> is kept).</param>
public sealed record LivyOptions(Uri Endpoint)
{
    /// <summary>Credentials; none when null (for example SPNEGO handled by <see cref="MessageHandler"/>).</summary>
    public LivyAuthentication? Authentication { get; init; }

    /// <summary>The <c>X-Requested-By</c> header, required by Livy when CSRF protection is on; sent on every request.</summary>
    public string RequestedBy { get; init; } = "sparkjobgen";

    /// <summary>The first delay between state polls; it doubles after each poll without a state change.</summary>
    public TimeSpan PollInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between state polls.</summary>
    public TimeSpan PollMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many log lines to request per <c>GET /batches/{id}/log</c>.</summary>
    public int LogPageSize { get; init; } = 200;

    /// <summary>Stops following (and deletes the batch) after this long; then <see cref="SubmissionTimeoutException"/> is thrown.
    /// A zero, negative or longer than 49 days value is refused when set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a positive time a timer can wait (at most 49 days).</exception>
    public TimeSpan? Timeout
    {
        get => _timeout;
        init => _timeout = SubmissionTimeouts.Check(value);
    }

    private readonly TimeSpan? _timeout;

    /// <summary>
    /// How long the requests that follow a created batch (<c>GET /batches/{id}/state</c>, <c>/log</c> and <c>GET /batches/{id}</c>)
    /// may keep failing before following stops. Within it, a 5xx answer, a refused or reset connection, no answer in time, a body
    /// that is not Livy's JSON or a state answer without a state is retried (after <see cref="PollInitialDelay"/>, doubling to
    /// <see cref="PollMaxDelay"/>); any answer that succeeds starts the window again. When it runs out, a
    /// <see cref="LivyException"/> names the batch, which may still be running, and is not deleted. <c>POST /batches</c> is never
    /// retried. Default 5 minutes; a zero, negative or longer than 49 days value is refused when set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a positive time a timer can wait (at most 49 days).</exception>
    public TimeSpan TransientErrorWindow
    {
        get => _transientErrorWindow;
        init => _transientErrorWindow = SubmissionTimeouts.Check(value)!.Value;
    }

    private readonly TimeSpan _transientErrorWindow = TimeSpan.FromMinutes(5);

    /// <summary>Deletes the batch (<c>DELETE /batches/{id}</c>) on cancellation, timeout, or an <see cref="OnOutput"/> callback that throws. Default true.</summary>
    public bool DeleteOnCancel { get; init; } = true;

    /// <summary>The HTTP handler (for proxies, certificates, Kerberos/SPNEGO, tests); a new <see cref="SocketsHttpHandler"/> when null.</summary>
    public HttpMessageHandler? MessageHandler { get; init; }

    /// <summary>
    /// Receives each new batch log line (redacted). If it throws, following stops, the batch is deleted as on cancellation
    /// (when <see cref="DeleteOnCancel"/>), and <see cref="SubmissionOutputException"/> carries what it threw.
    /// </summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>Receives log lines and state changes.</summary>
    public ILogger? Logger { get; init; }
}
