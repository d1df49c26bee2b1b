using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// The packer never destroys what it did not write: an output that is, contains or lies inside the environment is refused for
/// every format, and <c>--format no-archive -f</c> replaces only an empty folder or one of its own earlier outputs. Each test packs
/// a copy of the fixture venv (<c>cp -a</c>), so a packer that got it wrong damages only the copy.
/// </summary>
public sealed class OutputSafetyTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    private static string CopyOf(string prefix, ScratchDirectory scratch)
    {
        var copy = Path.Combine(scratch.Path, "environments", "env");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        ProcessRun.RunChecked("cp", ["-a", prefix, copy]);
        return copy;
    }

    private static PackOptions Options(string prefix, string output, string format, ScratchDirectory scratch) => new()
    {
        Prefix = prefix,
        Output = output,
        Format = format,
        CompressionLevel = 1,
        Filters = VenvPackingTests.Slim,
        Force = true,
        CacheDirectory = scratch.File("cache"),
    };

    /// <summary>Every path under a folder with its size, to show nothing changed.</summary>
    private static List<string> Listing(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(folder, p) + (File.Exists(p) ? ":" + new FileInfo(p).Length : "/"))
            .Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("no-archive")]
    [InlineData("tar.gz")]
    [InlineData("zip")]
    public async Task An_output_that_is_inside_or_contains_the_environment_is_refused_and_the_environment_is_untouched(string format)
    {
        using var scratch = new ScratchDirectory();
        var prefix = CopyOf(venv.Prefix, scratch);
        var before = Listing(prefix);
        var link = scratch.File("link-to-env");
        File.CreateSymbolicLink(link, prefix);
        var extension = format == "no-archive" ? "" : "." + format;
        string[] outputs =
        [
            prefix, // is the environment
            link, // is it, through a symbolic link
            Path.Combine(prefix, "lib", "packed" + extension), // lies inside it
            Path.Combine(link, "packed" + extension), // lies inside it, through the link
            Path.GetDirectoryName(prefix)!, // contains it
            scratch.Path, // contains it further up
        ];

        foreach (var output in outputs)
        {
            var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(Options(prefix, output, format, scratch)));
            Assert.Contains("Choose an --output outside", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, Listing(prefix));
        }
    }

    [Fact]
    public async Task No_archive_with_force_never_replaces_a_folder_it_did_not_write()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("someone-elses");
        Directory.CreateDirectory(Path.Combine(target, "work"));
        File.WriteAllText(Path.Combine(target, "work", "notes.txt"), "keep me");

        var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(Options(venv.Prefix, target, "no-archive", scratch)));
        Assert.Contains("never replaced", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(target, "work", "notes.txt")));
        Assert.Single(Directory.EnumerateFileSystemEntries(target));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(scratch.Path), p => Path.GetFileName(p).EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_archive_with_force_replaces_its_own_earlier_output_and_an_empty_folder()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env-dir");
        Directory.CreateDirectory(target);
        var first = await EnvironmentPacker.PackAsync(Options(venv.Prefix, target, "no-archive", scratch));
        Assert.True(File.Exists(Path.Combine(first.ArchivePath, ".sparkjobgen-no-archive")));
        Assert.True(File.Exists(Path.Combine(target, "bin", "conda-unpack")));

        // A leftover in the earlier output goes with it: the whole folder is the packer's.
        File.WriteAllText(Path.Combine(target, "leftover.txt"), "from the last run");
        await EnvironmentPacker.PackAsync(Options(venv.Prefix, target, "no-archive", scratch) with { UseCache = false });
        Assert.False(File.Exists(Path.Combine(target, "leftover.txt")));
        Assert.True(File.Exists(Path.Combine(target, "bin", "conda-unpack")));
    }

    [Fact]
    public async Task An_archive_output_that_is_a_folder_is_refused_with_a_file_name_to_use()
    {
        using var scratch = new ScratchDirectory();
        var folder = scratch.File("out.tar.gz");
        Directory.CreateDirectory(folder);
        var error = await Assert.ThrowsAsync<PackingException>(() => EnvironmentPacker.PackAsync(Options(venv.Prefix, folder, "tar.gz", scratch)));
        Assert.Contains("is a folder", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, "environment.tar.gz"), error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task A_file_that_changes_size_while_it_is_packed_fails_as_a_packing_error_not_an_internal_one()
    {
        using var scratch = new ScratchDirectory();
        var prefix = CopyOf(venv.Prefix, scratch);
        var changing = Path.Combine(prefix, "lib", "changing.bin");
        var large = new byte[96 << 20]; // streamed (above the 64 MiB inspection limit), so a change lands mid-copy
        File.WriteAllBytes(changing, large);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            // Shrinks and regrows the file in place (same inode), as a process rewriting it would.
            using var stream = new FileStream(changing, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            while (!stop.IsCancellationRequested)
            {
                stream.SetLength(12);
                Thread.Sleep(1);
                stream.SetLength(large.Length);
                Thread.Sleep(1);
            }
        });

        var failures = new List<Exception>();
        try
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                try
                {
                    await EnvironmentPacker.PackAsync(Options(prefix, scratch.File($"attempt{attempt}.tar"), "tar", scratch) with { UseCache = false, Filters = [] });
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        Assert.NotEmpty(failures);
        foreach (var failure in failures)
        {
            Assert.IsAssignableFrom<PackingException>(failure);
            Assert.Contains("pack", failure.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(scratch.Path), p => Path.GetFileName(p).EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_given_as_the_prefix_is_reported_as_a_file_not_as_missing()
    {
        var file = Path.Combine(venv.Prefix, "pyvenv.cfg");
        var error = Assert.Throws<EnvironmentNotFoundException>(() => EnvironmentLocator.FromPrefix(file));
        Assert.Contains("is a file, not an environment", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", error.Message, StringComparison.Ordinal);
    }
}
