using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Versions.Constraints
{
    /// <summary>
    /// Concrete conda versions near given versions, in and around every group their prefixes and cuts delimit: each
    /// truncation of a version (by component and by element), the truncation itself, its neighbours (last number or last
    /// letter one up or down), and versions just inside or just outside its prefix block (<c>.dev</c>, <c>a</c>,
    /// <c>.post</c>, <c>.0.1</c>, <c>.999999</c> appended), earlier and later epochs, and local labels.
    /// </summary>
    /// <remarks>
    /// conda's order is not dense, so a gap between two boundaries is non-empty only if some version in it can be named. The
    /// versions a gap can hold nearest its ends are made from its ends this way; the conda witness search
    /// (<see cref="CondaDomain.TryFindWitness"/>) and the solver's check of globs and local prefixes use this list.
    /// </remarks>
    internal static class CondaCandidates
    {
        private static readonly string[] Fixed = { "0", "0.0.1", "0a", "0dev", "1", "a", "_", "1!0" };

        /// <summary>Candidate versions near <paramref name="sources"/>, nearest forms first, without duplicates.</summary>
        /// <param name="sources">Versions or prefixes that bound the region to search.</param>
        public static IEnumerable<CondaVersion> Around(IEnumerable<CondaVersion> sources)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var source in sources)
            {
                foreach (var text in Texts(source.ToString()))
                {
                    if (seen.Add(text) && CondaVersion.TryParse(text, out var version, out _))
                    {
                        yield return version!;
                    }
                }
            }

            foreach (var text in Fixed)
            {
                if (seen.Add(text) && CondaVersion.TryParse(text, out var version, out _))
                {
                    yield return version!;
                }
            }
        }

        private static IEnumerable<string> Texts(string normalized)
        {
            string local = string.Empty;
            int plus = normalized.IndexOf('+');
            string body = plus >= 0 ? normalized.Substring(0, plus) : normalized;
            if (plus >= 0)
            {
                local = normalized.Substring(plus);
            }

            string epoch = string.Empty;
            int bang = body.IndexOf('!');
            if (bang >= 0)
            {
                epoch = body.Substring(0, bang + 1);
                body = body.Substring(bang + 1);
                var e = BigInteger.Parse(epoch.Substring(0, bang), NumberStyles.None, CultureInfo.InvariantCulture);
                yield return (e + 1).ToString(CultureInfo.InvariantCulture) + "!0";
                yield return e.IsZero ? "999999" : (e - 1).ToString(CultureInfo.InvariantCulture) + "!999999";
            }
            else
            {
                yield return "1!0";
            }

            if (plus >= 0)
            {
                yield return epoch + body + local;
                foreach (var t in Near(local.Substring(1)))
                {
                    yield return epoch + body + "+" + t;
                }
            }

            foreach (var t in Near(body))
            {
                yield return epoch + t;
                yield return epoch + t + "+1";
                yield return epoch + t + "+a";
            }
        }

        // Versions near a release text without epoch or local label: every truncation and its neighbours and extensions.
        private static IEnumerable<string> Near(string body)
        {
            bool underscoreSeparated = body.IndexOf('_') >= 0 && body.IndexOf('.') < 0;
            string sep = underscoreSeparated ? "_" : ".";
            for (int end = body.Length; end > 0; end--)
            {
                if (end < body.Length && !IsBoundary(body, end))
                {
                    continue;
                }

                string t = body.Substring(0, end).TrimEnd('.', '_');
                if (t.Length == 0)
                {
                    continue;
                }

                yield return t;
                yield return t + sep + "dev";
                yield return t + "dev";
                yield return t + "a";
                yield return t + sep + "a";
                yield return t + "_";
                yield return t + sep + "0" + sep + "1";
                yield return t + sep + "1";
                yield return t + sep + "999999";
                yield return t + sep + "post";
                yield return t + "post";
                yield return t + "z";
                foreach (var step in Steps(t))
                {
                    yield return step;
                    yield return step + sep + "999999";
                    yield return step + sep + "dev";
                    yield return step + "a";
                    yield return step + sep + "post";
                }
            }
        }

        // Where a truncation may end: at a separator, or between a run of digits and a run of other characters.
        private static bool IsBoundary(string s, int i)
        {
            char a = s[i - 1], b = s[i];
            if (a == '.' || a == '_' || b == '.' || b == '_')
            {
                return true;
            }

            return char.IsDigit(a) != char.IsDigit(b) || (a == '*') != (b == '*');
        }

        // The text with its last number or last letter one step down and one step up.
        private static IEnumerable<string> Steps(string t)
        {
            int end = t.Length;
            if (char.IsDigit(t[end - 1]))
            {
                int start = end;
                while (start > 0 && char.IsDigit(t[start - 1]))
                {
                    start--;
                }

                var n = BigInteger.Parse(t.Substring(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture);
                string head = t.Substring(0, start);
                if (n > 0)
                {
                    yield return head + (n - 1).ToString(CultureInfo.InvariantCulture);
                }

                yield return head + (n + 1).ToString(CultureInfo.InvariantCulture);
                yield break;
            }

            char last = t[end - 1];
            string rest = t.Substring(0, end - 1);
            if (last > 'a' && last <= 'z')
            {
                yield return rest + (char)(last - 1);
                yield return rest + (char)(last - 1) + "z";
            }

            if (last >= 'a' && last < 'z')
            {
                yield return rest + (char)(last + 1);
            }

            if (rest.Length > 0 && !char.IsDigit(rest[rest.Length - 1]) && rest[rest.Length - 1] != '.' && rest[rest.Length - 1] != '_')
            {
                var sb = new StringBuilder(rest);
                yield return sb.Append('z').ToString();
            }
        }
    }
}
