using System;
using System.Collections.Generic;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>The outcome of intersecting every constraint on one package.</summary>
    public enum SatisfiabilityStatus
    {
        /// <summary>Some version satisfies every constraint.</summary>
        Satisfiable,

        /// <summary>
        /// Only pre-releases satisfy every constraint and no constraint opts into pre-releases: pip installs one only when
        /// the index offers nothing else, so the set is not empty but is fragile.
        /// </summary>
        SatisfiableOnlyByPrereleases,

        /// <summary>No version satisfies every constraint.</summary>
        Unsatisfiable,

        /// <summary>
        /// The model cannot decide: a conda term matched by text (a glob such as <c>*.1</c>, or a prefix with a local label such
        /// as <c>=1+2</c>) meets other terms, the order leaves room, and no version tried satisfies every spec. Not reported
        /// as a conflict, and no example is given.
        /// </summary>
        Undecided,
    }

    /// <summary>What <see cref="VersionConstraintSolver.Check"/> found.</summary>
    public sealed class SatisfiabilityResult
    {
        private readonly Func<string, bool> _contains;
        private readonly Lazy<string> _intersection;

        internal SatisfiabilityResult(
            SatisfiabilityStatus status,
            Func<string> intersection,
            IReadOnlyList<VersionConstraint> conflict,
            IReadOnlyDictionary<VersionConstraint, string> relaxations,
            string? example,
            Func<string, bool> contains)
        {
            Example = example;
            Status = status;
            _intersection = new Lazy<string>(intersection);
            Conflict = conflict;
            Relaxations = relaxations;
            _contains = contains;
        }

        /// <summary>The status.</summary>
        public SatisfiabilityStatus Status { get; }

        /// <summary>
        /// Whether the constraints are not known to conflict: some version satisfies every constraint (pre-releases
        /// included), or the model cannot decide (<see cref="SatisfiabilityStatus.Undecided"/>).
        /// </summary>
        public bool IsSatisfiable => Status != SatisfiabilityStatus.Unsatisfiable;

        /// <summary>
        /// The intersection as one normalized constraint with redundant clauses removed, for example <c>&gt;=2.0,&lt;2.1</c>
        /// (empty when every version is allowed); empty as well when unsatisfiable. Computed on first use.
        /// </summary>
        public string Intersection => _intersection.Value;

        /// <summary>A minimal set of constraints that cannot hold together (a pair when one exists); empty when satisfiable.</summary>
        public IReadOnlyList<VersionConstraint> Conflict { get; }

        /// <summary>
        /// For each member of <see cref="Conflict"/> whose removal makes the rest satisfiable: the normalized intersection of
        /// all the other constraints, the nearest range that would satisfy them.
        /// </summary>
        public IReadOnlyDictionary<VersionConstraint, string> Relaxations { get; }

        /// <summary>
        /// One version that satisfies every constraint (a final release when there is one), found while deciding and checked
        /// against every constraint's own matcher; null when unsatisfiable or undecided.
        /// </summary>
        public string? Example { get; }

        /// <summary>Whether a version (in the ecosystem the intersection was computed in) lies in the intersection.</summary>
        /// <param name="version">A version string.</param>
        public bool Contains(string version) => _contains(version);

        /// <inheritdoc />
        public override string ToString() => Status + (Status == SatisfiabilityStatus.Unsatisfiable ? ": " + string.Join(" vs ", Conflict) : ": " + Intersection);
    }
}
