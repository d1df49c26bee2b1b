using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Threading.Tasks;
using SparkJobGen.Cli.Output;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Cli.Commands;

/// <summary>
/// <c>sparkjobgen submit &lt;job&gt; [-- job arguments]</c>: submit with spark-submit, or as a Livy batch with <c>--livy</c>,
/// using an existing environment archive (no environment creation or packing).
/// </summary>
internal static class SubmitCommand
{
    /// <summary>The variable holding the Livy bearer token (preferred over --livy-token, which other users can see in the process list).</summary>
    public const string LivyTokenVariable = "SPARKJOBGEN_LIVY_TOKEN";

    /// <summary>The variable holding the Livy Basic password.</summary>
    public const string LivyPasswordVariable = "SPARKJOBGEN_LIVY_PASSWORD";

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
        var timeout = CommonOptions.Timeout();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the spark-submit command (secrets masked) or the Livy request and exit without submitting." };
        var livy = new Option<string?>("--livy") { Description = "Submit as a batch to this Livy server (http(s)://host:8998/) instead of running spark-submit.", HelpName = "url" };
        var livyToken = new Option<string?>("--livy-token") { Description = $"Bearer token for Livy (prefer the {LivyTokenVariable} variable)." };
        var livyUser = new Option<string?>("--livy-user") { Description = $"User for Livy Basic authentication (password from --livy-password or {LivyPasswordVariable})." };
        var livyPassword = new Option<string?>("--livy-password") { Description = $"Password for Livy Basic authentication (prefer the {LivyPasswordVariable} variable)." };
        var livyHeader = new Option<string?>("--livy-header") { Description = "A custom authentication header for Livy, 'Name: value'.", HelpName = "header" };
        var settings = new SubmissionSettings();

        var command = new Command("submit", "Submit a job with an existing environment archive: spark-submit (local, standalone, YARN, Kubernetes) or a Livy batch (--livy).")
        {
            job, jobArguments, project, assembly, configuration, noBuild, timeout, dryRun, livy, livyToken, livyUser, livyPassword, livyHeader, json,
        };
        settings.AddTo(command);

        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var limit = CommonOptions.ParseDuration(parse.GetValue(timeout));
                var authentication = Authentication(parse.GetValue(livyToken), parse.GetValue(livyUser), parse.GetValue(livyPassword), parse.GetValue(livyHeader));
                foreach (var secret in new[] { parse.GetValue(livyToken), parse.GetValue(livyPassword), Environment.GetEnvironmentVariable(LivyTokenVariable), Environment.GetEnvironmentVariable(LivyPasswordVariable) })
                {
                    console.Redactor.Add(secret);
                }

                if (parse.GetValue(livyHeader) is { } header && header.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    console.Redactor.Add(header[(colon + 1)..].Trim());
                }

                console.Redactor.AddFromConf(settings.ConfValues(parse));
                var (manifest, assemblyPath) = await JobDiscovery.LoadAsync(
                    parse.GetValue(project), parse.GetValue(assembly), parse.GetValue(configuration)!, !parse.GetValue(noBuild), console, cancellationToken).ConfigureAwait(false);
                var found = JobDiscovery.Find(manifest, assemblyPath, parse.GetRequiredValue(job));
                var submission = settings.Apply(parse, new SparkSubmission(found.ToDefinition(), parse.GetValue(jobArguments) ?? []).WithScript(found.ScriptPath));
                if (submission.Cluster != ClusterManager.Local && submission.EnvironmentArchive is null && submission.ClusterPython is null)
                {
                    // Said in the tool's terms; the library's own message names the builder method.
                    throw new SubmissionPreflightException(
                        $"Job '{submission.Job.Name}' runs in environment '{submission.Job.Environment}' but no environment archive was given for {submission.Cluster} mode: "
                        + $"pass --archive {submission.Job.Environment}.tar.gz (made by `sparkjobgen pack`), or use `sparkjobgen run`, which creates and packs the environment.");
                }

                SparkJobGen.Stores.StoreShipResult? shipped = null;
                if (parse.GetValue(dryRun) && submission.EnvironmentStore is { } store)
                {
                    console.Info($"dry run: the archive is not shipped to {store}; a real submission ships it there and submits the store's copy");
                }

                // Ships the archive to the store, after every check that can fail without the cluster: a failed check uploads nothing.
                async Task<SparkSubmission> ShipAsync(SparkSubmission local)
                {
                    SparkJobGen.Stores.StoreShipResult? result;
                    (local, result) = await SparkJobGen.Stores.EnvironmentStoreShipper.ShipAsync(
                        local, StoreCommand.Options(console), detail => console.Step(new JobRunStep("store", detail, false)), cancellationToken).ConfigureAwait(false);
                    shipped = result;
                    return local;
                }

                // The values of the job's [JobParameter(Sensitive = true)] flags, learned from the manifest before anything is printed.
                console.Redactor.AddRange(submission.SecretValues);

