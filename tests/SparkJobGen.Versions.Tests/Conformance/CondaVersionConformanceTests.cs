// Conformance vectors ported as data from conda/conda, file tests/models/test_version.py
// (test_version_order, test_openssl_convention, test_pep440, test_hexrd, test_ver_eval, test_ver_eval_errors,
// test_version_spec_1..4, test_match, test_local_identifier, test_not_eq_star, test_compound_versions,
// test_invalid_version_specs, test_compatible_release_versions, test_pep_440_arbitrary_equality_operator).
// Only the vectors are taken; the assertions are our own.
using System.Collections.Generic;
using System.Linq;
using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Tests.Conformance;

/// <summary>conda VersionOrder and VersionSpec vectors.</summary>
public sealed class CondaVersionConformanceTests
{
    /// <summary>test_version_order: versions in non-decreasing order with their parsed components ("post" stands for conda's float('inf')).</summary>
    private static readonly (string Text, string Components)[] OrderTable =
    {
        ("0.4", "[0][0][4]"),
        ("0.4.0", "[0][0][4][0]"),
        ("0.4.1a.vc11", "[0][0][4][1,a][0,vc,11]"),
        ("0.4.1.rc", "[0][0][4][1][0,rc]"),
        ("0.4.1.vc11", "[0][0][4][1][0,vc,11]"),
        ("0.4.1", "[0][0][4][1]"),
        ("0.5*", "[0][0][5,*]"),
        ("0.5a1", "[0][0][5,a,1]"),
        ("0.5b3", "[0][0][5,b,3]"),
        ("0.5C1", "[0][0][5,c,1]"),
        ("0.5z", "[0][0][5,z]"),
        ("0.5za", "[0][0][5,za]"),
        ("0.5", "[0][0][5]"),
        ("0.5_5", "[0][0][5][5]"),
        ("0.5-5", "[0][0][5][5]"),
        ("0.9.6", "[0][0][9][6]"),
        ("0.960923", "[0][0][960923]"),
        ("1.0", "[0][1][0]"),
        ("1.0.4a3", "[0][1][0][4,a,3]"),
        ("1.0.4b1", "[0][1][0][4,b,1]"),
        ("1.0.4", "[0][1][0][4]"),
        ("1.1dev1", "[0][1][1,DEV,1]"),
        ("1.1_", "[0][1][1,_]"),
        ("1.1a1", "[0][1][1,a,1]"),
        ("1.1.dev1", "[0][1][1][0,DEV,1]"),
        ("1.1.a1", "[0][1][1][0,a,1]"),
        ("1.1", "[0][1][1]"),
        ("1.1.post1", "[0][1][1][0,post,1]"),
        ("1.1.1dev1", "[0][1][1][1,DEV,1]"),
        ("1.1.1rc1", "[0][1][1][1,rc,1]"),
        ("1.1.1", "[0][1][1][1]"),
        ("1.1.1post1", "[0][1][1][1,post,1]"),
        ("1.1post1", "[0][1][1,post,1]"),
        ("2g6", "[0][2,g,6]"),
        ("2.0b1pr0", "[0][2][0,b,1,pr,0]"),
        ("2.2be.ta29", "[0][2][2,be][0,ta,29]"),
        ("2.2be5ta29", "[0][2][2,be,5,ta,29]"),
        ("2.2beta29", "[0][2][2,beta,29]"),
        ("2.2.0.1", "[0][2][2][0][1]"),
        ("3.1.1.6", "[0][3][1][1][6]"),
        ("3.2.p.r0", "[0][3][2][0,p][0,r,0]"),
        ("3.2.pr0", "[0][3][2][0,pr,0]"),
        ("3.2.pr.1", "[0][3][2][0,pr][1]"),
        ("5.5.kw", "[0][5][5][0,kw]"),
        ("11g", "[0][11,g]"),
        ("14.3.1", "[0][14][3][1]"),
        ("14.3.1.post26.g9d75ca2", "[0][14][3][1][0,post,26][0,g,9,d,75,ca,2]"),
        ("1996.07.12", "[0][1996][7][12]"),
        ("1!0.4.1", "[1][0][4][1]"),
        ("1!3.1.1.6", "[1][3][1][1][6]"),
        ("2!0.4.1", "[2][0][4][1]"),
    };

