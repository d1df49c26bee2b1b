using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Tests;

/// <summary>The examples in docs/versions.md and in issue 3, checked as written.</summary>
public sealed class CondaExamplesTests
{
    [Fact]
    public void Version_examples()
    {
        Assert.Equal("1.1.0rc1", CondaVersion.Parse("1.1.0RC1").ToString());
        Assert.True(CondaVersion.Parse("1.0") == CondaVersion.Parse("1.0.0"));
        Assert.True(CondaVersion.Parse("0.4.1p1").StartsWith(CondaVersion.Parse("0.4.1p")));
        Assert.Equal("[0][1][1][0,a,1]", CondaVersion.Parse("1.1.a1").ToComponentString());
        Assert.True(CondaVersion.Parse("20231015123456") > CondaVersion.Parse("2023101512345"));
        string[] ordered = { "1.1dev1", "1.1_", "1.1a1", "1.1.0rc1", "1.1.0", "1.1post1" };
        for (int i = 0; i + 1 < ordered.Length; i++)
            Assert.True(CondaVersion.Parse(ordered[i]) < CondaVersion.Parse(ordered[i + 1]), ordered[i] + " < " + ordered[i + 1]);
    }

    [Theory]
    [InlineData("5.5..mw", 4)]
    [InlineData("1.0+", 3)]
    [InlineData("a!1.0", 0)]
    [InlineData("1.0+a+b", 5)]
    [InlineData("1.0-a_b", 3)]
    [InlineData("1.0 a", 3)]
    public void Version_errors_point_at_the_problem(string text, int position)
    {
        Assert.False(CondaVersion.TryParse(text, out _, out var error));
        Assert.Equal(position, error!.Position);
    }

    [Fact]
    public void Spec_example_tree()
    {
        var spec = CondaVersionSpec.Parse(">=1,<2|1.5.*");
        Assert.True(spec.IsSatisfiedBy(CondaVersion.Parse("1.5.3")));
        Assert.True(spec.IsSatisfiedBy("1.9"));
        Assert.False(spec.IsSatisfiedBy("2.0"));
        var or = Assert.IsType<CondaSpecOr>(spec.Root);
        var and = Assert.IsType<CondaSpecAnd>(or.Children[0]);
        var low = Assert.IsType<CondaSpecTerm>(and.Children[0]);
        Assert.Equal(CondaOperator.GreaterOrEqual, low.Operator);
        Assert.Equal("1", low.Version.ToString());
        Assert.Equal(CondaOperator.Less, Assert.IsType<CondaSpecTerm>(and.Children[1]).Operator);
        var prefix = Assert.IsType<CondaSpecTerm>(or.Children[1]);
        Assert.Equal(CondaOperator.StartsWith, prefix.Operator);
        Assert.Equal("1.5", prefix.Version.ToString());
        var compatible = Assert.IsType<CondaSpecTerm>(CondaVersionSpec.Parse("~=1.2.3").Root);
        Assert.Equal("1.2", compatible.CompatiblePrefix!.ToString());
        Assert.IsType<CondaSpecAny>(CondaVersionSpec.Parse("*").Root);
        Assert.Equal("1.*.1", Assert.IsType<CondaSpecGlob>(CondaVersionSpec.Parse("1.*.1").Root).Pattern);
    }

    [Theory]
    [InlineData("1.2", "1.2.0", true)]
    [InlineData("1.2", "1.2.1", false)]
    [InlineData("=1.2", "1.2.5", true)]
    [InlineData("=1.2", "1.2a1", true)]
    [InlineData("=1.2", "1.20", false)]
    [InlineData(">=1.2.*", "1.2", true)]
    [InlineData("==1.2.*", "1.2.0", true)]
    [InlineData("==1.2.*", "1.2.1", false)]
    [InlineData("<1.2.*", "1.1.9", true)]
    [InlineData("!=1.5", "1.5.0", false)]
    [InlineData("1.2.*", "1.3", false)]
    public void Spec_table_rows(string spec, string version, bool expected) =>
        Assert.Equal(expected, CondaVersionSpec.Parse(spec).IsSatisfiedBy(version));

    [Theory]
    [InlineData("^1\\.7.*$", 0)]
    [InlineData("><1", 0)]
    [InlineData(">= 1", 2)]
    [InlineData("1.5||1.6", 4)]
    [InlineData("(1.5", 0)]
    [InlineData("~=1.2.*", 5)]
    [InlineData(">=1,<2x#", 7)]
    public void Spec_errors_point_at_the_problem(string text, int position)
    {
        Assert.False(CondaVersionSpec.TryParse(text, out _, out var error));
        Assert.Equal(position, error!.Position);
    }

    [Fact]
    public void MatchSpec_example()
    {
        var m = CondaMatchSpec.Parse("conda-forge/linux-64::numpy>=1.26,<2[build=py311*]");
        Assert.Equal("conda-forge", m.Channel);
        Assert.Equal("linux-64", m.Subdir);
        Assert.Equal("numpy", m.Name);
        Assert.Equal(">=1.26,<2", m.Version!.ToString());
        Assert.Equal("py311*", m.Build);
        Assert.True(m.IsSatisfiedBy("numpy", CondaVersion.Parse("1.26.4"), "py311h64a7726_0"));
        Assert.False(m.IsSatisfiedBy("numpy", CondaVersion.Parse("1.26.4"), "py312h64a7726_0"));
        Assert.False(m.IsSatisfiedBy("numpy", CondaVersion.Parse("2.0.0"), "py311h64a7726_0"));
        Assert.False(m.IsSatisfiedBy("numpy", CondaVersion.Parse("1.26.4")));
        Assert.Equal("conda-forge/linux-64::numpy[version='>=1.26,<2',build=py311*]", m.ToString());
    }

    [Theory]
    [InlineData("numpy 1.11", "1.11.0", true)]
    [InlineData("numpy 1.11", "1.11.1", false)]
    [InlineData("numpy=1.11", "1.11.1", true)]
    [InlineData("numpy=1.11=py27_0", "1.11.1", false)]
    [InlineData("numpy=1.11=py27_0", "1.11", true)]
    [InlineData("numpy=1.11.*=py27_0", "1.11.1", true)]
    [InlineData("python=3.11", "3.11.9", true)]
    [InlineData("python=3.11", "3.110", false)]
    [InlineData("pandas>=2,<3|1.5.*", "1.5.3", true)]
    [InlineData("pandas>=2,<3|1.5.*", "1.6", false)]
    [InlineData("NumPy", "1.0", true)]
    public void MatchSpec_equals_rows(string spec, string version, bool expected)
    {
        var m = CondaMatchSpec.Parse(spec);
        // Names compare case-insensitively.
        Assert.Equal(expected, m.IsSatisfiedBy(m.Name.ToUpperInvariant(), version, "py27_0"));
        Assert.False(m.IsSatisfiedBy("other", version, "py27_0"));
    }

    [Fact]
    public void MatchSpec_build_number()
    {
        var m = CondaMatchSpec.Parse("python[build_number='>=3']");
        Assert.True(m.IsSatisfiedBy("python", "3.11.4", "h955ad1f_3", 3));
        Assert.False(m.IsSatisfiedBy("python", "3.11.4", "h955ad1f_2", 2));
        Assert.False(m.IsSatisfiedBy("python", "3.11.4", "h955ad1f_2"));
        Assert.False(CondaMatchSpec.TryParse("python[build_number='>=x']", out _, out var error));
        Assert.Equal(21, error!.Position);
    }
}
