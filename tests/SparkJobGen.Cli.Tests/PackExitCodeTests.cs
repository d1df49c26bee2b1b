using System.Text.Json;
using SparkJobGen.Tests;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// The user's situations exit with the pack code (5) and one clear message, never the internal-error code (70) with a stack
/// trace: a full disk, an output that is a folder or inside the environment, an invalid conda record, a bad level.
/// </summary>
public sealed class PackExitCodeTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-pack-exit");

    public void Dispose() => _work.Dispose();

    private async Task<string> VenvAsync()
    {
        var venv = _work.Combine("venv");
        using var created = System.Diagnostics.Process.Start("python3", ["-m", "venv", "--without-pip", venv])!;
        await created.WaitForExitAsync();
        Assert.Equal(0, created.ExitCode);
        return venv;
    }

    private static void AssertOneClearLine(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception", stderr);
        Assert.DoesNotContain("(Parameter '", stderr);
        Assert.DoesNotContain("Actual value was", stderr);
    }

    [SkippableFact]
    public async Task A_full_disk_exits_with_the_pack_code_and_leaves_nothing_behind()
    {
        var venv = await VenvAsync();
        var disk = _work.Combine("small-disk");
        Directory.CreateDirectory(disk);

        // A real full disk: a 1 MiB tmpfs in a private mount namespace (unshare -rm works unprivileged where user namespaces are
        // allowed), the tool started inside it; ls shows what is left on that disk after the tool exits.
        var probe = await CliProcess.RunAsync(["unshare", "-rm", "sh", "-c", $"mount -t tmpfs -o size=1m tmpfs '{disk}'"], null);
        Skip.If(probe.ExitCode != 0, "no user and mount namespace here to mount a small tmpfs: " + probe.Stderr);

        var tool = string.Join(' ', CliProcess.ToolCommand.Select(a => $"'{a}'"));
        var script = $"mount -t tmpfs -o size=1m tmpfs '{disk}' && {tool} \"$@\"; code=$?; ls -A '{disk}' >&2; echo \"left:$(ls -A '{disk}' | wc -l)\" >&2; exit $code";
        var (code, stdout, stderr) = await CliProcess.RunAsync(["unshare", "-rm", "sh", "-c", script, "sh"],
            new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache") },
            "pack", "-p", venv, "-o", Path.Combine(disk, "env.tar.gz"), "--json");

        Assert.True(code == 5, stderr);
        Assert.Contains("No space left on device", stderr);
        Assert.Contains("free space on that disk", stderr);
        Assert.Contains("left:0", stderr);
        AssertOneClearLine(stderr);
        Assert.Equal("pack", JsonDocument.Parse(stdout).RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_output_folder_an_output_inside_the_environment_and_a_bad_level_are_clear_errors()
    {
        var venv = await VenvAsync();
        var folder = _work.Combine("out.tar.gz");
        Directory.CreateDirectory(folder);
        var isFolder = await CliProcess.RunAsync(null, "pack", "-p", venv, "-o", folder);
        Assert.Equal(5, isFolder.ExitCode);
        Assert.Contains("is a folder", isFolder.Stderr);
        AssertOneClearLine(isFolder.Stderr);

        var inside = await CliProcess.RunAsync(null, "pack", "-p", venv, "-o", Path.Combine(venv, "env.tar.gz"), "-f");
        Assert.Equal(5, inside.ExitCode);
        Assert.Contains("lies inside the environment", inside.Stderr);
        AssertOneClearLine(inside.Stderr);
        Assert.False(File.Exists(Path.Combine(venv, "env.tar.gz")));

        var noExtension = await CliProcess.RunAsync(null, "pack", "-p", venv, "-o", _work.Combine("archive"));
        Assert.Equal(2, noExtension.ExitCode);
        AssertOneClearLine(noExtension.Stderr);

        var level = await CliProcess.RunAsync(null, "pack", "-p", venv, "-o", _work.Combine("env.tar.gz"), "--compress-level", "12");
        Assert.Equal(2, level.ExitCode);
        Assert.Contains("between 0 and 9, not 12.", level.Stderr);
        AssertOneClearLine(level.Stderr);

        var file = await CliProcess.RunAsync(null, "pack", "-p", Path.Combine(venv, "pyvenv.cfg"));
        Assert.Equal(5, file.ExitCode);
        Assert.Contains("is a file, not an environment", file.Stderr);
    }

    [Fact]
    public async Task An_invalid_conda_record_is_a_pack_error_that_names_the_record()
    {
        var prefix = _work.Combine("conda-env");
        Directory.CreateDirectory(Path.Combine(prefix, "conda-meta"));
        var record = Path.Combine(prefix, "conda-meta", "broken-1.0-0.json");
        File.WriteAllText(record, "{\"name\": \"broken\", ");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "pack", "-p", prefix, "-o", _work.Combine("env.tar.gz"));
        Assert.Equal(5, code);
        Assert.Contains(record, stderr);
        Assert.Contains("reinstall that package", stderr);
        AssertOneClearLine(stderr);
    }
}
