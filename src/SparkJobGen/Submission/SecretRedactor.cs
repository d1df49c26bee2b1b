using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SparkJobGen.Submission;

/// <summary>
/// Replaces secrets with <c>***</c> in everything SparkJobGen prints, logs, throws or writes as JSON. Two mechanisms:
/// <list type="bullet">
/// <item><b>Known values</b>, masked wherever they appear, also JSON-escaped, as Python's <c>repr</c> prints them and
/// percent-encoded (Python's <c>quote</c>/<c>quote_plus</c>, Java's <c>URLEncoder</c>): values the submission marks as
/// secret (<c>[JobParameter(Sensitive = true)]</c>, <c>SparkSubmission.WithSecretConf</c>), Livy credentials, and values
/// learned from an argv or a conf: the value of every Spark property whose key is secret (<see cref="IsSecretKey(string)"/>)
/// or whose value matches Spark's own <c>spark.redaction.regex</c> default (as Spark does), and the value of a secret-looking
/// flag, written <c>--password S3CR3T</c> or <c>--password=S3CR3T</c>.</item>
/// <item><b>Shapes</b> in any text: <c>key=value</c>, <c>key: value</c> and <c>"key":"value"</c> whose key is secret, a
/// secret flag followed by its value, <c>Authorization:</c> header values and the password of a URL's user information
/// (<c>scheme://user:password@host</c>).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>A key is secret when it matches <see cref="SparkDefaultPattern"/> (Spark's default <c>spark.redaction.regex</c>),
/// <see cref="ExtraKeyPattern"/> (other credential words and cloud storage credential keys), or, for an environment variable
/// name (after <c>spark.executorEnv.</c>, <c>spark.yarn.appMasterEnv.</c>, <c>spark.kubernetes.driverEnv.</c>,
/// <c>spark.mesos.driverEnv.</c>, or a name with no dot), <see cref="EnvironmentNamePattern"/>. Users add patterns with
/// <see cref="AddKeyPattern(string)"/> or by setting <c>spark.redaction.regex</c> in the submission's conf, which extends the
/// rules here and never narrows them.</para>
/// <para>A redactor only ever adds secrets and patterns; it is safe to share between threads.</para>
/// </remarks>
public sealed partial class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    /// <summary>
    /// The default of Spark's <c>spark.redaction.regex</c> (Spark 3.5.1, <c>core/src/main/scala/org/apache/spark/internal/config/package.scala</c>
    /// line 1158). Spark masks a property when this matches its key or its value.
    /// </summary>
    public const string SparkDefaultPattern = "(?i)secret|password|token|access[.]key";

    /// <summary>
    /// Credential words and cloud storage credential keys beyond Spark's default: <c>passwd</c>, <c>passphrase</c>,
    /// <c>credential</c>, <c>keytab</c>, API and access keys, private keys (<c>fs.gs.auth.service.account.private.key</c>),
    /// Azure storage account keys (<c>fs.azure.account.key.&lt;account&gt;…</c>) and SAS tokens (<c>fs.azure.sas.…</c>),
    /// S3 encryption keys, Hadoop delegation tokens (<c>delegation=</c> in WebHDFS URLs).
    /// </summary>
    public const string ExtraKeyPattern =
        "(?i)passwd|passphrase|credential|keytab|api[._-]?key|access[_-]?key|private[._-]?key|account[.]key|fs[.]azure[.]sas|encryption[.]key|delegation";

    /// <summary>
    /// Secret-looking environment variable or flag names: a <c>PASS</c> or <c>SAS</c> word (<c>DB_PASS</c>, <c>--db-pass</c>), a
    /// <c>PWD</c> word after another (<c>MYSQL_PWD</c>; the shell's own <c>PWD</c> is the working directory) or, in an
    /// all-capitals name, a <c>KEY</c> word (<c>AZURE_STORAGE_KEY</c>).
    /// </summary>
    public const string EnvironmentNamePattern = "(?i)(?:^|[_-])(?:pass|sas)(?:[_-]|$)|[_-]pwd(?:[_-]|$)|(?-i)(?:^|_)KEY(?:_|$)";

    private static readonly string[] EnvironmentPrefixes = ["spark.executorEnv.", "spark.yarn.appMasterEnv.", "spark.kubernetes.driverEnv.", "spark.mesos.driverEnv."];

    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patternTexts = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private string[] _ordered = [];
    private Regex[] _userPatterns = [];

    /// <summary>A redactor that knows no literal secrets yet (it still masks secret-looking shapes).</summary>
    public SecretRedactor()
    {
    }

    /// <summary>A redactor that masks the given literal secrets.</summary>
    /// <param name="secrets">Secret values; null, empty and very short values (under 3 characters) are ignored.</param>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        AddRange(secrets);
    }

    /// <summary>
    /// Whether a Spark property, option or environment variable name denotes a secret under the default rules (see the remarks
    /// of <see cref="SecretRedactor"/>).
    /// </summary>
    /// <param name="key">A property such as <c>spark.ssl.keyStorePassword</c>, a flag such as <c>--keytab</c>, a name such as <c>DB_PASS</c>.</param>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SparkDefault().IsMatch(key) || ExtraKeys().IsMatch(key) || IsSecretEnvironmentName(key);
    }

    /// <summary>Whether <paramref name="key"/> is secret under the default rules or a pattern added to this redactor.</summary>
    /// <param name="key">A property, flag or variable name.</param>
    public bool IsSecret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IsSecretKey(key))
        {
            return true;
        }

        foreach (var pattern in _userPatterns)
        {
            if (Matches(pattern, key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Adds a pattern for secret keys (a .NET regular expression, searched anywhere in the key, like Spark's
    /// <c>spark.redaction.regex</c>). Invalid patterns are ignored: redaction never fails.
    /// </summary>
    /// <param name="pattern">For example <c>(?i)\.jdbc\.url$</c>.</param>
    public SecretRedactor AddKeyPattern(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return this;
        }

        lock (_gate)
        {
            if (!_patternTexts.Add(pattern))
            {
                return this;
            }

            try
            {
                _userPatterns = [.. _userPatterns, new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))];
            }
            catch (ArgumentException)
            {
                // Not a valid .NET pattern; the default rules still apply.
            }
        }

        return this;
    }

    /// <summary>Adds a literal secret value.</summary>
    /// <param name="secret">The value; ignored when null or shorter than 3 characters (masking those would garble ordinary text).</param>
    public SecretRedactor Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 3)
        {
            return this;
        }

        lock (_gate)
        {
            // The value as written, JSON-escaped (--json output), as Python's repr prints it and percent-encoded (SecretForms).
            var added = false;
            foreach (var form in SecretForms.Of(secret))
            {
                added |= _secrets.Add(form);
            }

            if (added)
            {
                // Longest first, so a secret that contains another is masked whole.
                _ordered = _secrets.OrderByDescending(static s => s.Length).ToArray();
            }
        }

        return this;
    }

    /// <summary>Adds literal secret values.</summary>
    /// <param name="secrets">The values (see <see cref="Add(string)"/>).</param>
    public SecretRedactor AddRange(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var secret in secrets)
        {
            Add(secret);
        }

        return this;
    }

    /// <summary>
    /// Learns the secrets in a spark-submit argument list: a <c>spark.redaction.regex</c> given with <c>--conf</c>, the values of
    /// <c>--conf</c> entries that are secret, and the value of every secret-looking flag (<c>--keytab</c>, the job's
    /// <c>--password</c>), written as two arguments or as <c>--flag=value</c>.
    /// </summary>
    /// <param name="arguments">The argv after <c>spark-submit</c>.</param>
    public SecretRedactor AddFromSparkArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var entries = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if ((argument == "--conf" || argument == "-c") && i + 1 < arguments.Count)
            {
                entries.Add(arguments[++i]);
            }
            else if (argument.StartsWith("--conf=", StringComparison.Ordinal))
            {
                entries.Add(argument.Substring("--conf=".Length));
            }
        }

        AddFromConf(entries.Select(static entry => SplitEntry(entry)).Where(static pair => pair.Key.Length > 0));
        return AddFromJobArguments(arguments);
    }

    /// <summary>
    /// Learns the values of secret-looking flags in a script's arguments: <c>--password S3CR3T</c> and <c>--password=S3CR3T</c>.
    /// </summary>
    /// <param name="arguments">The script's argv (or any argv).</param>
    public SecretRedactor AddFromJobArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!IsFlag(argument))
            {
                continue;
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                if (IsSecret(argument.Substring(0, equals)))
                {
                    Add(argument.Substring(equals + 1));
                }
            }
            else if (i + 1 < arguments.Count && IsSecret(argument) && !IsFlag(arguments[i + 1]) && arguments[i] != "--conf")
            {
                Add(arguments[++i]);
            }
        }

        return this;
    }

    /// <summary>
    /// Learns the secrets among Spark properties: a <c>spark.redaction.regex</c> entry (added as a pattern first), then the
    /// value of every key that is secret or whose value matches <see cref="SparkDefaultPattern"/>.
    /// </summary>
    /// <param name="conf">Spark properties.</param>
    public SecretRedactor AddFromConf(IEnumerable<KeyValuePair<string, string>> conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        var entries = conf.ToList();
        foreach (var (key, value) in entries)
        {
            if (key == "spark.redaction.regex")
            {
                AddKeyPattern(value);
            }
        }

        foreach (var (key, value) in entries)
        {
            if (key is not null && value is not null && (IsSecret(key) || SparkDefault().IsMatch(value)))
            {
                Add(value);
            }
        }

        return this;
    }

    /// <summary>Masks every known secret and every secret-looking shape in <paramref name="text"/>.</summary>
    /// <param name="text">Any text: a log line, an exception message, a command line, a JSON document.</param>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text;
        foreach (var secret in _ordered)
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        result = Assignment().Replace(result, m => IsSecret(m.Groups["key"].Value) ? m.Groups["key"].Value + m.Groups["sep"].Value + Mask : m.Value);
        result = FlagValue().Replace(result, m => IsSecret(m.Groups["flag"].Value) && m.Groups["flag"].Value != "--conf" ? m.Groups["flag"].Value + m.Groups["sep"].Value + Mask : m.Value);
        result = AuthorizationHeader().Replace(result, static m => m.Groups["head"].Value + Mask);
        result = UrlPassword().Replace(result, static m => m.Groups["head"].Value + Mask);
        return result;
    }

    /// <summary>
    /// Masks an argument list for display: the value after a secret flag, the value of a secret <c>key=value</c> or
    /// <c>--flag=value</c> element whole (even when it contains spaces), and everything <see cref="Redact(string)"/> masks.
    /// </summary>
    /// <param name="arguments">An argv.</param>
    public IReadOnlyList<string> RedactArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var result = new string[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var previous = i > 0 ? arguments[i - 1] : null;
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (previous is not null && IsFlag(previous) && previous.IndexOf('=', StringComparison.Ordinal) < 0 && previous != "--conf" && IsSecret(previous) && !IsFlag(argument))
            {
                result[i] = Mask;
            }
            else if (equals > 0 && IsSecret(argument.Substring(0, equals)))
            {
                result[i] = string.Concat(argument.AsSpan(0, equals + 1), Mask);
            }
            else
            {
                result[i] = Redact(argument);
            }
        }

        return result;
    }

    private static bool IsSecretEnvironmentName(string key)
    {
        foreach (var prefix in EnvironmentPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return EnvironmentName().IsMatch(key.AsSpan(prefix.Length));
            }
        }

        return key.IndexOf('.', StringComparison.Ordinal) < 0 && EnvironmentName().IsMatch(key.TrimStart('-'));
    }

    private static bool IsFlag(string argument) => argument.Length > 1 && argument[0] == '-' && (char.IsLetter(argument[1]) || argument[1] == '-');

    private static bool Matches(Regex pattern, string key)
    {
        try
        {
            return pattern.IsMatch(key);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pattern too slow to answer treats the key as secret: masking too much is the safe side.
            return true;
        }
    }

    private static KeyValuePair<string, string> SplitEntry(string entry)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? new(entry.Substring(0, equals), entry.Substring(equals + 1)) : new(string.Empty, string.Empty);
    }

    [GeneratedRegex(SparkDefaultPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SparkDefault();

    [GeneratedRegex(ExtraKeyPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ExtraKeys();

    [GeneratedRegex(EnvironmentNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();

    // Every pattern below starts a match only where no earlier start in the same run of key, flag or scheme characters could
    // have: a key, flag or scheme runs to the end of its run (the character after it can never continue it), so every start
    // inside one run shares the same end and succeeds or fails with it, and the leftmost start decides. Without that test the
    // engine retried each later start and read the rest of the run again, which made a long run (a hex or base64url blob, a
    // long identifier) quadratic in its length. The matches are those of the plain patterns (a test keeps them as its reference).

    // key=value, key: value or "key":"value"; the key is tested by IsSecret, the value runs to whitespace, a quote, ',', ';' or '&'.
    // The key starts where its run starts.
    internal const string AssignmentPattern =
        @"(?<![A-Za-z0-9_.\-\[\]])(?<key>[A-Za-z0-9_.\-\[\]]+)(?<sep>\s*[=:]\s*|""\s*:\s*"")(?<value>[^\s""',;&]+)";

    // A flag and its value as two words (--password S3CR3T) or two JSON strings ("--password","S3CR3T"); values starting with '-' are other flags.
    // A JSON string followed by ':' is the next object key, not a value ({"flag":"--token","typeName":"string?"}): the value
    // is matched whole (atomic) so it cannot shrink to dodge that test. A flag can start after a '.' inside a run
    // (x.-password); the look-behind that follows the start test refuses a start with an earlier one in its run, and reads
    // back only as far as that earlier start (or the run's beginning), so a run is read back once in all.
    internal const string FlagValuePattern =
        @"(?<![\w-])(?=--?[A-Za-z])(?<!(?<![\w-])--?[A-Za-z][A-Za-z0-9_.\-]*?)(?<flag>--?[A-Za-z][A-Za-z0-9_.\-]*)(?<sep>[ \t]+|""\s*,\s*"")(?<value>(?>[^\s""',\-][^\s""',]*))(?!""\s*:)";

    internal const string AuthorizationHeaderPattern =
        @"(?<head>(?i:authorization)\s*[:=]\s*(?:(?i:bearer|basic|negotiate)\s+)?)(?<value>[^\s""',;]+)";

    // scheme://user:password@host: the password part. A scheme starts at a word boundary, also inside a run (a+b.c-d://);
    // the look-behind refuses a start with an earlier one in its run, as for flags.
    internal const string UrlPasswordPattern =
        @"(?<head>\b(?=[A-Za-z])(?<!\b[A-Za-z][A-Za-z0-9+.\-]*?)[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@""']+:)(?<value>[^/\s@""']+)(?=@)";

    [GeneratedRegex(AssignmentPattern, RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    [GeneratedRegex(FlagValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex FlagValue();

    [GeneratedRegex(AuthorizationHeaderPattern, RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(UrlPasswordPattern, RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
