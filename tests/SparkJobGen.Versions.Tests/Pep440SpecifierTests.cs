using SparkJobGen.Versions;

namespace SparkJobGen.Versions.Tests;

/// <summary>PEP 440 specifier vectors (re-expressed from pypa/packaging's specifier tests).</summary>
public sealed class Pep440SpecifierTests
{
    [Theory]
    // Equality, with and without wildcards and local versions.
    [InlineData("2.0", "==2", true)]
    [InlineData("2.0", "==2.0", true)]
    [InlineData("2.0", "==2.0.0", true)]
    [InlineData("2.0+deadbeef", "==2", true)]
    [InlineData("2.0+deadbeef", "==2.0+deadbeef", true)]
    [InlineData("2.0", "==2.0+deadbeef", false)]
    [InlineData("2.1", "==2.0", false)]
    [InlineData("2.0", "==2.*", true)]
    [InlineData("2.0.0", "==2.*", true)]
    [InlineData("2.0", "==2.0.*", true)]
    [InlineData("2", "==2.0.*", true)]
    [InlineData("2.1.1", "==2.1.*", true)]
    [InlineData("2.2", "==2.1.*", false)]
    [InlineData("2.0", "==3.*", false)]
    [InlineData("1!2.0", "==2.*", false)]
    [InlineData("2.1", "!=2", true)]
    [InlineData("2.0", "!=2", false)]
    [InlineData("2.0", "!=2.*", false)]
    [InlineData("3.0", "!=2.*", true)]
    // Inclusive ordering.
    [InlineData("2.0", "<=2", true)]
    [InlineData("2.0+local", "<=2", true)]
    [InlineData("2.1", "<=2", false)]
    [InlineData("2.0", ">=2", true)]
    [InlineData("1.9", ">=2", false)]
    // Exclusive ordering.
    [InlineData("1.7", "<1.7", false)]
    [InlineData("1.6", "<1.7", true)]
    [InlineData("1.7a1", "<1.7", false)]
    [InlineData("1.7a1", "<1.7rc1", true)]
    [InlineData("1.7.post1", ">1.7", false)]
    [InlineData("1.7.1", ">1.7", true)]
    [InlineData("1.7.0.post1", ">1.7.post0", true)]
    [InlineData("1.7+local", ">1.7", false)]
    [InlineData("1.8", ">1.7", true)]
    // Compatible release.
    [InlineData("2.0", "~=2.0", true)]
    [InlineData("2.9", "~=2.0", true)]
    [InlineData("3.0", "~=2.0", false)]
    [InlineData("2.2.5", "~=2.2.0", true)]
    [InlineData("2.3", "~=2.2.0", false)]
    [InlineData("2.2.0.post1", "~=2.2", true)]
    [InlineData("1.9", "~=2.0", false)]
    // Arbitrary equality.
    [InlineData("2.0", "===2.0", true)]
    [InlineData("2.0.0", "===2.0", false)]
    // Pre-release filtering: excluded unless named.
    [InlineData("2.0a1", ">=1.0", false)]
    [InlineData("2.0a1", ">=2.0a0", true)]
    [InlineData("2.0.dev1", "==2.0.*", false)]
    [InlineData("2.0", ">=1,<3", true)]
    [InlineData("3.0", ">=1,<3", false)]
    [InlineData("2.5", ">=1,!=2.5,<3", false)]
    public void Contains(string version, string specifier, bool expected) =>
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier).Contains(Pep440Version.Parse(version)));

    [Theory]
    [InlineData("2.0a1", ">=1.0", true, true)]
    [InlineData("2.0a1", ">=2.0a0", false, false)]
    public void Prerelease_override(string version, string specifier, bool prereleases, bool expected) =>
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier).Contains(Pep440Version.Parse(version), prereleases));

    [Theory]
    [InlineData(">=1.0,<2", "<2,>=1.0")]
    [InlineData(" == 1.0.0 ", "==1.0.0")]
    [InlineData("~=1.4.5a4", "~=1.4.5a4")]
    [InlineData("!=2.0.*", "!=2.0.*")]
    public void Normalized_text(string input, string expected) =>
        Assert.Equal(expected, Pep440SpecifierSet.Parse(input).ToNormalizedString());

    [Theory]
    [InlineData("=>1.0", 0)]
    [InlineData(">=1.0.*", 5)]
    [InlineData("~=1", 2)]
    [InlineData(">=1,<2x", 6)]
    [InlineData(">=1.0+local", 2)]
    [InlineData("==1.0a1.*", 2)]
    public void Invalid_specifiers_report_position(string input, int position)
    {
        Assert.False(Pep440SpecifierSet.TryParse(input, null, out _, out var error));
        Assert.Equal(position, error!.Position);
        Assert.InRange(error.Position + error.Length, position, input.Length);
    }
}
