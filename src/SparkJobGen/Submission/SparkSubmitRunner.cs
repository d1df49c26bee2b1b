using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using SparkJobGen.Subprocesses;

namespace SparkJobGen.Submission;

/// <summary>
/// Runs <c>spark-submit</c> for a <see cref="SparkSubmitCommand"/>: checks everything it needs before starting, runs it with an
/// argument list (never a shell) and the command's environment, streams its output, extracts the application id and final state,
/// and stops the process tree (and the cluster application where possible) on cancellation or timeout.
/// </summary>
/// <remarks>
/// spark-submit is found in this order: <see cref="SparkSubmitOptions.SparkSubmitPath"/>, <c>$SPARK_HOME/bin/spark-submit</c>,
/// <c>spark-submit</c> on PATH. Java must be found as <c>$JAVA_HOME/bin/java</c> or <c>java</c> on PATH.
/// Local files named by the command (the environment archive and the script) must exist.
/// </remarks>
public static partial class SparkSubmitRunner
{
    /// <summary>The <see cref="SubmissionResult.Backend"/> of spark-submit runs.</summary>
    public const string BackendName = "spark-submit";

    /// <summary>Builds the command of <paramref name="submission"/> and runs it (see <see cref="SubmitAsync(SparkSubmitCommand, SparkSubmitOptions?, CancellationToken)"/>).</summary>
    /// <param name="submission">The configured submission.</param>
    /// <param name="options">How to find and run spark-submit; defaults when null.</param>
    /// <param name="cancellationToken">Stops the submission (process tree, then the cluster application) when cancelled.</param>
    /// <exception cref="SubmissionPreflightException">spark-submit, Java or a local file is missing, or the submission is incomplete.</exception>
    /// <exception cref="SubmissionCanceledException">The token was cancelled.</exception>
    /// <exception cref="SubmissionTimeoutException">The timeout elapsed.</exception>
    public static Task<SubmissionResult> SubmitAsync(SparkSubmission submission, SparkSubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        SparkSubmitCommand command;
        try
        {
            command = submission.ToCommand();
        }
        catch (InvalidOperationException exception)
        {
            throw new SubmissionPreflightException(exception.Message, exception);
        }

        return SubmitAsync(command, options, cancellationToken);
    }

