using System.Globalization;
using System.Text;

namespace SparkJobGen.Versions.Tests.References;

/// <summary>
/// Random versions and specifiers for the differential tests: every operator, wildcards, pre/post/dev/local parts,
/// epochs, numbers far beyond 2^63, separators and spellings PEP 440 Appendix B allows, and text that is almost valid.
/// Seeded: <c>SJG_REFERENCE_SEED</c> picks the seed (21 when unset, as in CI) and <c>SJG_REFERENCE_CASES</c> the count.
/// </summary>
internal sealed class RandomCases
{
    private static readonly string[] PreSpellings = ["a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "A", "RC"];
    private static readonly string[] Separators = ["", ".", "-", "_"];
    private static readonly string[] PipOperators = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="];
    private static readonly string[] CondaOperators = ["==", "!=", "<=", ">=", "<", ">", "=", "~=", ""];
    private static readonly string[] CondaWords = ["a", "b", "rc", "dev", "post", "_", "p", "alpha"];

    private readonly Random _random;

    public RandomCases(int seed) => _random = new Random(seed);

    /// <summary>The seed of this run.</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SJG_REFERENCE_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 21;

    /// <summary>How many cases each differential test draws.</summary>
    public static int Count(int ci) => int.TryParse(Environment.GetEnvironmentVariable("SJG_REFERENCE_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : ci;

    /// <summary>A random number in [0, <paramref name="max"/>).</summary>
    public int Next(int max) => _random.Next(max);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private bool Chance(int percent) => _random.Next(100) < percent;

    /// <summary>A number: mostly small, sometimes 2^31 and above, sometimes with leading zeros.</summary>
    public string Number()
    {
        int kind = _random.Next(20);
        if (kind == 0)
        {
            return "2147483647";
        }

        if (kind == 1)
        {
            return "2147483648";
        }

        if (kind == 2)
        {
            var sb = new StringBuilder();
            int digits = _random.Next(10, 30);
            sb.Append((char)('1' + _random.Next(9)));
            for (int k = 1; k < digits; k++)
            {
                sb.Append((char)('0' + _random.Next(10)));
            }

            return sb.ToString();
        }

        if (kind == 3)
        {
            return "0" + _random.Next(10).ToString(CultureInfo.InvariantCulture);
        }

        return _random.Next(kind < 12 ? 4 : 12).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A PEP 440 version in one of its many spellings (sometimes invalid).</summary>
    public string Pep440Version(bool allowInvalid = true)
    {
        var sb = new StringBuilder();
        if (Chance(5))
        {
            sb.Append('v');
        }

        if (Chance(10))
        {
            sb.Append(Number()).Append('!');
        }

        int parts = 1 + _random.Next(4);
        for (int k = 0; k < parts; k++)
        {
            if (k > 0)
            {
                sb.Append('.');
            }

            sb.Append(Number());
        }

        if (Chance(30))
        {
            sb.Append(Pick(Separators)).Append(Pick(PreSpellings));
            if (Chance(80))
            {
                sb.Append(Pick(Separators)).Append(Number());
            }
            else if (Chance(30))
            {
                sb.Append(Pick(new[] { ".", "-", "_" }));
            }
        }

        if (Chance(20))
        {
            if (Chance(20))
            {
                sb.Append('-').Append(Number());
            }
            else
            {
                sb.Append(Pick(Separators)).Append(Pick(new[] { "post", "rev", "r" }));
                if (Chance(70))
                {
                    sb.Append(Pick(Separators)).Append(Number());
                }
                else if (Chance(30))
                {
                    sb.Append('.');
                }
            }
        }

        if (Chance(20))
        {
            sb.Append(Pick(Separators)).Append("dev");
            if (Chance(80))
            {
                sb.Append(Number());
            }
        }

        if (Chance(12))
        {
            sb.Append('+').Append(Pick(new[] { "local", "ubuntu", "cpu", "1", "abc" }));
            if (Chance(50))
            {
                sb.Append(Pick(new[] { ".", "-", "_" })).Append(Chance(50) ? Number() : "x");
            }
        }

        if (allowInvalid && Chance(4))
        {
            sb.Append(Pick(new[] { " .*", "..", "+", "-", "!", "a.b", " x" }));
        }

        return sb.ToString();
    }

    /// <summary>A PEP 440 specifier set: 1-3 clauses with every operator; sometimes an empty clause or bad spacing.</summary>
    public string Pep440SpecifierSet(bool allowInvalid = true)
    {
        int clauses = 1 + _random.Next(3);
        var parts = new List<string>();
        for (int k = 0; k < clauses; k++)
        {
            var op = Pick(PipOperators);
            string version;
            if (op == "===")
            {
                version = Chance(50) ? Pep440Version(false) : Pick(new[] { "foo", "v1.0", "1.0", "1.0.0" });
            }
            else if ((op == "==" || op == "!=") && Chance(30))
            {
                version = string.Join(".", Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => Number())) + ".*";
            }
            else
            {
                version = Pep440Version(false);
            }

            parts.Add(op + (Chance(10) ? " " : string.Empty) + version);
        }

        if (allowInvalid && Chance(3))
        {
            parts.Add(string.Empty);
        }

        return string.Join(",", parts);
    }

    /// <summary>A conda version: numbers, letters, underscores, dev/post, epochs and local labels.</summary>
    public string CondaVersion()
    {
        var sb = new StringBuilder();
        if (Chance(8))
        {
            sb.Append(_random.Next(3)).Append('!');
        }

        int parts = 1 + _random.Next(4);
        string sep = Chance(15) ? "_" : ".";
        for (int k = 0; k < parts; k++)
        {
            if (k > 0)
            {
                sb.Append(sep);
            }

            sb.Append(Number());
            if (Chance(15))
            {
                sb.Append(Pick(CondaWords));
                if (Chance(60))
                {
                    sb.Append(_random.Next(4));
                }
            }
        }

        if (Chance(5))
        {
            sb.Append('_');
        }

        if (Chance(8))
        {
            sb.Append('+').Append(Chance(50) ? Number() : Pick(CondaWords));
        }

        return sb.ToString();
    }

    /// <summary>One conda term: every operator, prefixes with text, globs and '*'.</summary>
    public string CondaTerm()
    {
        int kind = _random.Next(20);
        if (kind == 0)
        {
            return "*";
        }

        if (kind == 1)
        {
            return "*." + _random.Next(3);
        }

        if (kind == 2)
        {
            return _random.Next(3) + ".*." + _random.Next(3);
        }

        var op = Pick(CondaOperators);
        var version = CondaVersion();
        if (op == "~=" && version.IndexOf('.') < 0)
        {
            version += ".0";
        }

        if ((op is "" or "=" or "!=") && Chance(40))
        {
            return op + version + (op == "" && Chance(30) ? "*" : ".*");
        }

        return op + version;
    }

    /// <summary>A conda version spec: terms joined by ',' and '|'.</summary>
    public string CondaSpec()
    {
        var alternatives = new List<string>();
        int ors = Chance(20) ? 2 : 1;
        for (int o = 0; o < ors; o++)
        {
            int ands = 1 + _random.Next(2);
            alternatives.Add(string.Join(",", Enumerable.Range(0, ands).Select(_ => CondaTerm())));
        }

        return string.Join("|", alternatives);
    }
}
