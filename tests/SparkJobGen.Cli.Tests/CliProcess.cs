using System.Diagnostics;
using System.Text;

namespace SparkJobGen.Cli.Tests;

/// <summary>Runs the built <c>sparkjobgen</c> tool (SparkJobGen.Cli.dll) as a real process with a controlled environment.</summary>
internal static class CliProcess
{
    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "SparkJobGen.Cli.dll");

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
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
