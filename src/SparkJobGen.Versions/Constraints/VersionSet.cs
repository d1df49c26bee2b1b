using System;
using System.Collections.Generic;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>
    /// The order structure a <see cref="VersionSet{TPoint}"/> lives on: boundary points in a completed version order (real
    /// versions and cuts between them), version classes (bit positions of a mask) and the question of whether a gap between
    /// two boundaries holds a version of some class.
    /// </summary>
    /// <typeparam name="TPoint">The boundary point type.</typeparam>
    internal interface IOrderDomain<TPoint>
        where TPoint : class
    {
        /// <summary>The mask with every version class set.</summary>
        int FullMask { get; }

        /// <summary>Total order on boundary points.</summary>
        int Compare(TPoint left, TPoint right);

        /// <summary>Whether <paramref name="point"/> is itself a version (rather than a cut between versions).</summary>
        bool IsVersion(TPoint point);

        /// <summary>The class of a version point (a bit position of the mask).</summary>
        int ClassOf(TPoint point);

        /// <summary>
        /// Finds a version strictly between <paramref name="low"/> and <paramref name="high"/> (null for minus or plus
        /// infinity) whose class is in <paramref name="mask"/>, or returns false when there is none.
        /// </summary>
        bool TryFindWitness(TPoint? low, TPoint? high, int mask, out TPoint? witness);
    }

    /// <summary>
    /// A set of versions as a piecewise-constant function from the version order to class masks: sorted boundary points, and
    /// for every gap and every boundary a mask of the version classes it admits. Exact under intersection, union and
    /// complement; emptiness asks the domain for a witness in each piece.
    /// </summary>
    /// <typeparam name="TPoint">The boundary point type.</typeparam>
    internal sealed class VersionSet<TPoint>
        where TPoint : class
    {
        // _masks[2i] is the gap before _points[i] (the last one the gap after the last point); _masks[2i+1] is _points[i] itself.
        private readonly TPoint[] _points;
        private readonly int[] _masks;

        private VersionSet(IOrderDomain<TPoint> domain, TPoint[] points, int[] masks)
        {
            Domain = domain;
            _points = points;
            _masks = masks;
        }

        /// <summary>The domain.</summary>
        public IOrderDomain<TPoint> Domain { get; }

        /// <summary>The boundary points in order.</summary>
        public IReadOnlyList<TPoint> Points => _points;

        /// <summary>The empty set.</summary>
        public static VersionSet<TPoint> Empty(IOrderDomain<TPoint> domain) => new VersionSet<TPoint>(domain, Array.Empty<TPoint>(), new int[1]);

        /// <summary>Every version.</summary>
        public static VersionSet<TPoint> All(IOrderDomain<TPoint> domain) => new VersionSet<TPoint>(domain, Array.Empty<TPoint>(), new[] { domain.FullMask });

        /// <summary>An interval; a null bound is infinite. Only classes in <paramref name="mask"/> are admitted.</summary>
        public static VersionSet<TPoint> Interval(IOrderDomain<TPoint> domain, TPoint? low, bool lowInclusive, TPoint? high, bool highInclusive, int mask)
        {
            if (low is null && high is null)
            {
                return new VersionSet<TPoint>(domain, Array.Empty<TPoint>(), new[] { mask });
            }

            if (low is null)
            {
                return Normalize(domain, new[] { high! }, new[] { mask, highInclusive ? mask : 0, 0 });
            }

            if (high is null)
            {
                return Normalize(domain, new[] { low }, new[] { 0, lowInclusive ? mask : 0, mask });
            }

            int c = domain.Compare(low, high);
            if (c > 0)
            {
                return Empty(domain);
            }

            if (c == 0)
            {
                return lowInclusive && highInclusive ? Normalize(domain, new[] { low }, new[] { 0, mask, 0 }) : Empty(domain);
            }

            return Normalize(domain, new[] { low, high }, new[] { 0, lowInclusive ? mask : 0, mask, highInclusive ? mask : 0, 0 });
        }

        /// <summary>A single version.</summary>
        public static VersionSet<TPoint> Point(IOrderDomain<TPoint> domain, TPoint version) => Interval(domain, version, true, version, true, domain.FullMask);

        /// <summary>Versions in both sets.</summary>
        public VersionSet<TPoint> Intersect(VersionSet<TPoint> other) => Combine(other, static (a, b) => a & b);

        /// <summary>Versions in either set.</summary>
        public VersionSet<TPoint> Union(VersionSet<TPoint> other) => Combine(other, static (a, b) => a | b);

        /// <summary>Versions not in this set.</summary>
        public VersionSet<TPoint> Complement()
        {
            var masks = new int[_masks.Length];
            for (int i = 0; i < masks.Length; i++)
            {
                masks[i] = ~_masks[i] & Domain.FullMask;
            }

            return Normalize(Domain, _points, masks);
        }

        /// <summary>Only the versions whose class is in <paramref name="mask"/>.</summary>
        public VersionSet<TPoint> Restrict(int mask)
        {
            var masks = new int[_masks.Length];
            for (int i = 0; i < masks.Length; i++)
            {
                masks[i] = _masks[i] & mask;
            }

            return Normalize(Domain, _points, masks);
        }

        /// <summary>Whether no version is in the set.</summary>
        public bool IsEmpty => !TryFindWitness(out _);

        /// <summary>Whether every version of this set is also in <paramref name="other"/>.</summary>
        public bool IsSubsetOf(VersionSet<TPoint> other) => Intersect(other.Complement()).IsEmpty;

        /// <summary>Finds some version in the set, lowest piece first.</summary>
        public bool TryFindWitness(out TPoint? witness)
        {
            for (int i = 0; i <= _points.Length; i++)
            {
                int gap = _masks[2 * i];
                if (gap != 0 && Domain.TryFindWitness(i == 0 ? null : _points[i - 1], i == _points.Length ? null : _points[i], gap, out witness))
                {
                    return true;
                }

                if (i < _points.Length && Domain.IsVersion(_points[i]) && ((_masks[2 * i + 1] >> Domain.ClassOf(_points[i])) & 1) != 0)
                {
                    witness = _points[i];
                    return true;
                }
            }

            witness = null;
            return false;
        }

        /// <summary>Whether the version point <paramref name="version"/> is in the set.</summary>
        public bool Contains(TPoint version)
        {
            int lo = 0, hi = _points.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                int c = Domain.Compare(_points[mid], version);
                if (c == 0)
                {
                    return ((_masks[2 * mid + 1] >> Domain.ClassOf(version)) & 1) != 0;
                }

                if (c < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return ((_masks[2 * lo] >> Domain.ClassOf(version)) & 1) != 0;
        }

        /// <summary>The pieces of the set in order, for rendering: each gap or point with its mask.</summary>
        public IEnumerable<(TPoint? Low, TPoint? High, bool IsPoint, int Mask)> Pieces()
        {
            for (int i = 0; i <= _points.Length; i++)
            {
                yield return (i == 0 ? null : _points[i - 1], i == _points.Length ? null : _points[i], false, _masks[2 * i]);
                if (i < _points.Length)
                {
                    yield return (_points[i], _points[i], true, _masks[2 * i + 1]);
                }
            }
        }

        private VersionSet<TPoint> Combine(VersionSet<TPoint> other, Func<int, int, int> op)
        {
            var points = new List<TPoint>(_points.Length + other._points.Length);
            int i = 0, j = 0;
            while (i < _points.Length || j < other._points.Length)
            {
                if (j == other._points.Length)
                {
                    points.Add(_points[i++]);
                }
                else if (i == _points.Length)
                {
                    points.Add(other._points[j++]);
                }
                else
                {
                    int c = Domain.Compare(_points[i], other._points[j]);
                    if (c <= 0)
                    {
                        points.Add(_points[i++]);
                        if (c == 0)
                        {
                            j++;
                        }
                    }
                    else
                    {
                        points.Add(other._points[j++]);
                    }
                }
            }

            var masks = new int[2 * points.Count + 1];
            masks[0] = op(_masks[0], other._masks[0]);
            int a = 0, b = 0;
            for (int k = 0; k < points.Count; k++)
            {
                var p = points[k];
                Locate(this, p, ref a, out int pointA, out int afterA);
                Locate(other, p, ref b, out int pointB, out int afterB);
                masks[2 * k + 1] = op(pointA, pointB);
                masks[2 * k + 2] = op(afterA, afterB);
            }

            return Normalize(Domain, points.ToArray(), masks);
        }

        // Moves `index` to the first own point not below `p` and reports the masks at `p` and just after it.
        private static void Locate(VersionSet<TPoint> set, TPoint p, ref int index, out int atPoint, out int after)
        {
            while (index < set._points.Length && set.Domain.Compare(set._points[index], p) < 0)
            {
                index++;
            }

            if (index < set._points.Length && set.Domain.Compare(set._points[index], p) == 0)
            {
                atPoint = set._masks[2 * index + 1];
                after = set._masks[2 * index + 2];
            }
            else
            {
                atPoint = set._masks[2 * index];
                after = set._masks[2 * index];
            }
        }

        private static VersionSet<TPoint> Normalize(IOrderDomain<TPoint> domain, TPoint[] points, int[] masks)
        {
            var keptPoints = new List<TPoint>(points.Length);
            var keptMasks = new List<int>(masks.Length) { masks[0] };
            for (int k = 0; k < points.Length; k++)
            {
                var p = points[k];
                int at = domain.IsVersion(p) ? masks[2 * k + 1] : 0;
                int after = masks[2 * k + 2];
                int before = keptMasks[keptMasks.Count - 1];
                bool redundant = before == after && (!domain.IsVersion(p) || (((at ^ before) >> domain.ClassOf(p)) & 1) == 0);
                if (redundant)
                {
                    continue;
                }

                keptPoints.Add(p);
                keptMasks.Add(at);
                keptMasks.Add(after);
            }

            return new VersionSet<TPoint>(domain, keptPoints.ToArray(), keptMasks.ToArray());
        }
    }
}
