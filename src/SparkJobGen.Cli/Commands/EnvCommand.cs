using System.Collections.Generic;
using System.CommandLine;
using SparkJobGen.Cli.Output;
using SparkJobGen.Environments;
using SparkJobGen.Submission;

namespace SparkJobGen.Cli.Commands;

/// <summary><c>sparkjobgen env create &lt;environment.yaml&gt;</c>: create (or reuse) the environment, cached by content hash.</summary>
internal static class EnvCommand
{
    /// <summary>Creates the <c>env</c> verb group.</summary>
    /// <param name="io">Where output goes.</param>
    public static Command Create(CliIO io)
    {
        var file = new Argument<string>("environment.yaml") { Description = "The conda environment file (for example bin/Debug/net8.0/sparkjobs/analytics/environment.yaml)." };
        var tool = CommonOptions.Tool();
        var toolPath = CommonOptions.ToolPath();
        var cacheDir = CommonOptions.CacheDir();
        var pipArgs = CommonOptions.PipArgs();
        var force = new Option<bool>("--force") { Description = "Recreate the environment even when a complete one is cached." };
        var json = CommonOptions.Json();

        var create = new Command("create", "Create the environment with micromamba, mamba or conda (or venv + pip for pip-only environments), cached by the SHA-256 of the file. Shows the exact command.")
        {
            file, tool, toolPath, cacheDir, pipArgs, force, json,
        };
        create.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var cache = parse.GetValue(cacheDir);
                var environment = await EnvironmentCreator.CreateAsync(
                    parse.GetRequiredValue(file),
                    new EnvironmentCreationOptions
                    {
                        Tool = parse.GetValue(tool),
                        ToolPath = parse.GetValue(toolPath),
                        CacheRoot = cache is null ? null : System.IO.Path.Combine(cache, "envs"),
                        PipArguments = parse.GetValue(pipArgs),
                        Force = parse.GetValue(force),
                        OnCommand = command => console.Step(new JobRunStep("environment", command, false)),
                        OnOutput = console.Output,
                    },
                    cancellationToken).ConfigureAwait(false);

                console.Summary(environment.Reused ? "Environment reused from the cache" : "Environment created", new KeyValuePair<string, string?>[]
                {
                    new("prefix", environment.Prefix),
                    new("python", environment.PythonPath),
                    new("tool", environment.Tool.ToString().ToLowerInvariant()),
                    new("content hash", environment.ContentHash),
                });
                console.WriteJson(new EnvCreateDocument(ExitCodes.Success, EnvironmentDocument.From(environment)), CliJson.Documents.EnvCreateDocument);
                return ExitCodes.Success;
            });
        });

        return new Command("env", "Python environments of jobs.") { create };
    }
}