                SubmissionResult result;
                IReadOnlyList<string>? arguments = null;
                SparkJobGen.Submission.Preflight.PreflightReport? preflight = null;
                if (parse.GetValue(livy) is { } livyUrl)
                {
                    if (!Uri.TryCreate(livyUrl, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
                    {
                        throw new ArgumentException($"--livy '{livyUrl}' is not an http(s) URL such as http://livy.example:8998/.");
                    }

                    if (!parse.GetValue(dryRun) && SparkJobGen.Stores.EnvironmentStoreShipper.WillShip(submission))
                    {
                        // Livy reads the archive from the cluster's storage: the store's copy goes in the request.
                        SparkSubmitRunner.CheckArchiveExists(submission.EnvironmentArchive);
                        submission = await ShipAsync(submission).ConfigureAwait(false);
                    }

                    var request = LivyBatchRequest.FromSubmission(submission);
                    console.Redactor.AddFromConf(request.Conf ?? new Dictionary<string, string>()).AddRange(request.Secrets).AddFromJobArguments(request.Args ?? []);
                    if (parse.GetValue(dryRun))
                    {
                        // Exactly the body the client posts (secret values masked), on standard output so it can be piped to curl.
                        console.Data(request.ToJson());
                        return ExitCodes.Success;
                    }

                    console.Step(new JobRunStep("submit", $"Livy batch '{request.Name}' at {endpoint}", false));
                    result = await LivyBatchSubmitter.SubmitAsync(
                        request,
                        submission,
                        new LivyOptions(endpoint) { Authentication = authentication, Timeout = limit, OnOutput = console.Output },
                        cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var willShip = SparkJobGen.Stores.EnvironmentStoreShipper.WillShip(submission);
                    if (parse.GetValue(dryRun))
                    {
                        var dryCommand = SparkJobRunner.ToCommand(submission);
                        arguments = console.Redactor.AddRange(dryCommand.Secrets).AddFromSparkArguments(dryCommand.Arguments).RedactArguments(dryCommand.Arguments);
                        console.Info("spark-submit " + SparkSubmitRunner.FormatCommandLine(arguments));
                        console.WriteJson(new DryRunDocument(ExitCodes.Success, arguments, dryCommand.Environment), CliJson.Documents.DryRunDocument);
                        return ExitCodes.Success;
                    }

                    // Before anything is uploaded: the command as it will be (the store's copy stands in for a local archive it
                    // replaces), spark-submit, Java and the local files, then the preflight checks, which read the local archive.
                    var sparkSubmitOptions = new SparkSubmitOptions { SparkSubmitPath = parse.GetValue(settings.SparkSubmit), Timeout = limit, OnOutput = console.Output };
                    var planned = SparkJobRunner.ToCommand(willShip ? submission.WithEnvironmentArchive("hdfs:///sparkjobgen/not-yet-shipped.tar.gz") : submission);
                    console.Redactor.AddRange(planned.Secrets).AddFromSparkArguments(planned.Arguments);
                    SparkSubmitRunner.Preflight(planned, sparkSubmitOptions);
                    if (willShip)
                    {
                        SparkSubmitRunner.CheckArchiveExists(submission.EnvironmentArchive);
                    }

                    preflight = await settings.RunPreflightAsync(parse, submission, settings.Preflight(parse, assemblyPath) with { SparkSubmit = sparkSubmitOptions }, console, cancellationToken).ConfigureAwait(false);
                    if (willShip)
                    {
                        submission = await ShipAsync(submission).ConfigureAwait(false);
                    }

                    var sparkCommand = SparkJobRunner.ToCommand(submission);
                    arguments = console.Redactor.AddRange(sparkCommand.Secrets).AddFromSparkArguments(sparkCommand.Arguments).RedactArguments(sparkCommand.Arguments);
                    console.Step(new JobRunStep("submit", "spark-submit " + SparkSubmitRunner.FormatCommandLine(arguments), false));
                    result = await SparkSubmitRunner.SubmitAsync(sparkCommand, sparkSubmitOptions, cancellationToken).ConfigureAwait(false);
                }

                var exitCode = CliApplication.ExitCodeOf(result);
                console.Summary($"{found.Job.Name}: {result.FinalState}", new KeyValuePair<string, string?>[]
                {
                    new("backend", result.Backend),
                    new("exit code", result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("application id", result.ApplicationId),
                    new("submission id", result.SubmissionId),
                    new("batch name", result.ApplicationName),
                    new("tracking url", result.TrackingUrl),
                    new("store", shipped is null ? null : $"{shipped.SparkUri} ({shipped.Outcome}, {shipped.BytesUploaded:N0} bytes uploaded)"),
                });
                console.WriteJson(new RunDocument(exitCode, found.Job.Name, null, submission.EnvironmentArchive, null, arguments, SubmissionDocument.From(result)) { Preflight = PreflightCheckDocument.From(preflight), Store = StoreShipDocument.From(shipped) }, CliJson.Documents.RunDocument);
                return exitCode;
            });
        });
        return command;
    }

    private static LivyAuthentication? Authentication(string? token, string? user, string? password, string? header)
    {
        token ??= Environment.GetEnvironmentVariable(LivyTokenVariable);
        password ??= Environment.GetEnvironmentVariable(LivyPasswordVariable);
        if (header is not null)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new ArgumentException("--livy-header must be 'Name: value'.");
            }

            return LivyAuthentication.Header(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }

        if (user is not null)
        {
            return LivyAuthentication.Basic(user, password ?? throw new ArgumentException($"--livy-user needs a password, from --livy-password, or the {LivyPasswordVariable} variable."));
        }

        return string.IsNullOrEmpty(token) ? null : LivyAuthentication.Bearer(token);
    }
}
