using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SparkJobGen.Versions
{
    /// <summary>A syntax error found while parsing a version or specifier, with its span inside the input string.</summary>
    public sealed class VersionSyntaxError
    {
        /// <summary>Creates an error.</summary>
        public VersionSyntaxError(string message, int position, int length)
        {
            Message = message;
            Position = position;
            Length = length;
        }

        /// <summary>Human-readable description of the problem.</summary>
        public string Message { get; }

        /// <summary>Zero-based offset of the offending text inside the input.</summary>
        public int Position { get; }

        /// <summary>Length of the offending text (at least 0).</summary>
        public int Length { get; }

        /// <inheritdoc />
        public override string ToString() => Message + " (at " + Position.ToString(CultureInfo.InvariantCulture) + ")";
    }

    /// <summary>
    /// A PEP 440 version (epoch, release, pre, post, dev, local) with the normalization and total ordering
    /// of pypa/packaging's <c>Version</c>.
    /// </summary>
    public sealed class Pep440Version : IComparable<Pep440Version>, IEquatable<Pep440Version>
    {
        private readonly BigInteger[] _release;
        private readonly object[] _local;

        private Pep440Version(BigInteger epoch, BigInteger[] release, string? preLabel, BigInteger preNumber, BigInteger? post, BigInteger? dev, object[] local)
        {
            Epoch = epoch;
            _release = release;
            PreLabel = preLabel;
            PreNumber = preNumber;
            Post = post;
            Dev = dev;
            _local = local;
        }

        /// <summary>The epoch (0 when absent); numbers of any length are kept exactly.</summary>
        public BigInteger Epoch { get; }

        /// <summary>The release segment, e.g. [1, 2, 0]; components of any length are kept exactly.</summary>
        public IReadOnlyList<BigInteger> Release => _release;

        /// <summary>Normalized pre-release label: "a", "b", "rc", or null.</summary>
        public string? PreLabel { get; }

        /// <summary>Pre-release number (meaningful only when <see cref="PreLabel"/> is set).</summary>
        public BigInteger PreNumber { get; }

        /// <summary>Post-release number, or null.</summary>
        public BigInteger? Post { get; }

        /// <summary>Development-release number, or null.</summary>
        public BigInteger? Dev { get; }

        /// <summary>Local segment parts (<see cref="BigInteger"/> or lower-case string); empty when there is no local label.</summary>
        public IReadOnlyList<object> Local => _local;

        /// <summary>True for pre-releases and development releases.</summary>
        public bool IsPrerelease => PreLabel != null || Dev != null;

        /// <summary>The public part of the version (without the local label).</summary>
        public Pep440Version Public => _local.Length == 0 ? this : new Pep440Version(Epoch, _release, PreLabel, PreNumber, Post, Dev, Array.Empty<object>());

        /// <summary>Parses a version or throws <see cref="FormatException"/>.</summary>
        public static Pep440Version Parse(string text)
        {
            if (TryParse(text, out var v, out var error)) return v!;
            throw new FormatException(error!.Message);
        }

        /// <summary>Parses a version; on failure returns false and a positioned error.</summary>
        public static bool TryParse(string text, out Pep440Version? version, out VersionSyntaxError? error)
        {
            version = null;
            error = null;
            if (text == null) { error = new VersionSyntaxError("Version is null.", 0, 0); return false; }
            int i = 0, n = text.Length;
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            while (n > i && char.IsWhiteSpace(text[n - 1])) n--;
            if (i == n) { error = new VersionSyntaxError("Version is empty.", 0, text.Length); return false; }
            if (text[i] == 'v' || text[i] == 'V') i++;
            int start = i;
            if (!ReadInt(text, ref i, n, out BigInteger first)) { error = new VersionSyntaxError("Expected a release number.", i, Math.Min(1, n - i)); return false; }
            BigInteger epoch = BigInteger.Zero;
            var release = new List<BigInteger>();
            if (i < n && text[i] == '!') { epoch = first; i++; if (!ReadInt(text, ref i, n, out first)) { error = new VersionSyntaxError("Expected a release number after the epoch '!'.", i, Math.Min(1, n - i)); return false; } }
            release.Add(first);
            while (i + 1 < n && text[i] == '.' && IsDigit(text[i + 1])) { i++; ReadInt(text, ref i, n, out BigInteger part); release.Add(part); }
            string? preLabel = null; BigInteger preNumber = BigInteger.Zero; BigInteger? post = null; BigInteger? dev = null;
            // Pre-release: [-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?N?
            int save = i;
            int j = i;
            if (j < n && IsSep(text[j])) j++;
            if (MatchWord(text, ref j, n, out string? word, "preview", "alpha", "beta", "pre", "rc", "a", "b", "c"))
            {
                preLabel = word switch { "alpha" => "a", "a" => "a", "beta" => "b", "b" => "b", _ => "rc" };
                // A separator may follow the label without a number (PEP 440 Appendix B: "1.0a." is 1.0a0).
                int k = j;
                if (k < n && IsSep(text[k])) k++;
                if (k < n && IsDigit(text[k])) ReadInt(text, ref k, n, out preNumber);
                i = k;
            }
            else i = save;
            // Post-release: -N  |  [-_.]?(post|rev|r)[-_.]?N?
            save = i;
            if (i + 1 < n && text[i] == '-' && IsDigit(text[i + 1])) { i++; ReadInt(text, ref i, n, out BigInteger p); post = p; }
            else
            {
                j = i;
                if (j < n && IsSep(text[j])) j++;
                if (MatchWord(text, ref j, n, out _, "post", "rev", "r"))
                {
                    int k = j; BigInteger p = BigInteger.Zero;
                    if (k < n && IsSep(text[k])) k++;
                    if (k < n && IsDigit(text[k])) ReadInt(text, ref k, n, out p);
                    post = p; i = k;
                }
                else i = save;
            }
            // Dev: [-_.]?dev[-_.]?N?
            j = i;
            if (j < n && IsSep(text[j])) j++;
            if (MatchWord(text, ref j, n, out _, "dev"))
            {
                int k = j; BigInteger d = BigInteger.Zero;
                if (k < n && IsSep(text[k])) k++;
                if (k < n && IsDigit(text[k])) ReadInt(text, ref k, n, out d);
                dev = d; i = k;
            }
            var local = new List<object>();
            if (i < n && text[i] == '+')
            {
                i++;
                int segStart = i;
                while (true)
                {
                    int s = i;
                    while (i < n && char.IsLetterOrDigit(text[i]) && text[i] < 128) i++;
                    if (i == s) { error = new VersionSyntaxError("Expected an alphanumeric local version segment.", i, Math.Min(1, n - i)); return false; }
                    string seg = text.Substring(s, i - s).ToLowerInvariant();
                    local.Add(IsAllDigits(seg) ? BigInteger.Parse(seg, NumberStyles.None, CultureInfo.InvariantCulture) : (object)seg);
                    if (i < n && IsSep(text[i]) && i + 1 < n) { i++; continue; }
                    break;
                }
                _ = segStart;
            }
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            if (i != n) { error = new VersionSyntaxError("Unexpected text '" + text.Substring(i, n - i) + "' in version.", i, n - i); return false; }
            _ = start;
            version = new Pep440Version(epoch, release.ToArray(), preLabel, preNumber, post, dev, local.ToArray());
            return true;
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';
        private static bool IsSep(char c) => c == '.' || c == '-' || c == '_';
        private static bool IsAllDigits(string s) { foreach (var c in s) if (!IsDigit(c)) return false; return s.Length > 0; }
        // Reads a run of digits of any length exactly (PEP 440 sets no bound on a numeric component).
        private static bool ReadInt(string s, ref int i, int n, out BigInteger value)
        {
            int st = i;
            while (i < n && IsDigit(s[i])) i++;
            value = i > st ? BigInteger.Parse(s.Substring(st, i - st), NumberStyles.None, CultureInfo.InvariantCulture) : BigInteger.Zero;
            return i > st;
        }

        private static bool MatchWord(string s, ref int i, int n, out string? word, params string[] words)
        {
            foreach (var w in words)
            {
                if (i + w.Length <= n && string.Compare(s, i, w, 0, w.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    word = w; i += w.Length; return true;
                }
            }
            word = null;
            return false;
        }

        /// <summary>The canonical string form (as packaging's <c>str(Version)</c>).</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            if (Epoch != 0) sb.Append(Epoch.ToString(CultureInfo.InvariantCulture)).Append('!');
            for (int k = 0; k < _release.Length; k++) { if (k > 0) sb.Append('.'); sb.Append(_release[k].ToString(CultureInfo.InvariantCulture)); }
            if (PreLabel != null) sb.Append(PreLabel).Append(PreNumber.ToString(CultureInfo.InvariantCulture));
            if (Post != null) sb.Append(".post").Append(Post.Value.ToString(CultureInfo.InvariantCulture));
            if (Dev != null) sb.Append(".dev").Append(Dev.Value.ToString(CultureInfo.InvariantCulture));
            if (_local.Length > 0)
            {
                sb.Append('+');
                for (int k = 0; k < _local.Length; k++) { if (k > 0) sb.Append('.'); sb.Append(Convert.ToString(_local[k], CultureInfo.InvariantCulture)); }
            }
            return sb.ToString();
        }

        /// <summary>Orders exactly as packaging's Version: trailing release zeros ignored, dev &lt; pre &lt; final &lt; post, local after public.</summary>
        public int CompareTo(Pep440Version? other)
        {
            if (other is null) return 1;
            int c = Epoch.CompareTo(other.Epoch);
            if (c != 0) return c;
            int len = Math.Max(_release.Length, other._release.Length);
            for (int k = 0; k < len; k++)
            {
                var a = k < _release.Length ? _release[k] : BigInteger.Zero;
                var b = k < other._release.Length ? other._release[k] : BigInteger.Zero;
                if (a != b) return a.CompareTo(b);
            }
            c = ComparePre(other);
            if (c != 0) return c;
            // No post-release sorts below every post-release; no dev release sorts above every dev release.
            c = CompareOptional(Post, other.Post, absentFirst: true);
            if (c != 0) return c;
            c = CompareOptional(Dev, other.Dev, absentFirst: false);
            if (c != 0) return c;
            return CompareLocal(_local, other._local);
        }

        private static int CompareOptional(BigInteger? a, BigInteger? b, bool absentFirst)
        {
            if (a.HasValue && b.HasValue) return a.Value.CompareTo(b.Value);
            if (a.HasValue == b.HasValue) return 0;
            return a.HasValue == absentFirst ? 1 : -1;
        }

        // Pre-release order: a dev release without pre/post sorts before any pre-release of the same release, a final
        // release after all of them; pre-releases by label (a, b, rc) and then number.
        private int ComparePre(Pep440Version other)
        {
            int rank = PreRank(), otherRank = other.PreRank();
            if (rank != otherRank) return rank.CompareTo(otherRank);
            return PreLabel == null ? 0 : PreNumber.CompareTo(other.PreNumber);
        }

        private int PreRank()
        {
            if (PreLabel == null && Post == null && Dev != null) return -1;
            if (PreLabel == null) return 3;
            return PreLabel == "a" ? 0 : PreLabel == "b" ? 1 : 2;
        }

        private static int CompareLocal(object[] a, object[] b)
        {
            int len = Math.Min(a.Length, b.Length);
            for (int k = 0; k < len; k++)
            {
                int c;
                if (a[k] is BigInteger x && b[k] is BigInteger y) c = x.CompareTo(y);
                else if (a[k] is BigInteger) c = 1; // numeric segments sort after alphanumeric ones
                else if (b[k] is BigInteger) c = -1;
                else c = string.CompareOrdinal((string)a[k], (string)b[k]);
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }

        /// <inheritdoc />
        public bool Equals(Pep440Version? other) => other is not null && CompareTo(other) == 0;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is Pep440Version v && Equals(v);

        /// <summary>Equality by PEP 440 ordering.</summary>
        public static bool operator ==(Pep440Version? left, Pep440Version? right) => left is null ? right is null : left.Equals(right);

        /// <summary>Inequality by PEP 440 ordering.</summary>
        public static bool operator !=(Pep440Version? left, Pep440Version? right) => !(left == right);

        /// <summary>Less than.</summary>
        public static bool operator <(Pep440Version left, Pep440Version right) => left.CompareTo(right) < 0;

        /// <summary>Less than or equal.</summary>
        public static bool operator <=(Pep440Version left, Pep440Version right) => left.CompareTo(right) <= 0;

        /// <summary>Greater than.</summary>
        public static bool operator >(Pep440Version left, Pep440Version right) => left.CompareTo(right) > 0;

        /// <summary>Greater than or equal.</summary>
        public static bool operator >=(Pep440Version left, Pep440Version right) => left.CompareTo(right) >= 0;

        /// <inheritdoc />
        public override int GetHashCode()
        {
            int end = _release.Length;
            while (end > 1 && _release[end - 1].IsZero) end--;
            int h = Epoch.GetHashCode();
            for (int k = 0; k < end; k++) h = unchecked(h * 31 + _release[k].GetHashCode());
            h = unchecked(h * 31 + (PreLabel == null ? 0 : StringComparer.Ordinal.GetHashCode(PreLabel) + PreNumber.GetHashCode()));
            h = unchecked(h * 31 + (Post?.GetHashCode() ?? -1));
            h = unchecked(h * 31 + (Dev?.GetHashCode() ?? -2));
            foreach (var l in _local) h = unchecked(h * 31 + l.GetHashCode());
            return h;
        }
    }
}
