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

    /// <summary>
    /// The batch name, which is also the application name. Livy refuses a name held by any batch it still tracks (running,
    /// or finished less than <c>livy.server.session.state-retain.sec</c> ago, 10 minutes by default), so
    /// <see cref="FromSubmission"/> sends the job name plus a run id unless the submission's name was set with
    /// <see cref="SparkSubmission.WithName"/>.
    /// </summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The YARN queue.</summary>
    [JsonPropertyName("queue")]
    public string? Queue { get; init; }

    /// <summary>The Spark property carrying the deploy mode, which spark-submit reads when no <c>--deploy-mode</c> is given.</summary>
    public const string DeployModeProperty = "spark.submit.deployMode";

    /// <summary>
    /// Builds the request for a submission: its script, job arguments, environment archive (<c>#environment</c>), effective Spark
    /// configuration (including the Python wiring for its mode and <c>spark.submit.deployMode</c>), proxy user, sizing, name and queue.
    /// </summary>
    /// <remarks>
    /// <para>Livy runs spark-submit with its own master (<c>livy.spark.master</c>) whatever the request says. The deploy mode is
    /// the request's <c>spark.submit.deployMode</c> unless the server sets <c>livy.spark.deploy-mode</c>, which then wins; without
    /// either, spark-submit runs the driver in client mode, on the Livy server. So the request always carries the submission's mode.</para>
    /// <para>In client mode the driver runs on the Livy server, where the environment archive is not extracted: its Python is
    /// <see cref="SparkSubmission.DriverPython"/>, which must then be set to an interpreter with the job's packages on that host.</para>
    /// <para>The name is the submission's name when set with <see cref="SparkSubmission.WithName"/> (to anything but the job
    /// name), else the job name plus a run id, so that retries and concurrent runs are not refused as duplicates.</para>
    /// </remarks>
    /// <param name="submission">A cluster submission (the Livy server's own master is used; the mode decides the Python wiring,
    /// usually <c>OnYarn(DeployMode.Cluster)</c>).</param>
    /// <exception cref="SubmissionPreflightException">The submission is local, incomplete, names a local file Livy cannot read,
    /// or runs its driver in client mode without a driver Python for the Livy server.</exception>
    public static LivyBatchRequest FromSubmission(SparkSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Cluster == ClusterManager.Local)
        {
            throw new SubmissionPreflightException(
                "A Livy batch runs on the Livy server's cluster: configure the submission for it (usually .OnYarn(DeployMode.Cluster), " +
                "or `--master yarn --deploy-mode cluster` on the command line) so the Python environment is wired for cluster containers.");
        }

        if (submission.DeployMode == DeployMode.Client && !submission.DriverPythonIsSet)
        {
            throw new SubmissionPreflightException(
                "In client deploy mode Livy runs the driver on the Livy server, where the environment archive is not extracted: " +
                "submit in cluster mode (.OnYarn(DeployMode.Cluster), `--deploy-mode cluster`), or name a Python with the job's packages " +
                "on the Livy server with .WithDriverPython(path) (`--driver-python /path/on/livy/host/bin/python`).");
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

        // The wiring above is for this mode; a server that does not pin its own deploy mode runs the request's.
        conf[DeployModeProperty] = submission.DeployMode == DeployMode.Cluster ? "cluster" : "client";

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
            Name = submission.Name == submission.Job.Name ? UniqueName(submission.Job.Name) : submission.Name,
            Queue = submission.Queue,
        };
    }

    /// <summary>A batch name for one submission of a job: the job name, a dash and an 8-character run id.</summary>
    /// <param name="jobName">The job name.</param>
    public static string UniqueName(string jobName) =>
        jobName + "-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    /// <summary>
    /// The JSON body <see cref="LivyClient.CreateBatchAsync"/> posts: one line, fields that are not set left out. Livy reads
    /// the body with Jackson into a <c>CreateBatchRequest</c> whose list fields default to empty lists; an explicit
    /// <c>null</c> replaces that default and fails the request with a server error.
    /// </summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, LivyJson.Default.LivyBatchRequest);

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
