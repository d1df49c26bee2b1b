using System;
using System.Threading.Tasks;
using SparkJobGen.Cli.Output;

namespace SparkJobGen.Cli;

/// <summary>The entry point of the <c>sparkjobgen</c> tool.</summary>
internal static class Program
{
    /// <summary>Parses the command line and runs the chosen verb; returns an exit code from <see cref="ExitCodes"/>.</summary>
    /// <param name="args">The command line.</param>
    public static Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var io = new CliIO(Console.Out, Console.Error, CliConsole.IsInteractiveTerminal());
        var root = CliApplication.BuildRootCommand(io);
        // Verbs owned by other areas register here.
        return CliApplication.InvokeAsync(root, args, io);
    }
}
