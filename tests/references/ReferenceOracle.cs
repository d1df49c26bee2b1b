using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparkJobGen.References;

/// <summary>
/// The reference implementations the version model is compared against: one long-lived <c>node oracle.cjs</c> process
/// (tests/references) answering JSON lines, with <c>@renovatebot/pep440</c> for PEP 440 and <c>@conda-org/rattler</c>
/// (conda's Rust library as WASM, with its solver) for conda. <c>.ci/run</c> installs the packages with <c>npm ci</c>.
/// </summary>
internal sealed class ReferenceOracle : IDisposable
{
    /// <summary>Set by .ci/run: a missing node or npm install fails the tests instead of skipping them.</summary>
    public const string RequireVariable = "SJG_REQUIRE_REFERENCES";

    private readonly Process _process;
    private int _next;

    private ReferenceOracle(Process process) => _process = process;

    /// <summary>The folder holding package.json, the lock file and oracle.cjs.</summary>
    public static string Folder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "references", "oracle.cjs")))
            {
                dir = dir.Parent;
            }

            return dir is null ? string.Empty : Path.Combine(dir.FullName, "tests", "references");
        }
    }

    /// <summary>Starts the oracle, or returns null with the reason it cannot run here.</summary>
    public static ReferenceOracle? TryStart(out string reason)
    {
        var folder = Folder;
        if (folder.Length == 0 || !Directory.Exists(Path.Combine(folder, "node_modules", "@conda-org", "rattler")) || !Directory.Exists(Path.Combine(folder, "node_modules", "@renovatebot", "pep440")))
        {
            reason = "the reference packages are not installed: run `npm ci` in tests/references (.ci/run does).";
            return null;
        }

        var info = new ProcessStartInfo("node", "oracle.cjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            var process = Process.Start(info)!;
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginErrorReadLine();
            reason = string.Empty;
            return new ReferenceOracle(process);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            reason = "node is not on PATH (" + e.Message + "); install Node.js 18 or later to run the reference tests.";
            return null;
        }
    }

    /// <summary>Starts the oracle or skips the test (fails instead when <see cref="RequireVariable"/> is 1).</summary>
    public static ReferenceOracle StartOrSkip()
    {
        var oracle = TryStart(out var reason);
        if (oracle is not null)
        {
            return oracle;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            throw new InvalidOperationException("The reference tests must run here (" + RequireVariable + "=1): " + reason);
        }

        throw new SkipException(reason);
    }

    /// <summary>Sends many requests at once and returns the answers in request order.</summary>
    public IReadOnlyList<JsonNode?> AskAll(IReadOnlyList<JsonObject> requests)
    {
        var ids = new List<int>(requests.Count);
        foreach (var request in requests)
        {
            int id = ++_next;
            request["id"] = id;
            ids.Add(id);
            _process.StandardInput.WriteLine(request.ToJsonString());
        }

        _process.StandardInput.Flush();
        var answers = new Dictionary<int, JsonNode?>(requests.Count);
        while (answers.Count < requests.Count)
        {
            var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the reference oracle exited");
            var answer = JsonNode.Parse(line)!.AsObject();
            int id = answer["id"]!.GetValue<int>();
            answers[id] = answer["ok"]!.GetValue<bool>() ? answer["value"] : ErrorNode(answer["error"]?.GetValue<string>());
        }

        return ids.Select(id => answers[id]).ToList();
    }

    /// <summary>One request.</summary>
    public JsonNode? Ask(JsonObject request) => AskAll([request])[0];

    /// <summary>Whether an answer is an error (the reference threw).</summary>
    public static bool IsError(JsonNode? answer) => answer is JsonObject o && o.ContainsKey("$error");

    /// <summary>Serves a folder on 127.0.0.1 and returns its URL.</summary>
    public string Serve(string folder) => Ask(new JsonObject { ["op"] = "serve", ["folder"] = folder })!.GetValue<string>();

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static JsonObject ErrorNode(string? message) => new() { ["$error"] = message ?? "error" };

    /// <summary>
    /// Writes a conda channel for rattler's solver: <paramref name="name"/> in every one of <paramref name="versions"/>
    /// (build k for the k-th), no dependencies, in <c>linux-64/repodata.json</c> and an empty <c>noarch/repodata.json</c>.
    /// </summary>
    /// <param name="folder">The channel folder.</param>
    /// <param name="name">The package name.</param>
    /// <param name="versions">Its versions.</param>
    public static void WriteCondaChannel(string folder, string name, IReadOnlyList<string> versions)
    {
        var packages = new JsonObject();
        for (var k = 0; k < versions.Count; k++)
        {
            var build = k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            packages[name + "-" + versions[k] + "-" + build + ".tar.bz2"] = new JsonObject
            {
                ["name"] = name,
                ["version"] = versions[k],
                ["build"] = build,
                ["build_number"] = 0,
                ["depends"] = new JsonArray(),
                ["subdir"] = "linux-64",
            };
        }

        foreach (var (subdir, content) in new[] { ("linux-64", packages), ("noarch", new JsonObject()) })
        {
            Directory.CreateDirectory(Path.Combine(folder, subdir));
            var repodata = new JsonObject { ["info"] = new JsonObject { ["subdir"] = subdir }, ["packages"] = content, ["packages.conda"] = new JsonObject() };
            // Unescaped: rattler's sparse repodata reader borrows key strings and fails on "\u002B" for '+'.
            File.WriteAllText(Path.Combine(folder, subdir, "repodata.json"), repodata.ToJsonString(UnescapedJson));
        }
    }

    private static readonly JsonSerializerOptions UnescapedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
