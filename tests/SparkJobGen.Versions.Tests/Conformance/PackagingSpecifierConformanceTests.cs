// Tests over the pypa/packaging tests/test_specifiers.py vectors in PackagingSpecifierVectors.cs.
using SparkJobGen.Versions;

namespace SparkJobGen.Versions.Tests.Conformance;

/// <summary>
/// Pep440Specifier and Pep440SpecifierSet against pypa/packaging's specifier vectors.
/// </summary>
/// <remarks>
/// Our default pre-release rule is packaging's up to 25.x: with <c>prereleases</c> unset, a pre-release matches
/// only when a clause names one. packaging 26.0 changed <c>contains</c> to accept pre-releases by default (a
/// single version "has no alternatives"). The tables written for that change are not ported; the rule is
/// pinned by <see cref="Empty_set_and_prereleases"/> and <see cref="Specifier_prereleases"/> (tag 25.0).
/// </remarks>
public sealed class PackagingSpecifierConformanceTests
{
    private static readonly string[] AllOperators = { "~=", "==", "!=", "<=", ">=", "<", ">" };
    private static readonly string[] LocalOperators = { "==", "!=" };

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.Valid), MemberType = typeof(PackagingSpecifierVectors))]
    public void Parses(string text) => Assert.True(Pep440Specifier.TryParse(text, 0, text.Length, null, out _, out _), text);

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.Invalid), MemberType = typeof(PackagingSpecifierVectors))]
    public void Rejects(string text)
    {
        Assert.False(Pep440Specifier.TryParse(text, 0, text.Length, null, out _, out var error), text);
        Assert.InRange(error!.Position, 0, text.Length);
        Assert.InRange(error.Position + error.Length, error.Position, text.Length);
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.NormalizedVersions), MemberType = typeof(PackagingSpecifierVectors))]
    public void Parses_every_operator_with_a_normalizable_version(string version)
    {
        foreach (var op in version.Contains('+') ? LocalOperators : AllOperators)
        {
            string text = op + version;
            Assert.True(Pep440Specifier.TryParse(text, 0, text.Length, null, out _, out var error), text + ": " + error);
        }
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SpecifierText), MemberType = typeof(PackagingSpecifierVectors))]
    public void Specifier_text(string text, string expected) => Assert.Equal(expected, Pep440Specifier.Parse(text).ToString());

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.ContainsWithPrereleases), MemberType = typeof(PackagingSpecifierVectors))]
    public void Contains_with_prereleases(string version, string specifier, bool expected)
    {
        var spec = Pep440Specifier.Parse(specifier, prereleases: true);
        Assert.Equal(expected, spec.Contains(Pep440Version.Parse(version)));
        Assert.Equal(expected, spec.Contains(version));
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier, prereleases: true).Contains(Pep440Version.Parse(version)));
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.InvalidCandidate), MemberType = typeof(PackagingSpecifierVectors))]
    public void Unparsable_candidates(string specifier, string candidate, bool expected)
    {
        Assert.Equal(expected, Pep440Specifier.Parse(specifier, prereleases: true).Contains(candidate));
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier, prereleases: true).Contains(candidate));
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.ArbitraryEquality), MemberType = typeof(PackagingSpecifierVectors))]
    public void Arbitrary_equality(string candidate, string specifier, bool expected) =>
        Assert.Equal(expected, Pep440Specifier.Parse(specifier).Contains(candidate));

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.ArbitraryNormalizationString), MemberType = typeof(PackagingSpecifierVectors))]
    public void Arbitrary_equality_compares_strings_as_written(string specifier, string candidate, bool expected) =>
        Assert.Equal(expected, Pep440Specifier.Parse(specifier, prereleases: true).Contains(candidate));

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.ArbitraryNormalizationVersion), MemberType = typeof(PackagingSpecifierVectors))]
    public void Arbitrary_equality_compares_versions_normalized(string specifier, string candidate, bool expected) =>
        Assert.Equal(expected, Pep440Specifier.Parse(specifier, prereleases: true).Contains(Pep440Version.Parse(candidate)));

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.PrereleaseDetection), MemberType = typeof(PackagingSpecifierVectors))]
    public void Prerelease_detection(string specifier, bool expected) => Assert.Equal(expected, Pep440Specifier.Parse(specifier).Prereleases);

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SpecifierPrereleases), MemberType = typeof(PackagingSpecifierVectors))]
    public void Specifier_prereleases(string specifier, string version, bool expected)
    {
        var v = Pep440Version.Parse(version);
        Assert.Equal(expected, Pep440Specifier.Parse(specifier).Contains(v));
        // Flipping the explicit setting flips the answer.
        Assert.Equal(!expected, Pep440Specifier.Parse(specifier, prereleases: !expected).Contains(v));
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.OperatorProperty), MemberType = typeof(PackagingSpecifierVectors))]
    public void Operator_property(string specifier, string op) =>
        Assert.Equal(op, Pep440Specifier.OperatorText(Pep440Specifier.Parse(specifier).Operator));

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.VersionProperty), MemberType = typeof(PackagingSpecifierVectors))]
    public void Version_property(string specifier, string version)
    {
        var s = Pep440Specifier.Parse(specifier);
        Assert.Equal(version, s.VersionText + (s.IsWildcard ? ".*" : ""));
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SetText), MemberType = typeof(PackagingSpecifierVectors))]
    public void Set_text(string text, string expected) => Assert.Equal(expected, Pep440SpecifierSet.Parse(text).ToString());

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SetIgnoresLocal), MemberType = typeof(PackagingSpecifierVectors))]
    public void Set_ignores_local_labels(string version, string specifier, bool expected) =>
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier).Contains(Pep440Version.Parse(version)));

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SetPostReleaseBoundary), MemberType = typeof(PackagingSpecifierVectors))]
    public void Set_post_release_boundary(string specifier, string version, bool expected)
    {
        var set = Pep440SpecifierSet.Parse(specifier);
        var v = Pep440Version.Parse(version);
        Assert.Equal(expected, set.Contains(v, prereleases: true));
        Assert.Equal(set.Specifiers.All(s => s.Contains(v, prereleases: true)), set.Contains(v, prereleases: true));
    }

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SetArbitraryEquality), MemberType = typeof(PackagingSpecifierVectors))]
    public void Set_arbitrary_equality(string candidate, string specifier, bool expected) =>
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier).Contains(candidate));

    [Theory]
    [MemberData(nameof(PackagingSpecifierVectors.SetExclusionaryBridges), MemberType = typeof(PackagingSpecifierVectors))]
    [MemberData(nameof(PackagingSpecifierVectors.SetExplicitPrereleases), MemberType = typeof(PackagingSpecifierVectors))]
    public void Set_with_explicit_prereleases(string specifier, bool prereleases, string version, bool expected)
    {
        var v = Pep440Version.Parse(version);
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier).Contains(v, prereleases));
        Assert.Equal(expected, Pep440SpecifierSet.Parse(specifier, prereleases).Contains(v));
    }

    /// <summary>TestSpecifierSet.test_empty_specifier: with prereleases=True the empty set holds every version.</summary>
    [Fact]
    public void Empty_set_with_prereleases_holds_every_version()
    {
        var set = Pep440SpecifierSet.Parse("", prereleases: true);
        foreach (var v in PackagingVersionVectors.Versions)
        {
            Assert.True(set.Contains(Pep440Version.Parse(v)), v);
            Assert.True(set.Contains(v), v);
        }
    }

    /// <summary>test_specifier_contains_prereleases as of tag 25.0 (packaging 26.0 flipped the first assertion).</summary>
    [Fact]
    public void Empty_set_and_prereleases()
    {
        var dev = Pep440Version.Parse("1.0.dev1");
        var empty = Pep440SpecifierSet.Parse("");
        Assert.Null(empty.ExplicitPrereleases);
        Assert.False(empty.Contains(dev));
        Assert.True(empty.Contains(dev, prereleases: true));
        var allowing = Pep440SpecifierSet.Parse("", prereleases: true);
        Assert.True(allowing.Prereleases);
        Assert.True(allowing.Contains(dev));
        Assert.False(allowing.Contains(dev, prereleases: false));
    }
}
