using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>Every symlink that leaves the environment is reported in one run, so one round of fixes is enough.</summary>
public sealed class EscapingSymlinkReportTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    [Fact]
    public async Task All_escaping_symlinks_are_reported_at_once_and_nothing_is_written()
    {
        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "source", "env");
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        ProcessRun.RunChecked("cp", ["-a", venv.Prefix, prefix]);
        var links = new[] { ("bin/hosts", "/etc/hosts"), ("lib/up-and-out", "../../../outside"), ("share/deep/tmp", "/tmp") };
        foreach (var (link, target) in links)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(prefix, link))!);
            File.CreateSymbolicLink(Path.Combine(prefix, link), target);
        }

        var output = scratch.File("env.tar.gz");
        var error = await Assert.ThrowsAsync<EscapingSymlinkException>(() => EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = output, Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        }));

        Assert.Equal(3, error.Count);
        Assert.Equal(links.Order(), error.Links.Order());
        foreach (var (link, target) in links)
        {
            Assert.Contains($"'{link}' -> '{target}'", error.Message, StringComparison.Ordinal);
        }

        Assert.StartsWith("3 symlinks point outside the environment", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
