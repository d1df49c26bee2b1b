using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace SparkJobGen.Submission;

/// <summary>How <see cref="SparkSubmitRunner"/> finds and runs spark-submit.</summary>
public sealed record SparkSubmitOptions
{
    /// <summary>An explicit spark-submit executable; wins over <c>SPARK_HOME</c> and PATH.</summary>
    public string? SparkSubmitPath { get; init; }

    /// <summary>
    /// Environment variables applied on top of this process's environment, both for finding executables
    /// (<c>SPARK_HOME</c>, <c>JAVA_HOME</c>, <c>PATH</c>, <c>HADOOP_HOME</c>) and for the spark-submit process.
    /// A null value removes the variable. The command's own variables (<c>PYSPARK_PYTHON</c>…) are applied after these.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? EnvironmentVariables { get; init; }

    /// <summary>
    /// The working directory of spark-submit; the current directory when null (or the run directory, see
    /// <see cref="LocalEnvironment"/>). Local paths of the submission are made absolute when its command is built, so they do
    /// not depend on it.
    /// </summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// The local environment whose packed copy the submission ships (its prefix). In a client deploy mode on a cluster, when
    /// <see cref="WorkingDirectory"/> is null, spark-submit then runs in a fresh run directory under
    /// <c>$TMPDIR/sparkjobgen-runs</c> where <c>./environment</c> links to this prefix, so Python that Spark starts in the driver
    /// with <c>./environment/bin/python</c> (Spark 4's Python data sources, UDTF analysis, streaming sinks) finds the same
    /// environment as the executors. The link is removed afterwards and the directory too when nothing else was written in it.
    /// <see cref="SparkJobRunner"/> sets it to the environment it created.
    /// </summary>
    public string? LocalEnvironment { get; init; }

    /// <summary>Stops the submission when it runs longer (then <see cref="SubmissionTimeoutException"/> is thrown); no limit when null.
    /// A zero, negative or longer than 49 days value is refused when set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a positive time a timer can wait (at most 49 days).</exception>
    public TimeSpan? Timeout
    {
        get => _timeout;
        init => _timeout = SubmissionTimeouts.Check(value);
    }

    private readonly TimeSpan? _timeout;

    /// <summary>Receives every output line (redacted) as it is printed.</summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>Receives every output line (redacted) at Information (stdout) or Warning-free Information (stderr, Spark's log) level, and the submission's progress.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// In YARN cluster mode, run <c>yarn application -kill &lt;id&gt;</c> when the submission is cancelled or times out and the
    /// application id is known (the driver keeps running in the cluster otherwise). On Kubernetes cluster mode
    /// <c>spark-submit --kill namespace:pod</c> is run instead. Default true.
    /// </summary>
    public bool StopClusterApplicationOnCancel { get; init; } = true;

    /// <summary>Skips the check that Java is installed (for spark-submit wrappers that bring their own).</summary>
    public bool SkipJavaCheck { get; init; }

    /// <summary>Extra secret values to mask in output, logs and errors (for example a password passed in an argument).</summary>
    public IReadOnlyList<string>? Secrets { get; init; }
}
