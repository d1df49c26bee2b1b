// Tests over the pypa/packaging tests/test_version.py vectors in PackagingVersionVectors.cs.
using System.Globalization;
using SparkJobGen.Versions;

namespace SparkJobGen.Versions.Tests.Conformance;

/// <summary>Pep440Version against pypa/packaging's version vectors.</summary>
public sealed class PackagingVersionConformanceTests
{
    public static TheoryData<int> VersionIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < PackagingVersionVectors.Versions.Length; i++) data.Add(i);
        return data;
    }

    /// <summary>test_comparison_true/false: every pair of VERSIONS compares as their positions do; test_version_hash.</summary>
    [Theory]
    [MemberData(nameof(VersionIndexes))]
    public void Orders_like_the_table(int index)
    {
        var versions = PackagingVersionVectors.Versions;
        var left = Pep440Version.Parse(versions[index]);
        for (int j = 0; j < versions.Length; j++)
        {
            var right = Pep440Version.Parse(versions[j]);
            int expected = index.CompareTo(j);
            Assert.True(Math.Sign(left.CompareTo(right)) == expected, $"{versions[index]} vs {versions[j]}: expected {expected}");
            Assert.Equal(expected < 0, left < right);
            Assert.Equal(expected <= 0, left <= right);
            Assert.Equal(expected == 0, left == right);
            Assert.Equal(expected != 0, left != right);
            Assert.Equal(expected >= 0, left >= right);
            Assert.Equal(expected > 0, left > right);
        }
        Assert.Equal(left.GetHashCode(), Pep440Version.Parse(versions[index]).GetHashCode());
    }

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Invalid), MemberType = typeof(PackagingVersionVectors))]
    public void Rejects(string text)
    {
        Assert.False(Pep440Version.TryParse(text, out _, out var error), text);
        Assert.InRange(error!.Position, 0, text.Length);
        Assert.InRange(error.Position + error.Length, error.Position, text.Length);
    }

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Normalized), MemberType = typeof(PackagingVersionVectors))]
    [MemberData(nameof(PackagingVersionVectors.StrRepr), MemberType = typeof(PackagingVersionVectors))]
    public void Normalizes(string text, string expected) => Assert.Equal(expected, Pep440Version.Parse(text).ToString());

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Public), MemberType = typeof(PackagingVersionVectors))]
    public void Public(string text, string expected) => Assert.Equal(expected, Pep440Version.Parse(text).Public.ToString());

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.BaseVersion), MemberType = typeof(PackagingVersionVectors))]
    public void Base_version(string text, string expected)
    {
        var v = Pep440Version.Parse(text);
        string baseVersion = (v.Epoch != 0 ? v.Epoch.ToString(CultureInfo.InvariantCulture) + "!" : "") + string.Join(".", v.Release);
        Assert.Equal(expected, baseVersion);
    }

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Epoch), MemberType = typeof(PackagingVersionVectors))]
    public void Epoch(string text, int expected) => Assert.Equal(expected, Pep440Version.Parse(text).Epoch);

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Release), MemberType = typeof(PackagingVersionVectors))]
    public void Release(string text, string expected) => Assert.Equal(expected, string.Join(".", Pep440Version.Parse(text).Release));

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Local), MemberType = typeof(PackagingVersionVectors))]
    public void Local(string text, string? expected)
    {
        var v = Pep440Version.Parse(text);
        Assert.Equal(expected, v.Local.Count == 0 ? null : string.Join(".", v.Local.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture))));
    }

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Pre), MemberType = typeof(PackagingVersionVectors))]
    public void Pre(string text, string? expected)
    {
        var v = Pep440Version.Parse(text);
        Assert.Equal(expected, v.PreLabel == null ? null : v.PreLabel + v.PreNumber.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.IsPrerelease), MemberType = typeof(PackagingVersionVectors))]
    public void Is_prerelease(string text, bool expected) => Assert.Equal(expected, Pep440Version.Parse(text).IsPrerelease);

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Dev), MemberType = typeof(PackagingVersionVectors))]
    public void Dev(string text, int? expected) => Assert.Equal(expected, Pep440Version.Parse(text).Dev);

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.IsDevrelease), MemberType = typeof(PackagingVersionVectors))]
    public void Is_devrelease(string text, bool expected) => Assert.Equal(expected, Pep440Version.Parse(text).Dev != null);

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.Post), MemberType = typeof(PackagingVersionVectors))]
    public void Post(string text, int? expected) => Assert.Equal(expected, Pep440Version.Parse(text).Post);

    [Theory]
    [MemberData(nameof(PackagingVersionVectors.IsPostrelease), MemberType = typeof(PackagingVersionVectors))]
    public void Is_postrelease(string text, bool expected) => Assert.Equal(expected, Pep440Version.Parse(text).Post != null);

    /// <summary>test_version_rc_and_c_equals.</summary>
    [Fact]
    public void Rc_and_c_are_equal() => Assert.Equal(Pep440Version.Parse("1.0rc1"), Pep440Version.Parse("1.0c1"));
}
