using System.Diagnostics;
using System.Text;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// Runs the <c>sparkjobgen</c> tool as a real process with a controlled environment: the JIT build next to the tests
/// (<c>dotnet SparkJobGen.Cli.dll</c>), or, when <c>SJG_TEST_NATIVE_TOOL</c> names one, a native (Native AOT) build, so the
/// whole suite can run against it: <c>SJG_TEST_NATIVE_TOOL=$PWD/artifacts/publish/SparkJobGen.Cli/release_linux-x64/SparkJobGen.Cli dotnet test tests/SparkJobGen.Cli.Tests</c>.
/// </summary>
internal static class CliProcess
{
    public const string NativeToolVariable = "SJG_TEST_NATIVE_TOOL";

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "SparkJobGen.Cli.dll");

    /// <summary>The program and leading arguments that start the tool under test.</summary>
    public static string[] ToolCommand =>
        Environment.GetEnvironmentVariable(NativeToolVariable) is { Length: > 0 } native ? [native] : ["dotnet", ToolPath];

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunAsync(ToolCommand, environment, args);

    /// <summary>Runs <paramref name="command"/> (a program and its leading arguments) followed by <paramref name="args"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] command, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in command.Skip(1).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["CI"] = "1";
        info.Environment.Remove("SPARK_HOME");
        info.Environment.Remove("SPARKJOBGEN_LIVY_TOKEN");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
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

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
