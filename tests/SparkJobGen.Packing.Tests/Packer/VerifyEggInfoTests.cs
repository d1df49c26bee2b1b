using System;
using System.IO;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// <c>--verify</c> on a distribution installed with <c>.egg-info</c> metadata (no <c>RECORD</c>), as Debian's
/// <c>python3-*</c> packages are: its <c>top_level.txt</c> may name modules the package does not ship (Debian's
/// python3-setuptools 66.1.1 names <c>debian</c>), so a name counts when a package folder or module of that name is beside
/// the metadata; a module that is there and fails to import still fails the verification.
/// </summary>
public sealed class VerifyEggInfoTests
{
    [Fact]
    public async Task An_egg_info_distribution_is_verified_by_the_top_level_names_it_ships()
    {
        var host = HostPython.Current;
        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "e");
        ProcessRun.RunChecked(host.Executable, ["-m", "venv", "--without-pip", prefix], scratch.Path);
        var site = Path.Combine(prefix, "lib", "python" + host.Version, "site-packages");
        var info = Directory.CreateDirectory(Path.Combine(site, "legacy-1.0.egg-info")).FullName;
        File.WriteAllText(Path.Combine(info, "PKG-INFO"), "Metadata-Version: 1.1\nName: legacy\nVersion: 1.0\n");
        File.WriteAllText(Path.Combine(info, "top_level.txt"), "legacy\nlegacy_ext\nghost\nbroken\n");
        Directory.CreateDirectory(Path.Combine(site, "legacy"));
        File.WriteAllText(Path.Combine(site, "legacy", "__init__.py"), "VALUE = 1\n");
        File.WriteAllText(Path.Combine(site, "legacy_ext.py"), "VALUE = 2\n");
        File.WriteAllText(Path.Combine(site, "broken.py"), "raise ImportError('broken on purpose')\n");

        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("e.tar"), Format = "tar", Filters = VenvPackingTests.Slim, UseCache = false,
        });
        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { ScratchRoot = scratch.Path });

        Assert.Contains(verified.Imports, i => i is { Module: "legacy", Source: "legacy", Succeeded: true });
        Assert.Contains(verified.Imports, i => i is { Module: "legacy_ext", Source: "legacy", Succeeded: true });
        Assert.DoesNotContain(verified.Imports, i => i.Module == "ghost");
        var broken = Assert.Single(verified.Imports, i => i.Module == "broken");
        Assert.False(broken.Succeeded);
        Assert.Contains("broken on purpose", broken.Error, StringComparison.Ordinal);
        Assert.False(verified.Succeeded);
    }
}
