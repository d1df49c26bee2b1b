using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>What a <see cref="Pep440Point"/> stands for in the completed PEP 440 order.</summary>
    internal enum Pep440PointKind
    {
        /// <summary>The version itself.</summary>
        Exact,

        /// <summary>The cut just above a public version and all its local versions.</summary>
        AboveLocals,

        /// <summary>The cut just above every version of a release (epoch and release segment), whatever its suffixes.</summary>
        AboveRelease,
    }

    /// <summary>A boundary in the PEP 440 order: a version or a cut above a group of versions.</summary>
    internal sealed class Pep440Point
    {
        private Pep440Point(Pep440PointKind kind, Pep440Version version)
        {
            Kind = kind;
            Version = version;
            Public = version.Public;
        }

        /// <summary>The kind.</summary>
        public Pep440PointKind Kind { get; }

        /// <summary>The version (for cuts, a version of the group the cut is above).</summary>
        public Pep440Version Version { get; }

        /// <summary>The version without its local label.</summary>
        public Pep440Version Public { get; }

        /// <summary>The version itself.</summary>
        public static Pep440Point Exact(Pep440Version version) => new Pep440Point(Pep440PointKind.Exact, version);

        /// <summary>Just above <paramref name="version"/>'s public version and all its local versions.</summary>
        public static Pep440Point AboveLocals(Pep440Version version) => new Pep440Point(Pep440PointKind.AboveLocals, version.Public);

        /// <summary>Just above every version with <paramref name="version"/>'s epoch and release.</summary>
        public static Pep440Point AboveRelease(Pep440Version version) => new Pep440Point(Pep440PointKind.AboveRelease, version);

        /// <inheritdoc />
        public override string ToString() => Kind switch
        {
            Pep440PointKind.Exact => Version.ToString(),
            Pep440PointKind.AboveLocals => Version + "+*",
            _ => Pep440Domain.ReleaseText(Version.Epoch, Version.Release) + ".*",
        };
    }

    /// <summary>
    /// The PEP 440 order as a <see cref="IOrderDomain{TPoint}"/>. Version classes are three bits: pre-release (or dev), post-release,
    /// local, so that rules that keep or drop one kind of version (pip's pre-release filter) are exact set operations.
    /// </summary>
    internal sealed class Pep440Domain : IOrderDomain<Pep440Point>
    {
        /// <summary>Class bit for pre-releases and dev releases.</summary>
        public const int PreBit = 1;

        /// <summary>Class bit for post-releases.</summary>
        public const int PostBit = 2;

        /// <summary>Class bit for versions with a local label.</summary>
        public const int LocalBit = 4;

        private Pep440Domain()
        {
        }

        /// <summary>The single instance.</summary>
        public static Pep440Domain Instance { get; } = new Pep440Domain();

        /// <inheritdoc />
        public int FullMask => 0xFF;

        /// <summary>The mask of every class that is not a pre-release.</summary>
        public static int FinalMask => MaskWhere(static c => (c & PreBit) == 0);

        /// <summary>The mask of the classes for which <paramref name="predicate"/> holds.</summary>
        public static int MaskWhere(Func<int, bool> predicate)
        {
            int mask = 0;
            for (int c = 0; c < 8; c++)
            {
                if (predicate(c))
                {
                    mask |= 1 << c;
                }
            }

            return mask;
        }

        /// <summary>The class of a version.</summary>
        public static int ClassOf(Pep440Version version) =>
            (version.IsPrerelease ? PreBit : 0) | (version.Post != null ? PostBit : 0) | (version.Local.Count > 0 ? LocalBit : 0);

        /// <inheritdoc />
        public int ClassOf(Pep440Point point) => ClassOf(point.Version);

        /// <inheritdoc />
        public bool IsVersion(Pep440Point point) => point.Kind == Pep440PointKind.Exact;

        /// <inheritdoc />
        public int Compare(Pep440Point left, Pep440Point right)
        {
            if (left.Kind == Pep440PointKind.AboveRelease || right.Kind == Pep440PointKind.AboveRelease)
            {
                int f = CompareRelease(left.Version, right.Version);
                if (f != 0)
                {
                    return f;
                }

                return (left.Kind == Pep440PointKind.AboveRelease ? 1 : 0) - (right.Kind == Pep440PointKind.AboveRelease ? 1 : 0);
            }

            int c = left.Public.CompareTo(right.Public);
            if (c != 0)
            {
                return c;
            }

            if (left.Kind == Pep440PointKind.Exact && right.Kind == Pep440PointKind.Exact)
            {
                return left.Version.CompareTo(right.Version);
            }

            return (left.Kind == Pep440PointKind.AboveLocals ? 1 : 0) - (right.Kind == Pep440PointKind.AboveLocals ? 1 : 0);
        }

        /// <summary>Compares epoch and zero-padded release only.</summary>
        public static int CompareRelease(Pep440Version left, Pep440Version right)
        {
            int c = left.Epoch.CompareTo(right.Epoch);
            if (c != 0)
            {
                return c;
            }

            int len = Math.Max(left.Release.Count, right.Release.Count);
            for (int k = 0; k < len; k++)
            {
                var a = k < left.Release.Count ? left.Release[k] : BigInteger.Zero;
                var b = k < right.Release.Count ? right.Release[k] : BigInteger.Zero;
                if (a != b)
                {
                    return a.CompareTo(b);
                }
            }

            return 0;
        }

        /// <inheritdoc />
        public bool TryFindWitness(Pep440Point? low, Pep440Point? high, int mask, out Pep440Point? witness)
        {
            witness = null;
            if (mask == 0)
            {
                return false;
            }

            if (low is not null && high is not null && Compare(low, high) >= 0)
            {
                return false;
            }

            // Between two different releases there is always a whole release (append a component), holding every class.
            if (low is null && high is null)
            {
                return Found(Fresh(BigInteger.Zero, new BigInteger[1], mask), out witness);
            }

            if (high is null)
            {
                var r = Padded(low!.Version.Release, low.Version.Release.Count + 1);
                r[r.Length - 1] = 1;
                return Found(Fresh(low.Version.Epoch, r, mask), out witness);
            }

            if (low is null)
            {
                var below = ReleaseBelow(high.Version);
                if (below is not null)
                {
                    return Found(Fresh(below.Value.Epoch, below.Value.Release, mask), out witness);
                }
            }
            else if (CompareRelease(low.Version, high.Version) < 0)
            {
                var r = Padded(low.Version.Release, Math.Max(low.Version.Release.Count, high.Version.Release.Count) + 1);
                r[r.Length - 1] = 1;
                return Found(Fresh(low.Version.Epoch, r, mask), out witness);
            }

            // Same release on both sides: search the suffix grid the boundaries induce.
            var family = high.Version;
            foreach (var candidate in SameReleaseCandidates(family, low?.Version, high.Version))
            {
                if (((mask >> ClassOf(candidate)) & 1) == 0)
                {
                    continue;
                }

                var point = Pep440Point.Exact(candidate);
                if ((low is null || Compare(low, point) < 0) && Compare(point, high) < 0)
                {
                    witness = point;
                    return true;
                }
            }

            return false;
        }

        /// <summary>The release text <c>[N!]a.b.c</c>.</summary>
        public static string ReleaseText(BigInteger epoch, IReadOnlyList<BigInteger> release)
        {
            var sb = new StringBuilder();
            if (!epoch.IsZero)
            {
                sb.Append(epoch.ToString(CultureInfo.InvariantCulture)).Append('!');
            }

            for (int k = 0; k < release.Count; k++)
            {
                if (k > 0)
                {
                    sb.Append('.');
                }

                sb.Append(release[k].ToString(CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        /// <summary>The lowest version of a release: <c>R.dev0</c>.</summary>
        public static Pep440Version ReleaseStart(BigInteger epoch, IReadOnlyList<BigInteger> release) => Pep440Version.Parse(ReleaseText(epoch, release) + ".dev0");

        private static bool Found(Pep440Version candidate, out Pep440Point? witness)
        {
            witness = Pep440Point.Exact(candidate);
            return true;
        }

        private static BigInteger[] Padded(IReadOnlyList<BigInteger> release, int length)
        {
            var r = new BigInteger[Math.Max(length, release.Count)];
            for (int k = 0; k < release.Count; k++)
            {
                r[k] = release[k];
            }

            return r;
        }

        // A release strictly below every version of `version`'s release, or null when that release is the lowest (0!0).
        private static (BigInteger Epoch, BigInteger[] Release)? ReleaseBelow(Pep440Version version)
        {
            for (int k = 0; k < version.Release.Count; k++)
            {
                if (version.Release[k] > 0)
                {
                    var r = new BigInteger[k + 1];
                    for (int m = 0; m < k; m++)
                    {
                        r[m] = version.Release[m];
                    }

                    r[k] = version.Release[k] - 1;
                    return (version.Epoch, r);
                }
            }

            return version.Epoch > 0 ? (version.Epoch - 1, new[] { BigInteger.Zero }) : ((BigInteger, BigInteger[])?)null;
        }

        // A version of the given release in the lowest class of `mask`.
        private static Pep440Version Fresh(BigInteger epoch, BigInteger[] release, int mask)
        {
            int cls = 0;
            while (((mask >> cls) & 1) == 0)
            {
                cls++;
            }

            var text = ReleaseText(epoch, release);
            switch (cls & (PreBit | PostBit))
            {
                case PreBit: text += "a0"; break;
                case PostBit: text += ".post0"; break;
                case PreBit | PostBit: text += ".post0.dev0"; break;
            }

            if ((cls & LocalBit) != 0)
            {
                text += "+0";
            }

            return Pep440Version.Parse(text);
        }

        // Every combination of suffix values near the boundaries' own values: a finite grid that meets every region of the
        // lexicographic suffix order (pre, post, dev, local) the boundaries can separate.
        private static IEnumerable<Pep440Version> SameReleaseCandidates(Pep440Version family, Pep440Version? low, Pep440Version? high)
        {
            var preNumbers = new SortedSet<BigInteger> { BigInteger.Zero };
            var postNumbers = new SortedSet<BigInteger> { BigInteger.Zero };
            var devNumbers = new SortedSet<BigInteger> { BigInteger.Zero };
            var locals = new List<string> { string.Empty, "+a", "+0" };
            foreach (var v in new[] { low, high })
            {
                if (v is null || CompareRelease(v, family) != 0)
                {
                    continue;
                }

                if (v.PreLabel != null)
                {
                    AddNear(preNumbers, v.PreNumber);
                }

                if (v.Post != null)
                {
                    AddNear(postNumbers, v.Post.Value);
                }

                if (v.Dev != null)
                {
                    AddNear(devNumbers, v.Dev.Value);
                }

                if (v.Local.Count > 0)
                {
                    var local = "+" + v.ToString().Split('+')[1];
                    locals.Add(local);
                    locals.Add(local + ".0");
                    locals.Add(local + ".a");
                }
            }

            var pres = new List<string> { string.Empty };
            foreach (var label in new[] { "a", "b", "rc" })
            {
                foreach (var n in preNumbers)
                {
                    pres.Add(label + n.ToString(CultureInfo.InvariantCulture));
                }
            }

            var posts = new List<string> { string.Empty };
            foreach (var n in postNumbers)
            {
                posts.Add(".post" + n.ToString(CultureInfo.InvariantCulture));
            }

            var devs = new List<string> { string.Empty };
            foreach (var n in devNumbers)
            {
                devs.Add(".dev" + n.ToString(CultureInfo.InvariantCulture));
            }

            var release = ReleaseText(family.Epoch, family.Release);
            foreach (var pre in pres)
            {
                foreach (var post in posts)
                {
                    foreach (var dev in devs)
                    {
                        foreach (var local in locals)
                        {
                            yield return Pep440Version.Parse(release + pre + post + dev + local);
                        }
                    }
                }
            }
        }

        private static void AddNear(SortedSet<BigInteger> set, BigInteger value)
        {
            if (value > 0)
            {
                set.Add(value - 1);
            }

            set.Add(value);
            set.Add(value + 1);
        }
    }
}
