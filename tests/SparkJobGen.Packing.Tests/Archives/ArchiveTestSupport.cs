// These tests drive GNU tar, Python and Java on Unix; Unix file modes are the point.
#pragma warning disable CA1416

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

/// <summary>What one entry of the sample environment is.</summary>
public enum SampleKind
{
    Directory,
    StreamedFile,
    MemoryFile,
    Symlink,
}

/// <summary>One entry of the sample environment written to every archive format.</summary>
public sealed record SampleEntry(SampleKind Kind, string Path, int Mode, byte[] Content, string LinkTarget);

/// <summary>A small environment-shaped tree that exercises modes, symlinks, long and non-ASCII names, and multi-block files.</summary>
public static class SampleTree
{
    public static readonly string LongDirectory =
        string.Join("/", Enumerable.Range(0, 6).Select(i => $"level{i}-" + new string((char)('a' + i), 40)));

    public static IReadOnlyList<SampleEntry> Entries { get; } = Build();

    private static IReadOnlyList<SampleEntry> Build()
    {
        var random = new Random(42);
        var noise = new byte[700_000];
        random.NextBytes(noise);
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i} of a python module\n")));
        var longFile = LongDirectory + "/" + new string('f', 90) + ".py";
        Assert.True(longFile.Length > 255);
        return
        [
            new(SampleKind.Directory, "bin", 0x1ED, [], ""),
            new(SampleKind.StreamedFile, "bin/python3.11", 0x1ED, Encoding.ASCII.GetBytes("#!/bin/sh\necho python\n"), ""),
            new(SampleKind.Symlink, "bin/python", 0x1FF, [], "python3.11"),
            new(SampleKind.Symlink, "bin/python3", 0x1FF, [], "python3.11"),
            new(SampleKind.MemoryFile, "bin/tool", 0x1ED, Encoding.ASCII.GetBytes("#!/usr/bin/env python3\nprint('rewritten')\n"), ""),
            new(SampleKind.Directory, "empty", 0x1C0, [], ""),
            new(SampleKind.Directory, "lib", 0x1ED, [], ""),
            new(SampleKind.StreamedFile, "lib/empty.txt", 0x1A4, [], ""),
            new(SampleKind.StreamedFile, "lib/libnoise.so", 0x1ED, noise, ""),
            new(SampleKind.Symlink, "lib/libnoise.so.1", 0x1FF, [], "libnoise.so"),
            new(SampleKind.StreamedFile, "lib/module.py", 0x1A4, text, ""),
            new(SampleKind.MemoryFile, "lib/r\u00e9sum\u00e9-\u00fcn\u00efcode.txt", 0x180, Encoding.UTF8.GetBytes("caf\u00e9\n"), ""),
            new(SampleKind.Symlink, "lib/long-link", 0x1FF, [], "../" + longFile),
            new(SampleKind.StreamedFile, longFile, 0x1A4, Encoding.ASCII.GetBytes("x = 1\n"), ""),
        ];
    }

    public static void WriteTo(IArchiveWriter writer, IEnumerable<SampleEntry>? entries = null)
    {
        foreach (var entry in entries ?? Entries)
        {
            switch (entry.Kind)
            {
                case SampleKind.Directory:
                    writer.AddDirectory(entry.Path, entry.Mode);
                    break;
                case SampleKind.StreamedFile:
                    using (var stream = new MemoryStream(entry.Content, writable: false))
                    {
                        writer.AddFile(entry.Path, entry.Mode, entry.Content.Length, stream);
                    }

                    break;
                case SampleKind.MemoryFile:
                    writer.AddFile(entry.Path, entry.Mode, entry.Content);
                    break;
                case SampleKind.Symlink:
                    writer.AddSymlink(entry.Path, entry.LinkTarget);
                    break;
            }
        }
    }

    /// <summary>Writes the sample tree onto disk (the source a zip writer reads symlink targets from).</summary>
    public static void Materialise(string root)
    {
        foreach (var entry in Entries)
        {
            var path = Path.Combine(root, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (entry.Kind)
            {
                case SampleKind.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case SampleKind.Symlink:
                    File.CreateSymbolicLink(path, entry.LinkTarget);
                    break;
                default:
                    File.WriteAllBytes(path, entry.Content);
                    File.SetUnixFileMode(path, (UnixFileMode)entry.Mode);
                    break;
            }
        }
    }

    /// <summary>Asserts that an extracted tree holds every sample entry with its bytes, mode and link target.</summary>
    public static void AssertExtracted(string root)
    {
        foreach (var entry in Entries)
        {
            var path = Path.Combine(root, entry.Path);
            switch (entry.Kind)
            {
                case SampleKind.Directory:
                    Assert.True(Directory.Exists(path), entry.Path);
                    Assert.Equal(entry.Mode, (int)File.GetUnixFileMode(path) & 0xFFF);
                    break;
                case SampleKind.Symlink:
                    Assert.Equal(entry.LinkTarget, new FileInfo(path).LinkTarget);
                    break;
                default:
                    Assert.Null(new FileInfo(path).LinkTarget);
                    Assert.Equal(entry.Content, File.ReadAllBytes(path));
                    Assert.Equal(entry.Mode, (int)File.GetUnixFileMode(path) & 0xFFF);
                    break;
            }
        }
    }
}

