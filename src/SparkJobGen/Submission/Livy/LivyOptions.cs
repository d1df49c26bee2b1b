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

    /// <summary>Deletes the batch (<c>DELETE /batches/{id}</c>) on cancellation or timeout. Default true.</summary>
    public bool DeleteOnCancel { get; init; } = true;

    /// <summary>The HTTP handler (for proxies, certificates, Kerberos/SPNEGO, tests); a new <see cref="SocketsHttpHandler"/> when null.</summary>
    public HttpMessageHandler? MessageHandler { get; init; }

    /// <summary>Receives each new batch log line (redacted).</summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>Receives log lines and state changes.</summary>
    public ILogger? Logger { get; init; }
}
