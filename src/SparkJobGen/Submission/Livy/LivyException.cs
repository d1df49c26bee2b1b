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
    public HttpStatusCode? StatusCode { get; }
}
