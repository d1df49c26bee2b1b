using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Cli.Output;

namespace SparkJobGen.Cli;

/// <summary>The entry point of the <c>sparkjobgen</c> tool.</summary>
internal static class Program
{
    /// <summary>How long a verb may take to stop its child processes after SIGINT/SIGTERM before the tool exits anyway.</summary>
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(20);

    /// <summary>Parses the command line and runs the chosen verb; returns an exit code from <see cref="ExitCodes"/>.</summary>
    /// <param name="args">The command line.</param>
    public static async Task<int> Main(string[] args)
    {
        // Registered before anything else runs, so a signal can never arrive while no handler is in place.
        using var stop = new CancellationTokenSource();
        var signal = 0;
        void OnSignal(PosixSignalContext context)
        {
            // Keep the process alive: the verb kills its spark-submit tree, then returns the exit code itself.
            context.Cancel = true;
            Interlocked.CompareExchange(ref signal, context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Cancelled, 0);
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var io = new CliIO(Console.Out, Console.Error, CliConsole.IsInteractiveTerminal());
        var root = CliApplication.BuildRootCommand(io);
        var invocation = CliApplication.InvokeAsync(root, args, io, stop.Token);

        // After a signal the verb gets a bounded time to clean up; a verb stuck in a non-cancellable call cannot keep the tool alive.
        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stop.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        await Task.WhenAny(invocation, stopped).ConfigureAwait(false);
        if (!invocation.IsCompleted && await Task.WhenAny(invocation, Task.Delay(s_stopGrace)).ConfigureAwait(false) != invocation)
        {
            await Console.Error.WriteLineAsync("error: cancelled; the command did not stop within " + s_stopGrace.TotalSeconds + " s, exiting.").ConfigureAwait(false);
            return Volatile.Read(ref signal);
        }

        return await invocation.ConfigureAwait(false);
    }
}
