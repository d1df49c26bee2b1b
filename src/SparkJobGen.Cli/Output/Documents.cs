using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;
using SparkJobGen.Environments;
using SparkJobGen.Stores;
using SparkJobGen.Submission;

namespace SparkJobGen.Cli.Output;

/// <summary>The <c>--json</c> document of a failed command.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Error">What failed.</param>
/// <param name="Submission">What is known about a stopped submission.</param>
internal sealed record ErrorDocument(int ExitCode, ErrorInfo Error, SubmissionDocument? Submission);

/// <summary>An error in JSON output.</summary>
/// <param name="Kind">prerequisite, environment, pack, livy, store, job-not-found, usage, timeout, cancelled or internal.</param>
/// <param name="Message">The message (secrets masked).</param>
internal sealed record ErrorInfo(string Kind, string Message);

/// <summary>A submission result in JSON output.</summary>
internal sealed record SubmissionDocument(
    string Backend, int ExitCode, string? ApplicationId, SubmissionState FinalState, double DurationSeconds, string? SubmissionId,
    string? DriverPod, string? Namespace, string? TrackingUrl, ClusterManager? Cluster, DeployMode? DeployMode, string? ClusterKill, string? ApplicationName,
    string? WorkingDirectory)
{
    /// <summary>Converts a result.</summary>
    /// <param name="result">The result.</param>
    public static SubmissionDocument From(SubmissionResult result) => new(
        result.Backend, result.ExitCode, result.ApplicationId, result.FinalState, result.Duration.TotalSeconds, result.SubmissionId,
        result.DriverPod, result.Namespace, result.TrackingUrl, result.Cluster, result.DeployMode, result.ClusterKill, result.ApplicationName,
        result.WorkingDirectory);
}

/// <summary>An environment in JSON output.</summary>
internal sealed record EnvironmentDocument(string Prefix, string Python, string ContentHash, EnvironmentTool Tool, bool Reused, IReadOnlyList<string> Commands)
{
    /// <summary>Converts a created environment.</summary>
    /// <param name="environment">The environment.</param>
    public static EnvironmentDocument From(CreatedEnvironment environment) => new(
        environment.Prefix, environment.PythonPath, environment.ContentHash, environment.Tool, environment.Reused, environment.Commands);
}

/// <summary>The <c>--json</c> document of <c>run</c> and <c>submit</c>.</summary>
/// <remarks>
/// Null members are left out (the documents' options), except <see cref="SparkSubmitArguments"/> and <see cref="Preflight"/>,
/// which are always written, null when no spark-submit ran, as docs/cli.md says.
/// </remarks>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Job">The job name.</param>
/// <param name="Environment">The created or reused environment (<c>run</c> without <c>--archive</c>).</param>
/// <param name="Archive">The archive submitted.</param>
/// <param name="ArchiveReused">Whether the archive came from the pack cache (<c>run</c> without <c>--archive</c>).</param>
/// <param name="SparkSubmitArguments">spark-submit's arguments, secrets masked; null when no spark-submit ran (a local container run, Livy).</param>
/// <param name="Submission">How the job ended.</param>
internal sealed record RunDocument(
    int ExitCode, string Job, EnvironmentDocument? Environment, string? Archive, bool? ArchiveReused,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? SparkSubmitArguments, SubmissionDocument Submission)
{
    /// <summary>The preflight checks that ran before spark-submit; null when skipped or when spark-submit was not used.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<PreflightCheckDocument>? Preflight { get; init; }

    /// <summary>What the environment store did (<c>--store</c>); null when no store was used (none given, local mode, a remote archive).</summary>
    public StoreShipDocument? Store { get; init; }
}

/// <summary>How the archive reached the environment store, in JSON output (<see cref="StoreShipResult"/>).</summary>
/// <param name="Uri">The store object's URI, the one submitted as <c>--archives &lt;uri&gt;#environment</c>.</param>
/// <param name="Name">The object name in the store folder.</param>
/// <param name="Sha256">The archive's SHA-256.</param>
/// <param name="Outcome"><c>hit</c>, <c>uploaded</c>, <c>replacedCorrupt</c> or <c>uploadedConcurrently</c>.</param>
/// <param name="BytesUploaded">Bytes this run uploaded: 0 on a hit and when another uploader published first.</param>
internal sealed record StoreShipDocument(string Uri, string Name, string Sha256, StoreShipOutcome Outcome, long BytesUploaded)
{
    /// <summary>Converts a shipping result; null when nothing was shipped.</summary>
    /// <param name="result">The result.</param>
    public static StoreShipDocument? From(StoreShipResult? result) =>
        result is null ? null : new(result.SparkUri, result.Name, result.Sha256, result.Outcome, result.BytesUploaded);
}

