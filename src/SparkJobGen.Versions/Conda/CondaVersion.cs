using System;
using System.Collections.Generic;
using System.Text;

namespace SparkJobGen.Versions.Conda
{
    /// <summary>The kind of one element of a conda version component.</summary>
    public enum CondaVersionPartKind
    {
        /// <summary>A run of decimal digits (any length; compared numerically).</summary>
        Number,

        /// <summary>A run of non-digits such as <c>a</c>, <c>rc</c>, <c>*</c>, <c>_</c>, or <c>DEV</c> (the special <c>dev</c>).</summary>
        Text,

        /// <summary>The special string <c>post</c>, which sorts after every number and string.</summary>
        Post,
    }

    /// <summary>
    /// One element of a version component: a number, a string, or <c>post</c>. conda's <c>VersionOrder</c>
    /// splits <c>1.1rc2</c> into the components <c>[0] [1] [1, "rc", 2]</c> (the first is the epoch).
    /// </summary>
    public readonly struct CondaVersionPart : IEquatable<CondaVersionPart>, IComparable<CondaVersionPart>
    {
        /// <summary>The number 0, used as the fill value when components of different lengths are compared.</summary>
        public static readonly CondaVersionPart Zero = new CondaVersionPart(CondaVersionPartKind.Number, "0");

        /// <summary>Creates a part. Numbers are given as digit strings without leading zeros ("0" for zero).</summary>
        public CondaVersionPart(CondaVersionPartKind kind, string text)
        {
            Kind = kind;
            Text = text ?? string.Empty;
        }

        /// <summary>Number, text or post.</summary>
        public CondaVersionPartKind Kind { get; }

        /// <summary>The digits of a number (no leading zeros), the lower-case string, <c>DEV</c> for <c>dev</c>, or <c>post</c>.</summary>
        public string Text { get; }

        /// <summary>True for the number zero.</summary>
        public bool IsZero => Kind == CondaVersionPartKind.Number && Text == "0";

        /// <summary>
        /// conda's element order: a string sorts before a number or <c>post</c>; strings compare ordinally (so
        /// <c>*</c> &lt; <c>DEV</c> &lt; <c>_</c> &lt; <c>a</c>); numbers compare numerically; <c>post</c> is above every number.
        /// </summary>
        public int CompareTo(CondaVersionPart other)
        {
            bool s1 = Kind == CondaVersionPartKind.Text, s2 = other.Kind == CondaVersionPartKind.Text;
            if (s1 && s2) return Math.Sign(string.CompareOrdinal(Text, other.Text));
            if (s1) return -1;
            if (s2) return 1;
            if (Kind == CondaVersionPartKind.Post) return other.Kind == CondaVersionPartKind.Post ? 0 : 1;
            if (other.Kind == CondaVersionPartKind.Post) return -1;
            if (Text.Length != other.Text.Length) return Text.Length < other.Text.Length ? -1 : 1;
            return Math.Sign(string.CompareOrdinal(Text, other.Text));
        }

        /// <inheritdoc />
        public bool Equals(CondaVersionPart other) => Kind == other.Kind && string.Equals(Text, other.Text, StringComparison.Ordinal);

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is CondaVersionPart p && Equals(p);

        /// <inheritdoc />
        public override int GetHashCode() => unchecked(((int)Kind * 397) ^ StringComparer.Ordinal.GetHashCode(Text ?? string.Empty));

        /// <summary>Equality.</summary>
        public static bool operator ==(CondaVersionPart left, CondaVersionPart right) => left.Equals(right);

        /// <summary>Inequality.</summary>
        public static bool operator !=(CondaVersionPart left, CondaVersionPart right) => !left.Equals(right);

        /// <summary>Less than.</summary>
        public static bool operator <(CondaVersionPart left, CondaVersionPart right) => left.CompareTo(right) < 0;

        /// <summary>Less than or equal.</summary>
        public static bool operator <=(CondaVersionPart left, CondaVersionPart right) => left.CompareTo(right) <= 0;

        /// <summary>Greater than.</summary>
        public static bool operator >(CondaVersionPart left, CondaVersionPart right) => left.CompareTo(right) > 0;

        /// <summary>Greater than or equal.</summary>
        public static bool operator >=(CondaVersionPart left, CondaVersionPart right) => left.CompareTo(right) >= 0;

        /// <inheritdoc />
        public override string ToString() => Kind == CondaVersionPartKind.Post ? "post" : Text;
    }

