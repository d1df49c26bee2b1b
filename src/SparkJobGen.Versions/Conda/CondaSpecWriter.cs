using System;
using System.Collections.Generic;
using System.Linq;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Versions.Conda
{
    /// <summary>
    /// Writes the intersection of several conda version specs as one spec that every conda-family parser reads the same
    /// way: the AND distributed over every OR (no parentheses, which conda's MatchSpec parser rejects), each alternative
    /// without terms the others imply and without alternatives that admit nothing, every term in an explicit form
    /// (<c>==V</c> for exact, <c>V.*</c> for a prefix, never a bare version), and never a leading <c>=</c> or <c>==</c>,
    /// which a MatchSpec rewrites.
    /// </summary>
    public static class CondaSpecWriter
    {
        /// <summary>
        /// The intersection of <paramref name="specs"/> (null entries allow any version) in normal form; empty when every
        /// version is allowed. When no version satisfies them all, the first alternative is written unsimplified (it
        /// admits nothing either), so the written spec still means what was declared.
        /// </summary>
        /// <param name="specs">The specs, all on one package.</param>
        public static string Intersect(IEnumerable<CondaVersionSpec?> specs)
        {
            if (specs == null)
            {
                throw new ArgumentNullException(nameof(specs));
            }

            var alternatives = new List<List<CondaSpecNode>> { new List<CondaSpecNode>() };
            foreach (var spec in specs)
            {
                if (spec is null)
                {
                    continue;
                }

                var next = new List<List<CondaSpecNode>>();
                foreach (var left in alternatives)
                {
                    foreach (var right in Disjuncts(spec.Root))
                    {
                        var both = new List<CondaSpecNode>(left);
                        both.AddRange(right);
                        next.Add(both);
                    }
                }

                alternatives = next;
            }

            var kept = new List<(List<CondaSpecNode> Terms, VersionSet<CondaPoint> Set, bool Exact)>();
            foreach (var alternative in alternatives)
            {
                var terms = Simplify(alternative, out var set);
                if (set.IsEmpty)
                {
                    continue;
                }

                if (terms.Count == 0)
                {
                    return string.Empty;
                }

                kept.Add((terms, set, terms.All(static t => t is CondaSpecTerm)));
            }

            if (kept.Count == 0)
            {
                return string.Join(",", Ordered(alternatives[0].Where(static n => n is not CondaSpecAny)).Select(Text));
            }

            // An alternative inside another one adds nothing (only when both are sets over the order, not globs).
            for (int i = kept.Count - 1; i >= 0; i--)
            {
                for (int j = 0; j < kept.Count; j++)
                {
                    if (i != j && kept[i].Exact && kept[j].Exact && kept[i].Set.IsSubsetOf(kept[j].Set) && (j < i || !kept[j].Set.IsSubsetOf(kept[i].Set)))
                    {
                        kept.RemoveAt(i);
                        break;
                    }
                }
            }

            return string.Join("|", kept.Select(static k => string.Join(",", Ordered(k.Terms).Select(Text))));
        }

        // The spec as an OR of ANDs of terms, globs and '*'.
        private static IEnumerable<List<CondaSpecNode>> Disjuncts(CondaSpecNode node)
        {
            switch (node)
            {
                case CondaSpecOr or:
                    return or.Children.SelectMany(Disjuncts).ToList();
                case CondaSpecAnd and:
                {
                    var result = new List<List<CondaSpecNode>> { new List<CondaSpecNode>() };
                    foreach (var child in and.Children)
                    {
                        var next = new List<List<CondaSpecNode>>();
                        foreach (var left in result)
                        {
                            foreach (var right in Disjuncts(child))
                            {
                                var both = new List<CondaSpecNode>(left);
                                both.AddRange(right);
                                next.Add(both);
                            }
                        }

                        result = next;
                    }

                    return result;
                }

                default:
                    return new[] { new List<CondaSpecNode> { node } };
            }
        }

        // One alternative without duplicates, '*', and terms the rest imply; globs are kept (their sets are supersets).
        private static List<CondaSpecNode> Simplify(List<CondaSpecNode> alternative, out VersionSet<CondaPoint> set)
        {
            var terms = new List<CondaSpecNode>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in alternative)
            {
                if (node is not CondaSpecAny && seen.Add(Text(node)))
                {
                    terms.Add(node);
                }
            }

            var sets = terms.Select(CondaSets.FromNode).ToList();
            set = VersionSet<CondaPoint>.All(CondaDomain.Instance);
            foreach (var s in sets)
            {
                set = set.Intersect(s);
            }

            for (int k = terms.Count - 1; k >= 0; k--)
            {
                if (terms[k] is not CondaSpecTerm)
                {
                    continue;
                }

                var rest = VersionSet<CondaPoint>.All(CondaDomain.Instance);
                for (int m = 0; m < terms.Count; m++)
                {
                    if (m != k)
                    {
                        rest = rest.Intersect(sets[m]);
                    }
                }

                if (rest.IsSubsetOf(sets[k]))
                {
                    terms.RemoveAt(k);
                    sets.RemoveAt(k);
                }
            }

            return terms;
        }

        // Lower bounds, upper bounds, exclusions, compatible and prefix terms, exact terms, globs: an exact term never comes
        // first unless it is alone (a MatchSpec strips a leading '==').
        private static IEnumerable<CondaSpecNode> Ordered(IEnumerable<CondaSpecNode> terms) =>
            terms.Select((node, index) => (node, index))
                .OrderBy(static p => Rank(p.node))
                .ThenBy(static p => p.index)
                .Select(static p => p.node);

        private static int Rank(CondaSpecNode node) => node is CondaSpecTerm term
            ? term.Operator switch
            {
                CondaOperator.GreaterOrEqual => 0,
                CondaOperator.Greater => 0,
                CondaOperator.Less => 1,
                CondaOperator.LessOrEqual => 1,
                CondaOperator.Compatible => 2,
                CondaOperator.StartsWith => 3,
                CondaOperator.NotEqual => 4,
                CondaOperator.NotStartsWith => 4,
                _ => 5,
            }
            : 6;

        /// <summary>The explicit text of one term: <c>==V</c>, <c>V.*</c>, <c>!=V.*</c>, <c>&gt;=V</c>, a glob as written.</summary>
        private static string Text(CondaSpecNode node) => node switch
        {
            CondaSpecTerm { Operator: CondaOperator.StartsWith } term => term.Version + ".*",
            CondaSpecTerm term => CondaSpecTerm.CanonicalText(term.Operator, term.Version),
            CondaSpecGlob glob => glob.Pattern,
            _ => "*",
        };
    }
}
