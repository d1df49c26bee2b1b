using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// The activation scripts run the packages' hooks the way conda-pack's do (conda_pack/scripts/posix/activate, the "Run the
/// activate scripts" block; deactivate's deactivate.d block; activate.fish): <c>etc/conda/activate.d/*.sh</c> after PATH and
/// CONDA_PREFIX are set, <c>deactivate.d/*.sh</c> before they are undone; fish gets its own <c>bin/activate.fish</c>.
/// </summary>
public sealed class ActivationTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    private static async Task<string> PackAndUnpackAsync(VenvFixture venv, ScratchDirectory scratch)
    {
        var prefix = Path.Combine(scratch.Path, "source", "env");
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        ProcessRun.RunChecked("cp", ["-a", venv.Prefix, prefix]);
        var activate = Path.Combine(prefix, "etc", "conda", "activate.d");
        var deactivate = Path.Combine(prefix, "etc", "conda", "deactivate.d");
        Directory.CreateDirectory(activate);
        Directory.CreateDirectory(deactivate);
        File.WriteAllText(Path.Combine(activate, "sjg-data.sh"), "export SJG_DATA=\"$CONDA_PREFIX/share/sjg\"\n");
        File.WriteAllText(Path.Combine(activate, "sjg-data.fish"), "set -gx SJG_DATA \"$CONDA_PREFIX/share/sjg\"\n");
        File.WriteAllText(Path.Combine(deactivate, "sjg-data.sh"), "unset SJG_DATA\n");
        File.WriteAllText(Path.Combine(deactivate, "sjg-data.fish"), "set -e SJG_DATA\n");

        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("env.tar"), Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        });
        var root = scratch.File("environment");
        Directory.CreateDirectory(root);
        ProcessRun.RunChecked("tar", ["-xf", result.ArchivePath, "-C", root]);
        return root;
    }

    [Fact]
    public async Task Activate_runs_the_activate_d_hooks_and_deactivate_the_deactivate_d_ones()
    {
        using var scratch = new ScratchDirectory();
        var root = await PackAndUnpackAsync(venv, scratch);
        var run = ProcessRun.RunChecked("bash", ["-c", ". ./environment/bin/activate; echo \"on:$SJG_DATA:$CONDA_PREFIX\"; . ./environment/bin/deactivate; echo \"off:${SJG_DATA:-}:${CONDA_PREFIX:-}\""],
            scratch.Path, new Dictionary<string, string?> { ["CONDA_PREFIX"] = null, ["SJG_DATA"] = null });
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"on:{root}/share/sjg:{root}", lines[0]);
        Assert.Equal("off::", lines[1]);
    }

    /// <summary>
    /// Sourced from dash (Debian's and Ubuntu's /bin/sh), which sets neither BASH_SOURCE nor zsh's %x and leaves $0 the shell's
    /// name, activate still finds the environment it belongs to, from the environment's folder, from its parent and by an
    /// absolute path (conda-pack's posix activate reads <c>$_</c> there, which dash sets to the shell, not to the script).
    /// </summary>
    [SkippableTheory]
    [InlineData("dash")]
    [InlineData("bash")]
    [InlineData("sh")]
    public async Task Activate_finds_the_environment_when_sourced_from_each_posix_shell(string shell)
    {
        Skip.If(ProcessRun.Run("sh", ["-c", "command -v " + shell]).ExitCode != 0, shell + " is not installed");
        using var scratch = new ScratchDirectory();
        var unpacked = await PackAndUnpackAsync(venv, scratch);
        // A folder name with a space, which the script must quote.
        var root = Path.Combine(scratch.Path, "unpacked here", "environment");
        Directory.CreateDirectory(Path.GetDirectoryName(root)!);
        Directory.Move(unpacked, root);
        var clean = new Dictionary<string, string?> { ["CONDA_PREFIX"] = null, ["SJG_DATA"] = null, ["_SJG_OLD_PATH"] = null };
        const string Probe = "; echo \"$CONDA_PREFIX|${PATH%%:*}|$SJG_DATA|$(command -v python)\"";
        var expected = $"{root}|{root}/bin|{root}/share/sjg|{root}/bin/python";
        foreach (var (folder, script) in new[]
        {
            (root, "./bin/activate"),
            (Path.GetDirectoryName(root)!, "environment/bin/activate"),
            ("/", "\"" + root + "/bin/activate\""),
        })
        {
            var run = ProcessRun.RunChecked(shell, ["-c", "set -u; . " + script + Probe], folder, clean);
            Assert.Equal(expected, run.StandardOutput.Trim());
        }
    }

    [SkippableFact]
    public async Task Activate_fish_sets_the_path_and_runs_the_fish_hooks()
    {
        Skip.If(ProcessRun.Run("sh", ["-c", "command -v fish"]).ExitCode != 0, "fish is not installed");
        using var scratch = new ScratchDirectory();
        var root = await PackAndUnpackAsync(venv, scratch);
        var run = ProcessRun.RunChecked("fish", ["-c", "source ./environment/bin/activate.fish; echo \"on:$SJG_DATA:$CONDA_PREFIX:\"(command -s python); deactivate; echo \"off:$SJG_DATA:$CONDA_PREFIX\""],
            scratch.Path, new Dictionary<string, string?> { ["CONDA_PREFIX"] = null, ["SJG_DATA"] = null });
        // Quoted: fish expands an unquoted word holding an unset variable to nothing at all.
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"on:{root}/share/sjg:{root}:{root}/bin/python", lines[0]);
        Assert.Equal("off::", lines[1]);
    }
}
