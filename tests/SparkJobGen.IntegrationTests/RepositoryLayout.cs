using System.Diagnostics;
using System.Text;

namespace SparkJobGen.IntegrationTests;

/// <summary>Paths of this repository and a runner for real <c>dotnet</c> commands.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string Sample => Path.Combine(Root, "samples", "CustomerScoring");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SparkJobGen.sln")))
            {
                return directory.FullName;
            }
        }

        // Build output outside the checkout (SJG_ARTIFACTS): fall back to where this source file was compiled from.
        var source = SourceDirectory();
        if (File.Exists(Path.Combine(source, "..", "..", "SparkJobGen.sln")))
        {
            return Path.GetFullPath(Path.Combine(source, "..", ".."));
        }

        throw new InvalidOperationException("SparkJobGen.sln not found above " + AppContext.BaseDirectory);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>Runs the real dotnet CLI as a child process with a clean MSBuild environment.</summary>
internal static class DotnetCli
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string>(), arguments);

    public static (int ExitCode, string Output) Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`; its MSBuild variables must not leak into the child build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MSBUILD", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in 10 minutes:\n{output}");
        }

        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    public static string RunOk(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output) = Run(workingDirectory, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed with {exitCode}:\n{output}");
        return output;
    }
}

/// <summary>Tests that run real builds share the repository's build outputs, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealBuildCollection
{
    public const string Name = "Real dotnet builds";
}
