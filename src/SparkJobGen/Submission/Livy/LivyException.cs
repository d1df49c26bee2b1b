using System;
using System.Net;

namespace SparkJobGen.Submission.Livy;

/// <summary>A Livy request failed (HTTP error or unreadable response). The message never contains credentials.</summary>
public sealed class LivyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, redacted.</param>
    /// <param name="statusCode">The HTTP status, if a response arrived.</param>
    public LivyException(string message, HttpStatusCode? statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public LivyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, redacted.</param>
    public LivyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, redacted.</param>
    /// <param name="innerException">The cause.</param>
    public LivyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, if a response arrived.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The batch being followed when the request failed; null when no batch had been created.</summary>
    public int? BatchId { get; init; }

    /// <summary>
    /// Whether the failure may pass on its own: a 5xx answer, no connection, no answer in time, or a body that is not the
    /// expected JSON. The follow-up requests of a batch are retried on these (<see cref="LivyOptions.TransientErrorWindow"/>).
    /// </summary>
    internal bool IsTransient { get; init; }
}