/// <summary>One preflight check in JSON output.</summary>
/// <param name="Name"><c>python</c>, <c>spark</c> or <c>glibc</c>.</param>
/// <param name="Status"><c>passed</c>, <c>failed</c> or <c>skipped</c>.</param>
/// <param name="Detail">What was compared.</param>
internal sealed record PreflightCheckDocument(string Name, string Status, string Detail)
{
    /// <summary>Converts a report; null for a skipped preflight.</summary>
    /// <param name="report">The report.</param>
    public static IReadOnlyList<PreflightCheckDocument>? From(SparkJobGen.Submission.Preflight.PreflightReport? report) =>
        report?.Checks.Select(static c => new PreflightCheckDocument(c.Name, c.Status.ToString().ToLowerInvariant(), c.Detail)).ToArray();
}

/// <summary>The <c>--json</c> document of <c>submit --dry-run</c> without Livy.</summary>
/// <param name="ExitCode">Always 0: nothing was submitted.</param>
/// <param name="SparkSubmitArguments">spark-submit's arguments, secrets masked.</param>
/// <param name="Environment">The variables spark-submit would be started with (null removes one).</param>
internal sealed record DryRunDocument(int ExitCode, IReadOnlyList<string> SparkSubmitArguments, IReadOnlyDictionary<string, string?> Environment);

/// <summary>The <c>--json</c> document of <c>env create</c>.</summary>
internal sealed record EnvCreateDocument(int ExitCode, EnvironmentDocument Environment);

/// <summary>One job in <c>jobs list --json</c>.</summary>
/// <param name="Name">The job name.</param>
/// <param name="Environment">Its environment.</param>
/// <param name="Script">Its script, relative to the project directory.</param>
/// <param name="TypeName">The job class.</param>
/// <param name="SparkConf">The Spark configuration the job declares (assembly, base classes and job merged, nearest wins), in order; secret values masked.</param>
/// <param name="Parameters">The job's typed parameters, in declaration order.</param>
internal sealed record JobDocument(
    string Name, string Environment, string Script, string TypeName, IReadOnlyDictionary<string, string> SparkConf, IReadOnlyList<JobParameterDocument> Parameters)
{
    /// <summary>Converts a job read from an assembly's manifest.</summary>
    /// <param name="job">The job.</param>
    public static JobDocument From(Manifest.ManifestJob job)
    {
        var conf = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var entry in job.SparkConf)
        {
            conf[entry.Key] = entry.Value;
        }

        var parameters = new List<JobParameterDocument>();
        foreach (var parameter in job.Parameters)
        {
            parameters.Add(new JobParameterDocument(parameter.PropertyName, parameter.Flag, parameter.TypeName, parameter.IsRequired, parameter.IsFlag, parameter.IsList, parameter.IsSensitive));
        }

        return new JobDocument(job.Name, job.Environment, job.Script, job.TypeName, conf, parameters);
    }
}

/// <summary>One typed parameter of a job in <c>jobs list --json</c> (the runtime's <c>JobParameterInfo</c>).</summary>
/// <param name="PropertyName">The C# property.</param>
/// <param name="Flag">The flag the script reads.</param>
/// <param name="TypeName">The property type as displayed.</param>
/// <param name="IsRequired">Whether the property is <c>required</c>.</param>
/// <param name="IsFlag">Whether the parameter is a boolean flag (no value).</param>
/// <param name="IsList">Whether the flag repeats for each element of a list.</param>
/// <param name="IsSensitive">Whether <c>[JobParameter(Sensitive = true)]</c> marks its value as a secret, which the tool masks on every output.</param>
internal sealed record JobParameterDocument(string PropertyName, string Flag, string TypeName, bool IsRequired, bool IsFlag, bool IsList, bool IsSensitive);

/// <summary>The <c>--json</c> document of <c>jobs list</c>.</summary>
internal sealed record JobsDocument(int ExitCode, string Assembly, IReadOnlyList<JobDocument> Jobs);
