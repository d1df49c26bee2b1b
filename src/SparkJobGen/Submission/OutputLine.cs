namespace SparkJobGen.Submission;

/// <summary>Which stream of a child process a line came from.</summary>
public enum OutputChannel
{
    /// <summary>Standard output.</summary>
    StandardOutput,

    /// <summary>Standard error (where spark-submit's log4j output goes).</summary>
    StandardError,
}

/// <summary>One line printed by a child process (spark-submit, the packed interpreter, an environment tool), already redacted.</summary>
/// <param name="Channel">The stream it was printed on.</param>
/// <param name="Text">The line without its line terminator, with secrets replaced by <c>***</c>.</param>
public sealed record OutputLine(OutputChannel Channel, string Text);
