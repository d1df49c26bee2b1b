using CsCheck;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Versions.Tests.Constraints;

/// <summary>Cross-checks the solver against brute force over generated specifier sets and version lists.</summary>
public sealed class Pep440SolverPropertyTests
{
    // Small ranges so that generated versions collide with specifier boundaries (same release, neighbouring suffixes).
    private static readonly Gen<string> Release = Gen.Int[0, 2].Array[1, 3].Select(static r => string.Join(".", r));

    private static readonly Gen<string> VersionText =
        Gen.Select(Gen.Int[0, 9], Release, Gen.Int[0, 5], Gen.Int[0, 2])
            .Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[0, 7], static (head, post, dev, local) =>
            {
                var (epoch, release, pre, preNumber) = head;
                var text = (epoch == 9 ? "1!" : string.Empty) + release;
                text += pre switch { 3 => "a" + preNumber, 4 => "b" + preNumber, 5 => "rc" + preNumber, _ => string.Empty };
                text += post >= 3 ? ".post" + (post - 3) : string.Empty;
                text += dev >= 3 ? ".dev" + (dev - 3) : string.Empty;
                text += local switch { 5 => "+local", 6 => "+1", 7 => "+a.2", _ => string.Empty };
                return text;
            });

    private static readonly string[] Operators = ["~=", "==", "!=", "<=", ">=", "<", ">", "==="];

    private static readonly Gen<Pep440Specifier> Specifier =
        Gen.Select(Gen.Int[0, 9], VersionText, Release, static (op, version, release) =>
        {
            string text = op switch
            {
                8 => "==" + release + ".*",
                9 => "!=" + release + ".*",
                7 => "===" + Pep440Version.Parse(version),
                _ => Operators[op] + version,
            };
            return Pep440Specifier.TryParse(text, 0, text.Length, null, out var s, out _) ? s : null;
        }).Where(static s => s is not null).Select(static s => s!);

    private static readonly Gen<Pep440Specifier[][]> SpecifierSets = Specifier.Array[1, 3].Array[1, 3];

    private static readonly Gen<(Pep440Specifier[][] Sets, string[] Versions)> Cases =
        Gen.Select(SpecifierSets, VersionText.Array[10, 30]);

    [Fact]
    public void Solver_agrees_with_brute_force_over_generated_versions()
    {
        Cases.Sample(static testCase =>
        {
            var (sets, generated) = testCase;
            var clauses = sets.SelectMany(static s => s).ToList();
            var constraints = sets.Select((s, i) => VersionConstraint.ParsePip("pkg", string.Join(",", s.Select(static c => c.ToNormalizedString())), i)).ToList();
            var result = VersionConstraintSolver.Check(constraints);
            var versions = generated.Concat(clauses.Where(static c => c.Version is not null).SelectMany(static c => Neighbours(c.Version!)))
                .Select(Pep440Version.Parse).ToList();
            bool hasArbitrary = clauses.Any(static c => c.Operator == Pep440Operator.Arbitrary);
            foreach (var v in versions)
            {
                bool matchesAll = clauses.All(c => c.Matches(v));
                bool containedByAll = clauses.All(c => c.Contains(v));
                if (!hasArbitrary)
                {
                    // Exact: the intersection holds precisely the versions every clause matches (pre-release filter aside).
                    Assert.True(matchesAll == result.Contains(v.ToString()), $"{v} matches all: {matchesAll}, in intersection: {!matchesAll}; {result}");
                }

                if (containedByAll)
                {
                    Assert.True(result.IsSatisfiable, $"{v} satisfies every clause but the solver said {result}");
                    Assert.True(result.Contains(v.ToString()), $"{v} satisfies every clause but is not in {result.Intersection}");
                }

                if (!result.IsSatisfiable)
                {
                    Assert.False(matchesAll, $"{v} matches every clause but the solver found a conflict: {result}");
                }
            }

            if (result.IsSatisfiable)
            {
                // The witness the decision rests on really satisfies every clause.
                var example = Pep440Version.Parse(result.Example!);
                Assert.True(clauses.All(c => c.Matches(example)), $"example {example} does not satisfy every clause of {result.Intersection}");
                if (result.Status == SatisfiabilityStatus.SatisfiableOnlyByPrereleases)
                {
                    Assert.DoesNotContain(versions, v => !v.IsPrerelease && clauses.All(c => c.Matches(v)));
                }

                // The rendered intersection is equivalent to the constraints it came from.
                var rendered = Pep440SpecifierSet.Parse(result.Intersection);
                foreach (var v in versions.Append(example))
                {
                    Assert.Equal(clauses.All(c => c.Matches(v)), rendered.Specifiers.All(c => c.Matches(v)));
                }
            }
            else
            {
                Assert.Null(result.Example);
                Assert.NotEmpty(result.Conflict);
                Assert.False(VersionConstraintSolver.Check(result.Conflict).IsSatisfiable);
            }
        }, iter: 5_000);
    }

    private static IEnumerable<string> Neighbours(Pep440Version v)
    {
        var release = string.Join(".", v.Release);
        var epoch = v.Epoch == 0 ? string.Empty : v.Epoch + "!";
        yield return v.ToString();
        yield return epoch + release;
        yield return epoch + release + ".0";
        yield return epoch + release + ".1";
        yield return epoch + release + "a1";
        yield return epoch + release + ".dev0";
        yield return epoch + release + ".post0";
        yield return epoch + release + ".post1.dev0";
        yield return v.Public + "+local";
    }
}
