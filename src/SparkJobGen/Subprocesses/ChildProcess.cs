using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Runtime.ExceptionServices;
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
    /// <param name="onLine">Receives each output line as it is printed (called from pool threads, one at a time, never after
    /// the method returns). If it throws, it gets no more lines, the process tree is killed, and its exception is thrown
    /// here once the pipes are drained.</param>
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
        using var output = new OutputSink(onLine);
        using var stopForOutput = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, output.Failed);
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();

        var stdout = PumpAsync(process.StandardOutput, OutputChannel.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, OutputChannel.StandardError, output);

        var killed = false;
        try
        {
            await process.WaitForExitAsync(stopForOutput.Token).ConfigureAwait(false);
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
        // No line reaches the callback once this returns, even from a pump still reading a detached grandchild's pipe.
        output.Close();
        stopwatch.Stop();
        output.ThrowIfFailed();
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

    private static async Task PumpAsync(StreamReader reader, OutputChannel stream, OutputSink output)
    {
        // Reads to the end whatever the callback does, so the child never blocks on a full pipe.
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            output.Deliver(new OutputLine(stream, line));
        }
    }

    /// <summary>
    /// The callback's side of both pumps: one line at a time, none after <see cref="Close"/>, and none after the callback
    /// threw, which signals <see cref="Failed"/> so the process tree is stopped and the exception thrown to the caller.
    /// </summary>
    private sealed class OutputSink(Action<OutputLine>? onLine) : IDisposable
    {
        private readonly object _gate = new();
        private readonly CancellationTokenSource _failed = new();
        private ExceptionDispatchInfo? _failure;
        private bool _closed;

        public CancellationToken Failed => _failed.Token;

        public void Deliver(OutputLine line)
        {
            if (onLine is null)
            {
                return;
            }

            lock (_gate)
            {
                if (_closed || _failure is not null)
                {
                    return;
                }

                try
                {
                    onLine(line);
                }
                catch (Exception exception)
                {
                    _failure = ExceptionDispatchInfo.Capture(exception);
                    _failed.Cancel();
                }
            }
        }

        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
            }
        }

        public void ThrowIfFailed() => _failure?.Throw();

        public void Dispose() => _failed.Dispose();
    }
}
