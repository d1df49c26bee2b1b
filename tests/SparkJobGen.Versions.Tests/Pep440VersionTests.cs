using System.Collections.Generic;
using System.Linq;
using SparkJobGen.Versions;

namespace SparkJobGen.Versions.Tests;

/// <summary>PEP 440 parsing, normalization and ordering vectors (re-expressed from pypa/packaging's version tests).</summary>
public sealed class Pep440VersionTests
{
    /// <summary>Versions in strictly increasing order (packaging's canonical ordering table).</summary>
    private static readonly string[] Ordered =
    {
        "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
        "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
        "1.0b2-346", "1.0c1.dev456", "1.0c1", "1.0rc2", "1.0c3", "1.0",
        "1.0.post456.dev34", "1.0.post456", "1.1.dev1", "1.2+123abc", "1.2+123abc456",
        "1.2+abc", "1.2+abc123", "1.2+abc123def", "1.2+1234.abc", "1.2+123456",
        "1.2.r32+123456", "1.2.rev33+123456",
        "1!1.0.dev456", "1!1.0a1", "1!1.0", "1!1.0.post456", "1!1.2+123456",
    };

    public static IEnumerable<object[]> AdjacentPairs() =>
        Ordered.Zip(Ordered.Skip(1), (a, b) => new object[] { a, b });

    [Theory]
    [MemberData(nameof(AdjacentPairs))]
    public void Ordering_is_strict(string lower, string higher)
    {
        var a = Pep440Version.Parse(lower);
        var b = Pep440Version.Parse(higher);
        Assert.True(a.CompareTo(b) < 0, $"{lower} < {higher}");
        Assert.True(b.CompareTo(a) > 0);
    }

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("v1.0", "1.0")]
    [InlineData("1.0.0a1", "1.0.0a1")]
    [InlineData("1.0-alpha1", "1.0a1")]
    [InlineData("1.0.beta.2", "1.0b2")]
    [InlineData("1.0c1", "1.0rc1")]
    [InlineData("1.0preview_1", "1.0rc1")]
    [InlineData("1.0-1", "1.0.post1")]
    [InlineData("1.0post", "1.0.post0")]
    [InlineData("1.0-r4", "1.0.post4")]
    [InlineData("1.0.dev", "1.0.dev0")]
    [InlineData("1.0-DEV-3", "1.0.dev3")]
    [InlineData("1!2.0", "1!2.0")]
    [InlineData("0!2.0", "2.0")]
    [InlineData("1.0+Ubuntu-1", "1.0+ubuntu.1")]
    [InlineData("1.0+abc_5", "1.0+abc.5")]
    [InlineData(" 1.01 ", "1.1")]
    public void Normalizes(string input, string expected) =>
        Assert.Equal(expected, Pep440Version.Parse(input).ToString());

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0", "1")]
    [InlineData("1.0a", "1.0a0")]
    public void Equal_versions(string a, string b)
    {
        Assert.Equal(Pep440Version.Parse(a), Pep440Version.Parse(b));
        Assert.Equal(Pep440Version.Parse(a).GetHashCode(), Pep440Version.Parse(b).GetHashCode());
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("french toast", 0)]
    [InlineData("1.0+", 4)]
    [InlineData("1.0 x", 4)]
    [InlineData("1.0+a..b", 6)]
    public void Invalid_versions_report_position(string input, int position)
    {
        Assert.False(Pep440Version.TryParse(input, out _, out var error));
        Assert.NotNull(error);
        Assert.Equal(position, error!.Position);
        Assert.InRange(error.Position + error.Length, 0, input.Length);
    }
}
