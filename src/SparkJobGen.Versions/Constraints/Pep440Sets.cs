using System;
using System.Collections.Generic;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>Turns PEP 440 specifiers into exact <see cref="VersionSet{TPoint}"/> values over <see cref="Pep440Domain"/>.</summary>
    internal static class Pep440Sets
    {
        private static Pep440Domain Domain => Pep440Domain.Instance;

        /// <summary>
        /// The versions a clause matches, ignoring the pre-release filter (that is decided for the whole intersection).
        /// <c>===</c> with text that is not a normalized PEP 440 version matches versions this model cannot name, so it is
        /// treated as unconstrained here (conflicts between two different <c>===</c> strings are found separately).
        /// </summary>
        public static VersionSet<Pep440Point> FromSpecifier(Pep440Specifier specifier)
        {
            var v = specifier.Version;
            switch (specifier.Operator)
            {
                case Pep440Operator.Arbitrary:
                    return v != null && string.Equals(v.ToString(), specifier.VersionText, StringComparison.OrdinalIgnoreCase)
                        ? VersionSet<Pep440Point>.Point(Domain, Pep440Point.Exact(v))
                        : VersionSet<Pep440Point>.All(Domain);
                case Pep440Operator.Equal:
                    return specifier.IsWildcard ? Prefix(v!, v!.Release.Count) : Equal(v!);
                case Pep440Operator.NotEqual:
                    return (specifier.IsWildcard ? Prefix(v!, v!.Release.Count) : Equal(v!)).Complement();
                case Pep440Operator.GreaterOrEqual:
                    return VersionSet<Pep440Point>.Interval(Domain, Pep440Point.Exact(v!), true, null, false, Domain.FullMask);
                case Pep440Operator.LessOrEqual:
                    return VersionSet<Pep440Point>.Interval(Domain, null, false, Pep440Point.AboveLocals(v!), true, Domain.FullMask);
                case Pep440Operator.Less:
                {
                    var below = VersionSet<Pep440Point>.Interval(Domain, null, false, Pep440Point.Exact(v!), false, Domain.FullMask);
                    // <V drops pre-releases of V's own release unless V is one.
                    return v!.IsPrerelease ? below : below.Intersect(Release(v, Pep440Domain.MaskWhere(static c => (c & Pep440Domain.PreBit) != 0)).Complement());
                }

                case Pep440Operator.Greater:
                {
                    // >V drops V's own local versions, and the post-releases of V's release unless V is one.
                    var above = VersionSet<Pep440Point>.Interval(Domain, Pep440Point.AboveLocals(v!), false, null, false, Domain.FullMask);
                    return v!.Post != null ? above : above.Intersect(Release(v, Pep440Domain.MaskWhere(static c => (c & Pep440Domain.PostBit) != 0)).Complement());
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

        // ==V: the public version equals V (any local), or exactly V when V has a local label.
        private static VersionSet<Pep440Point> Equal(Pep440Version v) => v.Local.Count > 0
            ? VersionSet<Pep440Point>.Point(Domain, Pep440Point.Exact(v))
            : VersionSet<Pep440Point>.Interval(Domain, Pep440Point.Exact(v), true, Pep440Point.AboveLocals(v), true, Domain.FullMask);

        // Every version of V's release (same epoch, zero-padded release) whose class is in mask.
        private static VersionSet<Pep440Point> Release(Pep440Version v, int mask) =>
            VersionSet<Pep440Point>.Interval(Domain, Pep440Point.Exact(Pep440Domain.ReleaseStart(v.Epoch, v.Release)), true, Pep440Point.AboveRelease(v), true, mask);

        // Versions whose zero-padded release starts with V's first `count` components, in V's epoch: [P.dev0, P'.dev0) where
        // P' increments P's last component.
        private static VersionSet<Pep440Point> Prefix(Pep440Version v, int count)
        {
            var prefix = new List<int>(count);
            for (int k = 0; k < count; k++)
            {
                prefix.Add(v.Release[k]);
            }

            var low = Pep440Point.Exact(Pep440Domain.ReleaseStart(v.Epoch, prefix));
            if (prefix[count - 1] == int.MaxValue)
            {
                return VersionSet<Pep440Point>.Interval(Domain, low, true, null, false, Domain.FullMask);
            }

            var next = new List<int>(prefix);
            next[count - 1]++;
            return VersionSet<Pep440Point>.Interval(Domain, low, true, Pep440Point.Exact(Pep440Domain.ReleaseStart(v.Epoch, next)), false, Domain.FullMask);
        }
    }
}