    public static TheoryData<string, string> Components()
    {
        var data = new TheoryData<string, string>();
        foreach (var (t, c) in OrderTable) data.Add(t, c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Parses_into_conda_components(string text, string components)
    {
        var v = CondaVersion.Parse(text);
        Assert.Equal(components, v.ToComponentString());
        Assert.Equal(text.ToLowerInvariant().Replace('-', '_'), v.ToString());
    }

    [Fact]
    public void Order_table_is_sorted()
    {
        var parsed = OrderTable.Select(x => CondaVersion.Parse(x.Text)).ToArray();
        for (int i = 0; i < parsed.Length; i++)
        {
            for (int j = i + 1; j < parsed.Length; j++)
            {
                Assert.True(parsed[i].CompareTo(parsed[j]) <= 0, $"{parsed[i]} <= {parsed[j]}");
                Assert.True(parsed[j].CompareTo(parsed[i]) >= 0, $"{parsed[j]} >= {parsed[i]}");
                if (parsed[i] == parsed[j]) Assert.Equal(parsed[i].GetHashCode(), parsed[j].GetHashCode());
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("3.5&1")]
    [InlineData("5.5++")]
    [InlineData("5.5..mw")]
    [InlineData("!")]
    [InlineData("a!1.0")]
    [InlineData("a!b!1.0")]
    public void Invalid_versions(string text)
    {
        Assert.False(CondaVersion.TryParse(text, out _, out var error));
        Assert.NotNull(error);
        Assert.InRange(error!.Position, 0, text.Length);
        Assert.InRange(error.Position + error.Length, error.Position, text.Length);
    }

    [Theory]
    [InlineData("0.4.1.rc", "  0.4.1.RC  ", true)]
    [InlineData("  0.4.rc  ", "0.4.RC", true)]
    [InlineData("0.4", "0.4.0", true)]
    [InlineData("0.4", "0.4.1", false)]
    [InlineData("0.4.a1", "0.4.0a1", true)]
    [InlineData("0.4.a1", "0.4.1a1", false)]
    public void Equality(string a, string b, bool equal)
    {
        var x = CondaVersion.Parse(a);
        var y = CondaVersion.Parse(b);
        Assert.Equal(equal, x == y);
        Assert.Equal(equal, x.Equals(y));
        Assert.Equal(equal, x.CompareTo(y) == 0);
        if (equal) Assert.Equal(x.GetHashCode(), y.GetHashCode());
    }

    [Theory]
    [InlineData("0.4.1", "0", true)]
    [InlineData("0.4.1", "0.4", true)]
    [InlineData("0.4.1p1", "0.4", true)]
    [InlineData("0.4.1p1", "0.4.1p", true)]
    [InlineData("0.4.1p1", "0.4.1q1", false)]
    [InlineData("0.4", "0.4.1", false)]
    [InlineData("0.4.1+1.3", "0.4.1", true)]
    [InlineData("0.4.1+1.3", "0.4.1+1", true)]
    [InlineData("0.4.1", "0.4.1+1.3", false)]
    [InlineData("0.4.1+1", "0.4.1+1.3", false)]
    public void StartsWith(string version, string prefix, bool expected) =>
        Assert.Equal(expected, CondaVersion.Parse(version).StartsWith(CondaVersion.Parse(prefix)));

    /// <summary>test_openssl_convention, test_pep440 (conda's variant of packaging's table) and test_hexrd: strictly increasing lists.</summary>
    public static TheoryData<string, string> IncreasingPairs()
    {
        string[][] lists =
        {
            new[] { "1.0.1dev", "1.0.1_", "1.0.1a", "1.0.1b", "1.0.1c", "1.0.1d", "1.0.1r", "1.0.1rc", "1.0.1rc1", "1.0.1rc2", "1.0.1s", "1.0.1", "1.0.1post.a", "1.0.1post.b", "1.0.1post.z", "1.0.1post.za", "1.0.2" },
            new[]
            {
                "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
                "1.0c1.dev456", "1.0c1", "1.0c3", "1.0rc2", "1.0.dev456", "1.0", "1.0.post456.dev34", "1.0.post456", "1.1.dev1",
                "1.2.r32+123456", "1.2.rev33+123456", "1.2+abc", "1.2+abc123def", "1.2+abc123", "1.2+123abc", "1.2+123abc456",
                "1.2+1234.abc", "1.2+123456",
                "1!1.0a1", "1!1.0a2.dev456", "1!1.0a12.dev456", "1!1.0a12", "1!1.0b1.dev456", "1!1.0b2", "1!1.0b2.post345.dev456",
                "1!1.0b2.post345", "1!1.0c1.dev456", "1!1.0c1", "1!1.0c3", "1!1.0rc2", "1!1.0.dev456", "1!1.0", "1!1.0.post456.dev34",
                "1!1.0.post456", "1!1.1.dev1", "1!1.2.r32+123456", "1!1.2.rev33+123456", "1!1.2+abc", "1!1.2+abc123def", "1!1.2+abc123",
                "1!1.2+123abc", "1!1.2+123abc456", "1!1.2+1234.abc", "1!1.2+123456",
            },
            new[] { "0.3.0.dev", "0.3.3" },
        };
        var data = new TheoryData<string, string>();
        foreach (var list in lists)
            for (int i = 0; i + 1 < list.Length; i++) data.Add(list[i], list[i + 1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(IncreasingPairs))]
    public void Strictly_increasing(string lower, string higher)
    {
        var a = CondaVersion.Parse(lower);
        var b = CondaVersion.Parse(higher);
        Assert.True(a < b, $"{lower} < {higher}");
        Assert.True(b > a);
        Assert.NotEqual(a, b);
    }

    [Theory]
    // test_ver_eval
    [InlineData("1.7.0", "==1.7", true)]
    [InlineData("1.7.0", "<=1.7", true)]
    [InlineData("1.7.0", "<1.7", false)]
    [InlineData("1.7.0", ">=1.7", true)]
    [InlineData("1.7.0", ">1.7", false)]
    [InlineData("1.6.7", ">=1.7", false)]
    [InlineData("2013a", ">2013b", false)]
    [InlineData("2013k", ">2013b", true)]
    [InlineData("3.0.0", ">2013b", false)]
    [InlineData("1.0.0", ">1.0.0a", true)]
    [InlineData("1.0.0", ">1.0.0*", true)]
    [InlineData("1.0", "1.0*", true)]
    [InlineData("1.0.0", "1.0*", true)]
    [InlineData("1.0", "1.0.0*", true)]
    [InlineData("1.0.1", "1.0.0*", false)]
    [InlineData("2013a", "2013a*", true)]
    [InlineData("2013a", "2013b*", false)]
    [InlineData("2013ab", "2013a*", true)]
    [InlineData("1.3.4", "1.2.4*", false)]
    [InlineData("1.2.3+4.5.6", "1.2.3*", true)]
    [InlineData("1.2.3+4.5.6", "1.2.3+4*", true)]
    [InlineData("1.2.3+4.5.6", "1.2.3+5*", false)]
    [InlineData("1.2.3+4.5.6", "1.2.4+5*", false)]
    // test_local_identifier: a version matches itself
    [InlineData("1.7.0", "1.7.0", true)]
    [InlineData("1.7.0.post123", "1.7.0.post123", true)]
    [InlineData("1.7.0.post123.gabcdef9", "1.7.0.post123.gabcdef9", true)]
    [InlineData("1.7.0.post123+gabcdef9", "1.7.0.post123+gabcdef9", true)]
    // test_not_eq_star
    [InlineData("3.3.1", "=3.3", true)]
    [InlineData("3.3", "=3.3", true)]
    [InlineData("3.4", "=3.3", false)]
    [InlineData("3.3.1", "3.3.*", true)]
    [InlineData("3.3", "3.3.*", true)]
    [InlineData("3.4", "3.3.*", false)]
    [InlineData("3.3.1", "=3.3.*", true)]
    [InlineData("3.3", "=3.3.*", true)]
    [InlineData("3.4", "=3.3.*", false)]
    [InlineData("3.3.1", "!=3.3.*", false)]
    [InlineData("3.4", "!=3.3.*", true)]
    [InlineData("3.4.1", "!=3.3.*", true)]
    [InlineData("3.3.1", "!=3.3", true)]
    [InlineData("3.3.0.0", "!=3.3", false)]
    [InlineData("3.3.0.0", "!=3.3.*", false)]
    // test_compound_versions
    [InlineData("2.6.8", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*", false)]
    [InlineData("2.7.2", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*", true)]
    [InlineData("3.3", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*", false)]
    [InlineData("3.3.4", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*", false)]
    [InlineData("3.4", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*", true)]
    [InlineData("3.4a", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*", true)]
    // test_compatible_release_versions
    [InlineData("1.11.0", "~=1.10", true)]
    [InlineData("1.11.0", "~=1.10.0", false)]
    [InlineData("3.4.0", "~=3.3.2", false)]
    [InlineData("3.3.1", "~=3.3.2", false)]
    [InlineData("3.3.2.0", "~=3.3.2", true)]
    [InlineData("3.3.3", "~=3.3.2", true)]
    [InlineData("2.2.0", "~=3.3.2|==2.2", true)]
    [InlineData("3.3.3", "~=3.3.2|==2.2", true)]
    [InlineData("2.2.1", "~=3.3.2|==2.2", false)]
    public void Spec_matches(string version, string spec, bool expected) =>
        Assert.Equal(expected, CondaVersionSpec.Parse(spec).IsSatisfiedBy(CondaVersion.Parse(version)));

    /// <summary>test_match: each spec tested against 1.7.1 (the regular-expression rows are in <see cref="Regex_specs_are_rejected"/>).</summary>
    [Theory]
    [InlineData("1.7.*", true)]
    [InlineData("1.7.1", true)]
    [InlineData("1.7.0", false)]
    [InlineData("1.7", false)]
    [InlineData("1.5.*", false)]
    [InlineData(">=1.5", true)]
    [InlineData("!=1.5", true)]
    [InlineData("!=1.7.1", false)]
    [InlineData("==1.7.1", true)]
    [InlineData("==1.7", false)]
    [InlineData("==1.7.2", false)]
    [InlineData("==1.7.1.0", true)]
    [InlineData("1.7.*|1.8.*", true)]
    [InlineData(">1.7,<1.8", true)]
    [InlineData(">1.7.1,<1.8", false)]
    [InlineData("*", true)]
    [InlineData("1.*.1", true)]
    [InlineData("1.5.*|>1.7,<1.8", true)]
    [InlineData("1.5.*|>1.7,<1.7.1", false)]
    public void Spec_matches_1_7_1(string spec, bool expected)
    {
        var parsed = CondaVersionSpec.Parse(spec);
        Assert.Equal(expected, parsed.IsSatisfiedBy(CondaVersion.Parse("1.7.1")));
        Assert.Equal(spec, parsed.ToString());
    }

    [Theory]
    [InlineData("^1.7.1$")]
    [InlineData(@"^1\.7\.1$")]
    [InlineData(@"^1\.7\.[0-9]+$")]
    [InlineData("^$")]
    [InlineData("^.*$")]
    [InlineData("1.7.*|^0.*$")]
    public void Regex_specs_are_rejected(string spec)
    {
        Assert.False(CondaVersionSpec.TryParse(spec, out _, out var error));
        Assert.Contains("not supported", error!.Message, System.StringComparison.Ordinal);
    }

    [Theory]
    // test_ver_eval_errors, test_version_spec_2, test_invalid_version_specs, test_compatible_release_versions, test_pep_440_arbitrary_equality_operator
    [InlineData("><2.4.5")]
    [InlineData("!!2.4.5")]
    [InlineData("!")]
    [InlineData("(1.5")]
    [InlineData("1.5)")]
    [InlineData("1.5||1.6")]
    [InlineData("^1.5")]
    [InlineData("~")]
    [InlineData("^")]
    [InlineData("1.2+")]
    [InlineData("+1.2")]
    [InlineData("+1.2+")]
    [InlineData("++")]
    [InlineData("c +, 0/|0 *")]
    [InlineData("a[version=)|(")]
    [InlineData("a=)(=b")]
    [InlineData("==")]
    [InlineData("=")]
    [InlineData(">=")]
    [InlineData("<=")]
    [InlineData("~=3.3.2.*")]
    [InlineData("===3.3.2")]
    public void Invalid_specs(string spec)
    {
        Assert.False(CondaVersionSpec.TryParse(spec, out _, out var error));
        Assert.NotNull(error);
        Assert.InRange(error!.Position, 0, spec.Length);
        Assert.InRange(error.Position + error.Length, error.Position, spec.Length);
    }

    [Theory]
    // test_version_spec_1, _3, _4
    [InlineData("1.7.1", true)]
    [InlineData("1.7.1*", false)]
    [InlineData("1.7.1.*", false)]
    [InlineData("1.7.1*,1.8.1*", false)]
    [InlineData("1.7.1.*,1.8.1.*", false)]
    public void Exactness(string spec, bool exact) => Assert.Equal(exact, CondaVersionSpec.Parse(spec).IsExact);

    [Theory]
    // test_version_spec_1, _3, _4
    [InlineData("1.7.1", "1.7.1", true)]
    [InlineData("1.7.1", "1.7.1*", false)]
    [InlineData("1.7.1*", "1.7.1.*", true)]
    [InlineData("1.7.1*,1.8.1*", "1.7.1.*,1.8.1.*", true)]
    [InlineData("1.7.1*,1.8.1*", "1.7.1*,1.8.1.*", true)]
    public void Spec_equality(string a, string b, bool equal)
    {
        var x = CondaVersionSpec.Parse(a);
        var y = CondaVersionSpec.Parse(b);
        Assert.Equal(equal, x.Equals(y));
        Assert.Equal(equal, x.GetHashCode() == y.GetHashCode());
    }

    [Fact]
    public void Nested_groups_flatten_and_keep_needed_parentheses()
    {
        // test_version_spec_2. conda prints "1.5|1.6|1.7,1.8,1.9|2.0|2.1", which drops the parentheses that its own
        // tree keeps; we print the tree faithfully, so (1.6|1.7) keeps its parentheses.
        var spec = CondaVersionSpec.Parse("( (1.5|((1.6|1.7), 1.8), 1.9 |2.0))|2.1");
        Assert.Equal("1.5|(1.6|1.7),1.8,1.9|2.0|2.1", spec.ToString());
        var or = Assert.IsType<CondaSpecOr>(spec.Root);
        Assert.Equal(4, or.Children.Count);
        var and = Assert.IsType<CondaSpecAnd>(or.Children[1]);
        Assert.IsType<CondaSpecOr>(and.Children[0]);
    }
}
