using SparkJobGen.Submission;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// When the tool's own output fails while it relays spark-submit's or Livy's lines (a closed pipe, a full disk), the runner
/// stops the job and throws SubmissionOutputException: the tool exits as for Ctrl+C, with the cause in one line and the
/// submission's result in the JSON error document, instead of an internal error's stack trace.
/// </summary>
public sealed class OutputFailureTests
{
    [Fact]
    public void An_output_failure_is_a_cancellation_with_its_cause_in_the_message()
    {
        var result = new SubmissionResult(-1, "application_1_0001", SubmissionState.Cancelled, TimeSpan.FromSeconds(3), "spark-submit") { ClusterKill = "`yarn application -kill application_1_0001` exited with code 0" };
        var failure = new SubmissionOutputException(
            "The OnOutput callback threw IOException, so the submission was stopped: the spark-submit process tree was killed.",
            result,
            new IOException("Broken pipe"));

        Assert.Equal((ExitCodes.Cancelled, "cancelled"), CliApplication.Classify(failure));
        Assert.Equal(
            "The OnOutput callback threw IOException, so the submission was stopped: the spark-submit process tree was killed. IOException: Broken pipe",
            CliApplication.MessageOf(failure));
    }
}
