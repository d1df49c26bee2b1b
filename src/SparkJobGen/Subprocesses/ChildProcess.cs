using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Submission;

namespace SparkJobGen.Subprocesses;

/// <summary>How a child process ended.</summary>
/// <param name="ExitCode">The exit code, or -1 when the process was killed before it exited by itself.</param>
/// <param name="WasKilled">Whether the process tree was killed because of cancellation or a timeout.</param>
/// <param name="Duration">Wall-clock time from start to exit.</param>
internal sealed record ChildProcessExit(int ExitCode, bool WasKilled, TimeSpan Duration);

/// <summary>
/// Runs one executable with an argument list (never through a shell), an explicit environment and a working directory,
/// streams its output line by line, and kills the whole process tree when the token is cancelled.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Starts <paramref name="fileName"/> and waits for it to exit.</summary>
    /// <param name="fileName">The executable (absolute path or a name resolved on PATH by the OS).</param>
    /// <param name="arguments">The argv after the executable; each element is passed as exactly one argument.</param>
    /// <param name="environment">Variables to set; a null value removes the variable from the child's environment.</param>
    /// <param name="workingDirectory">The working directory, or null for the current one.</param>
    /// <param name="onLine">Receives each output line as it is printed (called from pool threads, one at a time).</param>
    /// <param name="cancellationToken">Kills the process tree when cancelled; the method then returns with <see cref="ChildProcessExit.WasKilled"/> set.</param>
    /// <exception cref="Win32Exception">The executable could not be started.</exception>
    public static async Task<ChildProcessExit> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?>? environment,
        string? workingDirectory,
        Action<OutputLine>? onLine,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    startInfo.Environment.Remove(key);
                }
                else
                {
                    startInfo.Environment[key] = value;
                }
            }
        }

        using var process = new Process { StartInfo = startInfo };
        var gate = new object();
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();

        var stdout = PumpAsync(process.StandardOutput, OutputChannel.StandardOutput, onLine, gate);
        var stderr = PumpAsync(process.StandardError, OutputChannel.StandardError, onLine, gate);

        var killed = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            killed = true;
            KillTree(process);
            // The tree is gone; wait for the exit to be observed so no zombie or half-read pipe is left behind.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // Grandchildren killed with the tree close their pipe ends; a detached grandchild could keep them open, so bound the wait.
        var pumps = Task.WhenAll(stdout, stderr);
        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(killed ? 5 : 30), CancellationToken.None)).ConfigureAwait(false);
        stopwatch.Stop();
        return new ChildProcessExit(killed ? -1 : process.ExitCode, killed, stopwatch.Elapsed);
    }

    /// <summary>Kills the process and all its descendants, ignoring a process that already exited.</summary>
    /// <param name="process">The started process.</param>
    internal static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting while we were enumerating its children.
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputChannel stream, Action<OutputLine>? onLine, object gate)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            if (onLine is not null)
            {
                lock (gate)
                {
                    onLine(new OutputLine(stream, line));
                }
            }
        }
    }
}
