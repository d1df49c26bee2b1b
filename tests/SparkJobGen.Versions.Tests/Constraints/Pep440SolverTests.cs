using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Versions.Tests.Constraints;

public sealed class Pep440SolverTests
{
    private static SatisfiabilityResult Check(params string[] specifiers) =>
        VersionConstraintSolver.Check(specifiers.Select((s, i) => VersionConstraint.ParsePip("numpy", s, "source" + i)));

    [Theory]
    [InlineData(">=2.0", "<2.1", ">=2.0,<2.1")]
    [InlineData(">=1.0", ">=2.0,<3", ">=2.0,<3")]
    [InlineData("~=1.4.2", "<1.5", "~=1.4.2")]
    [InlineData("==1.2.*", ">=1.2.3", "==1.2.*,>=1.2.3")]
    [InlineData(">=1", "!=1.5", ">=1,!=1.5")]
    [InlineData("==1.4", "==1.4.0", "==1.4")]
    [InlineData("", ">=2", ">=2")]
    [InlineData("<=2", ">=2", ">=2,<=2")]
    [InlineData("===1.0", ">=1", "===1.0")]
    public void Satisfiable_sets_render_their_non_redundant_intersection(string a, string b, string expected)
    {
        var result = Check(a, b);
        Assert.Equal(SatisfiabilityStatus.Satisfiable, result.Status);
        Assert.Equal(expected, result.Intersection);
        Assert.Empty(result.Conflict);
    }

    // === is PEP 440's "Arbitrary equality": string equality on the version as written, case-insensitive as in packaging's
    // Specifier._compare_arbitrary (`str(prospective).lower() == str(spec).lower()`, pypa/packaging
    // src/packaging/specifiers.py). SatisfiabilityResult.Contains holds the === text and nothing else, whatever other
    // spellings of the same version the other operators would call equal.
    [Theory]
    [InlineData(new[] { "===1.0" }, "1.0", true)]
    [InlineData(new[] { "===1.0" }, "1.0.0", false)]
    [InlineData(new[] { "===1.0" }, "1.0+local", false)]
    [InlineData(new[] { "===1.0", ">=1" }, "1.0", true)]
    [InlineData(new[] { "===1.0", ">=1" }, "1.0.0", false)]
    [InlineData(new[] { "===1.0", ">=1" }, "v1.0", false)]
    [InlineData(new[] { "===foo" }, "foo", true)]
    [InlineData(new[] { "===foo" }, "FOO", true)]
    [InlineData(new[] { "===foo" }, "bar", false)]
    [InlineData(new[] { "===v1.0" }, "v1.0", true)]
    [InlineData(new[] { "===v1.0" }, "1.0", false)]
    [InlineData(new[] { ">=1", "<2" }, "1.0.0", true)]
    public void Contains_reads_triple_equals_as_string_identity(string[] specifiers, string candidate, bool expected)
    {
        var result = Check(specifiers);
        Assert.NotEqual(SatisfiabilityStatus.Unsatisfiable, result.Status);
        Assert.Equal(expected, result.Contains(candidate));

        // The model's own matcher of the whole set agrees (it is checked against @renovatebot/pep440 in the reference tests).
        var set = Pep440SpecifierSet.Parse(string.Join(",", specifiers));
        Assert.Equal(expected, set.Contains(candidate, prereleases: true));
    }

