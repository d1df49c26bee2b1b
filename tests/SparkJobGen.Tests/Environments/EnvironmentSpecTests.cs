using SparkJobGen.Environments;

namespace SparkJobGen.Tests.Environments;

public sealed class EnvironmentSpecTests
{
    [Fact]
    public void Parses_the_generated_format()
    {
        var spec = EnvironmentSpec.Parse("# Generated\nname: analytics\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy>=1.26,<2\n  - pip\n  - pip:\n      - lightgbm==4.3.0\n      - requests[socks]>=2\n");

        Assert.Equal("analytics", spec.Name);
        Assert.Equal(["conda-forge"], spec.Channels);
        Assert.Equal(["python=3.11", "numpy>=1.26,<2", "pip"], spec.CondaDependencies);
        Assert.Equal(["lightgbm==4.3.0", "requests[socks]>=2"], spec.PipDependencies);
        Assert.Equal("=3.11", spec.PythonSpec);
        Assert.False(spec.IsPipOnly);
    }

    [Fact]
    public void The_bracket_form_of_python_gives_its_version_and_pins_the_series()
    {
        var spec = EnvironmentSpec.Parse("dependencies:\n  - \"python[version='>=3.11,<3.12']\"\n  - pip\n");

        Assert.Equal("[version='>=3.11,<3.12']", spec.PythonSpec);
        Assert.True(spec.IsPipOnly);
        Assert.Equal("3.11", PythonVersionMatch.PinnedSeries(spec.PythonSpec!));
        Assert.True(PythonVersionMatch.Matches("3.11.2", spec.PythonSpec!));
        Assert.False(PythonVersionMatch.Matches("3.12.1", spec.PythonSpec!));
    }

    [Fact]
    public void Pip_only_means_only_python_and_pip_from_conda()
    {
        Assert.True(EnvironmentSpec.Parse("dependencies:\n  - python>=3.10,<3.12\n  - pip=23\n  - pip:\n    - x\n").IsPipOnly);
        Assert.True(EnvironmentSpec.Parse("dependencies:\n  - conda-forge::python 3.11.*\n").IsPipOnly);
        Assert.False(EnvironmentSpec.Parse("dependencies:\n  - python\n  - pyspark=3.5\n").IsPipOnly);
    }

    [Fact]
    public void Content_hash_ignores_line_endings_and_trailing_space_but_not_content()
    {
        var lf = "name: a\ndependencies:\n  - python=3.11\n";
        Assert.Equal(EnvironmentSpec.ComputeContentHash(lf), EnvironmentSpec.ComputeContentHash("\uFEFFname: a  \r\ndependencies:\r\n  - python=3.11\r\n\r\n"));
        Assert.NotEqual(EnvironmentSpec.ComputeContentHash(lf), EnvironmentSpec.ComputeContentHash(lf.Replace("3.11", "3.12")));
        Assert.Equal(64, EnvironmentSpec.ComputeContentHash(lf).Length);
    }

    [Fact]
    public void Invalid_yaml_is_a_clear_error()
    {
        var exception = Assert.Throws<InvalidDataException>(() => EnvironmentSpec.Parse("name: [unclosed\n", "env.yaml"));
        Assert.Contains("env.yaml is not valid YAML", exception.Message);
        Assert.Throws<InvalidDataException>(() => EnvironmentSpec.Parse("dependencies: python\n"));
    }

    [Theory]
    [InlineData("3.11.7", "=3.11", true)]
    [InlineData("3.12.1", "=3.11", false)]
    [InlineData("3.11.7", "3.11.*", true)]
    [InlineData("3.11.7", "==3.11.7", true)]
    [InlineData("3.11.7", "3.11", false)]
    [InlineData("3.11.0", "3.11", true)]
    [InlineData("3.11.7", ">=3.10,<3.12", true)]
    [InlineData("3.12.0", ">=3.10,<3.12", false)]
    [InlineData("3.11.7", "<3.9|>=3.11", true)]
    [InlineData("3.11.7", "!=3.11.*", false)]
    // With a build string the version is exact, not a series: conda's _sanitize_version_str (conda/models/match_spec.py,
    // the "=1.2.3" -> "1.2.3*" rule applies only "when build is None") keeps "=3.11" as "3.11".
    [InlineData("3.11.7", "=3.11=h955ad1f_0", false)]
    [InlineData("3.11.0", "=3.11=h955ad1f_0", true)]
    [InlineData("3.11.7", "=3.11.7=h955ad1f_0", true)]
    [InlineData("3.11.7", "3.11.* *_cpython", true)]
    [InlineData("3.11.7", ">=3.10,<3.12|==2.7", true)]
    [InlineData("3.11.7", "~=3.10", true)]
    [InlineData("3.11.7", "not a spec(", false)]
    [InlineData("3.11.7", "", true)]
    [InlineData("3.11.7", "=3", true)]
    [InlineData("3.11.7", "=3.1", false)]
    // The bracket form of a MatchSpec (conda/models/match_spec.py, _parse_spec_str: the trailing [key=value] section).
    [InlineData("3.11.7", "[version='>=3.11']", true)]
    [InlineData("3.10.2", "[version='>=3.11']", false)]
    [InlineData("3.11.7", "[version='3.11.*', build=*_cpython]", true)]
    public void Python_version_match_follows_conda_rules(string version, string spec, bool expected) =>
        Assert.Equal(expected, PythonVersionMatch.Matches(version, spec));
}
