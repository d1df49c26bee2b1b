using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SparkJobGen.Submission;
using SparkJobGen.Tests.Submission;

// Redaction of one long line: SecretRedactor.Redact ("after") against the shape patterns as they were before they were made
// linear ("before": the reference the tests keep, compiled like the source-generated code, with a match timeout as a cap).
//   dotnet run -c Release --project bench/SparkJobGen.RedactBench -- [--sizes 100K,1M,4M] [--repeat 5] [--cap 60]
//     [--before-kinds letters,dot-flags,dashed]
// Each cell is the median wall time of --repeat runs ("after") or of one run ("before", which stops at --cap seconds).
string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
var sizes = Arg("--sizes", "100K,1M,4M").Split(',').Select(static s => (Name: s, Chars: Parse(s))).ToArray();
var repeat = int.Parse(Arg("--repeat", "5"), CultureInfo.InvariantCulture);
var cap = TimeSpan.FromSeconds(double.Parse(Arg("--cap", "60"), CultureInfo.InvariantCulture));
var beforeKinds = Arg("--before-kinds", "letters,dot-flags,dashed").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
string[] kinds = ["letters", "dot-flags", "dashed", "hex", "base64url", "assignments"];

var redactor = new SecretRedactor();
redactor.Redact("warm-up x=1 --password p https://u:p@h Authorization: Bearer t");
BacktrackingRedactorReference.RedactShapes(redactor, "warm-up x=1", RegexOptions.Compiled);

Console.WriteLine($"{RuntimeInformationText()}; repeat {repeat}, cap {cap.TotalSeconds} s");
Console.WriteLine("| line | size | after: Redact, median | before: old patterns |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var kind in kinds)
{
    foreach (var (name, chars) in sizes)
    {
        var line = Line(kind, chars);
        var times = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            var watch = Stopwatch.StartNew();
            var redacted = redactor.Redact(line);
            times.Add(watch.Elapsed.TotalSeconds);
            if (redacted.Length != line.Length)
            {
                throw new InvalidOperationException("unexpected mask in " + kind);
            }
        }

        times.Sort();
        var before = "not run";
        if (beforeKinds.Contains(kind))
        {
            var watch = Stopwatch.StartNew();
            try
            {
                BacktrackingRedactorReference.RedactShapes(redactor, line, RegexOptions.Compiled, cap);
                before = Seconds(watch.Elapsed.TotalSeconds);
            }
            catch (RegexMatchTimeoutException)
            {
                before = $"> {cap.TotalSeconds:0} s (cap)";
            }
        }

        Console.WriteLine($"| {kind} | {name} | {Seconds(times[times.Count / 2])} | {before} |");
    }
}

return 0;

static string Seconds(double s) => s < 1 ? $"{s * 1000:0.0} ms" : $"{s:0.00} s";

static int Parse(string size) => size[^1] switch
{
    'K' => int.Parse(size[..^1], CultureInfo.InvariantCulture) * 1000,
    'M' => int.Parse(size[..^1], CultureInfo.InvariantCulture) * 1000 * 1000,
    _ => int.Parse(size, CultureInfo.InvariantCulture),
};

static string RuntimeInformationText() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} CPUs";

static string Line(string kind, int length)
{
    var random = new Random(42);
    string Repeat(string unit) => new StringBuilder(length + unit.Length).Insert(0, unit, length / unit.Length).ToString();
    string Random(string alphabet)
    {
        var chars = new char[length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    return kind switch
    {
        "letters" => new string('a', length),                 // a run with no separator (long identifiers)
        "dot-flags" => Repeat(".-a"),                          // a flag could start after every '.'
        "dashed" => Repeat("a-"),                              // a URL scheme could start at every letter
        "hex" => Random("0123456789abcdef"),
        "base64url" => Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        "assignments" => Repeat("x=1 "),                       // many matches, none secret
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
