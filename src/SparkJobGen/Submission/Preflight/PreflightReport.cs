using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace SparkJobGen.Submission.Preflight;

/// <summary>The outcome of one preflight check.</summary>
public enum PreflightStatus
{
    /// <summary>The check ran and found nothing wrong.</summary>
    Passed,

    /// <summary>The check found a problem that would fail the job on the cluster.</summary>
    Failed,

    /// <summary>The check does not apply, or what it needs is not known (the detail says which).</summary>
    Skipped,
}

/// <summary>One preflight check.</summary>
/// <param name="Name">The check: <c>python</c>, <c>spark</c> or <c>glibc</c>.</param>
/// <param name="Status">Its outcome.</param>
/// <param name="Detail">What was compared, and for a failure how to fix it.</param>
public sealed record PreflightCheck(string Name, PreflightStatus Status, string Detail);

/// <summary>All preflight checks of a submission.</summary>
/// <param name="Checks">The checks, in the order they ran.</param>
public sealed record PreflightReport(IReadOnlyList<PreflightCheck> Checks)
{
    /// <summary>Whether no check failed.</summary>
    public bool Passed => Checks.All(static c => c.Status != PreflightStatus.Failed);

    /// <summary>Throws when a check failed, with every failure in one message.</summary>
    /// <exception cref="SubmissionPreflightException">A check failed.</exception>
    public void ThrowIfFailed()
    {
        var failed = Checks.Where(static c => c.Status == PreflightStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            throw new SubmissionPreflightException(
                "Preflight failed before anything was submitted:" + string.Concat(failed.Select(static c => $"{Environment.NewLine}  {c.Name}: {c.Detail}")) +
                $"{Environment.NewLine}Fix the above, or skip these checks with --no-preflight (SparkJobRunOptions.SkipPreflight).");
        }
    }
}

/// <summary>Inputs of <see cref="SubmissionPreflight.CheckAsync"/>.</summary>
public sealed record PreflightOptions
{
    /// <summary>How spark-submit is found (for <c>spark-submit --version</c>) and the environment it runs with.</summary>
    public SparkSubmitOptions SparkSubmit { get; init; } = new();

    /// <summary>
    /// The Spark version of the cluster (<c>3.5.1</c>), when it is known and differs from the local spark-submit's; when
    /// null, <c>spark-submit --version</c> is asked.
    /// </summary>
    public string? ClusterSparkVersion { get; init; }

    /// <summary>
    /// The assembly whose <see cref="ClusterGlibcAttribute"/> declares the glibc floor when the submission has none
    /// (<see cref="SparkSubmission.WithClusterGlibc"/>); the entry assembly when null.
    /// </summary>
    public Assembly? JobAssembly { get; init; }

    /// <summary>The glibc floor read some other way (the tool reads it from the job assembly's metadata); used before <see cref="JobAssembly"/>.</summary>
    public string? DeclaredGlibc { get; init; }

    /// <summary>
    /// Where the facts read from a local archive (its Python version and glibc needs, which take a full read of the archive) are
    /// cached by the archive's path, length and modification time; default <c>$SPARKJOBGEN_CACHE/preflight</c> (else
    /// <c>$XDG_CACHE_HOME/sparkjobgen/preflight</c>, else <c>~/.cache/sparkjobgen/preflight</c>), with the cache variables of <see cref="SparkSubmitOptions.EnvironmentVariables"/>.
    /// </summary>
    public string? FactsCacheDirectory { get; init; }
}
