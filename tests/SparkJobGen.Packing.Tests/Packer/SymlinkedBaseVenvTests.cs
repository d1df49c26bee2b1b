using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// A venv made by an interpreter reached through a symlink in another folder (<c>x/python3.11 -&gt; the real python3.11</c>).
/// CPython's <c>venv</c> writes <c>home</c> as the folder of the interpreter as invoked (Lib/venv/__init__.py, 3.11:
/// <c>ensure_directories</c> splits <c>os.path.abspath(sys._base_executable)</c>, line 137, and <c>create_configuration</c>
/// writes it as <c>home</c>, line 185) and <c>executable = os.path.realpath(sys.executable)</c> (line 194). The venv still
/// works because CPython's Modules/getpath.py (python/cpython 0017071, "READ pyvenv.cfg") takes <c>realpath(executable)</c>
/// of the venv's interpreter as the base executable and finds the prefix from there (its libpython, then the stdlib
/// landmark). These tests build such a venv for real, check that its own interpreter sees the real base (the reference),
/// then pack it and run the packed interpreter.
/// </summary>
public sealed class SymlinkedBaseVenvTests
{
    private static (string Prefix, string Home) CreateThroughSymlink(ScratchDirectory scratch, string? linkName = null)
    {
        var host = HostPython.Current;
        var home = Path.Combine(scratch.Path, "x");
        Directory.CreateDirectory(home);
        var link = Path.Combine(home, linkName ?? "python" + host.Version);
        File.CreateSymbolicLink(link, host.Executable);
        var prefix = Path.Combine(scratch.Path, "v");
        ProcessRun.RunChecked(link, ["-m", "venv", "--without-pip", prefix], scratch.Path);
        return (prefix, home);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("py-base")]
    public async Task A_venv_made_through_a_symlinked_interpreter_packs_and_its_archive_runs(string? linkName)
    {
        // With another name, venv also links bin/py-base to it (Lib/venv/__init__.py, setup_python: bin/<the invoked name>);
        // that link is left out like the python links, since the packed interpreter replaces it.
        using var scratch = new ScratchDirectory();
        var host = HostPython.Current;
        var (prefix, home) = CreateThroughSymlink(scratch, linkName);

        // The situation: home names the symlink's folder, whose parent has no standard library, yet the venv works.
        var config = File.ReadAllLines(Path.Combine(prefix, "pyvenv.cfg"));
        Assert.Contains("home = " + home, config);
        Assert.False(File.Exists(Path.Combine(scratch.Path, "lib", "python" + host.Version, "os.py")));
        var reference = ProcessRun.RunChecked(Path.Combine(prefix, "bin", "python"), ["-c", "import sys; print(sys.base_prefix)"], scratch.Path);
        Assert.Equal(host.BasePrefix, reference.StandardOutput.Trim());

        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix,
            Output = scratch.File("v.tar.gz"),
            CompressionLevel = 1,
            Filters = VenvPackingTests.Slim,
            CacheDirectory = scratch.File("cache"),
        });

        var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, "elsewhere", "environment"));
        Assert.False(File.Exists(Path.Combine(root, "pyvenv.cfg")));
        if (linkName is not null)
        {
            Assert.Equal(Path.Combine(home, linkName), new FileInfo(Path.Combine(prefix, "bin", linkName)).LinkTarget);
            Assert.False(Path.Exists(Path.Combine(root, "bin", linkName)));
        }

        var run = UnpackedArchive.RunPython(root, "import sys, os, json; print(sys.prefix); print(sys.base_prefix); print(os.__file__); print(json.dumps([1]))");
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(root, lines[0]);
        Assert.Equal(root, lines[1]);
        Assert.StartsWith(Path.Combine(root, "lib", "python" + host.Version) + "/", lines[2], StringComparison.Ordinal);
        Assert.Equal("[1]", lines[3]);

        // The packed interpreter is the real base interpreter's file, not the symlink (which would dangle once unpacked).
        Assert.Null(new FileInfo(Path.Combine(root, "bin", "python" + host.Version)).LinkTarget);
        if (host.SharedLibrary is { } shared)
        {
            Assert.True(File.Exists(Path.Combine(root, "lib", shared)), shared + " packed from the real base");
        }
    }

    [Fact]
    public async Task A_venv_whose_base_is_gone_is_still_refused_as_moved_or_removed()
    {
        using var scratch = new ScratchDirectory();
        var host = HostPython.Current;
        var (prefix, home) = CreateThroughSymlink(scratch);

        // Remove the base: the symlink in home goes, and pyvenv.cfg's executable names a place that does not exist.
        File.Delete(Path.Combine(home, "python" + host.Version));
        var cfg = Path.Combine(prefix, "pyvenv.cfg");
        File.WriteAllLines(cfg, File.ReadAllLines(cfg).Select(line => line.StartsWith("executable", StringComparison.Ordinal)
            ? "executable = " + Path.Combine(scratch.Path, "gone", "bin", "python" + host.Version) : line));
        Assert.False(new FileInfo(Path.Combine(prefix, "bin", "python")).ResolveLinkTarget(returnFinalTarget: true)!.Exists, "the venv's interpreter link dangles");

        var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix,
            Output = scratch.File("v.tar.gz"),
            CacheDirectory = scratch.File("cache"),
        }));
        Assert.Contains($"The base Python of '{prefix}' ({scratch.Path}, from pyvenv.cfg) has no lib/python{host.Version}/os.py: it was moved or removed.",
            error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.File("v.tar.gz")));
    }
}