    /// <summary>
    /// A conda package version with the ordering of conda's <c>VersionOrder</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The text is trimmed and lower-cased. A <c>-</c> is read as <c>_</c> when the version has no <c>_</c>
    /// (a version with both is an error). An optional epoch <c>N!</c> comes first and an optional local label
    /// <c>+label</c> last. The rest splits on <c>.</c> and <c>_</c> into components; a trailing <c>_</c> stays part
    /// of the last component (openssl's <c>1.0.1_</c>). Each component splits into runs of digits, runs of <c>*</c>,
    /// and other runs. A component that does not start with a digit gets a leading 0, so numbers and strings stay
    /// in step.
    /// </para>
    /// <para>
    /// Comparison walks the components (epoch first, then the release, then the local label) and fills
    /// missing elements with 0, so <c>1.0 == 1.0.0</c>. A string sorts before a number; <c>dev</c> sorts before
    /// every other string, and <c>post</c> sorts after everything. That gives
    /// <c>1.1dev1 &lt; 1.1a1 &lt; 1.1.0rc1 &lt; 1.1.0 &lt; 1.1post1</c>.
    /// </para>
    /// </remarks>
    public sealed class CondaVersion : IComparable<CondaVersion>, IEquatable<CondaVersion>
    {
        private readonly CondaVersionPart[][] _version;
        private readonly CondaVersionPart[][] _local;
        private readonly string _normalized;

        private CondaVersion(string original, string normalized, CondaVersionPart[][] version, CondaVersionPart[][] local)
        {
            OriginalText = original;
            _normalized = normalized;
            _version = version;
            _local = local;
        }

        /// <summary>The text as written (trimmed, case and <c>-</c> kept): what conda matches a glob spec against.</summary>
        public string OriginalText { get; }

        /// <summary>The components of the version: the epoch first (0 when absent), then the release components.</summary>
        public IReadOnlyList<IReadOnlyList<CondaVersionPart>> Components => _version;

        /// <summary>The components of the local label (after <c>+</c>); empty when there is none.</summary>
        public IReadOnlyList<IReadOnlyList<CondaVersionPart>> LocalComponents => _local;

        /// <summary>The epoch as written (digits without leading zeros), "0" when absent.</summary>
        public string Epoch => _version[0][0].Text;

        /// <summary>True when the version has a local label.</summary>
        public bool HasLocal => _local.Length > 0;

        /// <summary>Parses a version or throws <see cref="FormatException"/>.</summary>
        public static CondaVersion Parse(string text)
        {
            if (TryParse(text, out var v, out var error)) return v!;
            throw new FormatException(error!.ToString());
        }

        /// <summary>Parses a version; on failure returns false and an error whose span lies inside <paramref name="text"/>.</summary>
        public static bool TryParse(string text, out CondaVersion? version, out VersionSyntaxError? error) =>
            TryParse(text, 0, text?.Length ?? 0, out version, out error);

