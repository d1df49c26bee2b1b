using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace SparkJobGen.Versions
{
    /// <summary>A PEP 440 comparison operator.</summary>
    public enum Pep440Operator
    {
        /// <summary><c>~=</c> compatible release.</summary>
        Compatible,
        /// <summary><c>==</c> (with optional <c>.*</c> prefix match).</summary>
        Equal,
        /// <summary><c>!=</c> (with optional <c>.*</c> prefix match).</summary>
        NotEqual,
        /// <summary><c>&lt;=</c>.</summary>
        LessOrEqual,
        /// <summary><c>&gt;=</c>.</summary>
        GreaterOrEqual,
        /// <summary><c>&lt;</c> (exclusive: excludes pre-releases of the given version, from its <c>.dev0</c> up).</summary>
        Less,
        /// <summary><c>&gt;</c> (exclusive: excludes the given version's own post-releases and local versions).</summary>
        Greater,
        /// <summary><c>===</c> arbitrary string equality.</summary>
        Arbitrary,
    }

    /// <summary>One PEP 440 version specifier clause such as <c>&gt;=1.2</c> or <c>==1.4.*</c>.</summary>
    public sealed class Pep440Specifier
    {
        private Pep440Specifier(Pep440Operator op, string versionText, Pep440Version? version, bool wildcard, bool? prereleases)
        {
            Operator = op;
            VersionText = versionText;
            Version = version;
            IsWildcard = wildcard;
            ExplicitPrereleases = prereleases;
        }

        /// <summary>The operator.</summary>
        public Pep440Operator Operator { get; }

        /// <summary>The version text as written (trimmed, without <c>.*</c>).</summary>
        public string VersionText { get; }

        /// <summary>The parsed version (null only for <c>===</c> with a non-PEP 440 string).</summary>
        public Pep440Version? Version { get; }

        /// <summary>True for <c>==X.*</c> and <c>!=X.*</c>.</summary>
        public bool IsWildcard { get; }

        /// <summary>Explicit pre-release override (packaging's <c>prereleases</c> argument), or null.</summary>
        public bool? ExplicitPrereleases { get; }

        /// <summary>Whether this clause admits pre-releases by default: explicitly, or because it names a pre-release.</summary>
        public bool Prereleases => ExplicitPrereleases ?? (Operator != Pep440Operator.NotEqual && Version != null && Version.IsPrerelease);

        /// <summary>The operator's text.</summary>
        public static string OperatorText(Pep440Operator op) => op switch
        {
            Pep440Operator.Compatible => "~=",
            Pep440Operator.Equal => "==",
            Pep440Operator.NotEqual => "!=",
            Pep440Operator.LessOrEqual => "<=",
            Pep440Operator.GreaterOrEqual => ">=",
            Pep440Operator.Less => "<",
            Pep440Operator.Greater => ">",
            _ => "===",
        };

        /// <summary>Parses a single clause or throws <see cref="FormatException"/>.</summary>
        public static Pep440Specifier Parse(string text, bool? prereleases = null)
        {
            if (TryParse(text, 0, text?.Length ?? 0, prereleases, out var s, out var e)) return s!;
            throw new FormatException(e!.Message);
        }

        /// <summary>Parses <paramref name="text"/>[<paramref name="start"/>, <paramref name="start"/>+<paramref name="length"/>); error positions are relative to the whole string.</summary>
        public static bool TryParse(string text, int start, int length, bool? prereleases, out Pep440Specifier? specifier, out VersionSyntaxError? error)
        {
            specifier = null; error = null;
            int i = start, n = start + length;
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            while (n > i && char.IsWhiteSpace(text[n - 1])) n--;
            if (i == n) { error = new VersionSyntaxError("Empty version specifier.", start, length); return false; }
            Pep440Operator op;
            int opStart = i;
            string rest = text.Substring(i, n - i);
            if (rest.StartsWith("===", StringComparison.Ordinal)) { op = Pep440Operator.Arbitrary; i += 3; }
            else if (rest.StartsWith("~=", StringComparison.Ordinal)) { op = Pep440Operator.Compatible; i += 2; }
            else if (rest.StartsWith("==", StringComparison.Ordinal)) { op = Pep440Operator.Equal; i += 2; }
            else if (rest.StartsWith("!=", StringComparison.Ordinal)) { op = Pep440Operator.NotEqual; i += 2; }
            else if (rest.StartsWith("<=", StringComparison.Ordinal)) { op = Pep440Operator.LessOrEqual; i += 2; }
            else if (rest.StartsWith(">=", StringComparison.Ordinal)) { op = Pep440Operator.GreaterOrEqual; i += 2; }
            else if (rest.StartsWith("<", StringComparison.Ordinal)) { op = Pep440Operator.Less; i += 1; }
            else if (rest.StartsWith(">", StringComparison.Ordinal)) { op = Pep440Operator.Greater; i += 1; }
            else { error = new VersionSyntaxError("Expected an operator (~=, ==, !=, <=, >=, <, >, ===) before the version.", opStart, Math.Min(n - opStart, 1)); return false; }
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            if (i == n) { error = new VersionSyntaxError("Expected a version after '" + OperatorText(op) + "'.", opStart, n - opStart); return false; }
            string vtext = text.Substring(i, n - i);
            if (op == Pep440Operator.Arbitrary)
            {
                foreach (var c in vtext) if (char.IsWhiteSpace(c) || c == ';' || c == ',') { error = new VersionSyntaxError("'===' takes a single token without spaces.", i, n - i); return false; }
                var av = Pep440Version.TryParse(vtext, out var parsed, out _) ? parsed : null;
                specifier = new Pep440Specifier(op, vtext, av, false, prereleases);
                return true;
            }
            bool wildcard = false;
            if (vtext.EndsWith(".*", StringComparison.Ordinal))
            {
                if (vtext.Length > 2 && char.IsWhiteSpace(vtext[vtext.Length - 3]))
                { error = new VersionSyntaxError("No space is allowed before '.*'.", n - 3, 1); return false; }
                if (op != Pep440Operator.Equal && op != Pep440Operator.NotEqual) { error = new VersionSyntaxError("'.*' is only allowed with == and !=.", n - 2, 2); return false; }
                wildcard = true; vtext = vtext.Substring(0, vtext.Length - 2); n -= 2;
            }
            if (!Pep440Version.TryParse(vtext, out var v, out var verr))
            {
                error = new VersionSyntaxError(verr!.Message, i + Math.Min(verr.Position, vtext.Length), Math.Max(0, Math.Min(verr.Length, n - i - verr.Position)));
                return false;
            }
            if (v!.Local.Count > 0 && op != Pep440Operator.Equal && op != Pep440Operator.NotEqual)
            { error = new VersionSyntaxError("A local version label is only allowed with == and !=.", i, n - i); return false; }
            if (wildcard && (v.IsPrerelease || v.Post != null || v.Local.Count > 0))
            { error = new VersionSyntaxError("'.*' must follow a release segment (no pre, post, dev or local part).", i, n - i + 2); return false; }
            if (op == Pep440Operator.Compatible && v.Release.Count < 2)
            { error = new VersionSyntaxError("'~=' needs at least two release components, e.g. ~=1.4.", i, n - i); return false; }
            specifier = new Pep440Specifier(op, vtext, v, wildcard, prereleases);
            return true;
        }

        /// <summary>Whether <paramref name="candidate"/> matches, with packaging's pre-release filtering.</summary>
        public bool Contains(Pep440Version candidate, bool? prereleases = null)
        {
            bool allowPre = prereleases ?? Prereleases;
            if (candidate.IsPrerelease && !allowPre) return false;
            return Matches(candidate);
        }

        /// <summary>
        /// Whether the version string <paramref name="candidate"/> matches. <c>===</c> compares the string as written
        /// (case-insensitively, not normalized); every other operator needs a valid PEP 440 version and returns
        /// false for text that does not parse.
        /// </summary>
        public bool Contains(string candidate, bool? prereleases = null)
        {
            if (candidate == null) throw new ArgumentNullException(nameof(candidate));
            if (Operator == Pep440Operator.Arbitrary)
            {
                bool allowPre = prereleases ?? Prereleases;
                if (!allowPre && Pep440Version.TryParse(candidate, out var pv, out _) && pv!.IsPrerelease) return false;
                return MatchesArbitrary(candidate);
            }
            return Pep440Version.TryParse(candidate, out var v, out _) && Contains(v!, prereleases);
        }

        internal bool MatchesArbitrary(string candidate) =>
            string.Equals(candidate.Trim(), VersionText, StringComparison.OrdinalIgnoreCase);

        /// <summary>Whether <paramref name="candidate"/> satisfies the operator, ignoring the pre-release filter.</summary>
        public bool Matches(Pep440Version candidate)
        {
            var v = Version;
            switch (Operator)
            {
                case Pep440Operator.Arbitrary:
                    return string.Equals(candidate.ToString(), VersionText, StringComparison.OrdinalIgnoreCase);
                case Pep440Operator.Compatible:
                    return candidate.Public >= v! && PrefixMatch(candidate, v!, v!.Release.Count - 1);
                case Pep440Operator.Equal:
                    if (IsWildcard) return PrefixMatch(candidate, v!, v!.Release.Count);
                    return v!.Local.Count > 0 ? candidate == v : candidate.Public == v;
                case Pep440Operator.NotEqual:
                    if (IsWildcard) return !PrefixMatch(candidate, v!, v!.Release.Count);
                    return !(v!.Local.Count > 0 ? candidate == v : candidate.Public == v);
                case Pep440Operator.LessOrEqual:
                    return candidate.Public <= v!;
                case Pep440Operator.GreaterOrEqual:
                    return candidate.Public >= v!;
                case Pep440Operator.Less:
                    if (!(candidate < v!)) return false;
                    // Pre-releases of V itself do not match unless V is a pre-release: everything from V.dev0 up
                    // (so <1.0 excludes 1.0a1 and 1.0.dev0, and <1.0.post1 excludes only 1.0.post1.devN).
                    return v!.IsPrerelease || candidate < DevZeroOfVersion();
                default: // Greater
                    if (!(candidate > v!)) return false;
                    // Local versions of V itself never match (1.0a2+local is still greater than 1.0a1).
                    if (candidate.Public == v) return false;
                    // Post-releases of V itself do not match unless V is a post-release or a dev release
                    // (>1.0 excludes 1.0.post1; >1.0a1 excludes 1.0a1.post1 but not 1.0.post1).
                    if (v!.Post == null && v.Dev == null && candidate.Post != null && SameBase(candidate, v)
                        && candidate.PreLabel == v.PreLabel && candidate.PreNumber == v.PreNumber) return false;
                    return true;
            }
        }

        private Pep440Version? _devZero;

        // V.dev0: the smallest version that counts as a pre-release of V for '<V' (V is not a pre-release and has no local label).
        private Pep440Version DevZeroOfVersion() => _devZero ??= Pep440Version.Parse(Version!.ToString() + ".dev0");

        private static bool SameBase(Pep440Version a, Pep440Version b)
        {
            if (a.Epoch != b.Epoch) return false;
            int len = Math.Max(a.Release.Count, b.Release.Count);
            for (int k = 0; k < len; k++)
                if ((k < a.Release.Count ? a.Release[k] : BigInteger.Zero) != (k < b.Release.Count ? b.Release[k] : BigInteger.Zero)) return false;
            return true;
        }

        // Release-prefix match: the candidate's release, zero padded, starts with the first `count` components of `spec`.
        private static bool PrefixMatch(Pep440Version candidate, Pep440Version spec, int count)
        {
            if (candidate.Epoch != spec.Epoch) return false;
            for (int k = 0; k < count; k++)
                if ((k < candidate.Release.Count ? candidate.Release[k] : BigInteger.Zero) != spec.Release[k]) return false;
            return true;
        }

        /// <summary>The normalized clause text, e.g. <c>&gt;=1.2</c>, <c>==1.4.*</c>.</summary>
        public string ToNormalizedString() =>
            OperatorText(Operator) + (Operator == Pep440Operator.Arbitrary ? VersionText : Version!.ToString() + (IsWildcard ? ".*" : string.Empty));

        /// <inheritdoc />
        public override string ToString() => ToNormalizedString();
    }

    /// <summary>A comma-separated set of PEP 440 clauses (all must hold), e.g. <c>&gt;=1.26,&lt;2</c>.</summary>
    public sealed class Pep440SpecifierSet
    {
        private Pep440SpecifierSet(string text, IReadOnlyList<Pep440Specifier> specifiers, bool? prereleases)
        {
            Text = text;
            Specifiers = specifiers;
            ExplicitPrereleases = prereleases;
        }

        /// <summary>The original text.</summary>
        public string Text { get; }

        /// <summary>The clauses (empty set matches every final release).</summary>
        public IReadOnlyList<Pep440Specifier> Specifiers { get; }

        /// <summary>Explicit pre-release override, or null.</summary>
        public bool? ExplicitPrereleases { get; }

        /// <summary>How many empty clauses the text held (<c>&gt;=1,</c> has one); they are skipped, as pip skips them.</summary>
        public int EmptyClauses { get; private set; }

        /// <summary>Whether pre-releases are admitted by default (explicitly, or some clause names one).</summary>
        public bool Prereleases => ExplicitPrereleases ?? Specifiers.Any(s => s.Prereleases);

        /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
        public static Pep440SpecifierSet Parse(string text, bool? prereleases = null)
        {
            if (TryParse(text, prereleases, out var s, out var e)) return s!;
            throw new FormatException(e!.Message);
        }

        /// <summary>Parses a comma-separated set; errors carry positions inside <paramref name="text"/>.</summary>
        public static bool TryParse(string text, bool? prereleases, out Pep440SpecifierSet? set, out VersionSyntaxError? error)
        {
            set = null; error = null;
            if (text == null) { error = new VersionSyntaxError("Specifier is null.", 0, 0); return false; }
            var list = new List<Pep440Specifier>();
            int empty = 0;
            if (text.Trim().Length > 0)
            {
                int start = 0;
                while (true)
                {
                    int comma = text.IndexOf(',', start);
                    int end = comma < 0 ? text.Length : comma;
                    // An empty clause (">=1,") is skipped, as packaging's SpecifierSet skips it; EmptyClauses counts them.
                    if (text.Substring(start, end - start).Trim().Length == 0) empty++;
                    else if (!Pep440Specifier.TryParse(text, start, end - start, null, out var s, out error)) return false;
                    else list.Add(s!);
                    if (comma < 0) break;
                    start = comma + 1;
                }
            }
            set = new Pep440SpecifierSet(text, list, prereleases) { EmptyClauses = empty };
            return true;
        }

        /// <summary>Whether <paramref name="candidate"/> matches every clause, with packaging's pre-release rules.</summary>
        public bool Contains(Pep440Version candidate, bool? prereleases = null)
        {
            bool allowPre = prereleases ?? Prereleases;
            if (candidate.IsPrerelease && !allowPre) return false;
            foreach (var s in Specifiers) if (!s.Matches(candidate)) return false;
            return true;
        }

        /// <summary>
        /// Whether the version string <paramref name="candidate"/> matches every clause. <c>===</c> clauses compare
        /// the string as written; the other clauses need a valid PEP 440 version, so text that does not parse
        /// matches only a set made of <c>===</c> clauses.
        /// </summary>
        public bool Contains(string candidate, bool? prereleases = null)
        {
            if (candidate == null) throw new ArgumentNullException(nameof(candidate));
            bool parsed = Pep440Version.TryParse(candidate, out var v, out _);
            bool allowPre = prereleases ?? Prereleases;
            if (parsed && v!.IsPrerelease && !allowPre) return false;
            foreach (var s in Specifiers)
            {
                if (s.Operator == Pep440Operator.Arbitrary) { if (!s.MatchesArbitrary(candidate)) return false; }
                else if (!parsed || !s.Matches(v!)) return false;
            }
            return true;
        }

        /// <summary>Clauses in normalized form, joined by commas (sorted as packaging's <c>str(SpecifierSet)</c>).</summary>
        public string ToNormalizedString() =>
            string.Join(",", Specifiers.Select(s => s.ToNormalizedString()).Distinct().OrderBy(s => s, StringComparer.Ordinal));

        /// <inheritdoc />
        public override string ToString() => ToNormalizedString();
    }
}
