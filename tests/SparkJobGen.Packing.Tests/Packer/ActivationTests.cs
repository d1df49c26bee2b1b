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
