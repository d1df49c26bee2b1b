using System.Text;
using System.Text.Json;
using SparkJobGen.Packing;
using SparkJobGen.Packing.Tests.Archives;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class PathFilterTests
{
    private static readonly string[] Paths =
        ["bin/python", "lib/a.pyc", "lib/sub/b.pyc", "lib/keep/c.pyc", "share/doc/x", "x1.txt", "xa.txt"];

    [Fact]
    public void Rules_apply_in_order_and_include_adds_back()
    {
        Assert.Equal(["bin/python", "lib/keep/c.pyc", "share/doc/x", "x1.txt", "xa.txt"],
            PathFilter.Apply(Paths, [new(false, "*.pyc"), new(true, "lib/keep/*")]));
        Assert.Equal(["bin/python", "share/doc/x", "x1.txt", "xa.txt"],
            PathFilter.Apply(Paths, [new(true, "lib/keep/*"), new(false, "*.pyc")]));
        Assert.Equal(["bin/python", "lib/a.pyc", "lib/sub/b.pyc", "lib/keep/c.pyc", "share/doc/x", "xa.txt"],
            PathFilter.Apply(Paths, [new(false, "x[0-9].txt")]));
        Assert.Equal(["x1.txt"], PathFilter.Apply(Paths, [new(false, "*"), new(true, "x?.txt"), new(false, "x[!0-9].txt")]));
    }

    /// <summary>
    /// conda-pack matches <c>--exclude</c> and <c>--include</c> with Python's <c>fnmatch</c> (conda_pack/core.py, <c>_filter</c>
    /// via <c>fnmatch.fnmatch</c>, case-sensitive on POSIX). Random globs over an alphabet heavy in the characters that make sets
    /// (<c>[ ] ! -</c>), with stars, question marks, slashes, backslashes and line breaks, are matched against random paths
    /// by <c>fnmatch.fnmatchcase</c> in a real python3 and by <see cref="PathFilter.ToRegex"/>: every answer must agree.
    /// </summary>
    [SkippableFact]
    public void Globs_match_exactly_what_python_fnmatch_matches()
    {
        const string patternAlphabet = "ab-]![*?/\\^z\n";
        const string pathAlphabet = "ab-]![/\\^z\nc";
        var random = new Random(20261207);
        string Draw(string alphabet, int maxLength)
        {
            var text = new StringBuilder();
            for (var n = random.Next(maxLength + 1); n > 0; n--)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            return text.ToString();
        }

        var cases = new List<(string Pattern, string Path)>
        {
            ("[", "["), ("a[", "a["), ("*[", "x["), ("[]", "]"), ("[]]", "]"), ("[!]]", "a"), ("[!]", "!"), ("[z-a]", "m"),
            ("[!z-a]", "m"), ("[a--]", "b"), ("[--a]", "-"), ("[a-c-e]", "-"), ("[\\]", "\\"), ("[^a]", "^"), ("*", "a\nb"), ("?", "\n"),
        };
        for (var i = 0; i < 4000; i++)
        {
            var pattern = Draw(patternAlphabet, 8);
            cases.Add((pattern, Draw(pathAlphabet, 6)));
            if (i % 4 == 0)
            {
                // A path built from the pattern's own characters hits sets and ranges far more often than a random one.
                cases.Add((pattern, new string(pattern.Where(c => c is not ('*' or '?')).ToArray())));
            }
        }

        const string script = "import fnmatch, json, sys\nprint(json.dumps([fnmatch.fnmatchcase(c[1], c[0]) for c in json.load(sys.stdin)]))";
        using var input = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(cases.Select(c => new[] { c.Pattern, c.Path })));
        var result = Tool.Run("python3", ["-c", script], standardInput: input);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var expected = JsonSerializer.Deserialize<bool[]>(result.StandardOutput)!;
        var disagreements = cases.Where((c, i) => PathFilter.ToRegex(c.Pattern).IsMatch(c.Path) != expected[i])
            .Select(c => $"{JsonSerializer.Serialize(c.Pattern)} on {JsonSerializer.Serialize(c.Path)}").ToList();
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {cases.Count} disagree with fnmatch, e.g. {string.Join("; ", disagreements.Take(10))}");
    }
}
