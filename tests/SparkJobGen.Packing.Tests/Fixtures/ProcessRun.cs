using System.Diagnostics;
using System.IO;
using System.Text;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>The outcome of a finished child process.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything it wrote to stdout.</param>
/// <param name="StandardError">Everything it wrote to stderr.</param>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs real child processes for the fixtures and their tests (no shell, arguments passed as a list).</summary>
public static class ProcessRun
{
    /// <summary>How long any fixture command may take before it is killed; generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs a program and returns its exit code and output, whatever the exit code.</summary>
    /// <param name="fileName">The program (absolute path or a name looked up on PATH).</param>
    /// <param name="arguments">The arguments, each passed verbatim.</param>
    /// <param name="workingDirectory">The working directory, or null for the current one.</param>
    /// <param name="environment">Variables to set (a null value removes the variable), or null.</param>
    /// <returns>The exit code and captured output.</returns>
    public static ProcessResult Run(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Fixture pythons must not pick up the caller's environment or user site.
        info.Environment.Remove("PYTHONPATH");
        info.Environment.Remove("PYTHONHOME");
        info.Environment["PYTHONNOUSERSITE"] = "1";
        info.Environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
        info.Environment["PIP_NO_INPUT"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"'{Describe(fileName, info.ArgumentList)}' did not finish within {Timeout}.");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs a program and throws, with its output in the message, unless it exits with 0.</summary>
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="workingDirectory">The working directory, or null.</param>
    /// <param name="environment">Variables to set, or null.</param>
    /// <returns>The captured output of the successful run.</returns>
    /// <exception cref="InvalidOperationException">The program exited with a non-zero code.</exception>
    public static ProcessResult RunChecked(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var list = arguments.ToList();
        var result = Run(fileName, list, workingDirectory, environment);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException(
            $"'{Describe(fileName, list)}' exited with {result.ExitCode}.\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
    }

    private static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments));
}