    /// <summary>Runs spark-submit with the command's arguments and environment and waits for it to exit.</summary>
    /// <param name="command">The command (arguments after spark-submit, environment, mode, local files).</param>
    /// <param name="options">How to find and run spark-submit; defaults when null.</param>
    /// <param name="cancellationToken">Stops the submission (process tree, then the cluster application) when cancelled.</param>
    /// <returns>The exit code, application id and final state. A failed application is a result, not an exception.</returns>
    /// <exception cref="SubmissionPreflightException">spark-submit, Java or a local file is missing.</exception>
    /// <exception cref="SubmissionCanceledException">The token was cancelled.</exception>
    /// <exception cref="SubmissionTimeoutException">The timeout elapsed.</exception>
    public static async Task<SubmissionResult> SubmitAsync(SparkSubmitCommand command, SparkSubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        options ??= new SparkSubmitOptions();
        var redactor = new SecretRedactor(options.Secrets ?? Array.Empty<string>()).AddRange(command.Secrets).AddFromSparkArguments(command.Arguments);
        var locator = new ExecutableLocator(options.EnvironmentVariables);

        var sparkSubmit = Preflight(command, options, locator);
        if (cancellationToken.IsCancellationRequested)
        {
            throw new SubmissionCanceledException(
                "The submission was cancelled before spark-submit started; nothing was run.",
                new SubmissionResult(-1, null, SubmissionState.Cancelled, TimeSpan.Zero, BackendName)
                {
                    Cluster = command.Cluster,
                    DeployMode = command.DeployMode,
                    ClusterKill = "not needed: nothing was started",
                },
                cancellationToken);
        }

        var environment = ChildEnvironment(options.EnvironmentVariables, command.Environment, static name => Environment.GetEnvironmentVariable(name));
        var parser = new SparkLogParser();
        var logger = options.Logger;
        if (logger is not null)
        {
            var shown = FormatCommandLine(redactor.RedactArguments(command.Arguments));
            SubmissionLog.Running(logger, sparkSubmit, shown);
        }

        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        var runDirectory = NeedsRunDirectory(command, options) ? RunDirectory.Create(options.LocalEnvironment!) : null;
        if (runDirectory is not null && logger is not null)
        {
            var detail = $"working directory {runDirectory.Path} (./{SparkSubmission.ArchiveAlias} -> {options.LocalEnvironment})";
            SubmissionLog.Step(logger, "submit", detail);
        }

        ChildProcessExit exit;
        Exception? outputFailure = null;
        var started = Stopwatch.StartNew();
        try
        {
            exit = await ChildProcess.RunAsync(
                sparkSubmit,
                command.Arguments,
                environment,
                runDirectory?.Path ?? options.WorkingDirectory,
                line =>
                {
                    var redacted = line with { Text = redactor.Redact(line.Text) };
                    parser.Observe(redacted.Text);
                    if (logger is not null)
                    {
                        SubmissionLog.Output(logger, redacted.Text);
                    }

                    try
                    {
                        options.OnOutput?.Invoke(redacted);
                    }
                    catch (Exception exception)
                    {
                        // ChildProcess stops the process tree and throws it again once the pipes are drained.
                        outputFailure = exception;
                        throw;
                    }
                },
                linked.Token).ConfigureAwait(false);
        }
        catch (Win32Exception exception)
        {
            throw new SubmissionPreflightException(StartFailure(sparkSubmit, runDirectory?.Path ?? options.WorkingDirectory, exception), exception);
        }
        catch (Exception exception) when (outputFailure is not null && ReferenceEquals(exception, outputFailure))
        {
            var stopped = ResultOf(-1, SubmissionState.Cancelled, started.Elapsed);
            var kill = options.StopClusterApplicationOnCancel
                ? await StopClusterApplicationAsync(command, stopped, sparkSubmit, environment, locator, redactor, logger).ConfigureAwait(false)
                : "not attempted (StopClusterApplicationOnCancel is false)";
            throw new SubmissionOutputException(
                $"The OnOutput callback threw {exception.GetType().Name}, so the submission was stopped: the spark-submit process tree was killed. Cluster application: {kill}.",
                stopped with { ClusterKill = kill },
                exception);
        }
        finally
        {
            runDirectory?.Dispose();
        }

        var result = ResultOf(exit.ExitCode, parser.ResolveState(exit.ExitCode), exit.Duration);

        if (!exit.WasKilled)
        {
            if (logger is not null)
            {
                SubmissionLog.Finished(logger, BackendName, exit.ExitCode, result.FinalState, result.ApplicationId ?? "unknown");
            }

            return result;
        }

        var cancelled = cancellationToken.IsCancellationRequested;
        var clusterKill = options.StopClusterApplicationOnCancel
            ? await StopClusterApplicationAsync(command, result, sparkSubmit, environment, locator, redactor, logger).ConfigureAwait(false)
            : "not attempted (StopClusterApplicationOnCancel is false)";
        result = result with { FinalState = cancelled ? SubmissionState.Cancelled : SubmissionState.TimedOut, ClusterKill = clusterKill };

        if (cancelled)
        {
            throw new SubmissionCanceledException(
                $"The submission was cancelled; the spark-submit process tree was killed. Cluster application: {clusterKill}.", result, cancellationToken);
        }

        throw new SubmissionTimeoutException(
            $"spark-submit did not finish within {options.Timeout}; the process tree was killed. Cluster application: {clusterKill}.", result);

        // What spark-submit's output said, with the exit and state of how it ended.
        SubmissionResult ResultOf(int exitCode, SubmissionState state, TimeSpan duration) =>
            new(exitCode, parser.ApplicationId, state, duration, BackendName)
            {
                SubmissionId = parser.SubmissionId,
                DriverPod = parser.DriverPod,
                Namespace = parser.Namespace,
                TrackingUrl = parser.TrackingUrl,
                Cluster = command.Cluster,
                DeployMode = command.DeployMode,
            };
    }

    /// <summary>Why spark-submit could not be started, with the likely cause: a missing working directory, a script whose
    /// <c>#!</c> interpreter is missing, or a file that is not executable.</summary>
    private static string StartFailure(string sparkSubmit, string? workingDirectory, Win32Exception exception)
    {
        var prefix = $"spark-submit at '{sparkSubmit}' could not be started: {exception.Message}.";
        if (workingDirectory is not null && !Directory.Exists(workingDirectory))
        {
            return $"{prefix} The working directory '{workingDirectory}' does not exist: create it or set another WorkingDirectory.";
        }

        if (Interpreter(sparkSubmit) is { } interpreter && !File.Exists(interpreter))
        {
            return $"{prefix} Its first line (#!) names the interpreter '{interpreter}', which does not exist.";
        }

        return prefix + " Check that it is executable.";
    }

