using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>Turns PEP 440 specifiers into exact <see cref="VersionSet{TPoint}"/> values over <see cref="Pep440Domain"/>.</summary>
    internal static class Pep440Sets
    {
        private static Pep440Domain Domain => Pep440Domain.Instance;

        /// <summary>
        /// The versions a clause matches, ignoring the pre-release filter (that is decided for the whole intersection).
        /// <c>===T</c> is string identity: the one candidate is the string T itself, which the other clauses then read as
        /// the version T parses to. So it is the single point of that version here; the solver adds what a set over the
        /// order cannot say (the candidate must be T as written, and a T that is not a PEP 440 version fails every other
        /// clause).
        /// </summary>
        public static VersionSet<Pep440Point> FromSpecifier(Pep440Specifier specifier)
        {
            var v = specifier.Version;
            switch (specifier.Operator)
            {
                case Pep440Operator.Arbitrary:
                    return v != null ? VersionSet<Pep440Point>.Point(Domain, Pep440Point.Exact(v)) : VersionSet<Pep440Point>.All(Domain);
                case Pep440Operator.Equal:
                    return specifier.IsWildcard ? Prefix(v!, v!.Release.Count) : Equal(v!);
                case Pep440Operator.NotEqual:
                    return (specifier.IsWildcard ? Prefix(v!, v!.Release.Count) : Equal(v!)).Complement();
                case Pep440Operator.GreaterOrEqual:
                    return VersionSet<Pep440Point>.Interval(Domain, Pep440Point.Exact(v!), true, null, false, Domain.FullMask);
                case Pep440Operator.LessOrEqual:
                    return VersionSet<Pep440Point>.Interval(Domain, null, false, Pep440Point.AboveLocals(v!), true, Domain.FullMask);
                case Pep440Operator.Less:
                    // <V stops at V.dev0 unless V is itself a pre-release: V's pre-releases do not match.
                    return VersionSet<Pep440Point>.Interval(Domain, null, false, Pep440Point.Exact(v!.IsPrerelease ? v : DevZero(v)), false, Domain.FullMask);
                case Pep440Operator.Greater:
                {
                    var (bound, inclusive) = GreaterBound(v!);
                    return VersionSet<Pep440Point>.Interval(Domain, bound, inclusive, null, false, Domain.FullMask);
                }

                default: // Compatible: >=V and ==prefix.*
                    return VersionSet<Pep440Point>.Interval(Domain, Pep440Point.Exact(v!), true, null, false, Domain.FullMask)
                        .Intersect(Prefix(v!, v!.Release.Count - 1));
            }
        }

        /// <summary>The intersection of every clause of a set.</summary>
        public static VersionSet<Pep440Point> FromSpecifierSet(Pep440SpecifierSet set)
        {
            var result = VersionSet<Pep440Point>.All(Domain);
            foreach (var s in set.Specifiers)
            {
                result = result.Intersect(FromSpecifier(s));
            }

            return result;
        }

        // V.dev0 for a V that is neither a pre-release nor local.
        private static Pep440Version DevZero(Pep440Version v) => Pep440Version.Parse(v.ToString() + ".dev0");

        // The exclusive lower bound of >V: above V's own local versions, and above V's own post-releases (V.postN with V's
        // release and pre-release segment) unless V is a post-release or a dev release.
        private static (Pep440Point Bound, bool Inclusive) GreaterBound(Pep440Version v)
        {
            if (v.Post != null || v.Dev != null)
            {
                return (Pep440Point.AboveLocals(v), false);
            }

            if (v.PreLabel == null)
            {
                // A final release: its post-releases run to the end of the release.
                return (Pep440Point.AboveRelease(v), false);
            }

            // A pre-release aN: its post-releases end where a(N+1).dev0 begins.
            var next = Pep440Domain.ReleaseText(v.Epoch, v.Release) + v.PreLabel + (v.PreNumber + 1).ToString(CultureInfo.InvariantCulture) + ".dev0";
            return (Pep440Point.Exact(Pep440Version.Parse(next)), true);
        }

        // ==V: the public version equals V (any local), or exactly V when V has a local label.
        private static VersionSet<Pep440Point> Equal(Pep440Version v) => v.Local.Count > 0
            ? VersionSet<Pep440Point>.Point(Domain, Pep440Point.Exact(v))
            : VersionSet<Pep440Point>.Interval(Domain, Pep440Point.Exact(v), true, Pep440Point.AboveLocals(v), true, Domain.FullMask);

        // Versions whose zero-padded release starts with V's first `count` components, in V's epoch: [P.dev0, P'.dev0) where
        // P' increments P's last component.
        private static VersionSet<Pep440Point> Prefix(Pep440Version v, int count)
        {
            var prefix = new List<BigInteger>(count);
            for (int k = 0; k < count; k++)
            {
                prefix.Add(v.Release[k]);
            }

            var low = Pep440Point.Exact(Pep440Domain.ReleaseStart(v.Epoch, prefix));
            var next = new List<BigInteger>(prefix);
            next[count - 1]++;
            return VersionSet<Pep440Point>.Interval(Domain, low, true, Pep440Point.Exact(Pep440Domain.ReleaseStart(v.Epoch, next)), false, Domain.FullMask);
        }
    }
}
