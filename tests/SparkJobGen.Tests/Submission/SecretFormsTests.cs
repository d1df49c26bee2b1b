using System.Globalization;
using System.Text;
using System.Text.Json;
using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// A marked secret is masked as Python's <c>repr</c> prints it (<c>print(sys.argv)</c>, an argparse <c>Namespace</c>) and
/// percent-encoded, checked against the real Python 3.11 (<c>repr</c>, <c>urllib.parse.quote</c>/<c>quote_plus</c>) and the
/// real Java 17 (<c>java.net.URLEncoder</c>).
/// </summary>
public sealed class SecretFormsTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("sjg-forms-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void A_secret_printed_by_python_as_sys_argv_or_an_argparse_namespace_is_masked()
    {
        const string secret = "Pa55\"wo'rd<x>\\q";
        const string script = """
            import argparse, sys
            parser = argparse.ArgumentParser()
            parser.add_argument("--connection")
            print(sys.argv[1:])
            print(parser.parse_args(sys.argv[1:]))
            """;
        var (exitCode, output) = Processes.Run("python3", "-c", script, "--connection", secret);
        Assert.True(exitCode == 0, output);
        Assert.Contains("'Pa55\"wo\\'rd<x>\\\\q'", output, StringComparison.Ordinal); // what Python printed

        // As a sensitive [JobParameter] marks it.
        Assert.Equal("['--connection', '***']\nNamespace(connection='***')\n", new SecretRedactor([secret]).Redact(output));
    }

    [Fact]
    public void Every_secret_is_masked_exactly_as_python_repr_and_urllib_quote_write_it()
    {
        var secrets = Secrets();
        const string script = """
            import json, sys
            from urllib.parse import quote, quote_plus
            print(json.dumps([{"arg": a, "repr": repr(a), "quote": quote(a), "quote_nosafe": quote(a, safe=""),
                               "quote_plus": quote_plus(a)} for a in sys.argv[1:]]))
            """;
        var (exitCode, output) = Processes.Run("python3", ["-c", script, .. secrets]);
        Assert.True(exitCode == 0, output);
        var forms = JsonSerializer.Deserialize<Dictionary<string, string>[]>(output)!;
        Assert.Equal(secrets.Length, forms.Length);
        var escaped = 0;
        for (var i = 0; i < secrets.Length; i++)
        {
            var secret = secrets[i];
            Assert.Equal(secret, forms[i]["arg"]); // Python received the value unchanged
            var repr = forms[i]["repr"];
            Assert.True(SecretForms.PythonRepr(secret) == repr, $"{Describe(secret)}: python {repr}, ours {SecretForms.PythonRepr(secret)}");
            escaped += repr.Length - 2 != secret.Length ? 1 : 0;

            var redactor = new SecretRedactor([secret]);
            Assert.Equal($"value {repr[0]}***{repr[^1]} printed", redactor.Redact($"value {repr} printed"));
            foreach (var kind in new[] { "quote", "quote_nosafe", "quote_plus" })
            {
                Assert.True($"at *** end" == redactor.Redact($"at {forms[i][kind]} end"), $"{Describe(secret)}: {kind} {forms[i][kind]}");
            }
        }

        Assert.InRange(escaped, secrets.Length / 3, secrets.Length); // most of the values need escapes in their repr
    }

    [Fact]
    public void Every_secret_is_masked_exactly_as_java_url_encoder_writes_it()
    {
        var secrets = Secrets();
        var source = Path.Combine(_scratch, "Encode.java");
        File.WriteAllText(source, """
            import java.net.URLEncoder;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.HexFormat;

            public class Encode {
                public static void main(String[] args) throws Exception {
                    for (String line : Files.readAllLines(Path.of(args[0]))) {
                        String value = new String(HexFormat.of().parseHex(line), StandardCharsets.UTF_8);
                        System.out.println(URLEncoder.encode(value, StandardCharsets.UTF_8));
                    }
                }
            }
            """);

        // Hex lines, so the values reach Java whatever its default charset and however many lines they hold.
        var input = Path.Combine(_scratch, "secrets.hex");
        File.WriteAllLines(input, secrets.Select(static s => Convert.ToHexString(Encoding.UTF8.GetBytes(s))));
        var (exitCode, output) = Processes.Run("java", source, input);
        Assert.True(exitCode == 0, output);
        var encoded = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(secrets.Length, encoded.Length);
        for (var i = 0; i < secrets.Length; i++)
        {
            Assert.True("at *** end" == new SecretRedactor([secrets[i]]).Redact($"at {encoded[i]} end"), $"{Describe(secrets[i])}: {encoded[i]}");
        }
    }

    // Hand-picked values (quotes of both kinds, backslashes, control characters, non-ASCII printable and not, emoji) and
    // random ones from the same kinds of characters. No NUL (an argv cannot hold one) and no lone surrogate (not UTF-8).
    private static string[] Secrets()
    {
        var picked = new[]
        {
            "Pa55\"wo'rd<x>\\q", "it's-a-secret", "say \"hi\" now", "a'b\"c", "both'\"\\", "tab\there", "line\nbreak\r\n",
            "ctl\x01\x1b\x7f\x1f", "café-ünïcode", "пароль123", "密码密码", "emoji🔑key", "\u00a0nbsp", "zw\u200bsp", "bom\ufeffx",
            "pua\ue000x", "ls\u2028ps\u2029", "\u0085nel", "soft\u00adhyphen", "e\u0301combining", "tag\U000E0001x", "face\U0001F600",
            "\"quoted\"", "back\\slash", "%41 plus+space /~*", "a b/c?d=e&f", "\u0080\u009f\u00ff", "ideo\u3000space",
            "noncharacter\uffff", "SimplePassw0rd",
        };
        var random = new Random(7);
        var pools = new[]
        {
            " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~abcXYZ019",
            "\x01\x02\t\n\r\x0b\x0c\x1b\x1f\x7f",
            "\u0080\u0085\u009f\u00a0\u00ad\u00e9\u00ff\u0100\u017f",
            "αβγΩабвЖ中文字あ한",
            "\u200b\u200d\u2028\u2029\u3000\ufeff\ue000\u0301",
        };
        var generated = new List<string>();
        for (var n = 0; n < 150; n++)
        {
            var builder = new StringBuilder();
            var length = random.Next(3, 16);
            while (builder.Length < length)
            {
                var pool = random.Next(7);
                if (pool == 5)
                {
                    builder.Append(char.ConvertFromUtf32(0x1F300 + random.Next(0x150))); // emoji
                }
                else if (pool == 6)
                {
                    builder.Append(char.ConvertFromUtf32(0xE0020 + random.Next(0x5F))); // tag characters (Cf)
                }
                else
                {
                    var chars = pools[pool];
                    builder.Append(chars[random.Next(chars.Length)]);
                }
            }

            generated.Add(builder.ToString());
        }

        return [.. picked, .. generated];
    }

    private static string Describe(string value) =>
        string.Concat(value.Select(static c => c is >= ' ' and < '\x7f' ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)));
}
