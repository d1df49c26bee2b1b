using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission.Launcher;

/// <summary>
/// What the JVM behind spark-submit decodes from its argv, with the machine's real Java: spark-submit here is a STAND-IN
/// script that execs <see cref="JavaLauncherProbe"/> (a real JVM), which writes each argument as UTF-8 hex.
/// </summary>
public sealed class JvmLocaleTests : IDisposable
{
    private readonly TempDirectory _home = new("sjg-jvm-sparkhome");

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Under_LC_ALL_C_the_jvm_still_receives_unicode_job_values_exactly()
    {
        const string value = "é✓ 雪";
        var output = _home.Combine("probe.out");
        _home.WriteFile("bin/spark-submit", "#!/bin/bash\n# spark-submit STAND-IN: hands the argv to a real JVM.\nexec \"$SJG_JAVA\" \"$SJG_PROBE\" argv \"$@\" > \"$SJG_OUT\"\n", executable: true);
        var script = _home.WriteFile("score.py", "print(1)\n");
        var submission = new SparkSubmission(Jobs.ScoreCustomers(), new JobArgumentList().Add("--label", value).ToArray()).WithScript(script);
        var locale = new Dictionary<string, string?> { ["LC_ALL"] = "C", ["LC_CTYPE"] = null, ["LANG"] = null };
        var variables = new Dictionary<string, string?>(locale)
        {
            ["SPARK_HOME"] = _home.Path,
            ["SJG_JAVA"] = JavaLauncherProbe.Java,
            ["SJG_PROBE"] = JavaLauncherProbe.SourcePath,
            ["SJG_OUT"] = output,
        };

        var result = await SparkSubmitRunner.SubmitAsync(submission, new SparkSubmitOptions { EnvironmentVariables = variables });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(value, JavaLauncherProbe.Decode(File.ReadAllText(output))[^1][0]);

        // The reference: the same JVM started directly under LC_ALL=C replaces every non-ASCII character (e618d5d's child).
        Assert.NotEqual(value, JavaLauncherProbe.RunUnder(locale, "argv", value)[0][0]);
    }
}
