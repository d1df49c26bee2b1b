using System.Text.Json;
using SparkJobGen.Tests;

namespace SparkJobGen.Cli.Tests;

/// <summary><c>sparkjobgen pack</c> as a real process on a real <c>python -m venv</c>: conda-pack flags, --verify, --json, the cache and exit codes.</summary>
public sealed class PackCliTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-pack-cli");

    public void Dispose() => _work.Dispose();

    /// <summary>A real <c>python3 -m venv --without-pip</c> environment in the work folder.</summary>
    private async Task<string> CreateVenvAsync()
    {
        var venv = _work.Combine("venv");
        var created = System.Diagnostics.Process.Start("python3", ["-m", "venv", "--without-pip", venv])!;
        await created.WaitForExitAsync();
        Assert.Equal(0, created.ExitCode);
        return venv;
    }

    [Fact]
    public async Task Pack_verifies_reports_json_and_serves_an_unchanged_environment_from_the_cache()
    {
        var venv = await CreateVenvAsync();
        var output = _work.Combine("out", "env.tar.gz");
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache"), ["CI"] = "1" };
        string[] pack =
        [
            "pack", "-p", venv, "-o", output, "-f", "-j", "-1", "--compress-level", "1",
            "--exclude", "lib/python3.*/test/*", "--exclude", "lib/python3.*/idlelib/*", "--exclude", "lib/python3.*/lib2to3/*",
            "--exclude", "lib/python3.*/ensurepip/*", "--include", "lib/python3.*/test/__init__.py",
            "--verify", "--import", "json", "--import", "sqlite3", "--json",
        ];

        var (code, stdout, stderr) = await CliProcess.RunAsync(environment, pack);
        Assert.True(code == 0, stderr);
        var document = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("venv", document.GetProperty("kind").GetString());
        Assert.Equal("tar.gz", document.GetProperty("format").GetString());
        Assert.False(document.GetProperty("fromCache").GetBoolean());
        Assert.True(document.GetProperty("verify").GetProperty("succeeded").GetBoolean());
        Assert.Equal(["json", "sqlite3"], document.GetProperty("verify").GetProperty("imports").EnumerateArray().Select(i => i.GetProperty("module").GetString()));
        var listing = await Tar("-tzf", output);
        Assert.Contains("lib/python3.11/test/__init__.py", listing);
        Assert.DoesNotContain("lib/python3.11/test/test_os.py", listing);
        Assert.Contains("bin/conda-unpack", listing);

        var again = await CliProcess.RunAsync(environment, pack);
        Assert.Equal(0, again.ExitCode);
        Assert.True(JsonDocument.Parse(again.Stdout).RootElement.GetProperty("fromCache").GetBoolean());
    }

    [Fact]
    public async Task On_a_terminal_a_cache_hit_shows_no_invented_figures_and_a_pack_shows_its_bytes()
    {
        // A real pseudo-terminal: util-linux script(1) runs the tool with its stdout on a pty, so the styled progress bar is
        // drawn as a user sees it (the tool draws nothing styled when stdout is redirected or CI is set). script(1) is in
        // Debian's essential bsdutils package.
        var venv = await CreateVenvAsync();
        var output = _work.Combine("out", "env.tar.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var command = string.Join(' ', CliProcess.ToolCommand.Concat(["pack", "-p", venv, "-o", output, "--compress-level", "1"]).Select(Quote));
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache"), ["CI"] = null, ["TERM"] = "xterm-256color" };

        var first = await CliProcess.RunAsync(["script", "-q", "-e", "-c", command, _work.Combine("first.log")], environment);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var hit = await CliProcess.RunAsync(["script", "-q", "-e", "-c", command, _work.Combine("hit.log")], environment);
        Assert.True(hit.ExitCode == 0, hit.Stdout + hit.Stderr);

        // The full pack's bar counts the environment's bytes (in MiB) and files; the cache hit's bar has nothing to count.
        Assert.Matches(@"Packing [0-9,]+/[0-9,]+ files", first.Stdout);
        Assert.Contains("MiB", first.Stdout);
        Assert.Contains("Environment packed", first.Stdout);
        Assert.Contains("Environment archive is up to date", hit.Stdout);
        Assert.DoesNotContain("byte", hit.Stdout);
        Assert.DoesNotContain("%", hit.Stdout);
        Assert.DoesNotContain("files", hit.Stdout.Split("Environment archive is up to date")[0]);

        static string Quote(string arg) => "'" + arg.Replace("'", "'\\''") + "'";
    }

    [Fact]
    public async Task A_format_the_output_name_contradicts_is_written_with_a_warning()
    {
        var venv = await CreateVenvAsync();
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache") };

        var zipAsTarGz = await CliProcess.RunAsync(environment, "pack", "-p", venv, "-o", _work.Combine("g.tar.gz"), "--format", "zip", "--compress-level", "1");
        var json = await CliProcess.RunAsync(environment, "pack", "-p", venv, "-o", _work.Combine("g.tar.gz"), "--format", "zip", "--compress-level", "1", "-f", "--json");
        var fitting = await CliProcess.RunAsync(environment, "pack", "-p", venv, "-o", _work.Combine("g.zip"), "--format", "zip", "--compress-level", "1");

        Assert.True(zipAsTarGz.ExitCode == 0, zipAsTarGz.Stderr);
        const string warning = "The archive is zip but its name 'g.tar.gz' ends like a tar.gz archive: YARN and Spark choose how to unpack an archive by its name";
        Assert.Contains("warning: " + warning, zipAsTarGz.Stdout + zipAsTarGz.Stderr, StringComparison.Ordinal);
        Assert.Contains(JsonDocument.Parse(json.Stdout).RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith(warning, StringComparison.Ordinal));
        Assert.True(fitting.ExitCode == 0, fitting.Stderr);
        Assert.DoesNotContain("ends like", fitting.Stdout + fitting.Stderr, StringComparison.Ordinal);
        // The bytes are what --format asked for: a zip (its local file header signature).
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(_work.Combine("g.tar.gz"))[..2]);
    }

    [Fact]
    public async Task Pack_errors_name_the_problem_and_exit_with_the_pack_code()
    {
        var missing = await CliProcess.RunAsync(null, "pack", "-p", _work.Combine("nothing-here"), "--json");
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);
        Assert.Equal("pack", JsonDocument.Parse(missing.Stdout).RootElement.GetProperty("error").GetProperty("kind").GetString());

        var badFormat = await CliProcess.RunAsync(null, "pack", "-p", _work.Path, "--format", "rar");
        Assert.Equal(2, badFormat.ExitCode);

        var both = await CliProcess.RunAsync(null, "pack", "-p", _work.Path, "-n", "base");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Stderr);
    }

    [SkippableFact]
    public async Task Pack_verify_of_a_debian_system_python_venv_imports_pip_and_exits_5_when_its_site_packages_is_off_sys_path()
    {
        const string python = "/usr/bin/python3.11";
        Skip.IfNot(File.Exists(python) && File.ReadAllText("/usr/lib/python3.11/site.py").Contains("\"dist-packages\"", StringComparison.Ordinal),
            $"needs Debian's system Python at {python} with its patched site.py");
        var venv = _work.Combine("debian-venv");
        using (var created = System.Diagnostics.Process.Start(python, ["-m", "venv", venv])!)
        {
            await created.WaitForExitAsync();
            Skip.If(created.ExitCode != 0, $"{python} -m venv failed (Debian's python3.11-venv package, which brings ensurepip, is missing?)");
        }

        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache"), ["CI"] = "1" };
        string[] slim =
        [
            "-f", "--compress-level", "1", "--exclude", "lib/python3.*/test/*", "--exclude", "lib/python3.*/idlelib/*",
            "--exclude", "lib/python3.*/lib2to3/*", "--exclude", "lib/python3.*/ensurepip/*", "--exclude", "lib/python3.*/tkinter/*",
        ];
        var (code, stdout, stderr) = await CliProcess.RunAsync(environment, ["pack", "-p", venv, "-o", _work.Combine("out", "v.tar.gz"), .. slim, "--verify", "--json"]);
        Assert.True(code == 0, stderr);
        var imports = JsonDocument.Parse(stdout).RootElement.GetProperty("verify").GetProperty("imports").EnumerateArray()
            .Select(i => (Module: i.GetProperty("module").GetString(), Source: i.GetProperty("source").GetString(), Ok: i.GetProperty("succeeded").GetBoolean())).ToList();
        Assert.Contains(("pip", "pip", true), imports);

        // Without the dist-packages link the packer adds for Debian's site.py, pip's dist-info sits where the interpreter does not look.
        var hidden = await CliProcess.RunAsync(environment,
            ["pack", "-p", venv, "-o", _work.Combine("out", "hidden.tar.gz"), .. slim, "--exclude", "lib/python3.11/dist-packages", "--verify"]);
        Assert.True(hidden.ExitCode == 5, hidden.Stderr);
        Assert.Contains("lib/python3.11/site-packages holds installed distributions (pip, setuptools)", hidden.Stderr);
        Assert.Contains("not on its sys.path", hidden.Stderr);
        Assert.DoesNotContain("   at ", hidden.Stderr);
    }

    private static async Task<string> Tar(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("tar") { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return text;
    }
}
