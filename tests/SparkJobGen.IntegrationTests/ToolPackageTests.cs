using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SparkJobGen.IntegrationTests;

/// <summary>
/// The <c>sparkjobgen</c> tool package as users get it: the three <c>dotnet pack</c> commands of docs/cli.md (the pointer
/// package, the native linux-x64 package, the framework-dependent <c>any</c> package), <c>dotnet tool install</c> from a local
/// folder, then the installed native command packs a real venv (verified by importing with the packed interpreter), serves the
/// unchanged venv from the cache and creates, then reuses, an environment: the paths on which the native build differs from
/// the JIT one (the runtime library's reflection-based JSON included).
/// </summary>
/// <remarks>
/// Opt-in (<c>SJG_TEST_TOOL_PACKAGE=1</c>): Native AOT compiles the whole tool, and the three packs take about three minutes on
/// two cores. Linux x64 only, and it needs clang or gcc (the native linker). Builds go to their own artifacts folder, so the
/// checkout's build output and the rest of the suite are not touched.
/// </remarks>
[Collection(RealBuildCollection.Name)]
public sealed class ToolPackageTests
{
    private const string OptInVariable = "SJG_TEST_TOOL_PACKAGE";

    [SkippableFact]
    public void Tool_package_installs_the_native_tool_which_packs_a_venv_serves_a_cache_hit_and_reuses_an_environment()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable(OptInVariable) == "1",
            $"Packs the tool with Native AOT (about three minutes); set {OptInVariable}=1 to run it.");
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64, "The native tool package is built on linux-x64.");
        Skip.IfNot(OnPath("clang") || OnPath("gcc"), "Native AOT links with clang or gcc; neither is on PATH (apt-get install clang, or gcc).");

        var work = Path.Combine(Path.GetTempPath(), "sjg-tool-package-" + Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(work, "feed");
        var build = new Dictionary<string, string> { ["SJG_ARTIFACTS"] = Path.Combine(work, "artifacts") };
        // A unique prerelease version, so the machine's package cache never serves an older build of the tool.
        var version = "0.1.0-tool" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var project = Path.Combine("src", "SparkJobGen.Cli", "SparkJobGen.Cli.csproj");
        try
        {
            string[][] packs = [[], ["-r", "linux-x64"], ["-r", "any"]];
            foreach (var rid in packs)
            {
                var (exitCode, log) = DotnetCli.Run(RepositoryLayout.Root, build, ["pack", project, "-c", "Release", "-o", feed, "-p:Version=" + version, .. rid]);
                Assert.True(exitCode == 0, $"dotnet pack {string.Join(' ', rid)} failed with {exitCode}:\n{log}");
            }

            Assert.Equal(
                ["linux-x64", "any"],
                Settings(feed, $"SparkJobGen.Tool.{version}.nupkg", "tools/any/any/DotnetToolSettings.xml")
                    .Descendants("RuntimeIdentifierPackage").Select(static p => (string?)p.Attribute("RuntimeIdentifier")));
            Assert.Equal(["tools/any/linux-x64/DotnetToolSettings.xml", "tools/any/linux-x64/SparkJobGen.Cli"], Entries(feed, $"SparkJobGen.Tool.linux-x64.{version}.nupkg"));
            Assert.Equal("executable", (string?)Settings(feed, $"SparkJobGen.Tool.linux-x64.{version}.nupkg", "tools/any/linux-x64/DotnetToolSettings.xml").Descendants("Command").Single().Attribute("Runner"));
            var fallback = Entries(feed, $"SparkJobGen.Tool.any.{version}.nupkg");
            Assert.Contains("tools/net8.0/any/SparkJobGen.Cli.dll", fallback);
            Assert.Contains("tools/net10.0/any/SparkJobGen.Cli.dll", fallback);
            Assert.Equal("dotnet", (string?)Settings(feed, $"SparkJobGen.Tool.any.{version}.nupkg", "tools/net10.0/any/DotnetToolSettings.xml").Descendants("Command").Single().Attribute("Runner"));

            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            var tools = Path.Combine(work, "tools");
            DotnetCli.RunOk(work, "tool", "install", "SparkJobGen.Tool", "--version", version, "--tool-path", tools, "--configfile", Path.Combine(work, "nuget.config"));

            // On linux-x64 the command is the native executable of SparkJobGen.Tool.linux-x64, not a shim that starts `dotnet`.
            var command = Path.Combine(tools, "sparkjobgen");
            var native = File.ResolveLinkTarget(command, returnFinalTarget: true)?.FullName ?? command;
            Assert.EndsWith(Path.Combine("tools", "any", "linux-x64", "SparkJobGen.Cli"), native, StringComparison.Ordinal);
            Assert.Equal("\u007FELF"u8.ToArray(), File.ReadAllBytes(native)[..4]);

            var venv = Path.Combine(work, "venv");
            Assert.Equal(0, Run("python3", null, "-m", "venv", "--without-pip", venv).ExitCode);
            var output = Path.Combine(work, "out", "env.tar.gz");
            var cache = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = Path.Combine(work, "cache"), ["CI"] = "1" };
            string[] pack = ["pack", "-p", venv, "-o", output, "-f", "--compress-level", "1", "--exclude", "lib/python3.*/test/*", "--json"];

            var first = Run(command, cache, [.. pack, "--verify", "--import", "json", "--import", "sqlite3"]);
            Assert.True(first.ExitCode == 0, first.Stderr);
            var packed = JsonDocument.Parse(first.Stdout).RootElement;
            Assert.False(packed.GetProperty("fromCache").GetBoolean());
            Assert.Equal("venv", packed.GetProperty("kind").GetString());
            // --verify ran bin/conda-unpack (its records are JSON the runtime library wrote) and imported with the packed interpreter.
            Assert.True(packed.GetProperty("verify").GetProperty("succeeded").GetBoolean(), first.Stdout);
            Assert.Equal(["json", "sqlite3"], packed.GetProperty("verify").GetProperty("imports").EnumerateArray().Select(static i => i.GetProperty("module").GetString()));
            Assert.Equal(0, Run("gzip", null, "-t", output).ExitCode);
            var listing = Run("tar", null, "-tzf", output);
            Assert.Equal(0, listing.ExitCode);
            Assert.Contains("bin/conda-unpack\n", listing.Stdout, StringComparison.Ordinal);
            Assert.Contains("/os.py\n", listing.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("/test/test_os.py\n", listing.Stdout, StringComparison.Ordinal);

            var hit = Run(command, cache, pack);
            Assert.True(hit.ExitCode == 0, hit.Stderr);
            var reused = JsonDocument.Parse(hit.Stdout).RootElement;
            Assert.True(reused.GetProperty("fromCache").GetBoolean());
            Assert.Equal(packed.GetProperty("contentKey").GetString(), reused.GetProperty("contentKey").GetString());
            var human = Run(command, cache, pack[..^1]);
            Assert.True(human.ExitCode == 0, human.Stderr);
            Assert.Contains("Environment archive is up to date", human.Stdout, StringComparison.Ordinal);
            Assert.Contains("(unchanged: reused the cached archive)", human.Stdout, StringComparison.Ordinal);

            // env create writes, then reads back, the environment's marker record.
            var yaml = Path.Combine(work, "environment.yaml");
            File.WriteAllText(yaml, "name: native\ndependencies:\n  - python=3\n");
            string[] create = ["env", "create", yaml, "--tool", "venv", "--cache-dir", Path.Combine(work, "envs"), "--json"];
            var created = Run(command, cache, create);
            Assert.True(created.ExitCode == 0, created.Stderr);
            Assert.False(JsonDocument.Parse(created.Stdout).RootElement.GetProperty("environment").GetProperty("reused").GetBoolean());
            var again = Run(command, cache, create);
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.True(JsonDocument.Parse(again.Stdout).RootElement.GetProperty("environment").GetProperty("reused").GetBoolean(), again.Stdout + again.Stderr);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static string[] Entries(string feed, string package)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed, package));
        return zip.Entries.Select(static e => e.FullName).Where(static e => e.StartsWith("tools/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
    }

    private static System.Xml.Linq.XDocument Settings(string feed, string package, string entry)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed, package));
        using var stream = zip.GetEntry(entry)?.Open() ?? throw new InvalidOperationException($"{package} has no {entry}");
        return System.Xml.Linq.XDocument.Load(stream);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    private static (int ExitCode, string Stdout, string Stderr) Run(string program, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 5 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
