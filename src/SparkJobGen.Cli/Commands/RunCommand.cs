using System.Collections.Generic;
using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Cli.Output;
using SparkJobGen.Environments;
using SparkJobGen.Submission;

namespace SparkJobGen.Cli.Commands;

/// <summary><c>sparkjobgen run &lt;job&gt; [-- job arguments]</c>: create or reuse the environment, pack (cached), verify, submit.</summary>
internal static class RunCommand
{
    /// <summary>Creates the verb.</summary>
    /// <param name="io">Where output goes.</param>
    public static Command Create(CliIO io)
    {
        var job = CommonOptions.Job();
        var jobArguments = CommonOptions.JobArguments();
        var project = CommonOptions.Project();
        var assembly = CommonOptions.Assembly();
        var configuration = CommonOptions.Configuration();
        var noBuild = CommonOptions.NoBuild();
        var json = CommonOptions.Json();
        var tool = CommonOptions.Tool();
        var toolPath = CommonOptions.ToolPath();
        var cacheDir = CommonOptions.CacheDir();
        var pipArgs = CommonOptions.PipArgs();
        var timeout = CommonOptions.Timeout();
        var localContainer = new Option<bool>("--local-container") { Description = "Use the local container run even when Spark is installed (local mode)." };
        var keepScratch = new Option<bool>("--keep-scratch") { Description = "Keep the local container run's scratch directory for inspection." };
        var settings = new SubmissionSettings();

        var command = new Command("run", "Run a job end to end: create or reuse its environment, pack it (cached), verify the archive and submit. " +
            "Default: local mode, spark-submit --master local[*] when Spark is installed, else a local container run of the packed environment.")
        {
            job, jobArguments, project, assembly, configuration, noBuild, tool, toolPath, cacheDir, pipArgs, timeout, localContainer, keepScratch, json,
        };
        settings.AddTo(command);

        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var limit = CommonOptions.ParseDuration(parse.GetValue(timeout));
                console.Redactor.AddFromConf(settings.ConfValues(parse));
                var (manifest, assemblyPath) = await JobDiscovery.LoadAsync(
                    parse.GetValue(project), parse.GetValue(assembly), parse.GetValue(configuration)!, !parse.GetValue(noBuild), console, cancellationToken).ConfigureAwait(false);
                var found = JobDiscovery.Find(manifest, assemblyPath, parse.GetRequiredValue(job));
                var submission = settings.Apply(parse, new SparkSubmission(found.ToDefinition(), parse.GetValue(jobArguments) ?? []).WithScript(found.ScriptPath));
                console.Redactor.AddRange(submission.SecretValues).AddFromConf(submission.EffectiveConf()).AddFromJobArguments(submission.JobArguments);
                var cache = parse.GetValue(cacheDir);
                var sparkSubmitPath = parse.GetValue(settings.SparkSubmit);

                var options = new SparkJobRunOptions
                {
                    Environment = new EnvironmentCreationOptions
                    {
                        Tool = parse.GetValue(tool),
                        ToolPath = parse.GetValue(toolPath),
                        CacheRoot = cache is null ? null : System.IO.Path.Combine(cache, global::SparkJobGen.CacheRoot.Environments),
                        PipArguments = parse.GetValue(pipArgs),
                        OnOutput = console.Output,
                    },
                    PackCacheRoot = cache is null ? null : System.IO.Path.Combine(cache, global::SparkJobGen.CacheRoot.Packs),
                    Archiver = new SparkJobGen.Packing.PackingEnvironmentArchiver(),
                    SparkSubmit = new SparkSubmitOptions { SparkSubmitPath = sparkSubmitPath, Timeout = limit, OnOutput = console.Output },
                    Container = new LocalContainerOptions { Timeout = limit, OnOutput = console.Output, KeepScratch = parse.GetValue(keepScratch) },
                    ForceLocalContainer = parse.GetValue(localContainer),
                    SkipPreflight = parse.GetValue(settings.NoPreflight),
                    Preflight = settings.Preflight(parse, assemblyPath) with
                    {
                        FactsCacheDirectory = cache is null ? null : System.IO.Path.Combine(cache, global::SparkJobGen.CacheRoot.Preflight),
                    },
                    OnStep = console.Step,
                    Store = StoreCommand.Options(console) with
                    {
                        DigestCacheDirectory = cache is null ? null : System.IO.Path.Combine(cache, global::SparkJobGen.CacheRoot.StoreDigests),
                    },
                };

                var run = await SparkJobRunner.RunAsync(submission, options, cancellationToken).ConfigureAwait(false);
                var arguments = run.SparkSubmitCommand is { } sparkCommand
                    ? console.Redactor.AddRange(sparkCommand.Secrets).AddFromSparkArguments(sparkCommand.Arguments).RedactArguments(sparkCommand.Arguments)
                    : null;
                var exitCode = CliApplication.ExitCodeOf(run.Submission);
                console.Summary($"{found.Job.Name}: {run.Submission.FinalState}", Rows(run));
                console.WriteJson(new RunDocument(
                    exitCode, found.Job.Name, run.Environment is null ? null : EnvironmentDocument.From(run.Environment), run.EnvironmentArchive, run.ArchiveReused,
                    arguments, SubmissionDocument.From(run.Submission)) { Preflight = PreflightCheckDocument.From(run.Preflight), Store = StoreShipDocument.From(run.Store) }, CliJson.Documents.RunDocument);
                return exitCode;
            });
        });
        return command;
    }

    private static IEnumerable<KeyValuePair<string, string?>> Rows(JobRunResult run)
    {
        yield return new("backend", run.Submission.Backend);
        yield return new("exit code", run.Submission.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new("application id", run.Submission.ApplicationId);
        yield return new("environment", run.Environment?.Prefix);
        yield return new("archive", run.EnvironmentArchive + (run.ArchiveReused ? " (cached)" : string.Empty));
        yield return new("store", run.Store is { } store ? $"{store.SparkUri} ({store.Outcome}, {store.BytesUploaded:N0} bytes uploaded)" : null);
        yield return new("duration", run.Submission.Duration.ToString(@"hh\:mm\:ss\.f", System.Globalization.CultureInfo.InvariantCulture));
        yield return new("kept folder", run.Submission.WorkingDirectory);
    }
}