        /// <summary>
        /// Parses <paramref name="text"/>[<paramref name="start"/>, <paramref name="start"/>+<paramref name="length"/>);
        /// error positions are relative to the whole string.
        /// </summary>
        public static bool TryParse(string text, int start, int length, out CondaVersion? version, out VersionSyntaxError? error)
        {
            version = null;
            error = null;
            if (text == null) { error = new VersionSyntaxError("Version is null.", 0, 0); return false; }
            int i = start, n = start + length;
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            while (n > i && char.IsWhiteSpace(text[n - 1])) n--;
            if (i == n) { error = new VersionSyntaxError("Version is empty.", start, length); return false; }

            // Lower-case and check the characters; remember where the first '-' and '_' are.
            var chars = new char[n - i];
            int firstDash = -1, firstUnderscore = -1;
            for (int k = i; k < n; k++)
            {
                char c = text[k];
                if (c >= 'A' && c <= 'Z') c = (char)(c + ('a' - 'A'));
                bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' || c == '!' || c == '*' || c == '-';
                if (!ok)
                {
                    error = new VersionSyntaxError(
                        "Invalid character '" + text[k] + "' in version; a conda version uses letters, digits and . _ - + ! * only.", k, 1);
                    return false;
                }
                if (c == '-' && firstDash < 0) firstDash = k;
                if (c == '_' && firstUnderscore < 0) firstUnderscore = k;
                chars[k - i] = c;
            }
            if (firstDash >= 0 && firstUnderscore >= 0)
            {
                error = new VersionSyntaxError("A version may separate components with '-' or with '_', not both.", firstDash, 1);
                return false;
            }
            for (int k = 0; k < chars.Length; k++) if (chars[k] == '-') chars[k] = '_';
            string norm = new string(chars);

            // Epoch.
            int bang = norm.IndexOf('!');
            int bodyStart = 0;
            var epoch = new[] { CondaVersionPart.Zero };
            if (bang >= 0)
            {
                int second = norm.IndexOf('!', bang + 1);
                if (second >= 0) { error = new VersionSyntaxError("A version has at most one epoch separator '!'.", i + second, 1); return false; }
                if (bang == 0) { error = new VersionSyntaxError("Expected an epoch number before '!'.", i, 1); return false; }
                for (int k = 0; k < bang; k++)
                {
                    if (norm[k] < '0' || norm[k] > '9') { error = new VersionSyntaxError("The epoch (before '!') must be a number.", i, bang); return false; }
                }
                epoch = new[] { new CondaVersionPart(CondaVersionPartKind.Number, TrimZeros(norm.Substring(0, bang))) };
                bodyStart = bang + 1;
            }

            // Local label.
            int plus = norm.IndexOf('+', bodyStart);
            int bodyEnd = norm.Length;
            var local = Array.Empty<CondaVersionPart[]>();
            if (plus >= 0)
            {
                int second = norm.IndexOf('+', plus + 1);
                if (second >= 0) { error = new VersionSyntaxError("A version has at most one local version separator '+'.", i + second, 1); return false; }
                bodyEnd = plus;
                var localParts = new List<CondaVersionPart[]>();
                if (!SplitComponents(norm, plus + 1, norm.Length, i, false, localParts, out error)) return false;
                local = localParts.ToArray();
            }

            var parts = new List<CondaVersionPart[]> { epoch };
            if (!SplitComponents(norm, bodyStart, bodyEnd, i, true, parts, out error)) return false;
            version = new CondaVersion(text.Substring(i, n - i), norm, parts.ToArray(), local);
            return true;
        }

        // Splits norm[from, to) on '.' and '_' (a trailing '_' of the release stays in the last component) and tokenizes each component.
        private static bool SplitComponents(string norm, int from, int to, int offset, bool keepTrailingUnderscore, List<CondaVersionPart[]> into, out VersionSyntaxError? error)
        {
            error = null;
            bool trailing = keepTrailingUnderscore && to > from && norm[to - 1] == '_';
            int end = trailing ? to - 1 : to;
            int segStart = from;
            for (int k = from; k <= end; k++)
            {
                if (k < end && norm[k] != '.' && norm[k] != '_') continue;
                int segEnd = k;
                bool last = k == end;
                int tokenEnd = last && trailing ? to : segEnd;
                if (tokenEnd == segStart)
                {
                    int pos = Math.Min(segStart, Math.Max(norm.Length - 1, 0));
                    error = new VersionSyntaxError(
                        from == to ? (keepTrailingUnderscore ? "Expected a version before this point." : "The local version label after '+' is empty.")
                                   : "Empty version component (two separators in a row, or a separator at an end).",
                        offset + pos, norm.Length == 0 ? 0 : 1);
                    return false;
                }
                into.Add(Tokenize(norm, segStart, tokenEnd));
                segStart = k + 1;
            }
            return true;
        }

