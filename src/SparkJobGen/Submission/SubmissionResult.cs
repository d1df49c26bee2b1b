using System;

namespace SparkJobGen.Submission;

/// <summary>How a submitted application ended.</summary>
public enum SubmissionState
{
    /// <summary>The application finished successfully.</summary>
    Succeeded,

    /// <summary>The application or spark-submit failed.</summary>
    Failed,

    /// <summary>The cluster manager reports the application killed (by someone else, or by us on cancellation).</summary>
    Killed,

    /// <summary>Accepted by the cluster and still running: spark-submit did not wait for completion.</summary>
    Submitted,

    /// <summary>Stopped by the caller's cancellation token.</summary>
    Cancelled,

    /// <summary>Stopped because the configured timeout elapsed.</summary>
    TimedOut,
}

/// <summary>The outcome of one submission (spark-submit, Livy or a local container run).</summary>
/// <param name="ExitCode">The exit code of spark-submit or the script; -1 when the process was killed; 0/1 for Livy (success / not).</param>
/// <param name="ApplicationId">The cluster application id when known (<c>application_…</c>, <c>spark-…</c>, <c>app-…</c>, <c>local-…</c>).</param>
/// <param name="FinalState">How the application ended.</param>
/// <param name="Duration">Wall-clock time of the submission.</param>
/// <param name="Backend">What ran it: <c>spark-submit</c>, <c>livy</c> or <c>local-container</c>.</param>
public sealed record SubmissionResult(int ExitCode, string? ApplicationId, SubmissionState FinalState, TimeSpan Duration, string Backend)
{
    /// <summary>The Kubernetes <c>namespace:driver-pod</c>, the standalone <c>driver-…</c> id, or the Livy batch id.</summary>
    public string? SubmissionId { get; init; }

    /// <summary>The application name sent with the submission, when the backend reports it (the Livy batch name).</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The Kubernetes driver pod name.</summary>
    public string? DriverPod { get; init; }

    /// <summary>The Kubernetes namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>The YARN tracking URL or the Livy Spark UI URL, when reported.</summary>
    public string? TrackingUrl { get; init; }

    /// <summary>The cluster manager.</summary>
    public ClusterManager? Cluster { get; init; }

    /// <summary>The deploy mode.</summary>
    public DeployMode? DeployMode { get; init; }

    /// <summary>What was done to stop the application on the cluster after cancellation or timeout, for example the <c>yarn application -kill</c> outcome.</summary>
    public string? ClusterKill { get; init; }

    /// <summary>The folder a local container run ran in, when it was kept for inspection (<see cref="LocalContainerOptions.KeepScratch"/>); otherwise null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Whether the application succeeded.</summary>
    public bool Succeeded => FinalState == SubmissionState.Succeeded;
}
