using CsCheck;
using SparkJobGen.Versions.Conda;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Versions.Tests.Constraints;

public sealed class CondaSolverTests
{
    private static SatisfiabilityResult Conda(params string[] specs) =>
        VersionConstraintSolver.Check(specs.Select((s, i) => VersionConstraint.ParseConda("pandas", s, "c" + i)));

    [Theory]
    [InlineData(">=2,<3", "1.5.*")]
    [InlineData("1.5.*|>=2,<3", ">=3")]
    [InlineData("=3.11", "3.12.*")]
    [InlineData("3.11.4", "!=3.11.4")]
    [InlineData("~=1.4.2", ">=1.5")]
    [InlineData("!=1.5.*", "1.5.3")]
    [InlineData("<1.0", ">=1.0")]
    [InlineData(">1.0", "<=1.0.0")]
    public void Conflicting_conda_specs_are_unsatisfiable(string a, string b)
    {
        var result = Conda(a, b);
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, result.Status);
        Assert.Equal(2, result.Conflict.Count);
    }

    [Theory]
    [InlineData(">=1.26,<2", "1.26.*", "1.26.4")]
    [InlineData("1.5.*|>=2,<3", "<1.6", "1.5.3")]
    [InlineData("1.5.*|>=2,<3", ">1.6", "2.1")]
    [InlineData("=3.11", ">=3.11.2", "3.11.9")]
    [InlineData("1.*.2", "<0.5", null)]
    [InlineData("*", "<0.5", "0.4")]
    [InlineData("", "1.0", "1.0.0")]
    public void Compatible_conda_specs_are_satisfiable(string a, string b, string? member)
    {
        var result = Conda(a, b);
        Assert.True(result.IsSatisfiable, result.ToString());
        if (member is not null)
        {
            Assert.True(result.Contains(member));
        }
    }

    [Fact]
    public void Conda_intersection_drops_redundant_terms()
    {
        Assert.Equal(">=2,<2.5", Conda(">=1.5", ">=2,<3", "<2.5").Intersection);
        Assert.Equal("1.26.*", Conda("1.26.*", "<2").Intersection);
    }

    [Fact]
    public void Pip_and_conda_constraints_on_one_package_meet_in_conda_order()
    {
        var result = VersionConstraintSolver.Check(new[]
        {
            VersionConstraint.ParseConda("python", "3.11.*", "conda"),
            VersionConstraint.ParsePip("Python", ">=3.12", "pip"),
        });
        Assert.Equal(SatisfiabilityStatus.Unsatisfiable, result.Status);
        Assert.Equal(new object?[] { "conda", "pip" }, result.Conflict.Select(static c => c.Source));

        var ok = VersionConstraintSolver.Check(new[]
        {
            VersionConstraint.ParseConda("pyarrow", ">=14", "conda"),
            VersionConstraint.ParsePip("pyarrow", "~=15.0,!=15.0.1", "pip"),
        });
        Assert.True(ok.IsSatisfiable);
        Assert.True(ok.Contains("15.0.2"));
        Assert.False(ok.Contains("15.0.1"));
        Assert.False(ok.Contains("16.0"));
    }

    // --- property: brute force over generated conda specs and versions ---

    private static readonly Gen<string> Release = Gen.Int[0, 2].Array[1, 3].Select(static r => string.Join(".", r));

    private static readonly Gen<string> Version =
        Gen.Select(Release, Gen.Int[0, 9]).Select(static (r, s) => r + s switch
        {
            6 => "a1",
            7 => "rc1",
            8 => ".post1",
            9 => "dev0",
            _ => string.Empty,
        });

    private static readonly string[] Operators = ["==", "!=", "<", "<=", ">", ">=", "=", "~=", "", "!="];

    private static readonly Gen<string> Term = Gen.Select(Gen.Int[0, 11], Version, Release, static (op, version, release) => op switch
    {
        10 => release + ".*",
        11 => "!=" + release + ".*",
        7 => "~=" + release + ".1",
        _ => Operators[op] + version,
    });

    private static readonly Gen<string> Spec = Term.Array[1, 3].Array[1, 2]
        .Select(static alternatives => string.Join("|", alternatives.Select(static all => string.Join(",", all))));

    [Fact]
    public void Conda_solver_agrees_with_brute_force_over_generated_versions()
    {
        Gen.Select(Spec.Array[1, 3], Version.Array[10, 30]).Sample(static (specs, generated) =>
        {
            var parsed = specs.Select(static s => CondaVersionSpec.Parse(s)).ToList();
            var result = VersionConstraintSolver.Check(specs.Select((s, i) => VersionConstraint.ParseConda("pkg", s, i)));
            var versions = generated.Concat(parsed.SelectMany(static p => Versions(p.Root))).Select(CondaVersion.Parse).ToList();
            foreach (var v in versions)
            {
                bool all = parsed.All(p => p.IsSatisfiedBy(v));
                Assert.True(all == result.Contains(v.ToString()), $"{v}: satisfies all {all}; {result}");
                if (all)
                {
                    Assert.True(result.IsSatisfiable, $"{v} satisfies every spec but the solver said {result}");
                }
            }

            if (result.IsSatisfiable)
            {
                foreach (var v in versions)
                {
                    Assert.Equal(parsed.All(p => p.IsSatisfiedBy(v)), CondaVersionSpec.Parse(result.Intersection.Length == 0 ? "*" : result.Intersection).IsSatisfiedBy(v));
                }
            }
            else
            {
                Assert.False(VersionConstraintSolver.Check(result.Conflict).IsSatisfiable);
            }
        }, iter: 3_000);
    }

    private static IEnumerable<string> Versions(CondaSpecNode node) => node switch
    {
        CondaSpecAnd and => and.Children.SelectMany(Versions),
        CondaSpecOr or => or.Children.SelectMany(Versions),
        CondaSpecTerm term => new[] { term.Version.ToString(), term.Version + ".0", term.Version + ".1", term.Version + "a1", term.Version + "dev0", term.Version + ".post1", term.Version + "+1" },
        _ => Array.Empty<string>(),
    };

    // --- property: pip and conda constraints on one package never give a false conflict ---

    private static readonly Gen<string> PepVersion =
        Gen.Select(Release, Gen.Int[0, 5], Gen.Int[0, 7]).Select(static (release, pre, suffix) => release
            + pre switch { 4 => "a1", 5 => "rc1", _ => string.Empty }
            + suffix switch { 4 => ".post1", 5 => ".dev0", 6 => "+1", 7 => "+cpu", _ => string.Empty });

    private static readonly string[] PipOperators = ["~=", "==", "!=", "<=", ">=", "<", ">", "==", "!="];

    private static readonly Gen<string> PipSpecifier = Gen.Select(Gen.Int[0, 8], PepVersion, Release, static (op, version, release) => op switch
    {
        7 => "==" + release + ".*",
        8 => "!=" + release + ".*",
        0 => "~=" + release + ".1",
        _ => PipOperators[op] + version,
    }).Where(static s => Pep440Specifier.TryParse(s, 0, s.Length, null, out _, out _));

    [Fact]
    public void Mixed_pip_and_conda_constraints_never_conflict_when_a_version_satisfies_both()
    {
        Gen.Select(PipSpecifier.Array[1, 3], Spec.Array[1, 2], PepVersion.Array[10, 30]).Sample(static (pip, conda, generated) =>
        {
            var pipSet = Pep440SpecifierSet.Parse(string.Join(",", pip));
            var condaSpecs = conda.Select(static s => CondaVersionSpec.Parse(s)).ToList();
            var constraints = conda.Select(static s => VersionConstraint.ParseConda("pkg", s)).Append(VersionConstraint.ParsePip("pkg", string.Join(",", pip))).ToList();
            var result = VersionConstraintSolver.Check(constraints);
            var candidates = generated
                .Concat(pipSet.Specifiers.SelectMany(static c => new[] { c.Version!.ToString(), c.Version + "+1", c.Version + ".1", c.Version + ".post1" }))
                .Concat(condaSpecs.SelectMany(static p => Versions(p.Root)));
            foreach (var text in candidates)
            {
                // Post- and dev releases on differently padded releases are ordered by conda's rules (documented in CondaSets.FromPip).
                if (!Pep440Version.TryParse(text, out var pep, out _) || pep!.Post != null || pep.Dev != null
                    || !CondaVersion.TryParse(pep.ToString(), out var cv, out _))
                {
                    continue;
                }

                bool both = pipSet.Specifiers.All(c => c.Matches(pep)) && condaSpecs.All(c => c.IsSatisfiedBy(cv!));
                if (both)
                {
                    Assert.True(result.IsSatisfiable, $"{pep} satisfies pip '{string.Join(",", pip)}' and conda '{string.Join(" ; ", conda)}' but the solver said {result}");
                    Assert.True(result.Contains(pep.ToString()), $"{pep} is not in {result.Intersection}");
                }
            }
        }, iter: 3_000);
    }
}