        // Splits one component into runs of digits, runs of '*', and other runs (conda's "([0-9]+|[*]+|[^0-9*]+)").
        private static CondaVersionPart[] Tokenize(string s, int from, int to)
        {
            var list = new List<CondaVersionPart>();
            if (!IsDigit(s[from])) list.Add(CondaVersionPart.Zero);
            int k = from;
            while (k < to)
            {
                int st = k;
                if (IsDigit(s[k]))
                {
                    while (k < to && IsDigit(s[k])) k++;
                    list.Add(new CondaVersionPart(CondaVersionPartKind.Number, TrimZeros(s.Substring(st, k - st))));
                    continue;
                }
                if (s[k] == '*') while (k < to && s[k] == '*') k++;
                else while (k < to && !IsDigit(s[k]) && s[k] != '*') k++;
                string run = s.Substring(st, k - st);
                list.Add(run switch
                {
                    "post" => new CondaVersionPart(CondaVersionPartKind.Post, "post"),
                    "dev" => new CondaVersionPart(CondaVersionPartKind.Text, "DEV"),
                    _ => new CondaVersionPart(CondaVersionPartKind.Text, run),
                });
            }
            return list.ToArray();
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';

        private static string TrimZeros(string digits)
        {
            int k = 0;
            while (k < digits.Length - 1 && digits[k] == '0') k++;
            return digits.Substring(k);
        }

        /// <summary>The normalized text: trimmed, lower-case, <c>-</c> written as <c>_</c> (conda's <c>str(VersionOrder)</c>).</summary>
        public override string ToString() => _normalized;

        /// <summary>
        /// Whether this version starts with <paramref name="prefix"/> in conda's sense: all components of the
        /// prefix but the last are equal, and the last one is a prefix of the matching component here (a trailing
        /// string matches as a string prefix, so <c>0.4.1p1</c> starts with <c>0.4.1p</c>). With a local label in the
        /// prefix, the versions must be equal and the local labels are compared the same way.
        /// </summary>
        public bool StartsWith(CondaVersion prefix)
        {
            if (prefix == null) throw new ArgumentNullException(nameof(prefix));
            CondaVersionPart[][] t1, t2;
            if (prefix._local.Length > 0)
            {
                if (!ListsEqual(_version, prefix._version, _version.Length, prefix._version.Length)) return false;
                t1 = _local;
                t2 = prefix._local;
            }
            else
            {
                t1 = _version;
                t2 = prefix._version;
            }
            int nt = t2.Length - 1;
            if (!ListsEqual(t1, t2, Math.Min(t1.Length, nt), nt)) return false;
            var v1 = t1.Length <= nt ? Array.Empty<CondaVersionPart>() : t1[nt];
            var v2 = t2[nt];
            int ne = v2.Length - 1;
            if (!PartsEqual(v1, v2, Math.Min(v1.Length, ne), ne)) return false;
            var c1 = v1.Length <= ne ? CondaVersionPart.Zero : v1[ne];
            var c2 = v2[ne];
            if (c2.Kind == CondaVersionPartKind.Text)
                return c1.Kind == CondaVersionPartKind.Text && c1.Text.StartsWith(c2.Text, StringComparison.Ordinal);
            return c1 == c2;
        }

        private static bool ListsEqual(CondaVersionPart[][] a, CondaVersionPart[][] b, int na, int nb)
        {
            int len = Math.Max(na, nb);
            for (int k = 0; k < len; k++)
            {
                var x = k < na ? a[k] : Array.Empty<CondaVersionPart>();
                var y = k < nb ? b[k] : Array.Empty<CondaVersionPart>();
                if (!PartsEqual(x, y, x.Length, y.Length)) return false;
            }
            return true;
        }

        private static bool PartsEqual(CondaVersionPart[] a, CondaVersionPart[] b, int na, int nb)
        {
            int len = Math.Max(na, nb);
            for (int k = 0; k < len; k++)
            {
                var x = k < na ? a[k] : CondaVersionPart.Zero;
                var y = k < nb ? b[k] : CondaVersionPart.Zero;
                if (x != y) return false;
            }
            return true;
        }

        private static int CompareLists(CondaVersionPart[][] a, CondaVersionPart[][] b)
        {
            int len = Math.Max(a.Length, b.Length);
            for (int k = 0; k < len; k++)
            {
                var x = k < a.Length ? a[k] : Array.Empty<CondaVersionPart>();
                var y = k < b.Length ? b[k] : Array.Empty<CondaVersionPart>();
                int plen = Math.Max(x.Length, y.Length);
                for (int j = 0; j < plen; j++)
                {
                    var p = j < x.Length ? x[j] : CondaVersionPart.Zero;
                    var q = j < y.Length ? y[j] : CondaVersionPart.Zero;
                    int c = p.CompareTo(q);
                    if (c != 0) return c;
                }
            }
            return 0;
        }

        /// <summary>conda's <c>VersionOrder</c> ordering: the release components first, then the local label.</summary>
        public int CompareTo(CondaVersion? other)
        {
            if (other is null) return 1;
            int c = CompareLists(_version, other._version);
            return c != 0 ? c : CompareLists(_local, other._local);
        }

        /// <inheritdoc />
        public bool Equals(CondaVersion? other) => other is not null && CompareTo(other) == 0;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is CondaVersion v && Equals(v);

        /// <summary>Hash consistent with <see cref="Equals(CondaVersion)"/>: trailing zeros and all-zero trailing components are ignored.</summary>
        public override int GetHashCode() => unchecked(HashList(_version) * 31 + HashList(_local));

        private static int HashList(CondaVersionPart[][] list)
        {
            int end = list.Length;
            while (end > 0 && TrimmedLength(list[end - 1]) == 0) end--;
            int h = 17;
            for (int k = 0; k < end; k++)
            {
                int plen = TrimmedLength(list[k]);
                h = unchecked(h * 31 + plen);
                for (int j = 0; j < plen; j++) h = unchecked(h * 31 + list[k][j].GetHashCode());
            }
            return h;
        }

        private static int TrimmedLength(CondaVersionPart[] parts)
        {
            int end = parts.Length;
            while (end > 0 && parts[end - 1].IsZero) end--;
            return end;
        }

        /// <summary>Equality by conda ordering.</summary>
        public static bool operator ==(CondaVersion? left, CondaVersion? right) => left is null ? right is null : left.Equals(right);

        /// <summary>Inequality by conda ordering.</summary>
        public static bool operator !=(CondaVersion? left, CondaVersion? right) => !(left == right);

        /// <summary>Less than.</summary>
        public static bool operator <(CondaVersion left, CondaVersion right) => left.CompareTo(right) < 0;

        /// <summary>Less than or equal.</summary>
        public static bool operator <=(CondaVersion left, CondaVersion right) => left.CompareTo(right) <= 0;

        /// <summary>Greater than.</summary>
        public static bool operator >(CondaVersion left, CondaVersion right) => left.CompareTo(right) > 0;

        /// <summary>Greater than or equal.</summary>
        public static bool operator >=(CondaVersion left, CondaVersion right) => left.CompareTo(right) >= 0;

        /// <summary>Renders the parsed components for diagnostics, e.g. <c>[0][1][1,rc,2]</c>.</summary>
        public string ToComponentString()
        {
            var sb = new StringBuilder();
            Append(sb, _version);
            if (_local.Length > 0) { sb.Append('+'); Append(sb, _local); }
            return sb.ToString();
        }

        private static void Append(StringBuilder sb, CondaVersionPart[][] list)
        {
            foreach (var comp in list)
            {
                sb.Append('[');
                for (int j = 0; j < comp.Length; j++) { if (j > 0) sb.Append(','); sb.Append(comp[j].ToString()); }
                sb.Append(']');
            }
        }
    }
}
