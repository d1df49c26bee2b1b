using System.Text.RegularExpressions;
using SparkJobGen.Submission.Preflight;

namespace SparkJobGen.Tests.Submission.Preflight;

/// <summary>The ELF version-needs reader against real binaries of this machine, with GNU readelf as the independent reference.</summary>
public sealed partial class ElfSymbolVersionsTests
{
    public static TheoryData<string> RealElfFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in ExistingElfFiles())
        {
            data.Add(path);
        }

        return data;
    }

    private static IEnumerable<string> ExistingElfFiles()
    {
        foreach (var candidate in new[]
        {
            "/bin/ls",
            "/usr/bin/python3.11",
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/x86_64-linux-gnu/libz.so.1",
            "/usr/lib/python3.11/lib-dynload/_asyncio.cpython-311-x86_64-linux-gnu.so",
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
            Environment.ProcessPath!,
            // 32-bit little-endian and 64-bit big-endian files (Debian's libc6-i386-cross and libc6-s390x-cross, which .ci/run installs).
            "/usr/i686-linux-gnu/lib/libm.so.6",
            "/usr/i686-linux-gnu/lib/libc.so.6",
            "/usr/s390x-linux-gnu/lib/libm.so.6",
            "/usr/s390x-linux-gnu/lib/libc.so.6",
        })
        {
            if (File.Exists(candidate))
            {
                yield return candidate;
            }
        }
    }

    [Theory]
    [MemberData(nameof(RealElfFiles))]
    public void Reads_the_same_version_needs_as_readelf(string path)
    {
        var expected = ReadelfNeeds(path);

        var actual = ElfSymbolVersions.ReadNeeded(File.ReadAllBytes(path));

        Assert.Equal(expected.OrderBy(static x => x.Item1).ThenBy(static x => x.Item2), actual.OrderBy(static x => x.Library).ThenBy(static x => x.Version).Select(static x => (x.Library, x.Version)));
        var expectedMax = expected.Select(static x => ElfSymbolVersions.ParseGlibc(x.Item2)).Where(static v => v is not null).Max();
        Assert.Equal(expectedMax, ElfSymbolVersions.MaxGlibc(File.ReadAllBytes(path)));
    }

    [Fact]
    public void At_least_one_real_file_needs_a_glibc_version()
    {
        // Guards the theory above against passing on files that need nothing.
        Assert.Contains(ExistingElfFiles(), static path => ElfSymbolVersions.MaxGlibc(File.ReadAllBytes(path)) is not null);
    }

    [Fact]
    public void Non_elf_and_truncated_files_are_told_apart()
    {
        Assert.Empty(ElfSymbolVersions.ReadNeeded("#!/bin/sh\necho hi\n"u8));
        var ls = File.ReadAllBytes("/bin/ls");
        Assert.Throws<FormatException>(() => ElfSymbolVersions.ReadNeeded(ls.AsSpan(0, 256)));
    }

    [Theory]
    [InlineData("GLIBC_2.17", "2.17")]
    [InlineData("GLIBC_2.2.5", "2.2.5")]
    [InlineData("GLIBC_PRIVATE", null)]
    [InlineData("GLIBCXX_3.4.30", null)]
    public void Parses_glibc_version_names(string name, string? expected) =>
        Assert.Equal(expected is null ? null : Version.Parse(expected), ElfSymbolVersions.ParseGlibc(name));

    /// <summary>The (file, version) pairs of `readelf -V --wide`'s "Version needs section".</summary>
    internal static List<(string, string)> ReadelfNeeds(string path)
    {
        var (code, output) = Processes.Run("readelf", "-V", "--wide", path);
        Assert.True(code == 0, output);
        var needs = new List<(string, string)>();
        var inNeeds = false;
        string? file = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("Version needs section", StringComparison.Ordinal))
            {
                inNeeds = true;
                continue;
            }

            if (inNeeds && line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                inNeeds = false;
            }

            if (!inNeeds)
            {
                continue;
            }

            if (FileLine().Match(line) is { Success: true } f)
            {
                file = f.Groups[1].Value;
            }
            else if (NameLine().Match(line) is { Success: true } n)
            {
                needs.Add((file!, n.Groups[1].Value));
            }
        }

        return needs;
    }

    [GeneratedRegex(@"Version: \d+\s+File: (\S+)\s+Cnt:")]
    private static partial Regex FileLine();

    [GeneratedRegex(@"^\s+0x[0-9a-f]+:\s+Name: (\S+)\s+Flags:")]
    private static partial Regex NameLine();
}
