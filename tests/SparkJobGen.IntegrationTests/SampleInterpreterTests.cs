using System.Diagnostics;
using SparkJobGen.Tests.Environments;

namespace SparkJobGen.IntegrationTests;

/// <summary>
/// The README's first command where <c>python3</c> is not the Python 3.11 the sample declares: with <c>python3.11</c> also on
/// PATH the job runs with it; with no Python 3.11 at all the sample prints the environment error on stderr (no stack trace)
/// and exits 4. The other interpreter is a <see cref="PythonStandIn"/> script reporting 3.12.1.
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class SampleInterpreterTests
{
    [Fact]
    public void Sample_runs_with_python3_11_when_python3_is_3_12()
    {
        using var python = new PythonStandIn();
        python.Reporting("python3", "3.12.1");
        var python311 = python.Real("python3.11");

        // The system folders stay on PATH for tar, bash and the like; the stand-in folder comes first, so its python3 (3.12) is
        // the one found as python3.
        var (code, stdout, stderr) = RunSample(python.BinDirectory + ":/usr/bin:/bin");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains(python311 + " -m venv ", stdout, StringComparison.Ordinal);
        Assert.Matches(@"engine=python python=3\.11\.\d+ ", stdout);
        Assert.Contains("local-container: Succeeded (exit code 0)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_without_a_matching_python_prints_the_error_and_exits_4_without_a_stack_trace()
    {
        using var python = new PythonStandIn();
        var python3 = python.Reporting("python3", "3.12.1");

        var (code, stdout, stderr) = RunSample(python.BinDirectory);

        Assert.True(code == 4, $"exit code {code}\n{stdout}\n{stderr}");
        Assert.Contains("error: The environment asks for python 3.11.*", stderr, StringComparison.Ordinal);
        Assert.Contains(python3 + " is Python 3.12.1", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr + stdout, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Stdout, string Stderr) RunSample(string path)
    {
        DotnetCli.RunOk(RepositoryLayout.Sample, "build", "-c", "Debug");
        var cache = Path.Combine(Path.GetTempPath(), "sjg-sample-python-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryLayout.Sample,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryLayout.Sample, "bin", "Debug", "net10.0", "CustomerScoring.dll"));
        start.Environment["PATH"] = path;
        start.Environment["SPARKJOBGEN_CACHE"] = cache;
        start.Environment["SPARK_HOME"] = string.Empty;
        start.Environment["CI"] = "1";
        start.Environment.Remove("CONDA_EXE");
        start.Environment.Remove("MAMBA_EXE");
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The sample did not finish in 5 minutes.");
            }

            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }
}
