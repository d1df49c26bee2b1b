using SparkJobGen.Environments;

namespace SparkJobGen.Tests.Environments;

/// <summary>Environment creation: the venv route for real (this machine's python3, a locally built wheel, no internet) and the conda route up to the tool boundary.</summary>
public sealed class EnvironmentCreatorTests : IDisposable
{
    private const string PipOnlyYaml = "name: reporting\nchannels:\n  - conda-forge\ndependencies:\n  - python=3\n  - pip\n  - pip:\n      - sjg-probe==1.0\n";
    private const string CondaYaml = "name: analytics\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy>=1.26,<2\n  - pip\n  - pip:\n      - lightgbm==4.3.0\n";

    private readonly TempDirectory _work = new("sjg-env");

    public void Dispose() => _work.Dispose();

    private string Cache => _work.Combine("cache");

    private string Wheels => _work.Combine("wheels");

    private EnvironmentCreationOptions VenvOptions(List<string>? commands = null) => new()
    {
        CacheRoot = Cache,
        Tool = EnvironmentTool.Venv,
        PipArguments = ["--no-index", "--find-links", Wheels],
        OnCommand = commands is null ? null : commands.Add,
    };

    private EnvironmentCreationOptions StandInOptions(params CondaStandIn[] tools) => new()
    {
        CacheRoot = Cache,
        EnvironmentVariables = new Dictionary<string, string?>
        {
            ["PATH"] = string.Join(":", tools.Select(t => t.BinDirectory)) + ":/usr/bin:/bin",
            ["CONDA_EXE"] = null,
            ["MAMBA_EXE"] = null,
        },
    };

    [Fact]
    public async Task Venv_route_creates_a_real_environment_from_a_local_wheel_and_reuses_it()
    {
        LocalWheel.Build(Wheels);
        var yaml = _work.WriteFile("environment.yaml", PipOnlyYaml);
        var commands = new List<string>();

        var created = await EnvironmentCreator.CreateAsync(yaml, VenvOptions(commands));

        Assert.False(created.Reused);
        Assert.Equal(EnvironmentTool.Venv, created.Tool);
        Assert.Equal(2, commands.Count);
        Assert.Contains(" -m venv ", commands[0]);
        Assert.Contains("-m pip install --disable-pip-version-check --no-input --no-index --find-links " + Wheels + " sjg-probe==1.0", commands[1]);
        var run = Processes.Run(created.PythonPath, "-c", "import sjg_probe, sys; print(sjg_probe.VALUE, sys.prefix)");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(LocalWheel.Marker, run.Output);
        Assert.Equal(EnvironmentSpec.ComputeContentHash(PipOnlyYaml), created.ContentHash);
        Assert.True(File.Exists(Path.Combine(created.Prefix, EnvironmentCreator.MarkerFileName)));
        var link = Path.Combine(Cache, created.ContentHash[..16]);
        Assert.Equal(created.Prefix, new DirectoryInfo(link).ResolveLinkTarget(true)!.FullName);

        var again = new List<string>();
        var reused = await EnvironmentCreator.CreateAsync(yaml, VenvOptions(again));

        Assert.True(reused.Reused);
        Assert.Empty(again);
        Assert.Equal(created.Prefix, reused.Prefix);
    }

