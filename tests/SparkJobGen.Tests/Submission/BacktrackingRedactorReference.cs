using System.Text.RegularExpressions;
using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// REFERENCE ONLY, NOT PRODUCT CODE: the shape patterns of <see cref="SecretRedactor.Redact(string)"/> as they were before
/// they were made linear (commit 15a33c5), applied in the same order with the same replacements. Quadratic on a long run of
/// key, flag or scheme characters; the differential tests check the current patterns mask exactly what these did.
/// </summary>
internal static class BacktrackingRedactorReference
{
    public const string Assignment = @"(?<key>[A-Za-z0-9_.\-\[\]]+)(?<sep>\s*[=:]\s*|""\s*:\s*"")(?<value>[^\s""',;&]+)";

    public const string FlagValue = @"(?<![\w-])(?<flag>--?[A-Za-z][A-Za-z0-9_.\-]*)(?<sep>[ \t]+|""\s*,\s*"")(?<value>(?>[^\s""',\-][^\s""',]*))(?!""\s*:)";

    public const string AuthorizationHeader = @"(?<head>(?i:authorization)\s*[:=]\s*(?:(?i:bearer|basic|negotiate)\s+)?)(?<value>[^\s""',;]+)";

    public const string UrlPassword = @"(?<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@""']+:)(?<value>[^/\s@""']+)(?=@)";

    private static readonly Regex AssignmentRegex = new(Assignment, RegexOptions.CultureInvariant);
    private static readonly Regex FlagValueRegex = new(FlagValue, RegexOptions.CultureInvariant);
    private static readonly Regex AuthorizationHeaderRegex = new(AuthorizationHeader, RegexOptions.CultureInvariant);
    private static readonly Regex UrlPasswordRegex = new(UrlPassword, RegexOptions.CultureInvariant);

    /// <summary>The shape masking of the old <c>Redact</c> (after its literal secrets), with the redactor's own key test.</summary>
    public static string RedactShapes(SecretRedactor redactor, string text)
    {
        var result = AssignmentRegex.Replace(text, m => redactor.IsSecret(m.Groups["key"].Value) ? m.Groups["key"].Value + m.Groups["sep"].Value + SecretRedactor.Mask : m.Value);
        result = FlagValueRegex.Replace(result, m => redactor.IsSecret(m.Groups["flag"].Value) && m.Groups["flag"].Value != "--conf" ? m.Groups["flag"].Value + m.Groups["sep"].Value + SecretRedactor.Mask : m.Value);
        result = AuthorizationHeaderRegex.Replace(result, static m => m.Groups["head"].Value + SecretRedactor.Mask);
        return UrlPasswordRegex.Replace(result, static m => m.Groups["head"].Value + SecretRedactor.Mask);
    }
}
