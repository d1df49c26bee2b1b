using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace SparkJobGen.Submission.Livy;

/// <summary>The body of <c>POST /batches</c>, with the field names and types of the Livy REST API.</summary>
public sealed record LivyBatchRequest
{
    /// <summary>The application file (the Python script), a path the Livy server can read: <c>hdfs://</c>, <c>s3a://</c>, whitelisted <c>file://</c>.</summary>
    [JsonPropertyName("file")]
    public required string File { get; init; }

    /// <summary>Command-line arguments for the application (the job parameters), passed verbatim.</summary>
    [JsonPropertyName("args")]
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Archives to extract in the containers, with <c>#alias</c> (the environment is <c>…#environment</c>).</summary>
    [JsonPropertyName("archives")]
    public IReadOnlyList<string>? Archives { get; init; }

    /// <summary>Python files for the PYTHONPATH.</summary>
    [JsonPropertyName("pyFiles")]
    public IReadOnlyList<string>? PyFiles { get; init; }

    /// <summary>Files for the containers' working directories.</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>Spark configuration properties.</summary>
    [JsonPropertyName("conf")]
    public IReadOnlyDictionary<string, string>? Conf { get; init; }

    /// <summary>
    /// Values sent in the request that must never be printed (<see cref="SparkSubmission.SecretValues"/>); not part of the
    /// request body. The client masks them, and the values of secret-looking flags in <see cref="Args"/>, in every error and log line.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The user to impersonate.</summary>
    [JsonPropertyName("proxyUser")]
    public string? ProxyUser { get; init; }

    /// <summary>Driver memory, for example <c>2g</c>.</summary>
    [JsonPropertyName("driverMemory")]
    public string? DriverMemory { get; init; }

    /// <summary>Driver cores.</summary>
    [JsonPropertyName("driverCores")]
    public int? DriverCores { get; init; }

    /// <summary>Memory per executor.</summary>
    [JsonPropertyName("executorMemory")]
    public string? ExecutorMemory { get; init; }

    /// <summary>Cores per executor.</summary>
    [JsonPropertyName("executorCores")]
    public int? ExecutorCores { get; init; }

    /// <summary>Number of executors.</summary>
    [JsonPropertyName("numExecutors")]
    public int? NumExecutors { get; init; }

    /// <summary>The application name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The YARN queue.</summary>
    [JsonPropertyName("queue")]
    public string? Queue { get; init; }

    /// <summary>
    /// Builds the request for a submission: its script, job arguments, environment archive (<c>#environment</c>), effective Spark
    /// configuration (including the Python wiring for its mode), proxy user, sizing, name and queue.
    /// </summary>
    /// <param name="submission">A cluster submission (the Livy server's own master is used; the mode decides the Python wiring,
    /// usually <c>OnYarn(DeployMode.Cluster)</c>).</param>
    /// <exception cref="SubmissionPreflightException">The submission is local, incomplete, or names a local file Livy cannot read.</exception>
    public static LivyBatchRequest FromSubmission(SparkSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Cluster == ClusterManager.Local)
        {
            throw new SubmissionPreflightException(
                "A Livy batch runs on the Livy server's cluster: configure the submission for it (usually .OnYarn(DeployMode.Cluster), " +
                "or `--master yarn --deploy-mode cluster` on the command line) so the Python environment is wired for cluster containers.");
        }

        SparkSubmitCommand command;
        try
        {
            command = submission.ToCommand();
        }
        catch (InvalidOperationException exception)
        {
            throw new SubmissionPreflightException(exception.Message, exception);
        }

        RequireRemote(command.ScriptPath, "script");
        if (command.EnvironmentArchive is not null)
        {
            RequireRemote(command.EnvironmentArchive, "environment archive");
        }

        foreach (var file in submission.PyFiles.Concat(submission.Files))
        {
            RequireRemote(file, "file");
        }

        var conf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in submission.EffectiveConf())
        {
            conf[key] = value;
        }

        return new LivyBatchRequest
        {
            File = command.ScriptPath,
            Args = command.JobArguments.ToArray(),
            Secrets = command.Secrets,
            Archives = command.EnvironmentArchive is { } archive ? [archive + "#" + SparkSubmission.ArchiveAlias] : null,
            PyFiles = submission.PyFiles.Count > 0 ? submission.PyFiles : null,
            Files = submission.Files.Count > 0 ? submission.Files : null,
            Conf = conf,
            ProxyUser = submission.ProxyUser,
            DriverMemory = submission.Resources.DriverMemory,
            DriverCores = submission.Resources.DriverCores,
            ExecutorMemory = submission.Resources.ExecutorMemory,
            ExecutorCores = submission.Resources.ExecutorCores,
            NumExecutors = submission.Resources.NumExecutors,
            Name = submission.Name,
            Queue = submission.Queue,
        };
    }

    private static void RequireRemote(string path, string what)
    {
        if (!path.Contains(':', StringComparison.Ordinal) || (path.Length > 1 && path[1] == ':'))
        {
            throw new SubmissionPreflightException(
                $"The {what} '{path}' is a local path, and Livy does not upload files: copy it to storage the cluster reads and pass its URI " +
                "(hdfs:///…, s3a://…, abfss://…), or pass file:///… for a directory whitelisted on the Livy server (livy.file.local-dir-whitelist).");
        }
    }
}

/// <summary>A Livy batch as returned by <c>POST /batches</c> and <c>GET /batches/{id}</c>.</summary>
public sealed record LivyBatch
{
    /// <summary>The batch id.</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }

    /// <summary>The cluster application id, once known.</summary>
    [JsonPropertyName("appId")]
    public string? AppId { get; init; }

    /// <summary>Application details such as <c>driverLogUrl</c> and <c>sparkUiUrl</c>.</summary>
    [JsonPropertyName("appInfo")]
    public IReadOnlyDictionary<string, string?>? AppInfo { get; init; }

    /// <summary>The most recent log lines.</summary>
    [JsonPropertyName("log")]
    public IReadOnlyList<string>? Log { get; init; }

    /// <summary>The batch state (<c>starting</c>, <c>running</c>, <c>success</c>, <c>dead</c>, <c>killed</c>…).</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }
}

/// <summary>The body of <c>GET /batches/{id}/state</c>.</summary>
public sealed record LivyBatchState
{
    /// <summary>The batch id.</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }

    /// <summary>The state.</summary>
    [JsonPropertyName("state")]
    public string State { get; init; } = string.Empty;
}

/// <summary>The body of <c>GET /batches/{id}/log</c>.</summary>
public sealed record LivyBatchLog
{
    /// <summary>The batch id.</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }

    /// <summary>The offset of the first returned line.</summary>
    [JsonPropertyName("from")]
    public int From { get; init; }

    /// <summary>The total number of lines (Livy servers report it as <c>total</c>).</summary>
    [JsonPropertyName("total")]
    public int? Total { get; init; }

    /// <summary>The log lines.</summary>
    [JsonPropertyName("log")]
    public IReadOnlyList<string> Log { get; init; } = [];
}
