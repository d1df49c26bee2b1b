using System.Text.Json;
using SparkJobGen.Environments;

namespace SparkJobGen.Tests.Environments;

/// <summary>
/// micromamba, mamba and conda run pip for the pip: section themselves and add configured channels to the file's: pip
/// options reach that pip, and the solve uses the declared channels only.
/// </summary>
public sealed class CondaRouteOptionsTests : IDisposable
{
    private const string PipYaml = "name: probe\nchannels:\n  - conda-forge\ndependencies:\n  - python=3\n  - pip\n  - pip:\n      - sjg-probe==1.0\n";

    private readonly TempDirectory _work = new("sjg-env-opts");

    public void Dispose() => _work.Dispose();

    private EnvironmentCreationOptions Options(CondaStandIn tool, IReadOnlyList<string>? pipArguments, List<string>? shown = null) => new()
    {
        CacheRoot = _work.Combine("cache"),
        PipArguments = pipArguments,
        OnCommand = shown is null ? null : shown.Add,
        EnvironmentVariables = new Dictionary<string, string?>
        {
            ["PATH"] = tool.BinDirectory + ":/usr/bin:/bin",
            ["CONDA_EXE"] = null,
            ["MAMBA_EXE"] = null,
            // The test machine has no package index: a pip that ignored --no-index would fail rather than find the wheel.
            ["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple",
            ["PIP_RETRIES"] = "0",
            ["PIP_TIMEOUT"] = "2",
            ["PIP_CONFIG_FILE"] = "/dev/null",
        },
    };

    // conda: conda/env/installers/pip.py:44-56 runs `python -m pip install -U -r <file> --exists-action=b` through
    // conda/gateways/subprocess.py:47-62 (Popen with env=None: this process's environment). libmamba:
    // libmamba/src/api/utils.cpp:64-94 builds `python -m pip install -r <file> --no-input` and runs it with reproc's default
    // environment (:280-294). Neither takes extra pip arguments, and pip reads PIP_<OPTION> as the default of --option.
    [Theory]
    [InlineData("micromamba")]
    [InlineData("mamba")]
    [InlineData("conda")]
    public async Task Pip_options_reach_the_pip_the_tool_runs(string toolName)
    {
        var wheels = _work.Combine("wheels");
        LocalWheel.Build(wheels);
        using var tool = new CondaStandIn(toolName, runsPip: true);
        var yaml = _work.WriteFile("environment.yaml", PipYaml);
        var shown = new List<string>();

        var created = await EnvironmentCreator.CreateAsync(yaml, Options(tool, ["--no-index", "--find-links", wheels, "--only-binary=:all:"], shown));

        Assert.Equal(0, Processes.Run(created.PythonPath, "-c", "import sjg_probe; print(sjg_probe.VALUE)").ExitCode);
        Assert.Contains("PIP_NO_INDEX=1", tool.Variables());
        Assert.Contains("PIP_FIND_LINKS=" + wheels, tool.Variables());
        Assert.StartsWith($"PIP_NO_INDEX=1 PIP_FIND_LINKS={wheels} PIP_ONLY_BINARY=:all: {tool.Executable} ", Assert.Single(shown));
    }

    [Fact]
    public async Task Without_the_options_the_same_creation_fails_so_the_test_above_can_fail()
    {
        LocalWheel.Build(_work.Combine("wheels"));
        using var tool = new CondaStandIn("micromamba", runsPip: true);
        var yaml = _work.WriteFile("environment.yaml", PipYaml);

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(() => EnvironmentCreator.CreateAsync(yaml, Options(tool, null)));

        Assert.Contains("micromamba failed", exception.Message);
        Assert.Empty(Directory.GetDirectories(_work.Combine("cache", ".envs")));
    }

    [Theory]
    [InlineData("--user", "cannot pass it")]
    [InlineData("--target=/tmp/x", "cannot pass it")]
    [InlineData("lightgbm==4.3.0", "not a pip option")]
    [InlineData("--find-links", "needs a value")]
    [InlineData("--no-index=yes", "takes no value")]
    [InlineData("--only-binary=:all: --no-binary=numpy", "depends on their order")]
    public async Task An_option_that_cannot_reach_pip_is_refused_before_the_tool_runs(string argument, string why)
    {
        using var tool = new CondaStandIn("conda", runsPip: true);
        var yaml = _work.WriteFile("environment.yaml", PipYaml);

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(() => EnvironmentCreator.CreateAsync(yaml, Options(tool, argument.Split(' '))));

        Assert.Contains(argument.Contains(' ') ? "'--only-binary … --no-binary'" : $"'{argument}'", exception.Message);
        Assert.Contains(why, exception.Message);
        Assert.Equal(0, tool.Invocations);
    }

    [Fact]
    public async Task A_repeatable_option_value_with_whitespace_is_refused()
    {
        using var tool = new CondaStandIn("conda");
        var yaml = _work.WriteFile("environment.yaml", PipYaml);

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(() => EnvironmentCreator.CreateAsync(yaml, Options(tool, ["--find-links=/my wheels"])));

        Assert.Contains("whitespace", exception.Message);
        Assert.Equal(0, tool.Invocations);
    }

    /// <summary>
    /// Each supported option, as a PIP_* variable, means what it means on pip's command line: both are parsed by the real pip
    /// of a fresh venv (pip's own ConfigOptionParser, src/pip/_internal/cli/parser.py) and the resulting option values compared.
    /// </summary>
    [Fact]
    public void Every_supported_option_means_the_same_to_real_pip_as_a_variable()
    {
        var venv = _work.Combine("venv");
        Assert.Equal(0, Processes.Run("python3", "-m", "venv", venv).ExitCode);
        var python = Path.Combine(venv, "bin", "python");
        var parser = _work.WriteFile("parse.py", """
            import json, sys
            from pip._internal.commands import create_command
            options, _ = create_command("install").parse_args(sys.argv[1:] + ["placeholder"])
            def plain(value):
                if isinstance(value, bool) or value is None:
                    return value
                if isinstance(value, int) and value in (0, 1):
                    return bool(value)
                if isinstance(value, (set, frozenset)):
                    return sorted(value)
                if isinstance(value, (str, int, float, list)):
                    return value
                return repr(value)
            print(json.dumps({k: plain(v) for k, v in sorted(vars(options).items())}))
            """);
        string[][] cases =
        [
            ["--no-index", "--find-links", "/w1", "-f", "/w2", "--find-links=/w3"],
            ["-i", "http://a.example/simple", "--extra-index-url", "http://b.example/simple", "--extra-index-url=http://c.example/simple", "--trusted-host", "a.example"],
            ["--pre", "--prefer-binary", "--no-deps", "--require-hashes", "--no-input", "--disable-pip-version-check"],
            ["--no-build-isolation", "--no-compile", "--no-warn-script-location", "--no-warn-conflicts", "--no-cache-dir"],
            ["--only-binary=:all:", "--progress-bar", "off", "--upgrade-strategy", "eager"],
            ["--no-binary", "sjg-probe"],
            ["--timeout", "7", "--retries", "2", "--cache-dir", "/tmp/pip-cache", "--cert", "/etc/ca.pem", "--client-cert", "/etc/me.pem", "--proxy", "http://p.example:3128"],
            ["-c", "/tmp/constraints.txt", "--constraint=/tmp/more.txt"],
        ];

        foreach (var arguments in cases)
        {
            var clean = new Dictionary<string, string?> { ["PIP_CONFIG_FILE"] = "/dev/null" };
            var fromCommandLine = Run(python, [parser, .. arguments], clean);
            var variables = new Dictionary<string, string?>(clean);
            foreach (var (key, value) in PipOptions.ToEnvironment(arguments, "conda"))
            {
                variables[key] = value;
            }

            var fromVariables = Run(python, [parser], variables);

            Assert.True(fromCommandLine.ExitCode == 0, fromCommandLine.Output);
            Assert.True(fromVariables.ExitCode == 0, fromVariables.Output);
            Assert.Equal(JsonDocument.Parse(fromCommandLine.Output).RootElement.ToString(), JsonDocument.Parse(fromVariables.Output).RootElement.ToString());
        }
    }

    private static (int ExitCode, string Output) Run(string fileName, string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new System.Diagnostics.ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PIP_", StringComparison.Ordinal)).ToArray())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, process.ExitCode == 0 ? stdout.Result : stdout.Result + stderr.Result);
    }

    // conda adds its configured channels unless the file's channels name nodefaults (conda/env/installers/conda.py:41-45;
    // `conda env create` has no --override-channels, conda/cli/main_env_create.py:112). libmamba takes the file's channels as
    // command-line channels (libmamba/src/api/install.cpp:1030-1043) and then uses only those when they name nodefaults
    // (:1189-1205), the same list --override-channels produces (micromamba/src/common_options.cpp:261-283).
    [Theory]
    [InlineData("micromamba")]
    [InlineData("mamba")]
    [InlineData("conda")]
    public async Task The_tool_gets_the_declared_channels_and_nodefaults(string toolName)
    {
        using var tool = new CondaStandIn(toolName);
        const string yaml = "name: analytics\nchannels:\n  - conda-forge\n  - bioconda\ndependencies:\n  - python=3.11\n  - numpy>=1.26,<2\n  - pip\n  - pip:\n      - lightgbm==4.3.0\n";
        var path = _work.WriteFile("environment.yaml", yaml);

        var created = await EnvironmentCreator.CreateAsync(path, Options(tool, null));

        var given = EnvironmentSpec.Parse(tool.EnvironmentFile());
        var declared = EnvironmentSpec.Parse(yaml);
        Assert.Equal(["conda-forge", "bioconda", "nodefaults"], given.Channels);
        Assert.Equal(declared.CondaDependencies, given.CondaDependencies);
        Assert.Equal(declared.PipDependencies, given.PipDependencies);
        Assert.Equal(declared.Name, given.Name);
        // The environment's identity is the declared file, not the tool's copy.
        Assert.Equal(declared.ContentHash, created.ContentHash);
        Assert.Equal(yaml, File.ReadAllText(path));
    }

    [Fact]
    public async Task An_environment_without_channels_is_given_as_is()
    {
        using var tool = new CondaStandIn("conda");
        const string yaml = "name: bare\ndependencies:\n  - python=3.11\n";

        await EnvironmentCreator.CreateAsync(_work.WriteFile("environment.yaml", yaml), Options(tool, null));

        Assert.Equal(yaml, tool.EnvironmentFile());
    }
}
