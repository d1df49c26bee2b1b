using SparkJobGen.Versions.Conda;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Versions.Tests.Regressions;

/// <summary>
/// One minimal case per class of inexactness found by comparing the model with pypa/packaging and conda: each failed on
/// e618d5d (numbers saturated at 2^31-1, 2^31-1 served as a sentinel, === and text-valued conda terms were read as "any
/// version", and conda's order was assumed dense).
/// </summary>
public sealed class ExactnessRegressionTests
{
    private static SatisfiabilityResult Pip(params string[] specs) =>
        VersionConstraintSolver.Check(specs.Select((s, i) => VersionConstraint.ParsePip("pkg", s, "p" + i)));

    private static SatisfiabilityResult Conda(params string[] specs) =>
        VersionConstraintSolver.Check(specs.Select((s, i) => VersionConstraint.ParseConda("pkg", s, "c" + i)));

    // 1. PEP 440 puts no bound on a numeric component (PEP 440, "Version scheme": "N(.N)*" with N any non-negative integer).
    [Theory]
    [InlineData("2147483648", "2147483648")]
    [InlineData("1.0.dev20231015123456", "1.0.dev20231015123456")]
    [InlineData("99999999999999999999999.1", "99999999999999999999999.1")]
    [InlineData("1.0+00012345678901234567890", "1.0+12345678901234567890")]
    public void Long_numbers_normalize_exactly(string text, string normalized) =>
        Assert.Equal(normalized, Pep440Version.Parse(text).ToString());

    [Theory]
    [InlineData("1.0.dev20231015123456", "1.0.dev20231015123455")]
    [InlineData("2147483648", "2147483647")]
    [InlineData("1!2147483648.0", "1!2147483647.9")]
    [InlineData("1.0.post99999999999999999999", "1.0.post99999999999999999998")]
    public void Long_numbers_compare_exactly(string higher, string lower)
    {
        Assert.True(Pep440Version.Parse(higher) > Pep440Version.Parse(lower));
        Assert.NotEqual(Pep440Version.Parse(higher), Pep440Version.Parse(lower));
    }

    [Fact]
    public void Two_nightlies_of_one_day_are_different_versions()
    {
        var result = Pip("==1.0.dev20231015123456", "!=1.0.dev20231015123455");
        Assert.True(result.IsSatisfiable, result.ToString());
        Assert.Equal("1.0.dev20231015123456", result.Example);
    }

    // 2. No in-band sentinel: 2147483647 is an ordinary number.
    [Fact]
    public void The_largest_int_is_an_ordinary_dev_number() =>
        Assert.True(Pep440Version.Parse("1.0a1.dev2147483647") < Pep440Version.Parse("1.0a1"));

