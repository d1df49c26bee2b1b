using System;
using System.IO;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// Two names of one file inside the environment are stored once in tar formats: the later name as a tar hard link (type '1')
/// to the first, as conda-pack does through Python's tarfile (tarfile.TarFile.gettarinfo, which tracks inodes). Python's
/// tarfile reads the archive; GNU tar restores one inode with two names.
/// </summary>
public sealed class HardLinkTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    [Fact]
    public async Task A_file_with_two_names_in_the_environment_is_stored_once_with_a_hard_link()
    {
        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "source", "env");
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        ProcessRun.RunChecked("cp", ["-a", venv.Prefix, prefix]);
        var data = Path.Combine(prefix, "share", "data");
        Directory.CreateDirectory(data);
        var first = Path.Combine(data, "a-large.bin");
        var payload = new byte[3 << 20];
        new Random(17).NextBytes(payload);
        File.WriteAllBytes(first, payload);
        ProcessRun.RunChecked("ln", [first, Path.Combine(data, "b-same.bin")]);

        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("env.tar.gz"), Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"), ArcRoot = "env",
        });

        // Python's tarfile: the second name is a hard link to the first (under the same archive root), with no data of its own.
        var members = ProcessRun.RunChecked("python3", ["-c", """
            import sys, tarfile
            with tarfile.open(sys.argv[1]) as archive:
                for name in ("env/share/data/a-large.bin", "env/share/data/b-same.bin"):
                    m = archive.getmember(name)
                    print(name, m.type.decode(), m.size, m.linkname)
            """, result.ArchivePath]).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"env/share/data/a-large.bin 0 {payload.Length} ", members[0]);
        Assert.Equal("env/share/data/b-same.bin 1 0 env/share/data/a-large.bin", members[1]);

        var root = UnpackedArchive.Extract(result.ArchivePath, scratch.File("unpacked"));
        var stat = ProcessRun.RunChecked("stat", ["-c", "%i %h", Path.Combine(root, "env/share/data/a-large.bin"), Path.Combine(root, "env/share/data/b-same.bin")])
            .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(stat[0], stat[1]);
        Assert.EndsWith(" 2", stat[0], StringComparison.Ordinal);
        Assert.Equal(payload, File.ReadAllBytes(Path.Combine(root, "env/share/data/b-same.bin")));

        // zip has no hard links: both names hold the content.
        var zip = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("env.zip"), Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        });
        var sizes = ProcessRun.RunChecked("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.getinfo('share/data/a-large.bin').file_size, z.getinfo('share/data/b-same.bin').file_size)", zip.ArchivePath]);
        Assert.Equal($"{payload.Length} {payload.Length}", sizes.StandardOutput.Trim());
    }
}
