using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;
using SparkJobGen.Submission;

namespace SparkJobGen.Cli.Output;

/// <summary>
/// Everything the tool prints. On a terminal (not redirected, not CI, TERM not dumb) progress and summaries are styled with
/// Spectre.Console; otherwise plain lines. With <c>--json</c>, human output goes to stderr and stdout carries exactly one JSON
/// document. All text passes through the redactor first.
/// </summary>
internal sealed class CliConsole
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly IAnsiConsole? _ansi;
    private readonly object _gate = new();

    /// <summary>Creates the console.</summary>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="json">Whether <c>--json</c> was given.</param>
    /// <param name="styled">Whether to style output with Spectre.Console (a terminal).</param>
    public CliConsole(TextWriter stdout, TextWriter stderr, bool json, bool styled)
    {
        _out = stdout;
        _err = stderr;
        IsJson = json;
        if (styled)
        {
            _ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(json ? stderr : stdout), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
        }
    }

    /// <summary>Whether stdout is reserved for one JSON document.</summary>
    public bool IsJson { get; }

    /// <summary>Masks secrets in everything printed.</summary>
    public SecretRedactor Redactor { get; } = new();

    /// <summary>Whether the process's stdout is an interactive terminal suitable for styled output.</summary>
    public static bool IsInteractiveTerminal() =>
        !Console.IsOutputRedirected &&
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) &&
        !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    private TextWriter Human => IsJson ? _err : _out;

    /// <summary>Prints a step of the run.</summary>
    /// <param name="step">The step.</param>
    public void Step(JobRunStep step)
    {
        var detail = Redactor.Redact(step.Detail);
        lock (_gate)
        {
            if (_ansi is not null)
            {
                _ansi.MarkupLine($"{(step.IsFailed ? "[red]✗[/]" : step.IsDone ? "[green]✓[/]" : "[blue]→[/]")} [bold]{Markup.Escape(step.Name)}[/] {Markup.Escape(detail)}");
            }
            else
            {
                Human.WriteLine($"{(step.IsFailed ? "[failed]" : step.IsDone ? "[done]" : "==>")} {step.Name}: {detail}");
            }
        }
    }

    /// <summary>Prints an informational line.</summary>
    /// <param name="text">The text.</param>
    public void Info(string text)
    {
        var redacted = Redactor.Redact(text);
        lock (_gate)
        {
            if (_ansi is not null)
            {
                _ansi.MarkupLine($"[grey]{Markup.Escape(redacted)}[/]");
            }
            else
            {
                Human.WriteLine(redacted);
            }
        }
    }

    /// <summary>Passes through one line printed by a child process (spark-submit, the job, a tool).</summary>
    /// <param name="line">The line (already redacted by the runner; redacted again here).</param>
    public void Output(OutputLine line)
    {
        var text = Redactor.Redact(line.Text);
        lock (_gate)
        {
            // Child output stays on the stream it came from, except that --json keeps stdout for the document.
            (IsJson || line.Channel == OutputChannel.StandardError ? _err : _out).WriteLine(text);
        }
    }

    /// <summary>
    /// Writes a document as is (redacted, never styled) to stdout, with or without <c>--json</c>: a JSON document such as the
    /// Livy request of <c>submit --livy --dry-run</c> is the one document of a <c>--json</c> run.
    /// </summary>
    /// <param name="text">The document.</param>
    public void Data(string text)
    {
        var redacted = Redactor.Redact(text);
        lock (_gate)
        {
            _out.WriteLine(redacted);
        }
    }

    /// <summary>Prints an error to stderr.</summary>
    /// <param name="message">The message.</param>
    public void Error(string message)
    {
        var redacted = Redactor.Redact(message);
        lock (_gate)
        {
            _err.WriteLine("error: " + redacted);
        }
    }

    /// <summary>Prints a final summary: a table on a terminal, <c>key: value</c> lines otherwise; nothing human with --json.</summary>
    /// <param name="title">The title.</param>
    /// <param name="rows">The rows (null values skipped).</param>
    public void Summary(string title, IEnumerable<KeyValuePair<string, string?>> rows)
    {
        lock (_gate)
        {
            if (_ansi is not null)
            {
                var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumn("").AddColumn("");
                table.ShowHeaders = false;
                foreach (var (key, value) in rows)
                {
                    if (value is not null)
                    {
                        table.AddRow(Markup.Escape(key), Markup.Escape(Redactor.Redact(value)));
                    }
                }

                _ansi.Write(table);
            }
            else
            {
                Human.WriteLine(title);
                foreach (var (key, value) in rows)
                {
                    if (value is not null)
                    {
                        Human.WriteLine($"  {key}: {Redactor.Redact(value)}");
                    }
                }
            }
        }
    }

    /// <summary>Writes the JSON document to stdout (only with --json), with secrets masked.</summary>
    /// <typeparam name="T">The document's type.</typeparam>
    /// <param name="document">The value to serialize.</param>
    /// <param name="type">Its metadata from <see cref="CliJson.Documents"/>, for example <c>CliJson.Documents.PackDocument</c>.</param>
    public void WriteJson<T>(T document, JsonTypeInfo<T> type)
    {
        if (!IsJson)
        {
            return;
        }

        var text = JsonSerializer.Serialize(document, type);
        lock (_gate)
        {
            _out.WriteLine(Redactor.Redact(text));
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a progress bar of files and bytes on a terminal; without one (redirected, CI, --json,
    /// or <paramref name="quiet"/>) the body gets no progress sink and nothing is drawn.
    /// </summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="title">The bar's label.</param>
    /// <param name="quiet">Suppress the bar (-q).</param>
    /// <param name="body">The work; receives the progress sink or null.</param>
    public async System.Threading.Tasks.Task<T> WithPackProgressAsync<T>(
        string title, bool quiet, Func<IProgress<SparkJobGen.Packing.PackProgress>?, System.Threading.Tasks.Task<T>> body)
    {
        if (_ansi is null || quiet)
        {
            return await body(null).ConfigureAwait(false);
        }

        T result = default!;
        await _ansi.Progress()
            .AutoClear(true)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new UntilMeasured(new PercentageColumn()),
                new UntilMeasured(new DownloadedColumn()),
                new UntilMeasured(new TransferSpeedColumn()),
                new UntilMeasured(new RemainingTimeColumn()))
            .StartAsync(async context =>
            {
                // Indeterminate until the packer reports its first figures: a cache hit reports none, and its bar would
                // otherwise read "100% 1 byte".
                var task = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: 1);
                task.IsIndeterminate = true;
                var sink = new Progress<SparkJobGen.Packing.PackProgress>(p =>
                {
                    task.IsIndeterminate = false;
                    task.MaxValue = Math.Max(1, p.BytesTotal);
                    task.Value = p.BytesDone;
                    task.Description = Markup.Escape($"{title} {p.FilesDone:N0}/{p.FilesTotal:N0} files");
                });
                result = await body(sink).ConfigureAwait(false);
                if (!task.IsIndeterminate)
                {
                    task.Value = task.MaxValue;
                }

                task.StopTask();
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>A progress column that shows nothing while its task has no figures yet (indeterminate).</summary>
    private sealed class UntilMeasured(ProgressColumn inner) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            task.IsIndeterminate ? Text.Empty : inner.Render(options, task, deltaTime);

        public override int? GetColumnWidth(Spectre.Console.Rendering.RenderOptions options) => inner.GetColumnWidth(options);
    }
}
