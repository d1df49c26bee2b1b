using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Cli.Commands;
using SparkJobGen.Cli.Output;
using SparkJobGen.Environments;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Cli;

/// <summary>The <c>sparkjobgen</c> command tree and the mapping of failures to exit codes.</summary>
internal static class CliApplication
{
    /// <summary>Builds the root command with every verb.</summary>
    /// <param name="io">Where output goes.</param>
    public static RootCommand BuildRootCommand(CliIO io)
    {
        var root = new RootCommand("SparkJobGen: create, pack and verify Python environments for typed PySpark jobs and submit them (local, standalone, YARN, Kubernetes, Livy).");
        root.Subcommands.Add(RunCommand.Create(io));
        root.Subcommands.Add(SubmitCommand.Create(io));
        root.Subcommands.Add(PackCommand.Create(io));
        root.Subcommands.Add(EnvCommand.Create(io));
        root.Subcommands.Add(JobsCommand.Create(io));
        root.Subcommands.Add(StoreCommand.Create(io));
        return root;
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="root">The root command (after any extra verbs were registered).</param>
    /// <param name="args">The arguments.</param>
    /// <param name="io">Where output goes.</param>
    /// <param name="cancellationToken">Cancelled on SIGINT/SIGTERM by <see cref="Program"/>; the verbs stop their child processes and return.</param>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, CliIO io, CancellationToken cancellationToken = default)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await io.Error.WriteLineAsync("error: " + UsageMessage(error.Message)).ConfigureAwait(false);
            }

            await io.Error.WriteLineAsync($"Run `{CommandPath(parse.CommandResult)} --help` for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Signals are handled by Program from its first instruction (no window in which Ctrl+C kills the tool without
        // stopping spark-submit); System.CommandLine's own handler is switched off so the two cannot race.
        var configuration = new InvocationConfiguration { Output = io.Out, Error = io.Error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The full command line of a verb, from the tool's name down: <c>sparkjobgen store prune</c>.</summary>
    /// <param name="verb">The verb as parsed.</param>
    public static string CommandPath(CommandResult verb)
    {
        var names = new List<string>();
        for (SymbolResult? result = verb; result is CommandResult { Command: var command and not RootCommand }; result = result.Parent)
        {
            names.Add(command.Name);
        }

        names.Add("sparkjobgen");
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>Runs a verb's body, turning known failures into an error message and exit code (and a JSON error document).</summary>
    /// <param name="console">The console.</param>
    /// <param name="body">The verb.</param>
    public static async Task<int> GuardAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            var (code, kind) = Classify(exception);
            var message = MessageOf(exception);
            console.Error(message);
            var result = exception switch
            {
                SubmissionTimeoutException timeout => timeout.Result,
                SubmissionCanceledException cancelled => cancelled.Result,
                SubmissionOutputException output => output.Result,
                _ => null,
            };
            console.WriteJson(new ErrorDocument(code, new ErrorInfo(kind, message), result is null ? null : SubmissionDocument.From(result)), CliJson.Documents.ErrorDocument);
            if (code == ExitCodes.InternalError)
            {
                console.Error(console.Redactor.Redact(exception.ToString()));
            }

            return code;
        }
    }

    /// <summary>
    /// A parse error as a user reads it: System.CommandLine names the .NET type a value did not convert to
    /// (<c>System.Nullable`1[System.Int32]</c>); the option's value is described in words instead.
    /// </summary>
    /// <param name="message">The parser's message.</param>
    public static string UsageMessage(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(
            message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!match.Success)
        {
            return message;
        }

        var type = match.Groups["type"].Value;
        type = type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) ? type["System.Nullable`1[".Length..^1] : type;
        var expected = type switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            _ => null,
        };
        return expected is null
            ? $"'{match.Groups["value"].Value}' is not a valid value for {match.Groups["option"].Value}: see --help."
            : $"'{match.Groups["value"].Value}' is not a valid value for {match.Groups["option"].Value}: expected {expected}.";
    }

    /// <summary>
    /// The message a user reads: an argument error's text without .NET's <c>(Parameter 'name')</c> suffix, which names a
    /// library parameter, not the command-line option the value came from.
    /// </summary>
    /// <param name="exception">The failure.</param>
    public static string MessageOf(Exception exception)
    {
        if (exception is SubmissionOutputException { InnerException: { } inner })
        {
            return $"{exception.Message} {inner.GetType().Name}: {inner.Message}";
        }

        var message = exception is ArgumentException { ParamName: { Length: > 0 } parameter }
            ? exception.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal)
            : exception.Message;
        // An out-of-range value's "Actual value was …" line repeats what the caller names with the option.
        return exception is ArgumentOutOfRangeException { ActualValue: not null } && message.IndexOf('\n', StringComparison.Ordinal) is var end and > 0
            ? message[..end].TrimEnd()
            : message;
    }

    /// <summary>The exit code and error kind of an exception.</summary>
    /// <param name="exception">The failure.</param>
    public static (int Code, string Kind) Classify(Exception exception) => exception switch
    {
        SubmissionTimeoutException => (ExitCodes.TimedOut, "timeout"),
        // The tool's own output failed (a closed pipe, a full disk): the job was stopped as for Ctrl+C.
        SubmissionOutputException => (ExitCodes.Cancelled, "cancelled"),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
        SubmissionPreflightException => (ExitCodes.Prerequisite, "prerequisite"),
        EnvironmentCreationException => (ExitCodes.EnvironmentFailed, "environment"),
        SparkJobGen.Packing.PackingException => (ExitCodes.PackFailed, "pack"),
        InvalidDataException => (ExitCodes.EnvironmentFailed, "environment"),
        FileNotFoundException => (ExitCodes.Prerequisite, "prerequisite"),
        LivyException => (ExitCodes.LivyFailed, "livy"),
        SparkJobGen.Stores.EnvironmentStoreException => (ExitCodes.StoreFailed, "store"),
        JobDiscoveryException => (ExitCodes.JobNotFound, "job-not-found"),
        ArgumentException or NotSupportedException => (ExitCodes.Usage, "usage"),
        InvalidOperationException => (ExitCodes.Prerequisite, "prerequisite"),
        _ => (ExitCodes.InternalError, "internal"),
    };

    /// <summary>The exit code for a finished submission.</summary>
    /// <param name="result">The result.</param>
    public static int ExitCodeOf(SubmissionResult result) =>
        result.FinalState is SubmissionState.Succeeded or SubmissionState.Submitted ? ExitCodes.Success : ExitCodes.JobFailed;

    /// <summary>Creates the console of a verb from its <c>--json</c> flag.</summary>
    /// <param name="io">Where output goes.</param>
    /// <param name="json">Whether --json was given.</param>
    public static CliConsole Console(CliIO io, bool json) => new(io.Out, io.Error, json, io.Styled);
}

/// <summary>The standard streams of one invocation (the process's, or a test's).</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Styled">Whether to style output with Spectre.Console.</param>
internal sealed record CliIO(TextWriter Out, TextWriter Error, bool Styled);
