using System.Text.Json;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Environments;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// <c>sparkjobgen env create</c> on the venv route as a real process: which interpreter it takes from PATH, the error (exit
/// code 4, no stack trace) when none satisfies the environment, and <c>--tool-path</c> without <c>--tool</c>.
/// </summary>
public sealed class EnvInterpreterCliTests : IDisposable
{
    private const string Yaml = "name: reporting\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n";

    private readonly TempDirectory _work = new("sjg-cli-python");

    public void Dispose() => _work.Dispose();

    private static Dictionary<string, string?> Path(string path) => new() { ["PATH"] = path, ["CONDA_EXE"] = null, ["MAMBA_EXE"] = null };

    [Fact]
    public async Task Env_create_takes_python3_11_when_python3_is_another_version()
    {
        using var python = new PythonStandIn();
        python.Reporting("python3", "3.12.1");
        var python311 = python.Real("python3.11");
        var yaml = _work.WriteFile("environment.yaml", Yaml);

        var (code, stdout, stderr) = await CliProcess.RunAsync(Path(python.BinDirectory), "env", "create", yaml, "--cache-dir", _work.Combine("cache"), "--json");

        Assert.True(code == 0, stderr);
        var environment = JsonDocument.Parse(stdout).RootElement.GetProperty("environment");
        Assert.StartsWith(python311 + " -m venv ", environment.GetProperty("commands")[0].GetString(), StringComparison.Ordinal);
        var version = Processes.Run(environment.GetProperty("python").GetString()!, "-c", "import sys; print('%d.%d' % sys.version_info[:2])");
        Assert.Equal("3.11", version.Output.Trim());
    }

    [Fact]
    public async Task Env_create_without_a_matching_python_exits_4_listing_the_candidates_without_a_stack_trace()
    {
        using var python = new PythonStandIn();
        var python3 = python.Reporting("python3", "3.12.1");
        var yaml = _work.WriteFile("environment.yaml", Yaml);

        var (code, _, stderr) = await CliProcess.RunAsync(Path(python.BinDirectory), "env", "create", yaml, "--cache-dir", _work.Combine("cache"));

        Assert.Equal(4, code);
        Assert.Contains(python3 + " is Python 3.12.1", stderr, StringComparison.Ordinal);
        Assert.Contains("python3.11, python not on PATH", stderr, StringComparison.Ordinal);
        Assert.Contains("--tool venv --tool-path <python>", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_path_to_python3_11_without_tool_is_used()
    {
        using var empty = new TempDirectory();
        var yaml = _work.WriteFile("environment.yaml", Yaml);

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            Path(empty.Path), "env", "create", yaml, "--tool-path", PythonStandIn.RealPath, "--cache-dir", _work.Combine("cache"), "--json");

        Assert.True(code == 0, stderr);
        var environment = JsonDocument.Parse(stdout).RootElement.GetProperty("environment");
        Assert.Equal("Venv", environment.GetProperty("tool").GetString(), ignoreCase: true);
        Assert.StartsWith(PythonStandIn.RealPath + " -m venv ", environment.GetProperty("commands")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_path_help_says_it_picks_the_route_without_tool()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(null, "env", "create", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Without --tool it also picks the route", System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "), StringComparison.Ordinal);
    }
}
