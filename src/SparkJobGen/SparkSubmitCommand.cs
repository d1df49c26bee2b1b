using System.Collections.Generic;

namespace SparkJobGen;

/// <summary>
/// Everything needed to run <c>spark-submit</c> for one submission: the argument list (after the executable) and the
/// environment variables to set (a <see langword="null"/> value means the variable is removed from the child's environment).
/// </summary>
/// <param name="Arguments">The argv after <c>spark-submit</c>; each element is one argument, never shell-quoted.</param>
/// <param name="Environment">Environment variables for the <c>spark-submit</c> process; null values are unset.</param>
/// <param name="Cluster">The cluster manager.</param>
/// <param name="DeployMode">The deploy mode.</param>
/// <param name="EnvironmentArchive">The environment archive without its <c>#environment</c> alias, if any.</param>
/// <param name="ScriptPath">The primary Python resource.</param>
/// <param name="JobArguments">The arguments passed to the script, after <paramref name="ScriptPath"/>.</param>
public sealed record SparkSubmitCommand(
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    ClusterManager Cluster,
    DeployMode DeployMode,
    string? EnvironmentArchive,
    string ScriptPath,
    IReadOnlyList<string> JobArguments)
{
    /// <summary>
    /// Values to mask in every output (<see cref="SparkSubmission.SecretValues"/>): sensitive job parameters and secret Spark
    /// properties. They are still in <see cref="Arguments"/>, which the child process needs.
    /// </summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>
    /// The arguments as they may be printed or logged: <see cref="Secrets"/>, secret Spark properties and the values of
    /// secret-looking flags masked as <c>***</c>, as every output of the runners and the tool masks them.
    /// </summary>
    public IReadOnlyList<string> ToRedactedArguments() =>
        new Submission.SecretRedactor(Secrets).AddFromSparkArguments(Arguments).RedactArguments(Arguments);

    /// <summary>
    /// The command line for printing and logging, <c>spark-submit</c> then <see cref="ToRedactedArguments"/>, each argument
    /// shell-quoted where needed: never the secrets, so it is not the command to run (run <see cref="Arguments"/>).
    /// </summary>
    public override string ToString() => "spark-submit " + Submission.SparkSubmitRunner.FormatCommandLine(ToRedactedArguments());
}

/// <summary>Driver and executor sizing of a submission; null members are left to Spark's defaults.</summary>
/// <param name="DriverMemory">Driver memory, for example <c>2g</c>.</param>
/// <param name="DriverCores">Driver cores (cluster deploy mode).</param>
/// <param name="ExecutorMemory">Memory per executor, for example <c>4g</c>.</param>
/// <param name="ExecutorCores">Cores per executor.</param>
/// <param name="NumExecutors">Number of executors (YARN and Kubernetes).</param>
public sealed record SparkResources(
    string? DriverMemory = null,
    int? DriverCores = null,
    string? ExecutorMemory = null,
    int? ExecutorCores = null,
    int? NumExecutors = null);
