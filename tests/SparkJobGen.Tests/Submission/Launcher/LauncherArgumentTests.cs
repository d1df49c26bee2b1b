using System.Diagnostics;
using System.Text;

namespace SparkJobGen.Tests.Submission.Launcher;

/// <summary>
/// The argv the builder emits, read the way Spark reads it: resources through the JDK's <c>java.net.URI</c> as Spark's
/// <c>resolveURI</c> does (<see cref="JavaLauncherProbe"/>), YARN cluster arguments through real bash as Hadoop runs them,
/// and the values Spark's launcher would change refused before anything starts.
/// </summary>
public sealed class LauncherArgumentTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    private static SparkSubmission Submission(string script, IReadOnlyList<string>? jobArguments = null) =>
        new SparkSubmission(Jobs.ScoreCustomers(), jobArguments ?? ["--input", "hdfs:///data/c"]).WithScript(script);

    private static string ValueOf(IReadOnlyList<string> arguments, string option) => arguments[arguments.ToList().IndexOf(option) + 1];

    [Fact]
    public void Local_archive_py_files_and_files_with_space_percent_hash_comma_keep_the_environment_alias()
    {
        // The pack cache lives under $HOME, which can hold any of these characters.
        var folder = _work.Combine("my envs", "50% #1, ünï");
        var archive = _work.WriteFile(Path.Combine(folder, "env.tar.gz"), "archive");
        var pyFile = _work.WriteFile(Path.Combine(folder, "helpers, v2.zip"), "zip");
        var file = _work.WriteFile(Path.Combine(folder, "lookup#table.csv"), "csv");
        var script = _work.WriteFile(Path.Combine(folder, "score.py"), "print(1)");

        var arguments = Submission(script).OnYarn(DeployMode.Cluster).WithEnvironmentArchive(archive).WithPyFiles(pyFile).WithFiles(file).ToSparkSubmitArguments();

        var archives = JavaLauncherProbe.Run("resolve", ValueOf(arguments, "--archives"), ValueOf(arguments, "--py-files"), ValueOf(arguments, "--files"));
        Assert.Equal(["file", archive, "environment"], archives[0]);
        Assert.Equal(["file", pyFile, "helpers, v2.zip"], archives[1]);
        Assert.Equal(["file", file, "lookup#table.csv"], archives[2]);
        Assert.Equal(3, archives.Length);

        // What e618d5d emitted, plain paths: with a space, resolveURI falls back to File.toURI() and the alias becomes part of
        // the file name; with a comma, the path is cut in two before it is resolved.
        var spaced = _work.WriteFile(Path.Combine("my envs", "env.tar.gz"), "archive");
        var plain = JavaLauncherProbe.Run("resolve", spaced + "#environment");
        Assert.Equal(spaced + "#environment", plain.Single()[1]);
        Assert.NotEqual("environment", plain.Single()[2]);
        Assert.Equal(2, JavaLauncherProbe.Run("resolve", archive + "#environment").Length);
    }

    /// <summary>
    /// Outside cluster deploy mode spark-submit turns each resolved --py-files URI into a decoded path and splits the joined
    /// list at commas again (Spark v3.5.1 core/src/main/scala/org/apache/spark/deploy/SparkSubmit.scala:895-905;
    /// PythonRunner.scala:118-153 formatPath takes uri.getPath), so a comma anywhere in a local Python file's path cannot
    /// arrive: the builder refuses it there, and cluster mode (which skips that formatting) and the other resources keep it.
    /// </summary>
    [Fact]
    public void A_comma_in_a_local_python_files_path_is_refused_where_spark_submit_splits_the_decoded_paths()
    {
        var pyFile = _work.WriteFile(Path.Combine("libs, v2", "helpers.zip"), "zip");
        var script = _work.WriteFile("score.py", "print(1)");
        var archive = "hdfs:///envs/analytics.tar.gz";

        foreach (var submission in new[]
        {
            Submission(script).WithPyFiles(pyFile),
            Submission(script).OnYarn(DeployMode.Client).WithEnvironmentArchive(archive).WithPyFiles(pyFile),
            Submission(script).OnYarn(DeployMode.Client).WithEnvironmentArchive(archive).WithPyFiles(new Uri(pyFile).AbsoluteUri),
        })
        {
            var refused = Assert.Throws<InvalidOperationException>(() => submission.ToSparkSubmitArguments());
            Assert.Contains("has a comma in its path", refused.Message, StringComparison.Ordinal);
        }

        // What Spark's client mode would have made of the encoded URI: formatPath decodes it, then the list is split again.
        var encoded = SparkJobGen.Submission.LauncherArguments.Resource(pyFile);
        var decoded = new Uri(encoded).LocalPath;
        Assert.Equal(2, decoded.Split(',').Length);

        var cluster = Submission(script).OnYarn(DeployMode.Cluster).WithEnvironmentArchive(archive).WithPyFiles(pyFile).ToSparkSubmitArguments();
        Assert.Equal(encoded, ValueOf(cluster, "--py-files"));
        Assert.Equal([["file", pyFile, "helpers.zip"]], JavaLauncherProbe.Run("resolve", ValueOf(cluster, "--py-files")));
    }

    [Fact]
    public void A_local_script_with_special_characters_reaches_the_python_runner_as_its_real_path()
    {
        var script = _work.WriteFile(Path.Combine("jobs 50% #1, é", "score.py"), "print(1)");

        var arguments = Submission(script).ToSparkSubmitArguments();
        var scriptArgument = arguments[arguments.ToList().IndexOf("--input") - 1];

        Assert.StartsWith("file:///", scriptArgument, StringComparison.Ordinal);
        Assert.Equal(script, JavaLauncherProbe.Run("script", scriptArgument)[0][0]);
    }

    [Fact]
    public void Relative_local_paths_become_absolute_so_they_do_not_depend_on_spark_submits_working_directory()
    {
        var script = _work.WriteFile("jobs/score.py", "print(1)");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, script);
        Assert.False(Path.IsPathRooted(relative));

        var arguments = Submission(relative).OnYarn(DeployMode.Client).WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz").ToSparkSubmitArguments();

        Assert.Contains("file://" + script, arguments);
        // Remote URIs pass through as written.
        Assert.Equal("hdfs:///envs/analytics.tar.gz#environment", ValueOf(arguments, "--archives"));
    }

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData("trailing\r")]
    public void A_carriage_return_in_a_job_value_is_refused_naming_the_parameter(string value)
    {
        // Spark 3.4.0 and 3.5.1 bin/spark-class:80-81 read the launcher's output and remove every \r (ARG=${_ARG//$'\r'}),
        // and launcher/src/main/java/org/apache/spark/launcher/Main.java:101 drops a trailing one: the value would change.
        var rendered = new JobArgumentList().Add("--input", "hdfs:///data/c").Add("--note", value).ToArray();
        var script = _work.WriteFile("score.py", "print(1)");

        var error = Assert.Throws<InvalidOperationException>(() => Submission(script, rendered).ToCommand());

        Assert.Contains("job parameter --note", error.Message, StringComparison.Ordinal);
        Assert.Contains("carriage return", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_carriage_return_in_a_spark_property_is_refused_naming_the_property()
    {
        var script = _work.WriteFile("score.py", "print(1)");

        var error = Assert.Throws<InvalidOperationException>(() => Submission(script).WithConf("spark.app.note", "x\ry").ToCommand());

        Assert.Contains("Spark property 'spark.app.note'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("`echo INJECTED`", "backquote")]
    [InlineData("C:\\\\share", "backslash")]
    [InlineData("a\\$HOME", "backslash")]
    public void Yarn_cluster_refuses_values_the_application_masters_shell_would_change(string value, string reason)
    {
        var rendered = new JobArgumentList().Add("--input", "hdfs:///data/c").Add("--pattern", value).ToArray();
        var submission = Submission("hdfs:///jobs/score.py", rendered).WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz");

        var error = Assert.Throws<InvalidOperationException>(() => submission.OnYarn(DeployMode.Cluster).ToCommand());

        Assert.Contains("job parameter --pattern", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        // The same value is carried exactly in YARN client mode (no shell between spark-submit and the driver).
        Assert.Contains(value, submission.OnYarn(DeployMode.Client).ToCommand().JobArguments);

        // The reason, shown with real bash: what the application master would receive (see ThroughYarnLaunchShell).
        Assert.NotEqual(value, ThroughYarnLaunchShell(value));
    }

    [Fact]
    public void Yarn_cluster_accepts_values_that_the_application_masters_shell_carries_exactly()
    {
        string[] values = ["a b", "it's", "say \"hi\"", "$HOME and ${PATH}", "line1\nline2", "é✓ 雪", "!event", "*.py", "semi;colon|pipe&amp", "--x=1"];
        var rendered = new JobArgumentList();
        for (var i = 0; i < values.Length; i++)
        {
            rendered.Add("--v" + i, values[i]);
        }

        var command = Submission("hdfs:///jobs/score.py", rendered.ToArray()).OnYarn(DeployMode.Cluster).WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz").ToCommand();

        foreach (var argument in command.JobArguments)
        {
            Assert.Equal(argument, ThroughYarnLaunchShell(argument));
        }
    }

    [Fact]
    public void Yarn_cluster_refuses_a_local_script_whose_file_name_needs_encoding()
    {
        var script = _work.WriteFile("score customers.py", "print(1)");
        var submission = Submission(script).WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz");

        var error = Assert.Throws<InvalidOperationException>(() => submission.OnYarn(DeployMode.Cluster).ToCommand());

        Assert.Contains("score customers.py", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rename the script", error.Message, StringComparison.Ordinal);
        // A folder with such characters is fine, and so is client mode.
        submission.OnYarn(DeployMode.Client).ToCommand();
        Submission(_work.WriteFile(Path.Combine("my jobs", "score.py"), "print(1)")).WithEnvironmentArchive("hdfs:///envs/a.tar.gz").OnYarn(DeployMode.Cluster).ToCommand();
    }

    /// <summary>
    /// Passes one job argument the way YARN cluster mode does, through the real bash: Spark quotes it with
    /// YarnSparkHadoopUtil.escapeForShell (Spark 3.5.1 resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/YarnSparkHadoopUtil.scala:168-177:
    /// wrap in single quotes, write $ as \$, " as \", ' as '\''), the YARN Client adds it to the application master's command
    /// (Client.scala:1061-1062, "--arg" per user argument), and the NodeManager's launch script runs that command as
    /// <c>exec /bin/bash -c "command"</c> (the comment at YarnSparkHadoopUtil.scala:155). Returns what the process receives.
    /// </summary>
    private string ThroughYarnLaunchShell(string argument)
    {
        var escaped = new StringBuilder("'");
        foreach (var c in argument)
        {
            escaped.Append(c switch
            {
                '$' => "\\$",
                '"' => "\\\"",
                '\'' => "'\\''",
                _ => c.ToString(),
            });
        }

        escaped.Append('\'');
        var received = _work.Combine("received-" + Guid.NewGuid().ToString("N"));
        var launchScript = _work.WriteFile("launch_container.sh", $"#!/bin/bash\nexec /bin/bash -c \"printf '%s' {escaped} > '{received}'\"\n", executable: true);
        var info = new ProcessStartInfo("/bin/bash") { ArgumentList = { launchScript }, RedirectStandardError = true };
        using (var process = Process.Start(info)!)
        {
            process.StandardError.ReadToEnd();
            process.WaitForExit();
        }

        return File.Exists(received) ? File.ReadAllText(received) : string.Empty;
    }
}
