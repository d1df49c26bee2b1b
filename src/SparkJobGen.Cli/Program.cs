using System.CommandLine;

namespace SparkJobGen.Cli;

/// <summary>The entry point of the <c>sparkjobgen</c> tool.</summary>
internal static class Program
{
    /// <summary>Parses the command line and runs the chosen verb.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("SparkJobGen: create, pack and verify Python environments and submit PySpark jobs.");
        return root.Parse(args).Invoke();
    }
}
