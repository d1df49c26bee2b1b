using System.Collections.Concurrent;
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

    private static readonly ConcurrentDictionary<(RegexOptions Options, TimeSpan Timeout), (Regex, Regex, Regex, Regex)> Cache = new();

    /// <summary>The shape masking of the old <c>Redact</c> (after its literal secrets), with the redactor's own key test.</summary>
    /// <param name="redactor">Decides which keys and flags are secret.</param>
    /// <param name="text">The text.</param>
    /// <param name="options">Extra options (<see cref="RegexOptions.Compiled"/> for timings close to the source-generated code).</param>
    /// <param name="timeout">A match timeout, or none.</param>
    public static string RedactShapes(SecretRedactor redactor, string text, RegexOptions options = RegexOptions.None, TimeSpan? timeout = null)
    {
        var (assignment, flagValue, authorization, urlPassword) = Cache.GetOrAdd((options | RegexOptions.CultureInvariant, timeout ?? Regex.InfiniteMatchTimeout), static key => (
            new Regex(Assignment, key.Options, key.Timeout),
            new Regex(FlagValue, key.Options, key.Timeout),
            new Regex(AuthorizationHeader, key.Options, key.Timeout),
            new Regex(UrlPassword, key.Options, key.Timeout)));
        var result = assignment.Replace(text, m => redactor.IsSecret(m.Groups["key"].Value) ? m.Groups["key"].Value + m.Groups["sep"].Value + SecretRedactor.Mask : m.Value);
        result = flagValue.Replace(result, m => redactor.IsSecret(m.Groups["flag"].Value) && m.Groups["flag"].Value != "--conf" ? m.Groups["flag"].Value + m.Groups["sep"].Value + SecretRedactor.Mask : m.Value);
        result = authorization.Replace(result, static m => m.Groups["head"].Value + SecretRedactor.Mask);
        return urlPassword.Replace(result, static m => m.Groups["head"].Value + SecretRedactor.Mask);
    }
}