    /// <summary>The interpreter a script's <c>#!</c> line names, or null.</summary>
    private static string? Interpreter(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var first = reader.ReadLine();
            if (first is null || !first.StartsWith("#!", StringComparison.Ordinal))
            {
                return null;
            }

            var words = first.Substring(2).Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return words.Length > 0 ? words[0] : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether spark-submit runs in a run directory whose <c>./environment</c> links to the local environment: a client deploy
    /// mode on a cluster that ships the archive, with <see cref="SparkSubmitOptions.LocalEnvironment"/> set and no explicit
    /// <see cref="SparkSubmitOptions.WorkingDirectory"/>.
    /// </summary>
    private static bool NeedsRunDirectory(SparkSubmitCommand command, SparkSubmitOptions options) =>
        options.LocalEnvironment is not null && options.WorkingDirectory is null && command.DeployMode == DeployMode.Client &&
        command.Cluster != ClusterManager.Local && command.EnvironmentArchive is not null;

    /// <summary>
    /// Finds spark-submit and checks Java and the command's local files, without starting anything.
    /// </summary>
    /// <param name="command">The command to check.</param>
    /// <param name="options">How to find spark-submit; defaults when null.</param>
    /// <returns>The full path of spark-submit.</returns>
    /// <exception cref="SubmissionPreflightException">Something is missing; the message says how to fix it.</exception>
    public static string Preflight(SparkSubmitCommand command, SparkSubmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        options ??= new SparkSubmitOptions();
        return Preflight(command, options, new ExecutableLocator(options.EnvironmentVariables));
    }

    /// <summary>Finds spark-submit (configured path, then <c>$SPARK_HOME/bin</c>, then PATH).</summary>
    /// <param name="options">The options; defaults when null.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="SubmissionPreflightException">Not found; the message says how to install or configure Spark.</exception>
    public static string LocateSparkSubmit(SparkSubmitOptions? options = null)
    {
        options ??= new SparkSubmitOptions();
        return LocateSparkSubmit(options, new ExecutableLocator(options.EnvironmentVariables));
    }

    /// <summary>Whether spark-submit can be found (configured path, <c>$SPARK_HOME/bin</c> or PATH).</summary>
    /// <param name="options">The options; defaults when null.</param>
    public static bool IsSparkAvailable(SparkSubmitOptions? options = null)
    {
        try
        {
            LocateSparkSubmit(options);
            return true;
        }
        catch (SubmissionPreflightException)
        {
            return false;
        }
    }

    /// <summary>Joins an argv into one displayable line, single-quoting elements that a POSIX shell would split or expand.</summary>
    /// <param name="arguments">The argv.</param>
    public static string FormatCommandLine(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Join(" ", arguments.Select(static a =>
            a.Length > 0 && a.All(static c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+[]*".Contains(c, StringComparison.Ordinal)) && a.IndexOfAny(['*', '[']) < 0
                ? a
                : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
    }

    private static string Preflight(SparkSubmitCommand command, SparkSubmitOptions options, ExecutableLocator locator)
    {
        var sparkSubmit = LocateSparkSubmit(options, locator);

        if (!options.SkipJavaCheck)
        {
            var javaHome = locator.GetVariable("JAVA_HOME");
            var java = locator.FindUnderHome("JAVA_HOME", "java") ?? locator.FindOnPath("java");
            if (java is null)
            {
                throw new SubmissionPreflightException(
                    (javaHome is not null ? $"JAVA_HOME is '{javaHome}' but it has no bin/java, and no java was found on PATH. " : "Java was not found: JAVA_HOME is not set and no java is on PATH. ") +
                    "Spark needs a Java runtime (17 or 21 for Spark 3.5/4): install one (for example `apt-get install openjdk-17-jre-headless`) and set JAVA_HOME to it or put its bin/ on PATH.");
            }
        }

        CheckArchiveExists(command.EnvironmentArchive);
        CheckLocalFile(command.ScriptPath, "script", "build the project so the script is copied to sparkjobs/<environment>/, or pass WithScript(path)");
        return sparkSubmit;
    }

    private static string LocateSparkSubmit(SparkSubmitOptions options, ExecutableLocator locator)
    {
        if (options.SparkSubmitPath is { } configured)
        {
            if (!ExecutableLocator.IsExecutableFile(configured))
            {
                throw new SubmissionPreflightException(
                    $"The configured spark-submit '{configured}' does not exist or is not executable. Point it at <spark>/bin/spark-submit, or leave it unset to use SPARK_HOME or PATH.");
            }

            return Path.GetFullPath(configured);
        }

        if (locator.FindUnderHome("SPARK_HOME", "spark-submit") is { } fromHome)
        {
            return fromHome;
        }

        if (locator.FindOnPath("spark-submit") is { } fromPath)
        {
            return fromPath;
        }

        var sparkHome = locator.GetVariable("SPARK_HOME");
        throw new SubmissionPreflightException(
            (sparkHome is not null ? $"SPARK_HOME is '{sparkHome}' but {Path.Combine(sparkHome, "bin", "spark-submit")} does not exist, and spark-submit is not on PATH. " : "spark-submit was not found: SPARK_HOME is not set and spark-submit is not on PATH. ") +
            "Install Spark (https://spark.apache.org/downloads.html, or `pip install pyspark`, whose bin/ has spark-submit) and set SPARK_HOME to it, " +
            "put spark-submit on PATH, or pass its path (SparkSubmitOptions.SparkSubmitPath, --spark-submit). " +
            "Without Spark, `sparkjobgen run` still runs the job in a local container run.");
    }

    /// <summary>A local environment archive must exist; a remote one (hdfs://, s3a://, ...) is not checked.</summary>
    /// <param name="archive">The archive path or URI, or null.</param>
    /// <exception cref="SubmissionPreflightException">The local archive does not exist; the message says how to make one.</exception>
    internal static void CheckArchiveExists(string? archive) =>
        CheckLocalFile(archive, "environment archive", "create it with `sparkjobgen pack` (or EnvironmentPacker.PackAsync) or pass the path of an existing archive");

    private static void CheckLocalFile(string? path, string what, string fix)
    {
        if (path is null || LocalPath(path) is not { } local)
        {
            return;
        }

        if (!File.Exists(local))
        {
            throw new SubmissionPreflightException($"The {what} '{local}' does not exist: {fix}.");
        }
    }

    /// <summary>The local file behind a path or <c>file:</c> URI; null for remote URIs (<c>hdfs://</c>, <c>s3a://</c>, <c>local://</c>…).</summary>
    /// <param name="path">A path or URI.</param>
    internal static string? LocalPath(string path)
    {
        if (path.StartsWith("file:", StringComparison.Ordinal) && Uri.TryCreate(path, UriKind.Absolute, out var uri))
        {
            return uri.LocalPath;
        }

        var scheme = path.IndexOf(':', StringComparison.Ordinal);
        if (scheme > 1 && path.AsSpan(0, scheme).IndexOfAny('/', '\\') < 0)
        {
            // A scheme (hdfs:, s3a:, local:, https:); a one-letter "scheme" is a Windows drive.
            return null;
        }

        return path;
    }

    /// <summary>
    /// The variables spark-submit's process gets on top of this process's environment: <see cref="MergeEnvironment"/>, then
    /// <c>SPARK_REMOTE</c> removed and a UTF-8 character set when the inherited locale has none.
    /// </summary>
    /// <param name="overrides">The caller's overrides (<see cref="SparkSubmitOptions.EnvironmentVariables"/>).</param>
    /// <param name="command">The command's variables.</param>
    /// <param name="inherited">Reads this process's variables.</param>
    /// <remarks>
    /// <para>An inherited <c>SPARK_REMOTE</c> (Spark Connect) makes Spark 3.4 and later refuse every submission that names a
    /// master or deploy mode ("Remote cannot be specified with master and/or deploy mode"), and spark-submit always gets
    /// <c>--master</c>, so the variable is never passed on.</para>
    /// <para>The JVM decodes its argv with the locale's character set: under <c>LC_ALL=C</c> or no locale at all, <c>é✓</c>
    /// arrives as question marks. When the effective <c>LC_CTYPE</c> (<c>LC_ALL</c>, else <c>LC_CTYPE</c>, else <c>LANG</c>) does
    /// not name UTF-8, <c>C.UTF-8</c> is set in its place (<c>LC_ALL</c> when that was the one in effect, else <c>LC_CTYPE</c>),
    /// which changes the character set only.</para>
    /// </remarks>
    internal static Dictionary<string, string?> ChildEnvironment(
        IReadOnlyDictionary<string, string?>? overrides, IReadOnlyDictionary<string, string?> command, Func<string, string?> inherited)
    {
        var merged = MergeEnvironment(overrides, command);
        merged["SPARK_REMOTE"] = null;

        string? Effective(string name) => merged.TryGetValue(name, out var value) ? value : inherited(name);
        var utf8Locale = OperatingSystem.IsMacOS() ? "en_US.UTF-8" : "C.UTF-8";
        if (Effective("LC_ALL") is { Length: > 0 } all)
        {
            if (!NamesUtf8(all))
            {
                merged["LC_ALL"] = utf8Locale;
            }
        }
        else if (!NamesUtf8((Effective("LC_CTYPE") is { Length: > 0 } ctype ? ctype : Effective("LANG")) ?? string.Empty))
        {
            merged["LC_CTYPE"] = utf8Locale;
        }

        return merged;
    }

    private static bool NamesUtf8(string locale) =>
        locale.Replace("-", string.Empty, StringComparison.Ordinal).Contains("utf8", StringComparison.OrdinalIgnoreCase);

    /// <summary>Process overrides first, then the command's variables (which win).</summary>
    internal static Dictionary<string, string?> MergeEnvironment(IReadOnlyDictionary<string, string?>? overrides, IReadOnlyDictionary<string, string?> command)
    {
        var merged = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (overrides is not null)
        {
            foreach (var (key, value) in overrides)
            {
                merged[key] = value;
            }
        }

        foreach (var (key, value) in command)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static async Task<string> StopClusterApplicationAsync(
        SparkSubmitCommand command,
        SubmissionResult result,
        string sparkSubmit,
        IReadOnlyDictionary<string, string?> environment,
        ExecutableLocator locator,
        SecretRedactor redactor,
        ILogger? logger)
    {
        if (command.DeployMode != DeployMode.Cluster)
        {
            return "not needed (client deploy mode: the driver ran inside the killed process tree)";
        }

        string executable;
        string[] arguments;
        if (command.Cluster == ClusterManager.Yarn)
        {
            if (result.ApplicationId is null)
            {
                return "unknown (no YARN application id was logged before the stop); check `yarn application -list`";
            }

            var yarn = locator.FindUnderHome("HADOOP_YARN_HOME", "yarn") ?? locator.FindUnderHome("HADOOP_HOME", "yarn") ?? locator.FindOnPath("yarn");
            if (yarn is null)
            {
                return $"not stopped: the yarn command was not found (HADOOP_HOME/bin, PATH); run `yarn application -kill {result.ApplicationId}`";
            }

            executable = yarn;
            arguments = ["application", "-kill", result.ApplicationId];
        }
        else if (command.Cluster == ClusterManager.Kubernetes && result.SubmissionId is not null)
        {
            var master = MasterOf(command.Arguments);
            if (master is null)
            {
                return $"not stopped: no --master in the command; run `spark-submit --kill {result.SubmissionId} --master k8s://…`";
            }

            executable = sparkSubmit;
            arguments = ["--kill", result.SubmissionId, "--master", master, .. KubernetesConf(command)];
        }
        else
        {
            return "not stopped: no cluster id was logged before the stop";
        }

        var display = Path.GetFileName(executable) + " " + FormatCommandLine(redactor.RedactArguments(arguments));
        if (logger is not null)
        {
            SubmissionLog.StoppingClusterApplication(logger, display);
        }

        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var exit = await ChildProcess.RunAsync(
                executable,
                arguments,
                environment,
                null,
                line =>
                {
                    if (logger is not null)
                    {
                        var shown = redactor.Redact(line.Text);
                        SubmissionLog.Output(logger, shown);
                    }
                },
                limit.Token).ConfigureAwait(false);
            return exit.WasKilled ? $"`{display}` did not finish within 2 minutes" : $"`{display}` exited with code {exit.ExitCode}";
        }
        catch (Win32Exception exception)
        {
            return $"`{display}` could not be started: {exception.Message}";
        }
    }

    /// <summary>
    /// The submission's <c>spark.kubernetes.*</c> settings as <c>--conf</c> pairs: <c>spark-submit --kill</c> builds its
    /// Kubernetes client from its own command's configuration only (Spark v3.5.1 core/.../deploy/SparkSubmit.scala:110
    /// <c>args.toSparkConf()</c>; resource-managers/kubernetes/core/.../submit/K8sSubmitOps.scala:116-122 reads
    /// <c>spark.kubernetes.authenticate.submission.*</c>, and the client factory <c>spark.kubernetes.context</c>), so the
    /// credentials and context the submission used must be passed again. Only spark-submit's own options are read: nothing
    /// after the primary resource (the job's arguments).
    /// </summary>
    private static IEnumerable<string> KubernetesConf(SparkSubmitCommand command)
    {
        var options = command.Arguments.Count - command.JobArguments.Count - 1;
        for (var i = 0; i + 1 < options; i++)
        {
            if (command.Arguments[i] == "--conf" && command.Arguments[i + 1].StartsWith("spark.kubernetes.", StringComparison.Ordinal))
            {
                yield return "--conf";
                yield return command.Arguments[++i];
            }
        }
    }

    private static string? MasterOf(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == "--master")
            {
                return arguments[i + 1];
            }
        }

        return null;
    }
}
