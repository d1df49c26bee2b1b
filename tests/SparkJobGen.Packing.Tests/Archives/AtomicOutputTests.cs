using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

public sealed class AtomicOutputTests
{
    /// <summary>A content stream that fails part-way, as a cancelled or failing pack does mid-file.</summary>
    private sealed class FailingStream(long failAfter, Exception failure) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                throw failure;
            }

            var n = (int)Math.Min(count, failAfter - _position);
            Array.Fill(buffer, (byte)'z', offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [SkippableFact]
    public async Task Commit_renames_the_hidden_temporary_onto_the_target()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env.tar.gz");
        string temporary;
        await using (var file = AtomicFile.Create(target))
        {
            temporary = file.TemporaryPath;
            Assert.Equal(scratch.Path, Path.GetDirectoryName(temporary));
            Assert.StartsWith(".", Path.GetFileName(temporary));
            Assert.False(File.Exists(target));
            file.Stream.Write("content"u8);
            await file.CommitAsync(CancellationToken.None);
        }

        Assert.Equal("content", await File.ReadAllTextAsync(target));
        Assert.False(File.Exists(temporary));
        Assert.Single(Directory.GetFileSystemEntries(scratch.Path));
    }

    [SkippableFact]
    public async Task Temporaries_of_killed_writers_are_removed_and_live_ones_kept()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env.tar.gz");

        // A real writer killed with SIGKILL mid-write leaves its temporary behind.
        var abandoned = scratch.File($".env.tar.gz.{await KilledProcessIdAsync()}-0123456789abcdef0123456789abcdef.partial");
        await File.WriteAllTextAsync(abandoned, "half an archive");

        // One of a writer that is still running (this process) and an unrelated hidden file stay.
        var live = scratch.File($".env.tar.gz.{Environment.ProcessId}-fedcba9876543210fedcba9876543210.partial");
        await File.WriteAllTextAsync(live, "in progress");
        var unrelated = scratch.File(".env.tar.gz.notes.partial");
        await File.WriteAllTextAsync(unrelated, "not ours");

        await using (var file = AtomicFile.Create(target))
        {
            Assert.Contains($".env.tar.gz.{Environment.ProcessId}-", Path.GetFileName(file.TemporaryPath), StringComparison.Ordinal);
            file.Stream.Write("content"u8);
            await file.CommitAsync(CancellationToken.None);
        }

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(unrelated));
        Assert.Equal("content", await File.ReadAllTextAsync(target));
    }

    [SkippableFact]
    public async Task A_no_archive_folder_of_a_killed_writer_is_removed_by_the_next_pack_of_that_target()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env");

        // A killed no-archive writer leaves its hidden folder, with a read-only subfolder as packed modes can make.
        var abandoned = scratch.File($".env.{await KilledProcessIdAsync()}-0123456789abcdef0123456789abcdef.partial");
        Directory.CreateDirectory(Path.Combine(abandoned, "lib", "locked"));
        await File.WriteAllTextAsync(Path.Combine(abandoned, "lib", "locked", "half.py"), "x = ");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(abandoned, "lib", "locked"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var live = scratch.File($".env.{Environment.ProcessId}-fedcba9876543210fedcba9876543210.partial");
        Directory.CreateDirectory(live);

        await using (var writer = ArchiveWriter.CreateDirectory(target, new ArchiveWriterOptions()))
        {
            writer.AddFile("bin/tool", 0b111_101_101, "echo hi\n"u8.ToArray());
            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(live));
        Assert.Equal("echo hi\n", await File.ReadAllTextAsync(Path.Combine(target, "bin", "tool")));
    }

    [SkippableFact]
    public async Task An_existing_target_is_refused_unless_forced()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env.tar.gz");
        await File.WriteAllTextAsync(target, "old");
        var error = Assert.Throws<IOException>(() => AtomicFile.Create(target));
        Assert.Contains("already exists", error.Message);
        Assert.Contains("--force", error.Message);

        await using (var file = AtomicFile.Create(target, overwrite: true))
        {
            file.Stream.Write("new"u8);
            await file.CommitAsync(CancellationToken.None);
        }

        Assert.Equal("new", await File.ReadAllTextAsync(target));
        Assert.Single(Directory.GetFileSystemEntries(scratch.Path));
    }

    [SkippableFact]
    public async Task A_target_that_appears_while_writing_is_not_overwritten()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env.zip");
        await using (var file = AtomicFile.Create(target))
        {
            file.Stream.Write("ours"u8);
            await File.WriteAllTextAsync(target, "theirs");
            await Assert.ThrowsAsync<IOException>(() => file.CommitAsync(CancellationToken.None));
        }

        Assert.Equal("theirs", await File.ReadAllTextAsync(target));
        Assert.Single(Directory.GetFileSystemEntries(scratch.Path));
    }

    [SkippableTheory]
    [InlineData(ArchiveFormat.TarGz)]
    [InlineData(ArchiveFormat.TarZst)]
    [InlineData(ArchiveFormat.Zip)]
    public async Task Cancellation_mid_file_leaves_no_archive_and_no_temporary(ArchiveFormat format)
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env" + ArchiveFormats.DefaultExtension(format));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await using var file = AtomicFile.Create(target);
            await using var writer = ArchiveWriter.Create(format, file.Stream, new ArchiveWriterOptions { Threads = 2, ZipSymlinks = true });
            SampleTree.WriteTo(writer);
            writer.AddFile("lib/big.bin", 0x1A4, 50_000_000, new FailingStream(3_000_000, new OperationCanceledException(cancellation.Token)));
            await writer.CompleteAsync(CancellationToken.None);
            await file.CommitAsync(CancellationToken.None);
        });
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [SkippableFact]
    public async Task A_cancelled_completion_leaves_nothing_behind()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env.tar.gz");
        using var cancellation = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var file = AtomicFile.Create(target);
            await using var writer = ArchiveWriter.Create(ArchiveFormat.TarGz, file.Stream, new ArchiveWriterOptions { Threads = 2 });
            SampleTree.WriteTo(writer);
            cancellation.Cancel();
            await writer.CompleteAsync(cancellation.Token);
            await file.CommitAsync(cancellation.Token);
        });
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [SkippableFact]
    public async Task No_archive_builds_a_real_tree_with_modes_and_links_and_renames_it_into_place()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env");
        await using (var writer = ArchiveWriter.CreateDirectory(target, new ArchiveWriterOptions()))
        {
            SampleTree.WriteTo(writer);
            Assert.False(Directory.Exists(target));
            await writer.CompleteAsync(CancellationToken.None);
        }

        SampleTree.AssertExtracted(target);
        Assert.Single(Directory.GetFileSystemEntries(scratch.Path));
    }

    [SkippableFact]
    public async Task No_archive_honours_arcroot_and_replaces_only_its_own_earlier_output()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env");
        Directory.CreateDirectory(Path.Combine(target, "stale"));
        var error = Assert.Throws<IOException>(() => ArchiveWriter.CreateDirectory(target, new ArchiveWriterOptions()));
        Assert.Contains("--force", error.Message);

        // A folder the writer did not write is never replaced, not even with overwrite on.
        var refused = Assert.Throws<IOException>(() => ArchiveWriter.CreateDirectory(target, new ArchiveWriterOptions { Overwrite = true }));
        Assert.Contains("never replaced", refused.Message);
        Assert.True(Directory.Exists(Path.Combine(target, "stale")));
        Directory.Delete(Path.Combine(target, "stale"));

        // An empty one is, and so is the writer's own output (it carries the marker) with whatever was added to it since.
        for (var round = 0; round < 2; round++)
        {
            await using (var writer = ArchiveWriter.CreateDirectory(target, new ArchiveWriterOptions { Overwrite = true, ArcRoot = "root" }))
            {
                SampleTree.WriteTo(writer);
                await writer.CompleteAsync(CancellationToken.None);
            }

            Assert.True(File.Exists(Path.Combine(target, ".sparkjobgen-no-archive")));
            SampleTree.AssertExtracted(Path.Combine(target, "root"));
            Assert.False(Directory.Exists(Path.Combine(target, "stale")));
            Assert.Single(Directory.GetFileSystemEntries(scratch.Path));
            Directory.CreateDirectory(Path.Combine(target, "stale"));
        }
    }

    [SkippableFact]
    public async Task No_archive_disposed_without_completion_deletes_the_partial_tree()
    {
        using var scratch = new ScratchDirectory();
        var target = scratch.File("env");
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var writer = ArchiveWriter.CreateDirectory(target, new ArchiveWriterOptions());
            SampleTree.WriteTo(writer);
            writer.AddFile("lib/big.bin", 0x1A4, 10_000_000, new FailingStream(1_000_000, new IOException("No space left on device")));
        });
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    /// <summary>The id of a real process that has been killed with SIGKILL (what a killed writer leaves in its names).</summary>
    private static async Task<int> KilledProcessIdAsync()
    {
        using var killed = System.Diagnostics.Process.Start("sleep", "60")!;
        killed.Kill();
        await killed.WaitForExitAsync();
        return killed.Id;
    }
}
