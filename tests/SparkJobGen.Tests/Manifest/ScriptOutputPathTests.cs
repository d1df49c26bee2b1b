using System.Text.Json;
using SparkJobGen.Manifest;

namespace SparkJobGen.Tests.Manifest;

/// <summary>
/// Where a job's script lands under its environment folder. Inside the project the path is the declared one with its <c>.</c>
/// and <c>..</c> segments resolved, which is what Python's <c>posixpath.normpath</c> computes (Lib/posixpath.py, normpath:
/// <c>..</c> backs out of the previous segment unless there is none); what would leave the project keeps only the part below
/// the leading <c>..</c> segments that normpath leaves in place.
/// </summary>
public sealed class ScriptOutputPathTests
{
    [Theory]
    [InlineData("jobs/score.py", "jobs/score.py")]
    [InlineData("./jobs/../jobs/score.py", "jobs/score.py")]
    [InlineData("a/../b.py", "b.py")]
    [InlineData("../python/job.py", "python/job.py")]
    [InlineData("../../shared/../etl/run.py", "etl/run.py")]
    [InlineData("jobs\\windows\\run.py", "jobs/windows/run.py")]
    [InlineData("/abs/path/run.py", "abs/path/run.py")]
    [InlineData("C:/jobs/run.py", "jobs/run.py")]
    public void Resolves_dot_segments_and_drops_what_leaves_the_project(string declared, string expected) =>
        Assert.Equal(expected, ScriptOutputPath.ForScript(declared));

    [Fact]
    public void Random_paths_resolve_as_python_normpath_resolves_them()
    {
        var random = new Random(20261207);
        string[] parts = ["a", "b", "jobs", ".", "..", "", "x.py"];
        var cases = new List<string> { "..", ".", "a/..", "../..", "a/../..", "./", "a//b/./../c.py" };
        for (var i = 0; i < 3000; i++)
        {
            cases.Add(string.Join('/', Enumerable.Range(0, random.Next(1, 8)).Select(_ => parts[random.Next(parts.Length)])));
        }

        using var work = new TempDirectory("sjg-normpath");
        var input = work.Combine("cases.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases));
        const string script =
            "import json, posixpath, sys\n" +
            "out = []\n" +
            "for p in json.load(open(sys.argv[1])):\n" +
            "    n = posixpath.normpath(p.lstrip('/')) if p.strip('/') else '.'\n" +
            "    parts = [s for s in n.split('/') if s != '.']\n" +
            "    while parts and parts[0] == '..':\n" +
            "        parts.pop(0)\n" +
            "    out.append('/'.join(parts))\n" +
            "print(json.dumps(out))\n";
        var (exitCode, output) = Processes.Run("python3", "-c", script, input);
        Assert.True(exitCode == 0, output);
        var expected = JsonSerializer.Deserialize<string[]>(output)!;

        var disagreements = cases.Select((c, i) => (Declared: c, Expected: expected[i], Actual: ScriptOutputPath.ForScript(c)))
            .Where(static d => d.Expected != d.Actual)
            .ToList();
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {cases.Count} disagree with posixpath.normpath, e.g. " +
            string.Join("; ", disagreements.Take(10).Select(static d => $"'{d.Declared}': '{d.Actual}', normpath '{d.Expected}'")));
    }
}
