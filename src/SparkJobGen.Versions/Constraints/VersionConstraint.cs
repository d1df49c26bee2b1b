using System;
using System.Text;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>Which package manager a constraint is written for.</summary>
    public enum ConstraintEcosystem
    {
        /// <summary>A PEP 440 specifier set from a pip requirement.</summary>
        Pip,

        /// <summary>A conda version spec (MatchSpec version part).</summary>
        Conda,
    }

    /// <summary>
    /// One declared version constraint on a package, with an opaque <see cref="Source"/> (for example the attribute that
    /// declared it) so that a conflict can be reported where it was written.
    /// </summary>
    public sealed class VersionConstraint
    {
        private VersionConstraint(string package, ConstraintEcosystem ecosystem, string text, object? source, Pep440SpecifierSet? pip, CondaVersionSpec? conda = null, ClauseCache? clauses = null)
        {
            Clauses = clauses ?? new ClauseCache();
            Conda = conda;
            Package = package;
            PackageKey = NormalizePackageName(package);
            Ecosystem = ecosystem;
            Text = text;
            Source = source;
            Pip = pip;
        }

        /// <summary>The package name as declared.</summary>
        public string Package { get; }

        /// <summary>
        /// The name constraints are grouped by: PEP 503 normalization (lowercase, runs of <c>-</c>, <c>_</c>, <c>.</c> become one
        /// <c>-</c>) for both ecosystems, so that a pip and a conda declaration of the same project meet.
        /// </summary>
        public string PackageKey { get; }

        /// <summary>The ecosystem.</summary>
        public ConstraintEcosystem Ecosystem { get; }

        /// <summary>The constraint text as declared.</summary>
        public string Text { get; }

        /// <summary>Where the constraint came from; opaque to the solver.</summary>
        public object? Source { get; }

        /// <summary>
        /// The solver's clauses for this constraint, per domain, computed on first use and shared with every copy made by
        /// <see cref="WithSource"/> (jobs repeat the same declarations; each is turned into sets once).
        /// </summary>
        internal ClauseCache Clauses { get; }

        /// <summary>The parsed pip specifier set (pip constraints only).</summary>
        internal Pep440SpecifierSet? Pip { get; }

        /// <summary>The parsed conda spec (conda constraints only; null for an empty spec, which allows any version).</summary>
        internal CondaVersionSpec? Conda { get; }

        /// <summary>
        /// Parses a conda version spec (the version part of a MatchSpec: <c>&gt;=1.26,&lt;2</c>, <c>1.5.*|&gt;=2</c>, <c>=3.11</c>);
        /// an empty spec allows any version. On a syntax error returns false with the error positioned in <paramref name="spec"/>.
        /// </summary>
        /// <param name="package">The package name.</param>
        /// <param name="spec">The version spec text.</param>
        /// <param name="source">Where it was declared.</param>
        /// <param name="constraint">The constraint.</param>
        /// <param name="error">The syntax error.</param>
        public static bool TryCreateConda(string package, string spec, object? source, out VersionConstraint? constraint, out VersionSyntaxError? error)
        {
            constraint = null;
            error = null;
            if (package == null)
            {
                throw new ArgumentNullException(nameof(package));
            }

            CondaVersionSpec? parsed = null;
            if (!string.IsNullOrWhiteSpace(spec) && !CondaVersionSpec.TryParse(spec, out parsed, out error))
            {
                return false;
            }

            constraint = new VersionConstraint(package, ConstraintEcosystem.Conda, spec ?? string.Empty, source, null, parsed);
            return true;
        }

        /// <summary>Parses a conda constraint or throws <see cref="FormatException"/>.</summary>
        /// <param name="package">The package name.</param>
        /// <param name="spec">The version spec text.</param>
        /// <param name="source">Where it was declared.</param>
        public static VersionConstraint ParseConda(string package, string spec, object? source = null) =>
            TryCreateConda(package, spec, source, out var c, out var e) ? c! : throw new FormatException(e!.Message);

        /// <summary>Parses a pip (PEP 440) constraint; on a syntax error returns false with the error positioned in <paramref name="specifier"/>.</summary>
        /// <param name="package">The distribution name.</param>
        /// <param name="specifier">The specifier set text (empty for any version).</param>
        /// <param name="source">Where it was declared.</param>
        /// <param name="constraint">The constraint.</param>
        /// <param name="error">The syntax error.</param>
        public static bool TryCreatePip(string package, string specifier, object? source, out VersionConstraint? constraint, out VersionSyntaxError? error)
        {
            constraint = null;
            if (package == null)
            {
                throw new ArgumentNullException(nameof(package));
            }

            if (!Pep440SpecifierSet.TryParse(specifier ?? string.Empty, null, out var set, out error))
            {
                return false;
            }

            constraint = new VersionConstraint(package, ConstraintEcosystem.Pip, specifier ?? string.Empty, source, set);
            return true;
        }

        /// <summary>Parses a pip constraint or throws <see cref="FormatException"/>.</summary>
        /// <param name="package">The distribution name.</param>
        /// <param name="specifier">The specifier set text.</param>
        /// <param name="source">Where it was declared.</param>
        public static VersionConstraint ParsePip(string package, string specifier, object? source = null) =>
            TryCreatePip(package, specifier, source, out var c, out var e) ? c! : throw new FormatException(e!.Message);

        /// <summary>The same constraint (sharing its parsed form) declared at another source.</summary>
        /// <param name="source">Where it was declared.</param>
        public VersionConstraint WithSource(object? source) => new VersionConstraint(Package, Ecosystem, Text, source, Pip, Conda, Clauses);

        /// <summary>The PEP 503 normalized form of a package name.</summary>
        /// <param name="name">The name.</param>
        public static string NormalizePackageName(string name)
        {
            var builder = new StringBuilder(name.Length);
            bool previousSeparator = false;
            foreach (var c in name.Trim())
            {
                if (c == '-' || c == '_' || c == '.')
                {
                    if (!previousSeparator)
                    {
                        builder.Append('-');
                    }

                    previousSeparator = true;
                }
                else
                {
                    builder.Append(char.ToLowerInvariant(c));
                    previousSeparator = false;
                }
            }

            return builder.ToString();
        }

        /// <inheritdoc />
        public override string ToString() => Package + " " + Ecosystem.ToString().ToLowerInvariant() + " '" + Text + "'";
    }

    /// <summary>A constraint's clauses in each domain (immutable once set; a race computes the same value twice).</summary>
    internal sealed class ClauseCache
    {
        /// <summary>The clauses over the PEP 440 order, or null before first use.</summary>
        public object? Pep440 { get; set; }

        /// <summary>The clauses over conda's order, or null before first use.</summary>
        public object? Conda { get; set; }
    }
}
