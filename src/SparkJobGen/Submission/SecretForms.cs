using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SparkJobGen.Submission;

/// <summary>
/// The forms in which a secret value shows up in output, each masked like the value itself: as written, JSON-escaped (default
/// and relaxed encoders), as Python's <c>repr</c> prints it (<c>print(sys.argv)</c>, an argparse <c>Namespace</c> or error),
/// and percent-encoded (Python's <c>urllib.parse.quote</c> and <c>quote_plus</c>, Java's <c>URLEncoder</c>).
/// </summary>
internal static class SecretForms
{
    // RFC 3986 unreserved characters, which Python's quote never encodes (urllib/parse.py, _ALWAYS_SAFE).
    private const string PythonAlwaysSafe = "_.-~";

    // What java.net.URLEncoder leaves as is besides letters and digits.
    private const string JavaUrlEncoderSafe = ".-*_";

    /// <summary>The value and its encoded forms (duplicates included; the caller keeps a set).</summary>
    public static IEnumerable<string> Of(string secret)
    {
        yield return secret;
        yield return JsonEncodedText.Encode(secret).ToString();
        yield return JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();

        // Between the quotes, so 'S3CR3T' prints as '***' as it would without escapes.
        var repr = PythonRepr(secret);
        yield return repr.Substring(1, repr.Length - 2);

        yield return PercentEncode(secret, PythonAlwaysSafe + "/", spaceAsPlus: false); // quote(s)
        yield return PercentEncode(secret, PythonAlwaysSafe, spaceAsPlus: false);       // quote(s, safe=''), Uri.EscapeDataString
        yield return PercentEncode(secret, PythonAlwaysSafe, spaceAsPlus: true);        // quote_plus(s)
        yield return PercentEncode(secret, JavaUrlEncoderSafe, spaceAsPlus: true);      // URLEncoder.encode(s, UTF_8)
    }

    /// <summary>
    /// Python's <c>repr()</c> of a string (CPython's <c>unicode_repr</c>, Objects/unicodeobject.c): single quotes unless the
    /// value holds a single quote and no double quote; <c>\\</c>, <c>\'</c>, <c>\t</c>, <c>\n</c>, <c>\r</c>; <c>\xNN</c> for other
    /// control characters and DEL; other characters kept when printable, else <c>\xNN</c>, <c>\uNNNN</c> or <c>\UNNNNNNNN</c>.
    /// </summary>
    public static string PythonRepr(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2);
        builder.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (c < ' ' || c == '\x7f')
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < '\x7f')
            {
                builder.Append(c);
            }
            else
            {
                var codePoint = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                    ? char.ConvertToUtf32(c, value[i + 1])
                    : c;
                var width = codePoint > 0xffff ? 2 : 1;
                if (IsPythonPrintable(codePoint))
                {
                    builder.Append(value, i, width);
                }
                else if (codePoint <= 0xff)
                {
                    builder.Append("\\x").Append(codePoint.ToString("x2", CultureInfo.InvariantCulture));
                }
                else if (codePoint <= 0xffff)
                {
                    builder.Append("\\u").Append(codePoint.ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append("\\U").Append(codePoint.ToString("x8", CultureInfo.InvariantCulture));
                }

                i += width - 1;
            }
        }

        return builder.Append(quote).ToString();
    }

    /// <summary>
    /// Percent-encodes the UTF-8 bytes of <paramref name="value"/> (upper-case hex) except ASCII letters, digits and
    /// <paramref name="safe"/>; a space becomes <c>+</c> when <paramref name="spaceAsPlus"/>.
    /// </summary>
    public static string PercentEncode(string value, string safe, bool spaceAsPlus)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || (b < 0x80 && safe.Contains(c, StringComparison.Ordinal)))
            {
                builder.Append(c);
            }
            else if (c == ' ' && spaceAsPlus)
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    // Python's str.isprintable() for one character (Py_UNICODE_ISPRINTABLE): not printable are the categories Cc, Cf, Cs, Co,
    // Cn, Zl, Zp and Zs except the space. The categories come from .NET's Unicode tables, which may be newer than a given
    // Python's for characters assigned since.
    private static bool IsPythonPrintable(int codePoint) =>
        codePoint == ' ' || CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
}
