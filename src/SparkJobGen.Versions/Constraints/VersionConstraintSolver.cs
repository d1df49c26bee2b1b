using System;
using System.Collections.Generic;
using System.Linq;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>One clause of a constraint as the solver sees it: its set, its rendering and how it sorts.</summary>
    /// <typeparam name="TPoint">The domain's point type.</typeparam>
    internal sealed class ConstraintClause<TPoint>
        where TPoint : class
    {
        /// <summary>Creates a clause.</summary>
        public ConstraintClause(string text, VersionSet<TPoint> set, int rank, TPoint? sortPoint, bool optsIntoPrereleases, string? arbitraryText)
        {
            Text = text;
            Set = set;
            Rank = rank;
            SortPoint = sortPoint;
            OptsIntoPrereleases = optsIntoPrereleases;
            ArbitraryText = arbitraryText;
        }

        /// <summary>Normalized text.</summary>
        public string Text { get; }

        /// <summary>The versions it admits.</summary>
        public VersionSet<TPoint> Set { get; }

        /// <summary>Rendering group: lower first.</summary>
        public int Rank { get; }

        /// <summary>Orders clauses inside a group.</summary>
        public TPoint? SortPoint { get; }

        /// <summary>Whether the clause admits pre-releases by pip's rules.</summary>
        public bool OptsIntoPrereleases { get; }

        /// <summary>The text of a <c>===</c> clause (string equality that sets over the order cannot express), else null.</summary>
        public string? ArbitraryText { get; }
    }

    /// <summary>
    /// Decides exactly whether the constraints on one package can all hold, by intersecting them as sets over the version
    /// order (see <c>docs/versions.md</c>). Pip-only constraints are solved in the PEP 440 order with its exclusive-ordering
    /// and pre-release rules. As soon as one constraint is a conda spec, every constraint is read in conda's VersionOrder
    /// (conda installs the package and pip sees what conda installed); pip clauses then keep their plain comparison meaning.
    /// </summary>
    public static class VersionConstraintSolver
    {
        private static readonly int[] FirstOnly = { 0 };

        /// <summary>Intersects the constraints (all on one package) and explains a conflict.</summary>
        /// <param name="constraints">The constraints, most specific declaration first.</param>
        public static SatisfiabilityResult Check(IEnumerable<VersionConstraint> constraints)
        {
            if (constraints == null)
            {
                throw new ArgumentNullException(nameof(constraints));
            }

            var list = constraints.ToList();
            if (list.Any(static c => c.Ecosystem == ConstraintEcosystem.Conda))
            {
                // Mixed or conda-only: conda's order decides (conda installs the package; pip sees what conda installed).
                return Solve(list, CondaDomain.Instance, static c => (List<ConstraintClause<CondaPoint>>)(c.Clauses.Conda ??= CondaClauses(c)), static (_, _) => true, ContainsConda, 1, VerifyConda);
            }

            return Solve(list, Pep440Domain.Instance, static c => (List<ConstraintClause<Pep440Point>>)(c.Clauses.Pep440 ??= Pep440Clauses(c)), static (set, pre) => pre || !set.Restrict(Pep440Domain.FinalMask).IsEmpty, ContainsPep440, Pep440Domain.FinalMask, static (_, _, example) => example);
        }

        /// <summary>Groups constraints by <see cref="VersionConstraint.PackageKey"/> and checks each package.</summary>
        /// <param name="constraints">Constraints on any packages.</param>
        public static IReadOnlyDictionary<string, SatisfiabilityResult> CheckAll(IEnumerable<VersionConstraint> constraints)
        {
            if (constraints == null)
            {
                throw new ArgumentNullException(nameof(constraints));
            }

            var result = new SortedDictionary<string, SatisfiabilityResult>(StringComparer.Ordinal);
            foreach (var group in constraints.GroupBy(static c => c.PackageKey, StringComparer.Ordinal))
            {
                result[group.Key] = Check(group);
            }

            return result;
        }

        private static Func<string, bool> ContainsPep440(VersionSet<Pep440Point> set) =>
            text => Pep440Version.TryParse(text, out var v, out _) && set.Contains(Pep440Point.Exact(v!));

        private static Func<string, bool> ContainsConda(VersionSet<CondaPoint> set) =>
            text => CondaVersion.TryParse(text, out var v, out _) && set.Contains(CondaPoint.Exact(v!));

        // A version in the set that every conda spec's own matcher accepts (globs and local prefixes are supersets in the
        // set): the set's witness when it holds, else a witness of another piece, else a candidate near any term's version.
        private static CondaPoint? VerifyConda(List<VersionConstraint> constraints, VersionSet<CondaPoint> total, CondaPoint? example)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var specs = constraints.Where(c => c.Conda != null && seen.Add(c.Text)).Select(static c => c.Conda!).ToList();
            bool Holds(CondaPoint point) => total.Contains(point) && specs.All(spec => spec.IsSatisfiedBy(point.Version));
            if (example != null && Holds(example))
            {
                return example;
            }

            var sources = new List<CondaVersion>();
            foreach (var (low, high, isPoint, mask) in total.Pieces())
            {
                if (mask == 0)
                {
                    continue;
                }

                if (isPoint)
                {
                    if (Holds(low!))
                    {
                        return low;
                    }
                }
                else if (CondaDomain.Instance.TryFindWitness(low, high, mask, out var witness) && Holds(witness!))
                {
                    return witness;
                }

                if (low != null)
                {
                    sources.Add(low.Version);
                }
            }

            foreach (var spec in specs)
            {
                CollectVersions(spec.Root, sources);
            }

            foreach (var candidate in CondaCandidates.Around(sources))
            {
                var point = CondaPoint.Exact(candidate);
                if (Holds(point))
                {
                    return point;
                }
            }

            return null;
        }

        private static void CollectVersions(CondaSpecNode node, List<CondaVersion> into)
        {
            switch (node)
            {
                case CondaSpecTerm term:
                    into.Add(term.Version);
                    break;
                case CondaSpecAnd and:
                    foreach (var child in and.Children)
                    {
                        CollectVersions(child, into);
                    }

                    break;
                case CondaSpecOr or:
                    foreach (var child in or.Children)
                    {
                        CollectVersions(child, into);
                    }

                    break;
                case CondaSpecGlob glob:
                    var literal = glob.Pattern.Replace("*", "0").Trim('.', '_');
                    if (CondaVersion.TryParse(literal, out var v, out _))
                    {
                        into.Add(v!);
                    }

                    break;
            }
        }

        private static List<ConstraintClause<CondaPoint>> CondaClauses(VersionConstraint constraint)
        {
            var clauses = new List<ConstraintClause<CondaPoint>>();
            if (constraint.Pip is { } pip)
            {
                foreach (var s in pip.Specifiers)
                {
                    var (set, term) = CondaSets.FromPip(s);
                    clauses.Add(term is null
                        ? new ConstraintClause<CondaPoint>(s.ToNormalizedString(), set, 7, null, false, null)
                        : new ConstraintClause<CondaPoint>(term.Text, set, CondaRank(term), CondaPoint.Exact(term.Version), false, null));
                }

                return clauses;
            }

            var root = constraint.Conda?.Root;
            var nodes = root is CondaSpecAnd and ? and.Children : root is null || root is CondaSpecAny ? Array.Empty<CondaSpecNode>() : new[] { root };
            foreach (var node in nodes)
            {
                var term = node as CondaSpecTerm;
                clauses.Add(new ConstraintClause<CondaPoint>(
                    node.Render(true),
                    CondaSets.FromNode(node),
                    term is null ? 6 : CondaRank(term),
                    term is null ? null : CondaPoint.Exact(term.Version),
                    false,
                    null));
            }

            return clauses;
        }

        private static int CondaRank(CondaSpecTerm term) => term.Operator switch
        {
            CondaOperator.Equal => 1,
            CondaOperator.StartsWith => 1,
            CondaOperator.Compatible => 2,
            CondaOperator.GreaterOrEqual => 3,
            CondaOperator.Greater => 3,
            CondaOperator.Less => 4,
            CondaOperator.LessOrEqual => 4,
            _ => 5,
        };

        private static List<ConstraintClause<Pep440Point>> Pep440Clauses(VersionConstraint constraint)
        {
            var clauses = new List<ConstraintClause<Pep440Point>>();
            foreach (var s in constraint.Pip!.Specifiers)
            {
                int rank = s.Operator switch
                {
                    Pep440Operator.Arbitrary => 0,
                    Pep440Operator.Equal => 1,
                    Pep440Operator.Compatible => 2,
                    Pep440Operator.GreaterOrEqual => 3,
                    Pep440Operator.Greater => 3,
                    Pep440Operator.Less => 4,
                    Pep440Operator.LessOrEqual => 4,
                    _ => 5,
                };
                clauses.Add(new ConstraintClause<Pep440Point>(
                    s.ToNormalizedString(),
                    Pep440Sets.FromSpecifier(s),
                    rank,
                    s.Version is null ? null : Pep440Point.Exact(s.Version),
                    s.Prereleases || constraint.Pip.ExplicitPrereleases == true,
                    s.Operator == Pep440Operator.Arbitrary ? s.VersionText : null));
            }

            return clauses;
        }

        private static SatisfiabilityResult Solve<TPoint>(
            List<VersionConstraint> constraints,
            IOrderDomain<TPoint> domain,
            Func<VersionConstraint, List<ConstraintClause<TPoint>>> toClauses,
            Func<VersionSet<TPoint>, bool, bool> admitsWithoutOptIn,
            Func<VersionSet<TPoint>, Func<string, bool>> contains,
            int finalMask,
            Func<List<VersionConstraint>, VersionSet<TPoint>, TPoint?, TPoint?> verify)
            where TPoint : class
        {
            // Constraints with the same text (many jobs repeat one) share their clauses.
            var byText = new Dictionary<string, List<ConstraintClause<TPoint>>>(StringComparer.Ordinal);
            var clauses = constraints.Select(c =>
            {
                var key = (c.Ecosystem == ConstraintEcosystem.Pip ? "pip:" : "conda:") + c.Text;
                if (!byText.TryGetValue(key, out var list))
                {
                    list = toClauses(c);
                    byText.Add(key, list);
                }

                return list;
            }).ToList();
            var all = Enumerable.Range(0, constraints.Count).ToList();
            var total = IntersectDistinct(domain, clauses);
            var none = new Dictionary<VersionConstraint, string>();
            if (!total.IsEmpty)
            {
                // With ===, the one version string that can satisfy is the text itself.
                var arbitrary = clauses.SelectMany(static cs => cs).Select(static c => c.ArbitraryText).FirstOrDefault(static t => t != null);
                var containsTotal = ContainsWithArbitrary(contains(total), arbitrary, clauses.Any(static cs => cs.Any(static c => c.ArbitraryText == null)));
                bool optIn = clauses.Any(static cs => cs.Any(static c => c.OptsIntoPrereleases));
                var status = admitsWithoutOptIn(total, optIn) ? SatisfiabilityStatus.Satisfiable : SatisfiabilityStatus.SatisfiableOnlyByPrereleases;
                var preferred = total.Restrict(finalMask);
                if (!preferred.TryFindWitness(out var example))
                {
                    total.TryFindWitness(out example);
                }

                example = verify(constraints, total, example);
                if (example is null)
                {
                    // The set is not empty as far as the order goes, but no version found satisfies the specs' own matchers.
                    return new SatisfiabilityResult(SatisfiabilityStatus.Undecided, () => Render(domain, clauses, all), Array.Empty<VersionConstraint>(), none, null, containsTotal);
                }

                return new SatisfiabilityResult(status, () => Render(domain, clauses, all), Array.Empty<VersionConstraint>(), none, arbitrary ?? example?.ToString(), containsTotal);
            }

            var conflict = MinimalConflict(domain, clauses);
            var relaxations = new Dictionary<VersionConstraint, string>();
            foreach (var member in conflict)
            {
                var others = all.Where(i => i != member).ToList();
                if (!Intersect(domain, clauses, others).IsEmpty)
                {
                    relaxations[constraints[member]] = Render(domain, clauses, others);
                }
            }

            return new SatisfiabilityResult(
                SatisfiabilityStatus.Unsatisfiable,
                static () => string.Empty,
                conflict.Select(i => constraints[i]).ToList(),
                relaxations,
                null,
                contains(total));
        }

        // Membership in a satisfiable intersection. === is string identity (the text as written, ignoring case, as
        // Pep440Specifier.Contains reads it): only the === text itself is in the set, and it must also lie in the set of the
        // other clauses when there are any (a === text alone need not be a version at all).
        private static Func<string, bool> ContainsWithArbitrary(Func<string, bool> containsTotal, string? arbitrary, bool otherClauses) =>
            arbitrary == null
                ? containsTotal
                : text => text != null && string.Equals(text.Trim(), arbitrary, StringComparison.OrdinalIgnoreCase) && (!otherClauses || containsTotal(text));

        // The intersection of every constraint, each distinct clause once (many jobs repeat the same constraint text).
        private static VersionSet<TPoint> IntersectDistinct<TPoint>(IOrderDomain<TPoint> domain, List<List<ConstraintClause<TPoint>>> clauses)
            where TPoint : class
        {
            var distinct = new Dictionary<string, ConstraintClause<TPoint>>(StringComparer.Ordinal);
            foreach (var clause in clauses.SelectMany(static cs => cs))
            {
                if (!distinct.ContainsKey(clause.Text))
                {
                    distinct.Add(clause.Text, clause);
                }
            }

            return Intersect(domain, new List<List<ConstraintClause<TPoint>>> { distinct.Values.ToList() }, FirstOnly);
        }

        // The intersection of the chosen constraints. === is string identity: two different === strings never hold together,
        // and a === string that is not a PEP 440 version fails every other clause (they all need a version).
        private static VersionSet<TPoint> Intersect<TPoint>(IOrderDomain<TPoint> domain, List<List<ConstraintClause<TPoint>>> clauses, IEnumerable<int> indices)
            where TPoint : class
        {
            var set = VersionSet<TPoint>.All(domain);
            string? arbitrary = null;
            bool others = false;
            foreach (var i in indices)
            {
                foreach (var clause in clauses[i])
                {
                    others |= clause.ArbitraryText == null;
                    if (clause.ArbitraryText != null)
                    {
                        if (arbitrary != null && !string.Equals(arbitrary, clause.ArbitraryText, StringComparison.OrdinalIgnoreCase))
                        {
                            return VersionSet<TPoint>.Empty(domain);
                        }

                        arbitrary = clause.ArbitraryText;
                    }

                    set = set.Intersect(clause.Set);
                }
            }

            return arbitrary != null && others && !Pep440Version.TryParse(arbitrary, out _, out _) ? VersionSet<TPoint>.Empty(domain) : set;
        }

        // A smallest conflicting pair if there is one, else a minimal subset found by deletion (drop what is not needed).
        private static List<int> MinimalConflict<TPoint>(IOrderDomain<TPoint> domain, List<List<ConstraintClause<TPoint>>> clauses)
            where TPoint : class
        {
            for (int i = 0; i < clauses.Count; i++)
            {
                if (Intersect(domain, clauses, new[] { i }).IsEmpty)
                {
                    return new List<int> { i };
                }
            }

            for (int i = 0; i < clauses.Count; i++)
            {
                for (int j = i + 1; j < clauses.Count; j++)
                {
                    if (Intersect(domain, clauses, new[] { i, j }).IsEmpty)
                    {
                        return new List<int> { i, j };
                    }
                }
            }

            var kept = Enumerable.Range(0, clauses.Count).ToList();
            for (int k = kept.Count - 1; k >= 0; k--)
            {
                var without = kept.Where((_, index) => index != k).ToList();
                if (Intersect(domain, clauses, without).IsEmpty)
                {
                    kept = without;
                }
            }

            return kept;
        }

        // The clauses of the chosen constraints without duplicates or clauses implied by the rest, in a stable order.
        private static string Render<TPoint>(IOrderDomain<TPoint> domain, List<List<ConstraintClause<TPoint>>> clauses, IEnumerable<int> indices)
            where TPoint : class
        {
            var chosen = new List<ConstraintClause<TPoint>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in indices)
            {
                foreach (var clause in clauses[i])
                {
                    if (seen.Add(clause.Text))
                    {
                        chosen.Add(clause);
                    }
                }
            }

            for (int k = chosen.Count - 1; k >= 0; k--)
            {
                // === is kept (string identity is more than its point), and so is the only clause that opts into pre-releases.
                if (chosen[k].ArbitraryText != null || (chosen[k].OptsIntoPrereleases && !chosen.Where((_, m) => m != k).Any(static c => c.OptsIntoPrereleases)))
                {
                    continue;
                }

                var rest = VersionSet<TPoint>.All(domain);
                for (int m = 0; m < chosen.Count; m++)
                {
                    if (m != k)
                    {
                        rest = rest.Intersect(chosen[m].Set);
                    }
                }

                if (rest.IsSubsetOf(chosen[k].Set))
                {
                    chosen.RemoveAt(k);
                }
            }

            chosen.Sort((a, b) =>
            {
                int c = a.Rank.CompareTo(b.Rank);
                if (c == 0 && a.SortPoint != null && b.SortPoint != null)
                {
                    c = domain.Compare(a.SortPoint, b.SortPoint);
                }

                return c != 0 ? c : string.CompareOrdinal(a.Text, b.Text);
            });
            return string.Join(",", chosen.Select(static c => c.Text));
        }
    }
}
