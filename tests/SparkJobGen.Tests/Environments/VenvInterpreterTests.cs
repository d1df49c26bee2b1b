using SparkJobGen.Environments;

namespace SparkJobGen.Tests.Environments;

/// <summary>
/// Which interpreter the venv route uses: the first of <c>python3.&lt;minor&gt;</c> (when the environment pins a series),
/// <c>python3</c>, <c>python</c> on PATH whose version satisfies the environment, or an explicit <c>ToolPath</c>, which also
/// selects the venv route without <c>Tool</c>. Interpreters other than the real Python 3.11 are <see cref="PythonStandIn"/> scripts.
/// </summary>
public sealed class VenvInterpreterTests : IDisposable
{
    private const string Yaml311 = "name: reporting\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n";

    private readonly TempDirectory _work = new("sjg-venv-python");

    public void Dispose() => _work.Dispose();

    private EnvironmentCreationOptions Options(string path) => new()
    {
        CacheRoot = _work.Combine("cache"),
        EnvironmentVariables = new Dictionary<string, string?> { ["PATH"] = path, ["CONDA_EXE"] = null, ["MAMBA_EXE"] = null },
    };

    [Theory]
    [InlineData("python=3.11")]
    [InlineData("python 3.11.*")]
    [InlineData("python>=3.11,<3.12")]
    [InlineData("conda-forge::python 3.11.*")]
    public async Task A_pinned_series_prefers_python3_minor_over_a_python3_of_another_version(string dependency)
    {
        using var python = new PythonStandIn();
        var python3 = python.Reporting("python3", "3.12.1");
        var python311 = python.Real("python3.11");
        var commands = new List<string>();

        var created = await EnvironmentCreator.CreateAsync(
            EnvironmentSpec.Parse(Yaml311.Replace("python=3.11", dependency, StringComparison.Ordinal)),
            Options(python.BinDirectory) with { OnCommand = commands.Add });

        Assert.Equal(EnvironmentTool.Venv, created.Tool);
        Assert.StartsWith(python311 + " -m venv ", commands[0], StringComparison.Ordinal);
        Assert.DoesNotContain(commands, c => c.StartsWith(python3 + " ", StringComparison.Ordinal));
        var version = Processes.Run(created.PythonPath, "-c", "import sys; print('%d.%d' % sys.version_info[:2])");
        Assert.Equal("3.11", version.Output.Trim());
    }

    [Fact]
    public async Task Without_a_pinned_series_python3_comes_first_and_a_mismatch_falls_through_to_python()
    {
        using var python = new PythonStandIn();
        python.Reporting("python3", "3.9.18");
        var plain = python.Real("python");
        var commands = new List<string>();

        var created = await EnvironmentCreator.CreateAsync(
            EnvironmentSpec.Parse(Yaml311.Replace("python=3.11", "python>=3.10", StringComparison.Ordinal)),
            Options(python.BinDirectory) with { OnCommand = commands.Add });

        Assert.StartsWith(plain + " -m venv ", commands[0], StringComparison.Ordinal);
        Assert.True(File.Exists(created.PythonPath));
    }

    [Fact]
    public async Task No_matching_interpreter_lists_every_candidate_with_its_version_and_how_to_fix_it()
    {
        using var python = new PythonStandIn();
        var python3 = python.Reporting("python3", "3.12.1");
        var plain = python.Reporting("python", "3.13.0");

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(
            () => EnvironmentCreator.CreateAsync(EnvironmentSpec.Parse(Yaml311), Options(python.BinDirectory)));

        Assert.Contains("python=3.11", exception.Message, StringComparison.Ordinal);
        Assert.Contains(python3 + " is Python 3.12.1", exception.Message, StringComparison.Ordinal);
        Assert.Contains(plain + " is Python 3.13.0", exception.Message, StringComparison.Ordinal);
        Assert.Contains("python3.11 not on PATH", exception.Message, StringComparison.Ordinal);
        Assert.Contains("--tool venv --tool-path <python>", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_work.Combine("cache", ".envs")));
    }

    [Fact]
    public async Task Tool_path_to_a_python_without_tool_selects_the_venv_route_with_that_interpreter()
    {
        using var empty = new TempDirectory();
        var commands = new List<string>();

        var created = await EnvironmentCreator.CreateAsync(
            EnvironmentSpec.Parse(Yaml311), Options(empty.Path) with { ToolPath = PythonStandIn.RealPath, OnCommand = commands.Add });

        Assert.Equal(EnvironmentTool.Venv, created.Tool);
        Assert.StartsWith(PythonStandIn.RealPath + " -m venv ", commands[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_path_whose_name_says_nothing_is_recognised_as_python_by_its_version_output()
    {
        using var python = new PythonStandIn();
        var interpreter = python.Reporting("interp", "3.11.9");
        using var empty = new TempDirectory();

        var (tool, executable) = EnvironmentCreator.ChooseTool(EnvironmentSpec.Parse(Yaml311), Options(empty.Path) with { ToolPath = interpreter });

        Assert.Equal(EnvironmentTool.Venv, tool);
        Assert.Equal(interpreter, executable);
    }

    [Fact]
    public async Task Tool_path_to_a_python_of_another_version_is_refused_with_its_version()
    {
        using var python = new PythonStandIn();
        var python312 = python.Reporting("python3.12", "3.12.1");
        using var empty = new TempDirectory();

        var exception = await Assert.ThrowsAsync<EnvironmentCreationException>(
            () => EnvironmentCreator.CreateAsync(EnvironmentSpec.Parse(Yaml311), Options(empty.Path) with { ToolPath = python312 }));

        Assert.Contains("--tool-path", exception.Message, StringComparison.Ordinal);
        Assert.Contains(python312 + " is Python 3.12.1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_path_to_a_conda_tool_without_tool_selects_that_tool()
    {
        // The stand-in is a shell script that needs the system's utilities; its own folder is not on PATH.
        using var micromamba = new CondaStandIn("micromamba");

        var created = await EnvironmentCreator.CreateAsync(
            EnvironmentSpec.Parse(Yaml311 + "  - numpy\n"), Options("/usr/bin:/bin") with { ToolPath = micromamba.Executable });

        Assert.Equal(EnvironmentTool.Micromamba, created.Tool);
        Assert.Equal(1, micromamba.Invocations);
    }

    [Theory]
    [InlineData("=3.11", "3.11")]
    [InlineData("3.11.*", "3.11")]
    [InlineData(">=3.11,<3.12", "3.11")]
    [InlineData("==3.11.7", "3.11")]
    [InlineData("=3.11=h955ad1f_0", "3.11")]
    [InlineData("=2.7", "2.7")]
    [InlineData(">=3.10", null)]
    [InlineData(">=3.10,<3.12", null)]
    [InlineData(">=3.11.4,<3.12", "3.11")]
    [InlineData(">=3.11,<=3.12", null)]
    [InlineData("3", null)]
    [InlineData("", null)]
    [InlineData("[version='>=3.11,<3.12']", "3.11")]
    [InlineData("[version='>=3.11']", null)]
    public void Pinned_series_is_read_from_the_set_of_versions_the_spec_admits(string spec, string? expected) =>
        Assert.Equal(expected, PythonVersionMatch.PinnedSeries(spec));
}
