using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SparkJobGen.Versions.Conda
{
    /// <summary>The relation of a single conda version-spec term.</summary>
    public enum CondaOperator
    {
        /// <summary><c>==V</c> or a bare <c>V</c>: equal under conda ordering (<c>1.7 == 1.7.0</c>).</summary>
        Equal,

        /// <summary><c>!=V</c>.</summary>
        NotEqual,

        /// <summary><c>&lt;V</c>.</summary>
        Less,

        /// <summary><c>&lt;=V</c>.</summary>
        LessOrEqual,

        /// <summary><c>&gt;V</c>.</summary>
        Greater,

        /// <summary><c>&gt;=V</c>.</summary>
        GreaterOrEqual,

        /// <summary><c>=V</c>, <c>V*</c>, <c>V.*</c>: the candidate starts with V (<see cref="CondaVersion.StartsWith"/>).</summary>
        StartsWith,

        /// <summary><c>!=V.*</c>: the candidate does not start with V.</summary>
        NotStartsWith,

        /// <summary><c>~=V</c>: <c>&gt;=V</c> and starts with V minus its last component.</summary>
        Compatible,
    }

    /// <summary>A node of a parsed conda version spec: a term, <c>*</c>, a glob, or an and/or of nodes.</summary>
    public abstract class CondaSpecNode
    {
        private protected CondaSpecNode()
        {
        }

        /// <summary>Whether <paramref name="version"/> satisfies this node.</summary>
        public abstract bool IsSatisfiedBy(CondaVersion version);

        /// <summary>The node in conda's spec syntax, with parentheses only where <c>|</c> sits inside <c>,</c>.</summary>
        public override string ToString() => Render(false);

        internal abstract string Render(bool insideAnd);
    }

    /// <summary>All children must hold (conda's <c>,</c>).</summary>
    public sealed class CondaSpecAnd : CondaSpecNode
    {
        /// <summary>Creates an and-node.</summary>
        public CondaSpecAnd(IReadOnlyList<CondaSpecNode> children) => Children = children ?? throw new ArgumentNullException(nameof(children));

        /// <summary>The operands (at least two when produced by the parser).</summary>
        public IReadOnlyList<CondaSpecNode> Children { get; }

        /// <inheritdoc />
        public override bool IsSatisfiedBy(CondaVersion version) => Children.All(c => c.IsSatisfiedBy(version));

        internal override string Render(bool insideAnd) => string.Join(",", Children.Select(c => c.Render(true)));
    }

    /// <summary>At least one child must hold (conda's <c>|</c>, which binds looser than <c>,</c>).</summary>
    public sealed class CondaSpecOr : CondaSpecNode
    {
        /// <summary>Creates an or-node.</summary>
        public CondaSpecOr(IReadOnlyList<CondaSpecNode> children) => Children = children ?? throw new ArgumentNullException(nameof(children));

        /// <summary>The alternatives (at least two when produced by the parser).</summary>
        public IReadOnlyList<CondaSpecNode> Children { get; }

        /// <inheritdoc />
        public override bool IsSatisfiedBy(CondaVersion version) => Children.Any(c => c.IsSatisfiedBy(version));

        internal override string Render(bool insideAnd)
        {
            string s = string.Join("|", Children.Select(c => c.Render(false)));
            return insideAnd ? "(" + s + ")" : s;
        }
    }

    /// <summary><c>*</c>: every version.</summary>
    public sealed class CondaSpecAny : CondaSpecNode
    {
        /// <summary>The single instance.</summary>
        public static readonly CondaSpecAny Instance = new CondaSpecAny();

        private CondaSpecAny()
        {
        }

        /// <inheritdoc />
        public override bool IsSatisfiedBy(CondaVersion version) => true;

        internal override string Render(bool insideAnd) => "*";
    }

    /// <summary>
    /// A version glob with a <c>*</c> before its end, such as <c>1.*.1</c> or <c>*.7.*</c>. As conda does (a regular
    /// expression built from the spec, conda/models/version.py), it matches the version text as written
    /// (<see cref="CondaVersion.OriginalText"/>), case and <c>-</c>/<c>_</c> significant, and <c>*</c> matches any run of
    /// characters. It has no interval form.
    /// </summary>
    public sealed class CondaSpecGlob : CondaSpecNode
    {
        /// <summary>Creates a glob node.</summary>
        public CondaSpecGlob(string pattern) => Pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));

        /// <summary>The pattern as written, e.g. <c>1.*.1</c>.</summary>
        public string Pattern { get; }

        /// <inheritdoc />
        public override bool IsSatisfiedBy(CondaVersion version) => Glob.IsMatch(Pattern, version.OriginalText, ignoreCase: false);

        internal override string Render(bool insideAnd) => Pattern;
    }

    /// <summary>One relation such as <c>&gt;=1.2</c>, <c>1.2.*</c> or <c>~=1.2.3</c>.</summary>
    public sealed class CondaSpecTerm : CondaSpecNode
    {
        /// <summary>Creates a term. <paramref name="text"/> is how it renders; null renders the canonical form.</summary>
        public CondaSpecTerm(CondaOperator op, CondaVersion version, string? text = null)
        {
            Operator = op;
            Version = version ?? throw new ArgumentNullException(nameof(version));
            Text = text ?? CanonicalText(op, version);
            if (op == CondaOperator.Compatible)
            {
                // conda's compatible-release operator: >= V and starts with V's text up to its last '.', local label
                // included (~=1.2+3.4 starts with 1.2+3).
                CompatiblePrefix = CompatiblePrefixOf(version) ?? throw new ArgumentException("'~=' needs a version with at least two components, e.g. ~=1.4.", nameof(version));
            }
        }

        /// <summary>The relation.</summary>
        public CondaOperator Operator { get; }

        /// <summary>The prefix of <c>~=V</c>: V's normalized text up to its last <c>.</c>, or null when there is none.</summary>
        internal static CondaVersion? CompatiblePrefixOf(CondaVersion version)
        {
            string s = version.ToString();
            int dot = s.LastIndexOf('.');
            return dot > 0 && CondaVersion.TryParse(s.Substring(0, dot), out var prefix, out _) ? prefix : null;
        }

        /// <summary>The version on the right of the operator (for prefix operators, the prefix without <c>.*</c>).</summary>
        public CondaVersion Version { get; }

        /// <summary>For <see cref="CondaOperator.Compatible"/>, the prefix the candidate must start with (<c>~=1.4.2</c> gives <c>1.4</c>); otherwise null.</summary>
        public CondaVersion? CompatiblePrefix { get; }

        /// <summary>The term as written (trimmed), e.g. <c>1.7*</c> or <c>&gt;=1.2</c>.</summary>
        public string Text { get; }

        /// <summary>The canonical text of a term: <c>==V</c>, <c>=V</c> (prefix) , <c>!=V.*</c>, <c>&gt;=V</c>, ...</summary>
        public static string CanonicalText(CondaOperator op, CondaVersion version) => op switch
        {
            CondaOperator.Equal => "==" + version,
            CondaOperator.NotEqual => "!=" + version,
            CondaOperator.Less => "<" + version,
            CondaOperator.LessOrEqual => "<=" + version,
            CondaOperator.Greater => ">" + version,
            CondaOperator.GreaterOrEqual => ">=" + version,
            CondaOperator.StartsWith => "=" + version,
            CondaOperator.NotStartsWith => "!=" + version + ".*",
            _ => "~=" + version,
        };

        /// <inheritdoc />
        public override bool IsSatisfiedBy(CondaVersion version)
        {
            if (version == null) throw new ArgumentNullException(nameof(version));
            return Operator switch
            {
                CondaOperator.Equal => version == Version,
                CondaOperator.NotEqual => version != Version,
                CondaOperator.Less => version < Version,
                CondaOperator.LessOrEqual => version <= Version,
                CondaOperator.Greater => version > Version,
                CondaOperator.GreaterOrEqual => version >= Version,
                CondaOperator.StartsWith => version.StartsWith(Version),
                CondaOperator.NotStartsWith => !version.StartsWith(Version),
                _ => version >= Version && version.StartsWith(CompatiblePrefix!),
            };
        }

        internal override string Render(bool insideAnd) => Text;
    }

    /// <summary>
    /// A conda version spec (the version part of a MatchSpec), e.g. <c>1.2.*</c>, <c>&gt;=1,&lt;2|1.5.*</c>.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>,</c> is "and" and binds tighter than <c>|</c> ("or"); parentheses group.</item>
    /// <item>A bare version <c>1.2</c> is exact (<c>==1.2</c>, which also matches <c>1.2.0</c>).</item>
    /// <item><c>=1.2</c>, <c>1.2*</c>, <c>1.2.*</c> and <c>=1.2.*</c> are prefix matches (<c>1.2</c>, <c>1.2.5</c>, <c>1.2a1</c>; not <c>1.20</c>).</item>
    /// <item><c>!=1.2.*</c> is the negated prefix match. After <c>==</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c> and <c>&gt;=</c> conda ignores <c>.*</c>, and so does this parser; <c>~=1.2.*</c> is an error.</item>
    /// <item><c>~=1.2.3</c> is <c>&gt;=1.2.3</c> and a prefix match on <c>1.2</c>.</item>
    /// <item><c>*</c> matches everything. A <c>*</c> before the end (<c>1.*.1</c>) is a glob over the version text.</item>
    /// <item>Regular-expression specs (<c>^...$</c>) and <c>===</c> are rejected with a positioned error.</item>
    /// </list>
    /// </remarks>
    public sealed class CondaVersionSpec
    {
        private CondaVersionSpec(string text, CondaSpecNode root)
        {
            Text = text;
            Root = root;
        }

        /// <summary>The text the spec was parsed from.</summary>
        public string Text { get; }

        /// <summary>The parsed tree.</summary>
        public CondaSpecNode Root { get; }

        /// <summary>True when the spec is a single <see cref="CondaOperator.Equal"/> term (conda's <c>is_exact</c>).</summary>
        public bool IsExact => Root is CondaSpecTerm t && t.Operator == CondaOperator.Equal;

        /// <summary>True for <c>*</c>.</summary>
        public bool MatchesAll => Root is CondaSpecAny;

        /// <summary>Parses a spec or throws <see cref="FormatException"/>.</summary>
        public static CondaVersionSpec Parse(string text)
        {
            if (TryParse(text, out var spec, out var error)) return spec!;
            throw new FormatException(error!.ToString());
        }

        /// <summary>Parses a spec; on failure returns false and an error whose span lies inside <paramref name="text"/>.</summary>
        public static bool TryParse(string text, out CondaVersionSpec? spec, out VersionSyntaxError? error) =>
            TryParse(text, 0, text?.Length ?? 0, out spec, out error);

        /// <summary>
        /// Parses <paramref name="text"/>[<paramref name="start"/>, <paramref name="start"/>+<paramref name="length"/>);
        /// error positions are relative to the whole string.
        /// </summary>
        public static bool TryParse(string text, int start, int length, out CondaVersionSpec? spec, out VersionSyntaxError? error)
        {
            spec = null;
            error = null;
            if (text == null) { error = new VersionSyntaxError("Version spec is null.", 0, 0); return false; }
            var parser = new Parser(text, start, start + length);
            var root = parser.ParseAll();
            if (root == null) { error = parser.Error; return false; }
            spec = new CondaVersionSpec(text.Substring(start, length).Trim(), root);
            return true;
        }

        /// <summary>Whether <paramref name="version"/> satisfies the spec.</summary>
        public bool IsSatisfiedBy(CondaVersion version) => Root.IsSatisfiedBy(version);

        /// <summary>Parses <paramref name="version"/> and tests it; false when it is not a valid conda version.</summary>
        public bool IsSatisfiedBy(string version) => CondaVersion.TryParse(version, out var v, out _) && Root.IsSatisfiedBy(v!);

        /// <summary>
        /// The spec with whitespace removed, a trailing <c>*</c> written <c>.*</c>, and parentheses only where needed
        /// (conda's <c>str(VersionSpec)</c>).
        /// </summary>
        public override string ToString() => Root.ToString();

        /// <summary>Specs are equal when their texts (<see cref="ToString"/>) are, as conda compares <c>VersionSpec</c>s.</summary>
        public override bool Equals(object? obj) => obj is CondaVersionSpec other && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

        /// <inheritdoc />
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

        private sealed class Parser
        {
            private readonly string _s;
            private readonly int _end;
            private int _i;

            public Parser(string s, int start, int end)
            {
                _s = s;
                _i = start;
                _end = end;
            }

            public VersionSyntaxError? Error { get; private set; }

            public CondaSpecNode? ParseAll()
            {
                SkipSpace();
                if (_i == _end) { Error = new VersionSyntaxError("Version spec is empty.", _i, 0); return null; }
                var node = ParseOr();
                if (node == null) return null;
                SkipSpace();
                if (_i < _end)
                {
                    Error = _s[_i] == ')'
                        ? new VersionSyntaxError("Unmatched ')' in version spec.", _i, 1)
                        : new VersionSyntaxError("Unexpected '" + _s[_i] + "' in version spec.", _i, 1);
                    return null;
                }
                return node;
            }

            private void SkipSpace()
            {
                while (_i < _end && char.IsWhiteSpace(_s[_i])) _i++;
            }

            private CondaSpecNode? ParseOr()
            {
                var first = ParseAnd();
                if (first == null) return null;
                List<CondaSpecNode>? list = null;
                while (true)
                {
                    SkipSpace();
                    if (_i >= _end || _s[_i] != '|') break;
                    _i++;
                    var next = ParseAnd();
                    if (next == null) return null;
                    list ??= first is CondaSpecOr o ? new List<CondaSpecNode>(o.Children) : new List<CondaSpecNode> { first };
                    if (next is CondaSpecOr inner) list.AddRange(inner.Children); else list.Add(next);
                }
                return list == null ? first : new CondaSpecOr(list);
            }

            private CondaSpecNode? ParseAnd()
            {
                var first = ParsePrimary();
                if (first == null) return null;
                List<CondaSpecNode>? list = null;
                while (true)
                {
                    SkipSpace();
                    if (_i >= _end || _s[_i] != ',') break;
                    _i++;
                    var next = ParsePrimary();
                    if (next == null) return null;
                    list ??= first is CondaSpecAnd a ? new List<CondaSpecNode>(a.Children) : new List<CondaSpecNode> { first };
                    if (next is CondaSpecAnd inner) list.AddRange(inner.Children); else list.Add(next);
                }
                return list == null ? first : new CondaSpecAnd(list);
            }

            private CondaSpecNode? ParsePrimary()
            {
                SkipSpace();
                if (_i < _end && _s[_i] == '(')
                {
                    int open = _i++;
                    var inner = ParseOr();
                    if (inner == null) return null;
                    SkipSpace();
                    if (_i >= _end || _s[_i] != ')') { Error = new VersionSyntaxError("Missing ')' for this '('.", open, 1); return null; }
                    _i++;
                    return inner;
                }
                int st = _i;
                while (_i < _end && _s[_i] != '(' && _s[_i] != ')' && _s[_i] != '|' && _s[_i] != ',') _i++;
                int a = st, b = _i;
                while (a < b && char.IsWhiteSpace(_s[a])) a++;
                while (b > a && char.IsWhiteSpace(_s[b - 1])) b--;
                if (a == b)
                {
                    string what = _i < _end ? "'" + _s[_i] + "'" : "the end";
                    Error = new VersionSyntaxError("Expected a version or '(' before " + what + ".", _i < _end ? _i : Math.Max(st, _end - 1), _i < _end ? 1 : 0);
                    return null;
                }
                if (_i < _end && _s[_i] == '(')
                {
                    Error = new VersionSyntaxError("Unexpected '(' after a version; join terms with ',' or '|'.", _i, 1);
                    return null;
                }
                var term = ParseTermCore(_s, a, b, out var error);
                Error = error;
                return term;
            }
        }

        // Parses one term occupying s[a, b) (already trimmed), following conda's VersionSpec.get_matcher.
        private static CondaSpecNode? ParseTermCore(string s, int a, int b, out VersionSyntaxError? error)
        {
            error = null;
            string t = s.Substring(a, b - a);
            // conda reads "1.2 .*" and "1.2 *" as 1.2.*: whitespace just before a trailing wildcard is dropped.
            int star = t.EndsWith(".*", StringComparison.Ordinal) ? t.Length - 2 : t.EndsWith("*", StringComparison.Ordinal) ? t.Length - 1 : -1;
            if (star > 0 && char.IsWhiteSpace(t[star - 1]))
            {
                int keep = star;
                while (keep > 0 && char.IsWhiteSpace(t[keep - 1])) keep--;
                if (keep > 0 && t.Substring(0, keep).IndexOf(' ') < 0)
                {
                    var compact = t.Substring(0, keep) + ".*";
                    var node = ParseTermCore(compact, 0, compact.Length, out error);
                    if (error != null) error = new VersionSyntaxError(error.Message, a + Math.Min(error.Position, keep), error.Length);
                    return node;
                }
            }
            for (int k = a; k < b; k++)
            {
                if (char.IsWhiteSpace(s[k]))
                {
                    error = new VersionSyntaxError("Unexpected space inside version term '" + t + "'; write operators next to their version (>=1.2).", k, 1);
                    return null;
                }
            }
            if (t[0] == '^' || t[t.Length - 1] == '$')
            {
                error = new VersionSyntaxError("Regular-expression version specs (^...$) are not supported; use operators or a '*' glob.", a, b - a);
                return null;
            }
            if (t[0] == '=' || t[0] == '<' || t[0] == '>' || t[0] == '!' || t[0] == '~')
            {
                int opLen;
                CondaOperator op;
                if (Starts(t, "==")) { op = CondaOperator.Equal; opLen = 2; }
                else if (Starts(t, "!=")) { op = CondaOperator.NotEqual; opLen = 2; }
                else if (Starts(t, "<=")) { op = CondaOperator.LessOrEqual; opLen = 2; }
                else if (Starts(t, ">=")) { op = CondaOperator.GreaterOrEqual; opLen = 2; }
                else if (Starts(t, "~=")) { op = CondaOperator.Compatible; opLen = 2; }
                else if (Starts(t, "=")) { op = CondaOperator.StartsWith; opLen = 1; }
                else if (Starts(t, "<")) { op = CondaOperator.Less; opLen = 1; }
                else if (Starts(t, ">")) { op = CondaOperator.Greater; opLen = 1; }
                else
                {
                    error = new VersionSyntaxError("Invalid operator '" + t[0] + "'; use ==, !=, <, <=, >, >=, =, or ~=.", a, 1);
                    return null;
                }
                if (opLen < t.Length && "=<>!~".IndexOf(t[opLen]) >= 0)
                {
                    int opEnd = opLen;
                    while (opEnd < t.Length && "=<>!~".IndexOf(t[opEnd]) >= 0) opEnd++;
                    error = new VersionSyntaxError("Invalid operator '" + t.Substring(0, opEnd) + "'; use ==, !=, <, <=, >, >=, =, or ~=.", a, opEnd);
                    return null;
                }
                if (opLen == t.Length)
                {
                    error = new VersionSyntaxError("Expected a version after '" + t + "'.", a, b - a);
                    return null;
                }
                int vs = a + opLen, ve = b;
                if (t.EndsWith(".*", StringComparison.Ordinal))
                {
                    switch (op)
                    {
                        case CondaOperator.StartsWith:
                        case CondaOperator.GreaterOrEqual:
                            ve -= 2;
                            break;
                        case CondaOperator.NotEqual:
                            op = CondaOperator.NotStartsWith;
                            ve -= 2;
                            break;
                        case CondaOperator.Compatible:
                            error = new VersionSyntaxError("'.*' cannot follow '~='; write ~=1.2 or =1.2.", b - 2, 2);
                            return null;
                        default:
                            // conda ignores a '.*' after ==, <, <=, > (with a deprecation warning): "==1.2.*" is "==1.2".
                            ve -= 2;
                            break;
                    }
                }
                else if (op == CondaOperator.StartsWith && t.EndsWith("*", StringComparison.Ordinal))
                {
                    ve -= 1; // "=1.2*" is the same prefix match as "=1.2"
                }
                if (ve == vs)
                {
                    error = new VersionSyntaxError("Expected a version after '" + t.Substring(0, opLen) + "'.", a, b - a);
                    return null;
                }
                if (!CondaVersion.TryParse(s, vs, ve - vs, out var v, out error)) return null;
                if (op == CondaOperator.Compatible)
                {
                    if (CondaSpecTerm.CompatiblePrefixOf(v!) is null)
                    {
                        error = new VersionSyntaxError("'~=' needs a version with at least two components, e.g. ~=1.4.", vs, ve - vs);
                        return null;
                    }
                }
                return new CondaSpecTerm(op, v!, t);
            }
            if (t == "*") return CondaSpecAny.Instance;
            string stripped = t.TrimEnd('*');
            if (stripped.IndexOf('*') >= 0)
            {
                for (int k = a; k < b; k++)
                {
                    char c = s[k];
                    if (!(char.IsLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-' && c != '+' && c != '!' && c != '*')
                    {
                        error = new VersionSyntaxError("Invalid character '" + c + "' in version glob.", k, 1);
                        return null;
                    }
                }
                return new CondaSpecGlob(t);
            }
            if (t[t.Length - 1] == '*')
            {
                int ve = b - 1;
                if (ve > a && s[ve - 1] == '.') ve--;
                if (ve == a)
                {
                    error = new VersionSyntaxError("Expected a version before '.*'.", a, b - a);
                    return null;
                }
                if (!CondaVersion.TryParse(s, a, ve - a, out var pv, out error)) return null;
                // conda rewrites a trailing "*" as ".*" in the spec's text ("1.7*" prints as "1.7.*").
                return new CondaSpecTerm(CondaOperator.StartsWith, pv!, t.EndsWith(".*", StringComparison.Ordinal) ? t : t.Substring(0, t.Length - 1) + ".*");
            }
            if (!CondaVersion.TryParse(s, a, b - a, out var ev, out error)) return null;
            return new CondaSpecTerm(CondaOperator.Equal, ev!, t);
        }

        private static bool Starts(string t, string prefix) => t.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Glob matching with <c>*</c> as the only wildcard (any run of characters), as conda's build-string and name matching.</summary>
    internal static class Glob
    {
        /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> entirely.</summary>
        public static bool IsMatch(string pattern, string text, bool ignoreCase)
        {
            int p = 0, t = 0, starP = -1, starT = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && pattern[p] == '*') { starP = p++; starT = t; }
                else if (p < pattern.Length && Same(pattern[p], text[t], ignoreCase)) { p++; t++; }
                else if (starP >= 0) { p = starP + 1; t = ++starT; }
                else return false;
            }
            while (p < pattern.Length && pattern[p] == '*') p++;
            return p == pattern.Length;
        }

        private static bool Same(char a, char b, bool ignoreCase) =>
            a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
    }
}
