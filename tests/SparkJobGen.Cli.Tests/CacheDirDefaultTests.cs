using System.Text.Json;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Environments;

namespace SparkJobGen.Cli.Tests;

/// <summary>The default of <c>--cache-dir</c>: what its help text and docs/cli.md say is what the tool does.</summary>
public sealed class CacheDirDefaultTests : IDisposable
{
    private const string Documented = "Default: $SPARKJOBGEN_CACHE, else $XDG_CACHE_HOME/sparkjobgen, else ~/.cache/sparkjobgen (an empty variable counts as unset).";

    private readonly TempDirectory _work = new("sjg-cache-default");

    public void Dispose() => _work.Dispose();

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "SparkJobGen.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException("SparkJobGen.sln not found above " + AppContext.BaseDirectory);
        }

        return folder.FullName;
    }

    [Fact]
    public async Task The_help_text_and_the_docs_name_XDG_CACHE_HOME_between_SPARKJOBGEN_CACHE_and_the_home_folder()
    {
        foreach (var verb in new[] { "run", "env create" })
        {
            var (code, stdout, _) = await CliProcess.RunAsync(null, [.. verb.Split(' '), "--help"]);
            Assert.Equal(0, code);
            Assert.Contains(Documented, string.Join(" ", stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }

        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "cli.md"));
        Assert.Contains("(default `$SPARKJOBGEN_CACHE`, else `$XDG_CACHE_HOME/sparkjobgen`, else `~/.cache/sparkjobgen`, an empty variable counting as unset;", docs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_cache_dir_an_empty_SPARKJOBGEN_CACHE_falls_to_XDG_CACHE_HOME()
    {
        LocalWheel.Build(_work.Combine("wheels"));
        var yaml = _work.WriteFile("environment.yaml", ProbeAssembly.Yaml);
        var xdg = _work.Combine("xdg");
        var home = _work.Combine("home");
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = "", ["XDG_CACHE_HOME"] = xdg, ["HOME"] = home };

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            environment, "env", "create", yaml, "--tool", "venv", "--pip-arg=--no-index", "--pip-arg=--find-links=" + _work.Combine("wheels"), "--json");

        Assert.True(code == 0, stderr);
        var prefix = JsonDocument.Parse(stdout).RootElement.GetProperty("environment").GetProperty("prefix").GetString()!;
        Assert.StartsWith(Path.Combine(xdg, "sparkjobgen", "envs") + "/", prefix, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, ".cache")));
    }
}
