using System.Diagnostics;

namespace SparkJobGen.Tests.Environments;

/// <summary>
/// A folder for PATH holding Python interpreter candidates for the venv route's search. <see cref="Real"/> links a name to this
/// machine's real Python 3.11 interpreter; <see cref="Reporting"/> writes a small sh script that answers exactly the version
/// query EnvironmentCreator runs (<c>&lt;python&gt; -c "import sys; print('%d.%d.%d' % sys.version_info[:3])"</c>, see
/// EnvironmentCreator.PythonVersionAsync) with another version and hands every other invocation to that real interpreter.
/// Only Python 3.11 is usable here, so another version is a reported one; the chosen interpreter always is the real one.
/// </summary>
internal sealed class PythonStandIn : IDisposable
{
    /// <summary>The argument after <c>-c</c> of EnvironmentCreator's version query.</summary>
    public const string VersionQuery = "import sys; print('%d.%d.%d' % sys.version_info[:3])";

    private static readonly Lazy<(string Path, string Version)> RealPython = new(FindRealPython);

    public PythonStandIn()
    {
        BinDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sjg-python-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(BinDirectory);
    }

    /// <summary>The folder to put on PATH.</summary>
    public string BinDirectory { get; }

    /// <summary>The real Python 3.11 interpreter (its resolved path, not a pyenv shim).</summary>
    public static string RealPath => RealPython.Value.Path;

    /// <summary>The real interpreter's version, as it reports it (<c>3.11.2</c>).</summary>
    public static string RealVersion => RealPython.Value.Version;

    /// <summary>
    /// An executable <paramref name="name"/> that runs the real Python 3.11 for every invocation, the way a pyenv shim does (an
    /// exec, so the interpreter's <c>sys.executable</c>, and the <c>home</c> of a venv made with it, is the real installation's).
    /// </summary>
    public string Real(string name) => Write(name, $$"""
        #!/bin/sh
        exec '{{RealPath}}' "$@"

        """);

    /// <summary>An executable <paramref name="name"/> that reports <paramref name="version"/> to the version query and runs the real Python 3.11 otherwise.</summary>
    public string Reporting(string name, string version) => Write(name, $$"""
        #!/bin/sh
        if [ "$#" -eq 2 ] && [ "$1" = "-c" ] && [ "$2" = "{{VersionQuery}}" ]; then
          echo '{{version}}'
          exit 0
        fi
        exec '{{RealPath}}' "$@"

        """);

    private string Write(string name, string script)
    {
        var path = System.IO.Path.Combine(BinDirectory, name);
        File.WriteAllText(path, script.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(BinDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (string Path, string Version) FindRealPython()
    {
        var info = new ProcessStartInfo("python3.11") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import os, sys; print(os.path.realpath(sys.executable)); print('%d.%d.%d' % sys.version_info[:3])");
        using var process = Process.Start(info)!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        process.WaitForExit();
        if (process.ExitCode != 0 || lines.Length != 2)
        {
            throw new InvalidOperationException("These tests need a real python3.11 on PATH: " + process.StandardError.ReadToEnd());
        }

        return (lines[0], lines[1]);
    }
}