/// <summary>Runs the independent readers (GNU tar, python3, gzip, java...) as real processes.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, Stream? standardInput = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SkipException($"{fileName} is not installed ({e.Message}); install it (for example with apt-get) to run this test. .ci/run installs it.");
        }

        using var started = process;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            standardInput.CopyTo(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in 5 minutes.");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Ok(string fileName, params string[] arguments)
    {
        var result = Run(fileName, arguments);
        SkipIfAToolIsMissing(result);
        Assert.True(result.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>
    /// An independent reader or baseline this machine lacks (a shell's "not found", GNU tar's "Cannot exec") skips the test
    /// with the reason instead of failing it; SkippableFact/SkippableTheory turn the exception into a skip.
    /// </summary>
    private static void SkipIfAToolIsMissing(Result result)
    {
        var missing = System.Text.RegularExpressions.Regex.Match(
            result.StandardError, @"cannot run (\S+): No such file or directory|(\S+): Cannot exec: No such file or directory|(?:^|\n)(?:sh: \d+: )?(\S+): not found");
        if (result.ExitCode != 0 && missing.Success)
        {
            var tool = missing.Groups.Values.Skip(1).First(g => g.Success).Value;
            throw new SkipException($"{tool} is not installed; install it (for example with apt-get) to run this test. .ci/run installs it.");
        }
    }

    /// <summary>Runs a Python snippet with the given arguments and parses its JSON output.</summary>
    public static JsonElement Python(string script, params string[] arguments)
    {
        var output = Ok("python3", ["-c", script, .. arguments]);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}

/// <summary>A scratch directory deleted with the test.</summary>
public sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory() => Path = Directory.CreateTempSubdirectory("sjg-archives-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Restore write permission on read-only directories extracted from archives before deleting.
        foreach (var directory in Directory.EnumerateDirectories(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            System.IO.File.SetUnixFileMode(directory, (UnixFileMode)0x1ED);
        }

        Directory.Delete(Path, recursive: true);
    }
}

public static class ArchiveFiles
{
    /// <summary>Writes the sample tree as <paramref name="format"/> to <paramref name="path"/> atomically.</summary>
    public static async Task WriteSampleAsync(ArchiveFormat format, string path, ArchiveWriterOptions options, IEnumerable<SampleEntry>? entries = null)
    {
        await using var file = AtomicFile.Create(path, overwrite: true);
        await using (var writer = ArchiveWriter.Create(format, file.Stream, options))
        {
            SampleTree.WriteTo(writer, entries);
            await writer.CompleteAsync(CancellationToken.None);
        }

        await file.CommitAsync(CancellationToken.None);
    }

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(path)));
}
