using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SparkJobGen.Submission;

/// <summary>
/// Replaces secrets with <c>***</c> in everything SparkJobGen prints, logs, throws or writes as JSON: known secret values
/// (Livy tokens and passwords, Kerberos keytab paths, values of secret Spark properties) wherever they appear, and the value
/// of any <c>key=value</c> whose key names a secret (<c>spark.ssl.keyStorePassword=…</c>, <c>spark.authenticate.secret=…</c>,
/// <c>…token=…</c>), plus <c>Authorization:</c> header values.
/// </summary>
/// <remarks>A redactor only ever adds secrets; it is safe to share between threads once built.</remarks>
public sealed partial class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretKeyWords = ["password", "secret", "token", "keytab", "credential", "passphrase", "apikey", "api.key", "access.key", "accesskey", "delegation"];

    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private string[] _ordered = [];

    /// <summary>A redactor that knows no literal secrets yet (it still masks secret-looking <c>key=value</c> pairs).</summary>
    public SecretRedactor()
    {
    }

    /// <summary>A redactor that masks the given literal secrets.</summary>
    /// <param name="secrets">Secret values; null, empty and very short values (under 3 characters) are ignored.</param>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            Add(secret);
        }
    }

    /// <summary>Whether a Spark property or option name denotes a secret (password, secret, token, keytab, credential…).</summary>
    /// <param name="key">A property name such as <c>spark.ssl.keyStorePassword</c> or an option such as <c>--keytab</c>.</param>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        return SecretKeyWords.Any(word => lower.Contains(word, StringComparison.Ordinal));
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
            if (_secrets.Add(secret))
            {
                // Longest first, so a secret that contains another is masked whole.
                _ordered = _secrets.OrderByDescending(static s => s.Length).ToArray();
            }
        }

        return this;
    }

    /// <summary>
    /// Learns the secrets in a spark-submit argument list: values of <c>--conf</c> entries with secret keys, and the values of
    /// <c>--keytab</c>, <c>--principal</c> is not a secret and is kept.
    /// </summary>
    /// <param name="arguments">The argv after <c>spark-submit</c>.</param>
    public SecretRedactor AddFromSparkArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if ((argument == "--conf" || argument == "-c") && i + 1 < arguments.Count)
            {
                AddFromConfEntry(arguments[++i]);
            }
            else if (argument.StartsWith("--conf=", StringComparison.Ordinal))
            {
                AddFromConfEntry(argument.Substring("--conf=".Length));
            }
            else if (argument == "--keytab" && i + 1 < arguments.Count)
            {
                Add(arguments[++i]);
            }
            else if (argument.StartsWith("--keytab=", StringComparison.Ordinal))
            {
                Add(argument.Substring("--keytab=".Length));
            }
        }

        return this;
    }

    /// <summary>Learns the secrets among Spark properties (values of keys that name a secret).</summary>
    /// <param name="conf">Spark properties.</param>
    public SecretRedactor AddFromConf(IEnumerable<KeyValuePair<string, string>> conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        foreach (var (key, value) in conf)
        {
            if (IsSecretKey(key))
            {
                Add(value);
            }
        }

        return this;
    }

    /// <summary>Masks every known secret and every secret-looking <c>key=value</c> in <paramref name="text"/>.</summary>
    /// <param name="text">Any text: a log line, an exception message, a command line.</param>
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

        result = SecretAssignment().Replace(result, static m => m.Groups["key"].Value + m.Groups["sep"].Value + Mask);
        result = AuthorizationHeader().Replace(result, static m => m.Groups["head"].Value + Mask);
        return result;
    }

    /// <summary>Masks each element of an argument list (see <see cref="Redact(string)"/>), also masking the value after <c>--keytab</c>.</summary>
    /// <param name="arguments">An argv.</param>
    public IReadOnlyList<string> RedactArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var result = new string[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            result[i] = i > 0 && arguments[i - 1] == "--keytab" ? Mask : Redact(arguments[i]);
        }

        return result;
    }

    private void AddFromConfEntry(string entry)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && IsSecretKey(entry.Substring(0, equals)))
        {
            Add(entry.Substring(equals + 1));
        }
    }

    // key=value or key: value where the key (a dotted/word identifier) names a secret; the value runs to whitespace, quote or comma.
    [GeneratedRegex(@"(?<key>[A-Za-z0-9_.\-]*(?i:password|secret|token|keytab|credential|passphrase|apikey|api\.key|access\.key|accesskey|delegation)[A-Za-z0-9_.\-]*)(?<sep>\s*[=:]\s*|""\s*:\s*"")(?<value>[^\s""',;&]+)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretAssignment();

    [GeneratedRegex(@"(?<head>(?i:authorization)\s*[:=]\s*(?:(?i:bearer|basic|negotiate)\s+)?)(?<value>[^\s""',;]+)", RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationHeader();
}
