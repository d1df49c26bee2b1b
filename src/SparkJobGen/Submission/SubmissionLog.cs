using System;
using Microsoft.Extensions.Logging;

namespace SparkJobGen.Submission;

/// <summary>The log messages of submission, environment creation and job runs (source-generated <see cref="LoggerMessageAttribute"/> methods).</summary>
internal static partial class SubmissionLog
{
    /// <summary>A command is about to run.</summary>
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Running {Executable} {Arguments}")]
    public static partial void Running(ILogger logger, string executable, string arguments);

    /// <summary>One line printed by a child process or fetched from Livy (already redacted).</summary>
    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Output(ILogger logger, string line);

    /// <summary>A submission ended.</summary>
    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "{Backend} finished with exit code {ExitCode}: {State} (application {ApplicationId})")]
    public static partial void Finished(ILogger logger, string backend, int exitCode, SubmissionState state, string applicationId);

    /// <summary>The cluster application is being stopped after cancellation or timeout.</summary>
    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Stopping the cluster application: {Command}")]
    public static partial void StoppingClusterApplication(ILogger logger, string command);

    /// <summary>A step of a job run (environment, pack, verify, submit).</summary>
    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "{Step}: {Detail}")]
    public static partial void Step(ILogger logger, string step, string detail);

    /// <summary>A Livy batch changed state.</summary>
    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Livy batch {BatchId} is {State}")]
    public static partial void LivyState(ILogger logger, int batchId, string state);

    /// <summary>A follow-up request of a Livy batch failed in a way that may pass; it is retried.</summary>
    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Livy batch {BatchId}: {Error} Retrying in {Delay}")]
    public static partial void LivyRetry(ILogger logger, int batchId, string error, TimeSpan delay);
}
