using System;
using System.IO;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// Linux file names are bytes. tar formats store a name that is not valid UTF-8 byte for byte (as conda-pack does through
/// Python's tarfile and surrogateescape); zip and no-archive refuse it with the reason instead of failing as a file that
/// "disappeared". The files are made and checked with Python's bytes paths, independent of .NET's string paths.
/// </summary>
public sealed class NonUtf8NameTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    private const string MakeNames = """
        import os, sys
        site = os.fsencode(sys.argv[1])
        open(os.path.join(site, b"caf\xe9.txt"), "wb").write(b"latin-1 name\n")
        os.makedirs(os.path.join(site, b"dir\xff", b"sub"))
        open(os.path.join(site, b"dir\xff", b"sub", b"mod.py"), "wb").write(b"VALUE = 1\n")
        os.symlink(b"caf\xe9.txt", os.path.join(site, b"link\xfe"))
        """;

    private const string CheckNames = """
        import os, sys
        site = os.fsencode(sys.argv[1])
        print(open(os.path.join(site, b"caf\xe9.txt"), "rb").read() == b"latin-1 name\n",
              os.readlink(os.path.join(site, b"link\xfe")) == b"caf\xe9.txt",
              os.listdir(os.path.join(site, b"dir\xff", b"sub")) == [b"mod.py"])
        """;

    private static string CopyWithNames(VenvFixture venv, ScratchDirectory scratch)
    {
        var prefix = Path.Combine(scratch.Path, "source", "env");
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        ProcessRun.RunChecked("cp", ["-a", venv.Prefix, prefix]);
        ProcessRun.RunChecked("python3", ["-c", MakeNames, Path.Combine(prefix, Path.GetRelativePath(venv.Prefix, venv.SitePackages))]);
        return prefix;
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar")]
    public async Task Tar_formats_store_names_that_are_not_utf8_byte_for_byte(string format)
    {
        using var scratch = new ScratchDirectory();
        using var cleanup = new RemoveWithRm(scratch.Path);
        var prefix = CopyWithNames(venv, scratch);
        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("env." + format), Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        });

        var root = scratch.File("unpacked");
        Directory.CreateDirectory(root);
        var tar = ProcessRun.RunChecked("tar", ["-xf", result.ArchivePath, "-C", root]);
        Assert.Equal(string.Empty, tar.StandardError);
        var site = Path.Combine(root, Path.GetRelativePath(venv.Prefix, venv.SitePackages));
        Assert.Equal("True True True", ProcessRun.RunChecked("python3", ["-c", CheckNames, site]).StandardOutput.Trim());
    }

    [Theory]
    [InlineData("zip", "env.zip")]
    [InlineData("no-archive", "env-dir")]
    public async Task Zip_and_no_archive_refuse_them_with_the_names_and_the_way_out(string format, string name)
    {
        using var scratch = new ScratchDirectory();
        using var cleanup = new RemoveWithRm(scratch.Path);
        var prefix = CopyWithNames(venv, scratch);
        var output = scratch.File(name);
        var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = output, Format = format, Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        }));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains(@"caf\xe9.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("tar.gz", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(output));
    }

    /// <summary>Empties the scratch folder with rm before it is disposed: .NET cannot name files whose names are not UTF-8.</summary>
    private sealed class RemoveWithRm(string folder) : IDisposable
    {
        public void Dispose()
        {
            ProcessRun.RunChecked("chmod", ["-R", "u+w", folder]);
            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                ProcessRun.RunChecked("rm", ["-rf", child]);
            }
        }
    }
}
