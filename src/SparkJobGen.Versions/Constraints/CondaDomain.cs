using System;
using System.Collections.Generic;
using System.Linq;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>What a <see cref="CondaPoint"/> stands for in conda's VersionOrder.</summary>
    internal enum CondaPointKind
    {
        /// <summary>The version itself.</summary>
        Exact,

        /// <summary>The cut just below every version that starts with the prefix.</summary>
        BelowPrefix,

        /// <summary>The cut just above every version that starts with the prefix.</summary>
        AbovePrefix,

        /// <summary>The cut just below a version without a local label and all its local versions (conda sorts <c>1.0+cpu</c> below <c>1.0</c>).</summary>
        BelowLocals,

        /// <summary>The cut just above a version without a local label and all its local versions.</summary>
        AboveLocals,
    }

    /// <summary>A boundary in conda's order.</summary>
    internal sealed class CondaPoint
    {
        private CondaPoint(CondaPointKind kind, CondaVersion version)
        {
            Kind = kind;
            Version = version;
        }

        /// <summary>The kind.</summary>
        public CondaPointKind Kind { get; }

        /// <summary>The version, or the prefix of a cut.</summary>
        public CondaVersion Version { get; }

        /// <summary>The version itself.</summary>
        public static CondaPoint Exact(CondaVersion version) => new CondaPoint(CondaPointKind.Exact, version);

        /// <summary>Just below the versions starting with <paramref name="prefix"/>.</summary>
        public static CondaPoint Below(CondaVersion prefix) => new CondaPoint(CondaPointKind.BelowPrefix, prefix);

        /// <summary>Just above the versions starting with <paramref name="prefix"/>.</summary>
        public static CondaPoint Above(CondaVersion prefix) => new CondaPoint(CondaPointKind.AbovePrefix, prefix);

        /// <summary>Just above <paramref name="version"/> (which has no local label) and all its local versions.</summary>
        public static CondaPoint AboveLocals(CondaVersion version) => new CondaPoint(CondaPointKind.AboveLocals, version);

        /// <summary>Just below <paramref name="version"/> (which has no local label) and all its local versions.</summary>
        public static CondaPoint BelowLocals(CondaVersion version) => new CondaPoint(CondaPointKind.BelowLocals, version);

        /// <summary>The version without its local label (the version itself when it has none).</summary>
        public CondaVersion Public => _public ??= Version.HasLocal ? CondaVersion.Parse(Version.ToString().Substring(0, Version.ToString().IndexOf('+'))) : Version;

        private CondaVersion? _public;

        /// <inheritdoc />
        public override string ToString() => Kind switch
        {
            CondaPointKind.AboveLocals => "above " + Version + "+*",
            CondaPointKind.BelowLocals => "below " + Version + "+*",
            CondaPointKind.Exact => Version.ToString(),
            CondaPointKind.BelowPrefix => "below " + Version + ".*",
            _ => "above " + Version + ".*",
        };
    }

    /// <summary>
    /// conda's VersionOrder as a <see cref="IOrderDomain{TPoint}"/>: one version class, prefix matches (<c>=1.2</c>,
    /// <c>1.2.*</c>, <c>=0.4.1p</c>, <c>=1dev</c>) as intervals between two cuts. conda's order has no pre-release filter.
    /// </summary>
    /// <remarks>
    /// conda's order is not dense: every epoch-0 version starts with <c>0</c> or lies above <c>0.*</c>, nothing lies between
    /// <c>1.0.*</c> and <c>1.1.*</c>. A gap between two boundaries holds a version only if one can be named, so a witness
    /// is always a concrete version built from the boundaries (<see cref="CondaCandidates"/>), and a gap where none of them
    /// falls is empty. Globs (<c>1.*.2</c>) match by text rather than by an interval: their sets here are supersets, and the
    /// solver checks every witness against the real matcher.
    /// </remarks>
    internal sealed class CondaDomain : IOrderDomain<CondaPoint>
    {
        private CondaDomain()
        {
        }

        /// <summary>The single instance.</summary>
        public static CondaDomain Instance { get; } = new CondaDomain();

        /// <inheritdoc />
        public int FullMask => 1;

        /// <inheritdoc />
        public int ClassOf(CondaPoint point) => 0;

        /// <inheritdoc />
        public bool IsVersion(CondaPoint point) => point.Kind == CondaPointKind.Exact;

        /// <inheritdoc />
        public int Compare(CondaPoint left, CondaPoint right)
        {
            if (IsLocalsCut(left) || IsLocalsCut(right))
            {
                return CompareWithLocalsCut(left, right);
            }

            if (left.Kind == CondaPointKind.Exact && right.Kind == CondaPointKind.Exact)
            {
                return left.Version.CompareTo(right.Version);
            }

            if (left.Kind == CondaPointKind.Exact)
            {
                return CompareVersionToCut(left.Version, right);
            }

            if (right.Kind == CondaPointKind.Exact)
            {
                return -CompareVersionToCut(right.Version, left);
            }

            // StartsWith pads with zeros ("2" starts with "2.0"), so containment of prefix sets also needs the deeper prefix.
            int depth = Depth(left.Version).CompareTo(Depth(right.Version));
            bool leftInRight = depth >= 0 && left.Version.StartsWith(right.Version);
            bool rightInLeft = depth <= 0 && right.Version.StartsWith(left.Version);
            if (leftInRight && rightInLeft)
            {
                return left.Kind.CompareTo(right.Kind);
            }

            if (leftInRight)
            {
                // The left prefix's versions lie inside the right prefix's: both its cuts are between the right cuts.
                return right.Kind == CondaPointKind.BelowPrefix ? 1 : -1;
            }

            if (rightInLeft)
            {
                return left.Kind == CondaPointKind.BelowPrefix ? -1 : 1;
            }

            int c = left.Version.CompareTo(right.Version);
            return c != 0 ? Math.Sign(c) : left.Kind.CompareTo(right.Kind);
        }

        /// <inheritdoc />
        public bool TryFindWitness(CondaPoint? low, CondaPoint? high, int mask, out CondaPoint? witness)
        {
            witness = null;
            if (mask == 0 || (low is not null && high is not null && Compare(low, high) >= 0))
            {
                return false;
            }

            var sources = new List<CondaVersion>(2);
            if (low is not null)
            {
                sources.Add(low.Version);
            }

            if (high is not null)
            {
                sources.Add(high.Version);
            }

            foreach (var candidate in CondaCandidates.Around(sources))
            {
                var point = CondaPoint.Exact(candidate);
                if ((low is null || Compare(low, point) < 0) && (high is null || Compare(point, high) < 0))
                {
                    witness = point;
                    return true;
                }
            }

            return false;
        }

        private static bool IsLocalsCut(CondaPoint point) => point.Kind is CondaPointKind.BelowLocals or CondaPointKind.AboveLocals;

        // A cut below or above the group of V and its local versions (the versions whose public version is V).
        private static int CompareWithLocalsCut(CondaPoint left, CondaPoint right)
        {
            if (!IsLocalsCut(left))
            {
                return -CompareWithLocalsCut(right, left);
            }

            var v = left.Version;
            bool above = left.Kind == CondaPointKind.AboveLocals;
            switch (right.Kind)
            {
                case CondaPointKind.BelowLocals:
                case CondaPointKind.AboveLocals:
                {
                    int c = Math.Sign(v.CompareTo(right.Version));
                    return c != 0 ? c : (above ? 1 : 0) - (right.Kind == CondaPointKind.AboveLocals ? 1 : 0);
                }

                case CondaPointKind.Exact:
                {
                    int c = right.Public.CompareTo(v);
                    return c < 0 ? 1 : c > 0 ? -1 : above ? 1 : -1;
                }

                default:
                    // V and its locals lie inside the prefix set, or all on one side of it; a prefix with a local label
                    // (1+2) on V itself lies inside V's locals.
                    if (v.StartsWith(right.Version))
                    {
                        return right.Kind == CondaPointKind.BelowPrefix ? 1 : -1;
                    }

                    if (right.Version.HasLocal && right.Public.CompareTo(v) == 0)
                    {
                        return above ? 1 : -1;
                    }

                    return v.CompareTo(right.Version) < 0 ? -1 : 1;
            }
        }

        private static (int Components, int Parts) Depth(CondaVersion prefix) =>
            (prefix.Components.Count, prefix.Components[prefix.Components.Count - 1].Count);

        private static int CompareVersionToCut(CondaVersion version, CondaPoint cut)
        {
            if (version.StartsWith(cut.Version))
            {
                return cut.Kind == CondaPointKind.BelowPrefix ? 1 : -1;
            }

            int c = version.CompareTo(cut.Version);
            if (c == 0)
            {
                c = cut.Kind == CondaPointKind.BelowPrefix ? 1 : -1;
            }

            return Math.Sign(c);
        }
    }

    /// <summary>Turns conda version specs (and, for mixed packages, pip specifiers) into sets over <see cref="CondaDomain"/>.</summary>
    internal static class CondaSets
    {
        private static CondaDomain Domain => CondaDomain.Instance;

        /// <summary>The versions a spec node admits (a superset for globs and text prefixes, see <see cref="CondaDomain"/>).</summary>
        public static VersionSet<CondaPoint> FromNode(CondaSpecNode node)
        {
            switch (node)
            {
                case CondaSpecAnd and:
                {
                    var set = VersionSet<CondaPoint>.All(Domain);
                    foreach (var child in and.Children)
                    {
                        set = set.Intersect(FromNode(child));
                    }

                    return set;
                }

                case CondaSpecOr or:
                {
                    var set = VersionSet<CondaPoint>.Empty(Domain);
                    foreach (var child in or.Children)
                    {
                        set = set.Union(FromNode(child));
                    }

                    return set;
                }

                case CondaSpecTerm term:
                    return FromTerm(term.Operator, term.Version, term.CompatiblePrefix);
                default:
                    return VersionSet<CondaPoint>.All(Domain);
            }
        }

        /// <summary>The set of one relation.</summary>
        public static VersionSet<CondaPoint> FromTerm(CondaOperator op, CondaVersion version, CondaVersion? compatiblePrefix)
        {
            var v = CondaPoint.Exact(version);
            switch (op)
            {
                case CondaOperator.Equal:
                    return VersionSet<CondaPoint>.Point(Domain, v);
                case CondaOperator.NotEqual:
                    return VersionSet<CondaPoint>.Point(Domain, v).Complement();
                case CondaOperator.Less:
                    return VersionSet<CondaPoint>.Interval(Domain, null, false, v, false, 1);
                case CondaOperator.LessOrEqual:
                    return VersionSet<CondaPoint>.Interval(Domain, null, false, v, true, 1);
                case CondaOperator.Greater:
                    return VersionSet<CondaPoint>.Interval(Domain, v, false, null, false, 1);
                case CondaOperator.GreaterOrEqual:
                    return VersionSet<CondaPoint>.Interval(Domain, v, true, null, false, 1);
                case CondaOperator.StartsWith:
                    return Prefix(version);
                case CondaOperator.NotStartsWith:
                    return Prefix(version).Complement();
                default:
                    return VersionSet<CondaPoint>.Interval(Domain, v, true, null, false, 1).Intersect(Prefix(compatiblePrefix!));
            }
        }

        /// <summary>
        /// A pip clause in conda's order, for packages constrained in both sections, read so that it never admits fewer
        /// versions than pip would: <c>&lt;V</c> and <c>&gt;V</c> keep their plain meaning (PEP 440's exclusive-ordering rules only
        /// narrow them), <c>==V</c>, <c>!=V</c>, <c>&lt;=V</c>, <c>&gt;=V</c>, <c>~=V</c> take V's local versions with V (conda sorts
        /// <c>1.0+cpu</c> below <c>1.0</c>), wildcards become prefix matches on the release without trailing zeros, and
        /// <c>===</c> or a clause naming a pre-, dev or post-release is unconstrained. Versions whose pre-, dev or post-release
        /// part sits on a differently padded release (<c>1.post1</c> against <c>1.0.1</c>) follow conda's order.
        /// </summary>
        /// <returns>The set and the conda term it was read as (null when unconstrained).</returns>
        public static (VersionSet<CondaPoint> Set, CondaSpecTerm? Term) FromPip(Pep440Specifier specifier)
        {
            // PEP 440 and conda order pre-, dev and post-releases differently (1.0.dev0 against 1.0a1; 1.post1 against
            // 1.0.post1), so a clause that names one constrains nothing here rather than risk a false conflict.
            if (specifier.Version is null || specifier.Operator == Pep440Operator.Arbitrary || specifier.Version.IsPrerelease || specifier.Version.Post != null
                || !CondaVersion.TryParse(specifier.Version.ToString(), out var version, out _))
            {
                return (VersionSet<CondaPoint>.All(Domain), null);
            }

            CondaOperator op = specifier.Operator switch
            {
                Pep440Operator.Equal => specifier.IsWildcard ? CondaOperator.StartsWith : CondaOperator.Equal,
                Pep440Operator.NotEqual => specifier.IsWildcard ? CondaOperator.NotStartsWith : CondaOperator.NotEqual,
                Pep440Operator.Less => CondaOperator.Less,
                Pep440Operator.LessOrEqual => CondaOperator.LessOrEqual,
                Pep440Operator.Greater => CondaOperator.Greater,
                Pep440Operator.GreaterOrEqual => CondaOperator.GreaterOrEqual,
                _ => CondaOperator.Compatible,
            };
            if (op == CondaOperator.StartsWith)
            {
                // PEP 440 pads releases with zeros (1.1a1 is in ==1.1.0.*), conda's prefix match on 1.1.0 does not: match on
                // the release without trailing zeros, a superset, rather than risk a false conflict.
                int count = specifier.Version.Release.Count;
                while (count > 1 && specifier.Version.Release[count - 1] == 0)
                {
                    count--;
                }

                version = CondaVersion.Parse(Pep440Domain.ReleaseText(specifier.Version.Epoch, specifier.Version.Release.Take(count).ToList()));
            }

            var term = new CondaSpecTerm(op, version!);
            if (!specifier.IsWildcard && !version!.HasLocal && op is not CondaOperator.Less and not CondaOperator.Greater)
            {
                // pip compares public versions here: V's local versions (which conda may sort below V) go with V.
                var from = CondaPoint.BelowLocals(version);
                var upTo = CondaPoint.AboveLocals(version);
                var set = op switch
                {
                    CondaOperator.LessOrEqual => VersionSet<CondaPoint>.Interval(Domain, null, false, upTo, true, 1),
                    CondaOperator.GreaterOrEqual => VersionSet<CondaPoint>.Interval(Domain, from, true, null, false, 1),
                    CondaOperator.Compatible => VersionSet<CondaPoint>.Interval(Domain, from, true, null, false, 1).Intersect(Prefix(term.CompatiblePrefix!)),
                    _ => VersionSet<CondaPoint>.Interval(Domain, from, true, upTo, true, 1),
                };
                return (op == CondaOperator.NotEqual ? set.Complement() : set, term);
            }

            return (FromTerm(op, version!, term.CompatiblePrefix), term);
        }

        // The versions starting with a prefix: an interval of the order, whether its last element is a number (1.2), text
        // (0.4.1p: ordinal string order keeps the strings with one prefix together) or a local label (1+2).
        private static VersionSet<CondaPoint> Prefix(CondaVersion prefix) =>
            VersionSet<CondaPoint>.Interval(Domain, CondaPoint.Below(prefix), true, CondaPoint.Above(prefix), true, 1);
    }
}