    [Fact]
    public async Task Python_version_mismatch_is_a_clear_error_and_leaves_nothing()
    {
        var yaml = _work.WriteFile("environment.yaml", PipOnlyYaml.Replace("python=3", "python=2.7"));

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(() => EnvironmentCreator.CreateAsync(yaml, VenvOptions()));

        Assert.Contains("python=2.7", exception.Message);
        Assert.Contains("is Python 3.", exception.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Cache, ".envs")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Cache), e => Path.GetFileName(e).Length == 16);
    }

    [Fact]
    public async Task Failed_pip_install_is_never_cached()
    {
        LocalWheel.Build(Wheels);
        var yaml = _work.WriteFile("environment.yaml", PipOnlyYaml.Replace("sjg-probe==1.0", "sjg-probe==9.9"));

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(() => EnvironmentCreator.CreateAsync(yaml, VenvOptions()));

        Assert.Contains("pip failed", exception.Message);
        Assert.Contains("sjg-probe==9.9", exception.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Cache, ".envs")));
        Assert.False(Directory.Exists(Path.Combine(Cache, EnvironmentSpec.ComputeContentHash(File.ReadAllText(yaml))[..16])));
    }

    [Fact]
    public async Task Venv_refuses_an_environment_with_conda_packages()
    {
        var yaml = _work.WriteFile("environment.yaml", CondaYaml);

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(() => EnvironmentCreator.CreateAsync(yaml, VenvOptions()));

        Assert.Contains("numpy>=1.26,<2", exception.Message);
    }

    [Fact]
    public async Task Micromamba_stand_in_receives_the_exact_command_and_the_environment_is_cached()
    {
        using var micromamba = new CondaStandIn("micromamba");
        using var conda = new CondaStandIn("conda");
        var yaml = _work.WriteFile("environment.yaml", CondaYaml);
        var shown = new List<string>();

        var created = await EnvironmentCreator.CreateAsync(yaml, StandInOptions(conda, micromamba) with { OnCommand = shown.Add });

        Assert.Equal(EnvironmentTool.Micromamba, created.Tool);
        Assert.Equal(0, conda.Invocations);
        var argv = micromamba.Arguments();
        Assert.Equal(["create", "-y", "-p", created.Prefix, "-f", created.Prefix + ".environment.yaml"], argv);
        Assert.Equal(EnvironmentCreator.ToolEnvironmentFile(EnvironmentSpec.Parse(CondaYaml)), micromamba.EnvironmentFile());
        Assert.Equal([micromamba.Executable + " create -y -p " + created.Prefix + " -f " + created.Prefix + ".environment.yaml"], shown);
        Assert.False(File.Exists(created.Prefix + ".environment.yaml"));
        Assert.Equal(0, Processes.Run(created.PythonPath, "-c", "print(1)").ExitCode);

        var reused = await EnvironmentCreator.CreateAsync(yaml, StandInOptions(conda, micromamba));

        Assert.True(reused.Reused);
        Assert.Equal(1, micromamba.Invocations);
    }

    [Fact]
    public async Task Conda_is_used_with_env_create_when_it_is_the_only_tool()
    {
        using var conda = new CondaStandIn("conda");
        var yaml = _work.WriteFile("environment.yaml", CondaYaml);

        var created = await EnvironmentCreator.CreateAsync(yaml, StandInOptions(conda));

        Assert.Equal(EnvironmentTool.Conda, created.Tool);
        Assert.Equal(["env", "create", "-p", created.Prefix, "-f", created.Prefix + ".environment.yaml"], conda.Arguments());
    }

    [Fact]
    public async Task Failing_tool_leaves_no_partial_environment_and_next_run_recreates()
    {
        using (var failing = new CondaStandIn("micromamba", fail: true))
        {
            var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(
                () => EnvironmentCreator.CreateAsync(_work.WriteFile("environment.yaml", CondaYaml), StandInOptions(failing)));
            Assert.Contains("micromamba failed with exit code 1", exception.Message);
            Assert.Contains("Could not solve", exception.Message);
            Assert.Equal(1, failing.Invocations);
        }

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Cache, ".envs")));
        using var working = new CondaStandIn("micromamba");
        var created = await EnvironmentCreator.CreateAsync(_work.Combine("environment.yaml"), StandInOptions(working));
        Assert.False(created.Reused);
        Assert.Equal(1, working.Invocations);
    }

    [Fact]
    public async Task Incomplete_environment_in_the_cache_is_not_reused()
    {
        using var micromamba = new CondaStandIn("micromamba");
        var yaml = _work.WriteFile("environment.yaml", CondaYaml);
        var first = await EnvironmentCreator.CreateAsync(yaml, StandInOptions(micromamba));
        File.Delete(Path.Combine(first.Prefix, EnvironmentCreator.MarkerFileName));

        var second = await EnvironmentCreator.CreateAsync(yaml, StandInOptions(micromamba));

        Assert.False(second.Reused);
        Assert.Equal(2, micromamba.Invocations);
        Assert.NotEqual(first.Prefix, second.Prefix);
        Assert.False(Directory.Exists(first.Prefix));
    }

    [Fact]
    public async Task Concurrent_creators_of_the_same_environment_run_the_tool_once()
    {
        using var micromamba = new CondaStandIn("micromamba", sleepSeconds: 2);
        var yaml = _work.WriteFile("environment.yaml", CondaYaml);

        var results = await Task.WhenAll(
            Task.Run(() => EnvironmentCreator.CreateAsync(yaml, StandInOptions(micromamba))),
            Task.Run(() => EnvironmentCreator.CreateAsync(yaml, StandInOptions(micromamba))));

        Assert.Equal(1, micromamba.Invocations);
        Assert.Equal(results[0].Prefix, results[1].Prefix);
        Assert.Single(results, r => r.Reused);
    }

    [Fact]
    public async Task Cancelled_creation_leaves_nothing_behind()
    {
        using var micromamba = new CondaStandIn("micromamba", sleepSeconds: 60);
        var yaml = _work.WriteFile("environment.yaml", CondaYaml);
        using var cts = new CancellationTokenSource();

        var creation = EnvironmentCreator.CreateAsync(yaml, StandInOptions(micromamba) with { OnOutput = line => { if (line.Text == "Transaction starting") { cts.Cancel(); } } }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => creation);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Cache, ".envs")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Cache), e => Path.GetFileName(e).Length == 16);
    }

    [Fact]
    public async Task No_tool_names_what_to_install()
    {
        using var empty = new TempDirectory();
        var options = new EnvironmentCreationOptions
        {
            CacheRoot = Cache,
            EnvironmentVariables = new Dictionary<string, string?> { ["PATH"] = empty.Path, ["CONDA_EXE"] = null, ["MAMBA_EXE"] = null },
        };

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(
            () => EnvironmentCreator.CreateAsync(_work.WriteFile("environment.yaml", CondaYaml), options));

        Assert.Contains("micromamba", exception.Message);
        Assert.Contains("Miniforge", exception.Message);
        Assert.Contains("numpy>=1.26,<2", exception.Message);
    }

    [Fact]
    public void Cache_root_follows_SPARKJOBGEN_CACHE()
    {
        var root = EnvironmentCreator.ResolveCacheRoot(new EnvironmentCreationOptions
        {
            EnvironmentVariables = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("c") },
        });
        Assert.Equal(_work.Combine("c", "envs"), root);

        var home = EnvironmentCreator.ResolveCacheRoot(new EnvironmentCreationOptions
        {
            EnvironmentVariables = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = null, ["XDG_CACHE_HOME"] = null, ["HOME"] = "/home/someone" },
        });
        Assert.Equal("/home/someone/.cache/sparkjobgen/envs", home);
    }

    [RequiresCondaFact]
    public async Task Real_conda_tool_creates_a_python_environment()
    {
        var yaml = _work.WriteFile("environment.yaml", "name: probe\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n");

        var created = await EnvironmentCreator.CreateAsync(yaml, new EnvironmentCreationOptions { CacheRoot = Cache });

        Assert.NotEqual(EnvironmentTool.Venv, created.Tool);
        var run = Processes.Run(created.PythonPath, "-c", "import sys; print(sys.version_info[:2])");
        Assert.Contains("(3, 11)", run.Output);
    }
}

/// <summary>Runs only when micromamba, mamba or conda is on PATH (skipped with the reason otherwise).</summary>
public sealed class RequiresCondaFactAttribute : FactAttribute
{
    public RequiresCondaFactAttribute()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var found = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => new[] { "micromamba", "mamba", "conda" }.Any(t => File.Exists(Path.Combine(d, t))));
        if (!found)
        {
            Skip = "No micromamba, mamba or conda on PATH: install micromamba (and give it access to conda-forge) to run the real conda-route test.";
        }
    }
}
