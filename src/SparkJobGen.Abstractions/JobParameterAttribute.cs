using System;

namespace SparkJobGen;

/// <summary>
/// Marks a property of a job as a command-line parameter of its Python script. Supported types: <see cref="string"/>,
/// <see cref="bool"/> (a flag, present when true), <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="decimal"/>,
/// <c>DateOnly</c>, <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>, <see cref="Uri"/>, enums,
/// their nullable forms (omitted when null) and lists of them (the flag repeated for each element).
/// Mark the property <c>required</c> to make it a compile error to submit the job without it.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class JobParameterAttribute : Attribute
{
    /// <summary>Declares a parameter whose flag is the property name in kebab-case (<c>RunDate</c> becomes <c>--run-date</c>).</summary>
    public JobParameterAttribute()
    {
    }

    /// <summary>Declares a parameter with an explicit flag.</summary>
    /// <param name="flag">The flag the script reads, for example <c>--run-date</c>.</param>
    public JobParameterAttribute(string flag) => Flag = flag;

    /// <summary>The flag, or <see langword="null"/> for the kebab-case property name.</summary>
    public string? Flag { get; }

    /// <summary>
    /// An optional invariant-culture format string for formattable values (for example <c>yyyyMMdd</c> for a date).
    /// Without it dates render as ISO 8601, durations as ISO 8601 durations and numbers in their shortest round-trip form.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>
    /// Whether the value is a secret (a password, a token, a key). It still reaches the script, but every output SparkJobGen
    /// produces masks it as <c>***</c>: the spark-submit command line shown by <c>submit --dry-run</c> and in step lines,
    /// <c>--json</c> documents, the runners' streamed output and logs, Livy requests and errors. The child process's own argv
    /// (visible to other users of the machine in the process list) necessarily contains it.
    /// </summary>
    public bool Sensitive { get; set; }
}