    [Fact]
    public void A_prefix_ending_in_the_largest_int_is_bounded()
    {
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, Pip("==1.2147483647.*", ">=2").Status);
        var result = Pip("==1.2147483647.*", ">=1.5");
        Assert.True(result.IsSatisfiable);
        Assert.True(Pep440SpecifierSet.Parse("==1.2147483647.*,>=1.5").Contains(result.Example!), result.Example);
    }

    // 3. === is string identity (PEP 440, "Arbitrary equality"): the one candidate is the string itself.
    [Theory]
    [InlineData("===foo", "<10")]
    [InlineData("===v1.0", "==2.0")]
    [InlineData("===1.0", "===1.0.0")]
    [InlineData("===foo", "!=1.0")]
    public void Arbitrary_equality_is_one_point(string a, string b) =>
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, Pip(a, b).Status);

    [Theory]
    [InlineData("===foo", "foo")]
    [InlineData("===v1.0", "v1.0", "==1.0")]
    [InlineData("===1.0", "1.0", ">=0.5")]
    public void Arbitrary_equality_that_holds_gives_its_string(string a, string example, params string[] more)
    {
        var result = Pip(new[] { a }.Concat(more).ToArray());
        Assert.True(result.IsSatisfiable, result.ToString());
        Assert.Equal(example, result.Example);
    }

    // 4. Prefixes ending in text (=5_, =1dev, 3rc*) are intervals of conda's order; globs and local prefixes are checked by
    // their own matcher, and a witness never fails a constraint.
    [Theory]
    [InlineData(">=5", "=5_")]
    [InlineData(">=2", "=1dev")]
    [InlineData(">3.0", "3rc*")]
    [InlineData("!=5_", "5_")]
    [InlineData("=1+2", "<1")]
    public void Text_prefixes_are_exact(string a, string b) =>
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, Conda(a, b).Status);

    [Theory]
    [InlineData(">=4", "=5a")]
    [InlineData("=1dev", "<1")]
    [InlineData("3rc*", "<3")]
    [InlineData("*.1", ">=2")]
    [InlineData("=1+2", ">=1")]
    [InlineData("!=5_", ">=5,<5.1")]
    public void Every_witness_satisfies_every_spec(string a, string b)
    {
        var result = Conda(a, b);
        Assert.Equal(SatisfiabilityStatus.Satisfiable, result.Status);
        var version = CondaVersion.Parse(result.Example!);
        Assert.True(CondaVersionSpec.Parse(a).IsSatisfiedBy(version), a + " rejects " + result.Example);
        Assert.True(CondaVersionSpec.Parse(b).IsSatisfiedBy(version), b + " rejects " + result.Example);
    }

    // 5. conda's order has gaps: every epoch-0 version starts with 0 (a leading letter gets a 0 before it), and the
    // versions just below 2 that do not start with 1 (2dev, 2a) start with 2.
    [Theory]
    [InlineData("!=0.*", "<0.9")]
    [InlineData("!=1.*,!=2.*", ">1.5,<2.5")]
    [InlineData("=5a", ">=5")]
    public void Gaps_in_the_conda_order_are_empty(string a, string b) =>
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, Conda(a, b).Status);

    // ...but not every boundary is a gap: 2dev and 1.1dev sort below 2 and 1.1 and start with neither 1 nor 1.0.
    [Theory]
    [InlineData("!=1.*", ">1.5,<2", "2dev")]
    [InlineData("!=1.0.*", ">=1.0,<1.1", "1.1dev")]
    public void Versions_between_prefix_blocks_are_found(string a, string b, string member)
    {
        var result = Conda(a, b);
        Assert.Equal(SatisfiabilityStatus.Satisfiable, result.Status);
        Assert.True(result.Contains(member));
        Assert.True(CondaVersionSpec.Parse(a + "," + b).IsSatisfiedBy(result.Example!), result.Example);
    }

    // 6. PEP 440 Appendix B: a separator may follow a label that has no number; no space before ".*"; an empty clause is
    // skipped as pypa/packaging's SpecifierSet skips it (and counted, for SJG2008).
    [Theory]
    [InlineData("1.0a.", "1.0a0")]
    [InlineData("5.post.", "5.post0")]
    [InlineData("1.0-dev.", "1.0.dev0")]
    [InlineData("1.0rc_.post_.dev_", "1.0rc0.post0.dev0")]
    public void A_separator_after_a_label_without_number_is_valid(string text, string normalized) =>
        Assert.Equal(normalized, Pep440Version.Parse(text).ToString());

    [Fact]
    public void A_space_before_the_wildcard_is_invalid() =>
        Assert.False(Pep440SpecifierSet.TryParse("==1.0 .*", null, out _, out _));

    [Fact]
    public void An_empty_clause_is_skipped_and_counted()
    {
        var set = Pep440SpecifierSet.Parse(">=1,");
        Assert.Single(set.Specifiers);
        Assert.Equal(1, set.EmptyClauses);
    }

    // 7. conda reads ~=V's prefix from V's whole text up to its last '.', local label included.
    [Fact]
    public void Compatible_release_keeps_the_local_label_in_its_prefix()
    {
        var spec = CondaVersionSpec.Parse("~=1.2+3.4");
        Assert.True(spec.IsSatisfiedBy("1.2+3.5"));
        Assert.False(spec.IsSatisfiedBy("1.2+4.0"));
    }

    // 7. conda accepts whitespace before a trailing wildcard, and matches globs against the version as written.
    [Theory]
    [InlineData("1.2 .*")]
    [InlineData("1.2 *")]
    [InlineData(">=1, 1.2 .*")]
    public void Whitespace_before_a_trailing_wildcard_is_a_prefix(string spec)
    {
        var parsed = CondaVersionSpec.Parse(spec);
        Assert.True(parsed.IsSatisfiedBy("1.2.5"));
        Assert.False(parsed.IsSatisfiedBy("1.20"));
    }

    [Theory]
    [InlineData("1.*.1", "1.0.1", true)]
    [InlineData("1.*.A", "1.0.a", false)]
    [InlineData("1.*.A", "1.0.A", true)]
    [InlineData("1.*-1", "1.0_1", false)]
    [InlineData("1.*-1", "1.0-1", true)]
    public void Globs_match_the_version_as_written(string glob, string version, bool matches) =>
        Assert.Equal(matches, CondaVersionSpec.Parse(glob).IsSatisfiedBy(version));
}