    [Theory]
    [InlineData(">=3", "<2")]
    [InlineData("==1.2.*", "!=1.2.*")]
    [InlineData("==1.2.*", ">=1.3")]
    [InlineData("~=1.4", ">=2")]
    [InlineData("~=1.4.2", "<1.4.2")]
    [InlineData("<2", ">=2")]
    [InlineData(">2", "<=2")]
    [InlineData("==1.0", "!=1.0")]
    [InlineData("==1.0+local", "!=1.0+local")]
    [InlineData("==1.0+local", "==1.0+other")]
    [InlineData("===1.0", "===2.0")]
    [InlineData("===1.0", ">=2")]
    [InlineData(">1.7", "<1.7.0.0.0")]
    [InlineData("<1.7", ">=1.7.dev0")]
    [InlineData(">1.7", "==1.7.post1")]
    [InlineData(">1.7", "==1.7+local")]
    [InlineData(">1.7", "==1.7")]
    [InlineData(">1.7.post1", "<1.7.post2")]
    [InlineData("<=1.0", ">1.0.post0.dev0")]
    [InlineData(">=1.7a1", "<1.7")]
    [InlineData("<1.7", "==1.7rc1")]
    [InlineData(">1.0.dev0", "<1.0.dev1")]
    [InlineData("==1!1.0.*", "<1!0")]
    [InlineData("<0.dev0", "")]
    public void Conflicting_pairs_are_unsatisfiable(string a, string b)
    {
        var result = Check(a, b);
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, result.Status);
        Assert.NotEmpty(result.Conflict);
        Assert.True(result.Conflict.Count <= 2);
    }

    [Theory]
    [InlineData(">1.7", "<1.8", "1.7.1")]
    [InlineData(">1.7.post1", "<1.7.post3", "1.7.post2")]
    [InlineData("<1.7.post2", ">=1.7", "1.7.post1")]
    [InlineData(">=1.7a1", "<1.7.post1", "1.7")]
    [InlineData(">1.7", "<1.8.dev0,==1.7.*", "1.7.0.1")]
    [InlineData("<1.7", ">1.6.99", "1.6.99.1")]
    [InlineData("==1.0+local", ">=1", "1.0+local")]
    [InlineData(">1.0a1", "==1.0a2+local", "1.0a2+local")]
    [InlineData(">1.0a1", "<=1.0", "1.0")]
    [InlineData("==1.0.*", "!=1.0", "1.0.1")]
    [InlineData("!=1.*", "<2", "0.9")]
    public void Edge_cases_of_the_exclusive_ordering_rules_stay_satisfiable(string a, string b, string? member)
    {
        var result = Check(a, b);
        Assert.True(result.IsSatisfiable, result.ToString());
        if (member is not null)
        {
            Assert.True(result.Contains(member));
            Assert.True(Pep440SpecifierSet.Parse(a).Contains(Pep440Version.Parse(member), prereleases: true));
            Assert.True(Pep440SpecifierSet.Parse(b).Contains(Pep440Version.Parse(member), prereleases: true));
        }
    }

    [Fact]
    public void Less_than_a_final_release_excludes_its_prereleases()
    {
        var result = Check("<2.0", ">=2.0a1");
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, result.Status);
        Assert.False(Check("<2.0").Contains("2.0a1"));
        Assert.True(Check("<2.0").Contains("1.9.9a1"));
    }

    [Fact]
    public void Greater_than_excludes_post_and_local_versions_of_the_same_release()
    {
        var result = Check(">2.0");
        Assert.False(result.Contains("2.0.post1"));
        Assert.False(result.Contains("2.0+local"));
        Assert.True(result.Contains("2.0.0.1"));
        Assert.True(Check(">2.0.post1").Contains("2.0.post2"));
    }

    [Fact]
    public void Only_prereleases_is_a_distinct_result()
    {
        // >=2.0.dev0 names a pre-release, so it opts in; the other pair admits only pre-releases without opting in.
        Assert.Equal(SatisfiabilityStatus.Satisfiable, Check(">=2.0.dev0", "<2.0rc2").Status);
        var result = Check(">1.9", "<2.0.dev5", "!=1.9.*");
        Assert.Equal(SatisfiabilityStatus.Satisfiable, result.Status); // 1.10 lies in between
        // <2.0 drops 2.0's pre-releases, which are all the prefix leaves.
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, Check("==2.0.*", "<2.0").Status);
    }

    [Fact]
    public void Pre_release_only_intersection_without_opt_in()
    {
        // [1.0.dev0, 1.0): the prefix starts at 1.0's first dev release, <=1.0 and !=1.0 cut 1.0 itself; no clause names a pre-release.
        var onlyPre = Check("==1.0.*", "<=1.0", "!=1.0");
        Assert.Equal(SatisfiabilityStatus.SatisfiableOnlyByPrereleases, onlyPre.Status);
        Assert.True(onlyPre.Contains("1.0rc1"));
        Assert.False(onlyPre.Contains("1.0"));
        Assert.False(onlyPre.Contains("0.9"));
        // Naming a pre-release opts in.
        Assert.Equal(SatisfiabilityStatus.Satisfiable, Check("==1.0.*", "<=1.0", "!=1.0", ">=1.0b1").Status);
    }

    [Fact]
    public void Conflict_names_the_minimal_pair_and_the_range_of_the_others()
    {
        var constraints = new[]
        {
            VersionConstraint.ParsePip("numpy", ">=2", "job"),
            VersionConstraint.ParsePip("numpy", ">=1.20", "base"),
            VersionConstraint.ParsePip("numpy", "<2,!=1.26.0", "assembly"),
        };
        var result = VersionConstraintSolver.Check(constraints);
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, result.Status);
        Assert.Equal(new object?[] { "job", "assembly" }, result.Conflict.Select(static c => c.Source));
        Assert.Equal(">=1.20,<2,!=1.26.0", result.Relaxations[constraints[0]]);
        Assert.Equal(">=2", result.Relaxations[constraints[2]]);
    }

    [Fact]
    public void Conflict_of_three_is_reported_when_no_pair_conflicts()
    {
        var constraints = new[]
        {
            VersionConstraint.ParsePip("p", ">=1.0,<1.2", "a"),
            VersionConstraint.ParsePip("p", "!=1.0.*", "b"),
            VersionConstraint.ParsePip("p", "!=1.1.*", "c"),
            VersionConstraint.ParsePip("p", ">=0.5", "d"),
        };
        var result = VersionConstraintSolver.Check(constraints);
        Assert.Equal(new object?[] { "a", "b", "c" }, result.Conflict.Select(static c => c.Source));
    }

    [Fact]
    public void Package_names_are_grouped_by_pep503_normalization()
    {
        var results = VersionConstraintSolver.CheckAll(new[]
        {
            VersionConstraint.ParsePip("Scikit_Learn", ">=1.4"),
            VersionConstraint.ParsePip("scikit.learn", "<1.3"),
            VersionConstraint.ParsePip("pandas", ">=2"),
        });
        Assert.Equal(new[] { "pandas", "scikit-learn" }, results.Keys);
        Assert.False(results["scikit-learn"].IsSatisfiable);
        Assert.True(results["pandas"].IsSatisfiable);
    }

    [Fact]
    public void Invalid_syntax_is_reported_with_a_position()
    {
        Assert.False(VersionConstraint.TryCreatePip("numpy", ">=1.0,<<2", null, out _, out var error));
        Assert.True(error!.Position >= 6);
    }
}
