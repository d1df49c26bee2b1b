using System.Text;
using System.Text.RegularExpressions;
using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// Redaction reads a line in time linear in its length (no timed assertions: a regex match timeout that the old backtracking
/// patterns exceed on these inputs and the current ones stay far below), and masks exactly what the old patterns masked.
/// </summary>
public sealed class RedactionLinearityTests
{
    private const int Megabyte = 1 << 20;

    // A generous limit for one scan of a 4 MB line: each current pattern, interpreted, scans one in about a second or less
    // on a loaded 2-vCPU VM (Redact, source-generated, in about 0.1 s: bench/README.md, Redaction); the old patterns need
    // minutes on the same lines (34-44 s at 1 MB, growing with the square of the length).
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private static readonly (string Name, string Pattern)[] Current =
    [
        ("assignment", SecretRedactor.AssignmentPattern),
        ("flag value", SecretRedactor.FlagValuePattern),
        ("authorization", SecretRedactor.AuthorizationHeaderPattern),
        ("url password", SecretRedactor.UrlPasswordPattern),
    ];

    /// <summary>Long runs of key, flag and scheme characters, as hex and base64url blobs and long identifiers make them.</summary>
    public static TheoryData<string> AdversarialLines() =>
    [
        "letters",        // aaaa…: one run of key and scheme characters with no separator
        "dotted",         // a.a.a.…: a scheme could start at every letter
        "dashed",         // a-a-a-…
        "dot-flags",      // .-a.-a.-a…: a flag could start after every '.'
        "plus",           // a+a+a+…
        "hex",            // random hex digits
        "base64url",      // random base64url characters
        "assignments",    // x=1 x=1 …: many matches
        "flags",          // -a x -a x …
        "spaced-key",     // a, then spaces, then no separator
        "url-no-at",      // x://u: then a long password with no '@'
        "json-keys",      // "a":"b","a":"b"…
    ];

