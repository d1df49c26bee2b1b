using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// A venv of a distribution's system Python, whose standard library links out of its own installation: Debian and Ubuntu
/// ship <c>/usr/lib/python3.X/sitecustomize.py</c> as a symlink to <c>/etc/python3.X/sitecustomize.py</c> (the
/// python3.X-minimal package). The archive copies the base's standard library, so such a link becomes the file it points to.
/// </summary>
public sealed class SystemBaseVenvTests
{
    [SkippableFact]
    public async Task A_venv_of_debians_system_python_packs_its_linked_sitecustomize_as_the_file()
    {
        const string python = "/usr/bin/python3.11";
        const string stdlibLink = "/usr/lib/python3.11/sitecustomize.py";
        Skip.IfNot(File.Exists(python) && new FileInfo(stdlibLink).LinkTarget is { } target && !target.StartsWith("/usr/", StringComparison.Ordinal),
            "needs Debian's python3.11 with lib/python3.11/sitecustomize.py linked out of /usr");
        var linkedFile = new FileInfo(stdlibLink).ResolveLinkTarget(returnFinalTarget: true)!.FullName;

        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "v");
        ProcessRun.RunChecked(python, ["-m", "venv", "--without-pip", prefix], scratch.Path);

        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix,
            Output = scratch.File("v.tar.gz"),
            CompressionLevel = 1,
            Filters = VenvPackingTests.Slim,
            CacheDirectory = scratch.File("cache"),
        });

        var root = Path.Combine(scratch.Path, "elsewhere", "environment");
        Directory.CreateDirectory(root);
        ProcessRun.RunChecked("tar", ["-xzf", result.ArchivePath, "-C", root]);
        var packed = Path.Combine(root, "lib", "python3.11", "sitecustomize.py");
        Assert.Null(new FileInfo(packed).LinkTarget);
        Assert.Equal(File.ReadAllBytes(linkedFile), File.ReadAllBytes(packed));

        // The relocated interpreter starts (site imports sitecustomize at start-up) and finds it inside the environment.
        var run = ProcessRun.RunChecked(Path.Combine(root, "bin", "python"), ["-c", "import sys, sitecustomize; print(sys.prefix); print(sitecustomize.__file__)"], root,
            new Dictionary<string, string?> { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null });
        Assert.Equal(root + "\n" + packed, run.StandardOutput.Trim());
    }
}
