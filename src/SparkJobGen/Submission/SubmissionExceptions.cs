using System;
using System.Threading;

namespace SparkJobGen.Submission;

/// <summary>
/// A submission could not start: spark-submit, Java or a local file is missing, or the request is incomplete.
/// Raised before any process is started or any request is sent; the message says how to fix it.
/// </summary>
public sealed class SubmissionPreflightException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    public SubmissionPreflightException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SubmissionPreflightException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public SubmissionPreflightException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The submission ran longer than its configured timeout; the process tree (and the cluster application when possible) was stopped.</summary>
public sealed class SubmissionTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="result">What is known about the stopped submission (<see cref="SubmissionState.TimedOut"/>).</param>
    public SubmissionTimeoutException(string message, SubmissionResult result)
        : base(message)
    {
        Result = result;
    }

    /// <summary>What is known about the stopped submission.</summary>
    public SubmissionResult Result { get; }
}

/// <summary>The caller cancelled the submission; the process tree (and the cluster application when possible) was stopped.</summary>
public sealed class SubmissionCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="result">What is known about the stopped submission (<see cref="SubmissionState.Cancelled"/>).</param>
    /// <param name="token">The token that was cancelled.</param>
    public SubmissionCanceledException(string message, SubmissionResult result, CancellationToken token)
        : base(message, token)
    {
        Result = result;
    }

    /// <summary>What is known about the stopped submission.</summary>
    public SubmissionResult Result { get; }
}

/// <summary>
/// The caller's output callback (<c>OnOutput</c>) threw: the submission was stopped as for a cancellation (the process tree
/// killed, the cluster application or Livy batch stopped when possible), and the callback's exception is the inner exception.
/// </summary>
public sealed class SubmissionOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was stopped.</param>
    /// <param name="result">What is known about the stopped submission (<see cref="SubmissionState.Cancelled"/>).</param>
    /// <param name="innerException">What the callback threw.</param>
    public SubmissionOutputException(string message, SubmissionResult result, Exception innerException)
        : base(message, innerException)
    {
        Result = result;
    }

    /// <summary>What is known about the stopped submission.</summary>
    public SubmissionResult Result { get; }
}