    [Theory]
    [MemberData(nameof(AdversarialLines))]
    public void Every_shape_pattern_scans_a_4_MB_adversarial_line_within_a_match_timeout_the_old_patterns_exceed(string kind)
    {
        var line = Adversarial(kind, 4 * Megabyte);
        foreach (var (name, pattern) in Current)
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant, Limit);
            var exception = Record.Exception(() => regex.Count(line));
            Assert.True(exception is null, $"{name} on {kind}: {exception?.GetType().Name}");
        }

        // The product's own (source-generated) patterns, through Redact: it finishes and leaves these lines as they are
        // except for the one with secret-free assignments, which it also leaves alone.
        Assert.Equal(line, new SecretRedactor().Redact(line));
    }

    [Theory]
    [InlineData("letters", "assignment")]
    [InlineData("dot-flags", "flag value")]
    [InlineData("dashed", "url password")]
    public void The_old_backtracking_patterns_exceed_the_same_timeout_on_such_lines(string kind, string which)
    {
        // What the test above would catch: each old pattern retries every start inside the run, so a 4 MB line costs it
        // on the order of 10^12 steps.
        var pattern = which switch
        {
            "assignment" => BacktrackingRedactorReference.Assignment,
            "flag value" => BacktrackingRedactorReference.FlagValue,
            _ => BacktrackingRedactorReference.UrlPassword,
        };
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, Limit);
        Assert.Throws<RegexMatchTimeoutException>(() => regex.Count(Adversarial(kind, 4 * Megabyte)));
    }

    [Fact]
    public void The_linear_patterns_mask_exactly_what_the_old_backtracking_ones_did_on_random_lines()
    {
        var secrets = new[] { "Tr0ub4dor", "hunter22", "S3CR3T", "abcdef", "abcdefghij" };
        var redactor = new SecretRedactor(secrets).AddKeyPattern("(?i)conn(ection)?$");
        var ordered = secrets.OrderByDescending(static s => s.Length).ToArray();
        var compared = 0;
        var masked = 0;
        foreach (var seed in Enumerable.Range(1, 8))
        {
            var random = new Random(seed);
            for (var i = 0; i < 2500; i++)
            {
                var line = RandomLine(random);

                // The old Redact: literal secrets first (letters and digits only, so every encoded form is the value
                // itself), then the old shape patterns.
                var expected = line;
                foreach (var secret in ordered)
                {
                    expected = expected.Replace(secret, SecretRedactor.Mask, StringComparison.Ordinal);
                }

                expected = BacktrackingRedactorReference.RedactShapes(redactor, expected);
                var actual = redactor.Redact(line);
                Assert.True(expected == actual, $"seed {seed}, line {i}:\n{line}\nold: {expected}\nnew: {actual}");
                compared++;
                masked += actual != line ? 1 : 0;
            }
        }

        // The lines exercise the patterns: most have something masked, and some have nothing.
        Assert.Equal(20000, compared);
        Assert.InRange(masked, 2000, 19000);
    }

    [Theory]
    [InlineData("x.-password S3cret", "x.-password ***")]
    [InlineData("1+http://u:pw-1@h", "1+http://u:***@h")]
    [InlineData("_x.jdbc://u:pw-2@h", "_x.jdbc://u:***@h")]
    [InlineData("ab.-c.-password v", "ab.-c.-password ***")]
    [InlineData("-x.-pass v", "-x.-pass v")]
    [InlineData("a.b.-token v1 c.-d.-e", "a.b.-token *** c.-d.-e")]
    public void A_start_inside_a_run_is_found_where_the_old_patterns_found_it(string input, string expected)
    {
        // Starts the look-behinds must allow (a flag after a '.', a scheme after '+' or '.') and refuse (a later start in a
        // run whose leftmost start failed: the old engine would not have matched there either).
        var redactor = new SecretRedactor();
        Assert.Equal(expected, redactor.Redact(input));
        Assert.Equal(BacktrackingRedactorReference.RedactShapes(redactor, input), redactor.Redact(input));
    }

    private static string Adversarial(string kind, int length)
    {
        var random = new Random(42);
        string Repeat(string unit) => new StringBuilder(length + unit.Length).Insert(0, unit, length / unit.Length).ToString();
        string Random(string alphabet) => string.Create(length, alphabet, (span, a) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = a[random.Next(a.Length)];
            }
        });

        return kind switch
        {
            "letters" => new string('a', length),
            "dotted" => Repeat("a."),
            "dashed" => Repeat("a-"),
            "dot-flags" => Repeat(".-a"),
            "plus" => Repeat("a+"),
            "hex" => Random("0123456789abcdef"),
            "base64url" => Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            "assignments" => Repeat("x=1 "),
            "flags" => Repeat("-a x "),
            "spaced-key" => "a" + new string(' ', length),
            "url-no-at" => "x://u:" + new string('p', length),
            "json-keys" => Repeat("\"a\":\"b\","),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static readonly string[] SecretKeys =
        ["spark.ssl.keyStorePassword", "password", "DB_PASS", "fs.azure.account.key.acc.blob.core.windows.net", "x.token", "api-key", "[0].secret", "db.connection", "AZURE_STORAGE_KEY"];

    private static readonly string[] PlainKeys = ["spark.executor.memory", "name", "a.b", "x", "key", "[1]", "pass.word"];

    private static readonly string[] Separators = ["=", ":", " = ", ": ", "\":\"", "\" : \"", " ", "\t", "==", "\":", "\",\""];

    private static readonly string[] Flags = ["--password", "-p", "--token", "--conf", "--db-pass", "--name", "x.-password", "a.--token", "--a.b-secret", "-x", "--"];

    private static readonly string[] Schemes = ["https", "jdbc:postgresql", "a+b.c-d", "x", "1+http", "_s.ftp", "s3a", "-abfss"];

    private static string RandomLine(Random random)
    {
        var builder = new StringBuilder();
        var pieces = random.Next(1, 9);
        for (var p = 0; p < pieces; p++)
        {
            switch (random.Next(9))
            {
                case 0:
                case 1:
                    builder.Append(Pick(random, random.Next(2) == 0 ? SecretKeys : PlainKeys)).Append(Pick(random, Separators)).Append(Token(random));
                    break;
                case 2:
                    builder.Append(Pick(random, Flags)).Append(Pick(random, [" ", "\t", "  ", "\",\"", "\" , \"", "="])).Append(Token(random));
                    break;
                case 3:
                    builder.Append(Pick(random, Schemes)).Append("://").Append(Token(random)).Append(':').Append(Token(random))
                        .Append(random.Next(3) == 0 ? "" : "@").Append(Token(random));
                    break;
                case 4:
                    builder.Append(Pick(random, ["Authorization: Bearer ", "authorization=", "AUTHORIZATION : basic ", "Authorization:Negotiate  "])).Append(Token(random));
                    break;
                case 5:
                    builder.Append("{\"").Append(Pick(random, random.Next(2) == 0 ? SecretKeys : PlainKeys)).Append("\":\"").Append(Token(random))
                        .Append("\",\"arguments\":[\"").Append(Pick(random, Flags)).Append("\",\"").Append(Token(random)).Append("\"]}");
                    break;
                case 6:
                    // A long run of key, flag and scheme characters.
                    builder.Append(Run(random, random.Next(1, 300), "a.-_+0Z[]"));
                    break;
                case 7:
                    builder.Append(Run(random, random.Next(1, 40), "a.-_+:=/@\"' \t,;&[]0Zé\u200d\n"));
                    break;
                default:
                    builder.Append(Pick(random, ["Tr0ub4dor", "hunter22", "S3CR3T", "abcdefghij", "abcdef"]));
                    break;
            }

            builder.Append(Pick(random, [" ", "", ",", "\"", "'", "&", ";", "\n", " -", "."]));
        }

        return builder.ToString();
    }

    private static string Token(Random random) =>
        random.Next(4) == 0 ? Run(random, random.Next(1, 12), "a.-_+:=/@\"' ,;&0Z") : Run(random, random.Next(1, 12), "abcXYZ019._-/+");

    private static string Run(Random random, int length, string alphabet)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
