namespace SparkJobGen.Tests.Submission;

/// <summary>
/// A temporary SPARK_HOME whose bin/spark-submit is a STAND-IN script, not Spark: it only records the argv and environment
/// it receives (NUL-separated files) and prints the log lines a test scripts (realistic spark-submit output), then exits
/// with the scripted code. Optionally it starts a sleeping child and waits, so tests can check that the tree is killed.
/// </summary>
internal sealed class SparkSubmitStandIn : IDisposable
{
    private const string Script = """
        #!/bin/bash
        # spark-submit STAND-IN used by SparkJobGen tests. It is not Spark: it records its argv and environment and prints scripted lines.
        control="$(cd "$(dirname "$0")/.." && pwd)/standin"
        if [ "$1" = "--version" ]; then
          # spark-submit --version prints its banner on stderr.
          [ -f "$control/version" ] && /bin/cat "$control/version" >&2
          exit 0
        fi
        : > "$control/argv"
        pwd -P > "$control/cwd"
        if [ -e environment/bin/python ]; then readlink -f environment/bin/python > "$control/environment"; else : > "$control/environment"; fi
        for a in "$@"; do printf '%s\0' "$a" >> "$control/argv"; done
        /usr/bin/env -0 > "$control/env"
        echo $$ > "$control/self.pid"
        [ -f "$control/stdout" ] && /bin/cat "$control/stdout"
        [ -f "$control/stderr" ] && /bin/cat "$control/stderr" >&2
        if [ -f "$control/sleep" ]; then
          /bin/sleep "$(/bin/cat "$control/sleep")" &
          echo $! > "$control/child.pid"
          wait
        fi
        exit "$(/bin/cat "$control/exit" 2>/dev/null || echo 0)"
        """;

    private readonly TempDirectory _home = new("sjg-sparkhome");

    public SparkSubmitStandIn()
    {
        _home.WriteFile("bin/spark-submit", Script + "\n", executable: true);
        Directory.CreateDirectory(Control);
    }

    public string SparkHome => _home.Path;

    public string SparkSubmit => _home.Combine("bin", "spark-submit");

    public string Control => _home.Combine("standin");

    public SparkSubmitStandIn PrintsOnStderr(string text)
    {
        File.WriteAllText(Path.Combine(Control, "stderr"), text.ReplaceLineEndings("\n") + "\n");
        return this;
    }

    public SparkSubmitStandIn PrintsOnStdout(string text)
    {
        File.WriteAllText(Path.Combine(Control, "stdout"), text.ReplaceLineEndings("\n") + "\n");
        return this;
    }

    public SparkSubmitStandIn ExitsWith(int code)
    {
        File.WriteAllText(Path.Combine(Control, "exit"), code.ToString());
        return this;
    }

    /// <summary>Makes <c>spark-submit --version</c> print Spark's banner for <paramref name="version"/>, as Spark 3.5 prints it.</summary>
    public SparkSubmitStandIn ReportsVersion(string version)
    {
        File.WriteAllText(Path.Combine(Control, "version"), $$"""
            Welcome to
                  ____              __
                 / __/__  ___ _____/ /__
                _\ \/ _ \/ _ `/ __/  '_/
               /___/ .__/\_,_/_/ /_/\_\   version {{version}}
                  /_/

            Using Scala version 2.12.18, OpenJDK 64-Bit Server VM, 17.0.15
            Branch HEAD
            """ + "\n");
        return this;
    }

    /// <summary>The working directory spark-submit ran in.</summary>
    public string ReceivedWorkingDirectory() => File.ReadAllText(Path.Combine(Control, "cwd")).Trim();

    /// <summary>Where <c>./environment/bin/python</c> resolved in spark-submit's working directory; empty when it did not exist.</summary>
    public string ReceivedEnvironmentPython() => File.ReadAllText(Path.Combine(Control, "environment")).Trim();

    public SparkSubmitStandIn SleepsInChild(int seconds)
    {
        File.WriteAllText(Path.Combine(Control, "sleep"), seconds.ToString());
        return this;
    }

    public string[] ReceivedArguments()
    {
        var text = File.ReadAllText(Path.Combine(Control, "argv"));
        return text.Length == 0 ? [] : text.TrimEnd('\0').Split('\0');
    }

    public Dictionary<string, string> ReceivedEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in File.ReadAllText(Path.Combine(Control, "env")).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=');
            result[entry[..equals]] = entry[(equals + 1)..];
        }

        return result;
    }

    public bool WasStarted => File.Exists(Path.Combine(Control, "argv"));

    public int? ReadPid(string name)
    {
        var path = Path.Combine(Control, name);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid) ? pid : null;
    }

    public void Dispose() => _home.Dispose();
}
