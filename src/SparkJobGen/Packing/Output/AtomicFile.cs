using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing;

/// <summary>
/// A file that appears under its name complete or not at all. Writes go to a hidden temporary file in the target's
/// directory (same file system, so the final rename is atomic); <see cref="CommitAsync"/> flushes, fsyncs and
/// renames it onto the target; disposing without committing deletes it, so cancellation, exceptions and a full disk
/// leave nothing behind.
/// </summary>
public sealed class AtomicFile : IAsyncDisposable, IDisposable
{
    private readonly FileStream _stream;
    private readonly bool _overwrite;
    private bool _committed;
    private bool _disposed;

    private AtomicFile(string targetPath, string temporaryPath, FileStream stream, bool overwrite)
    {
        TargetPath = targetPath;
        TemporaryPath = temporaryPath;
        _stream = stream;
        _overwrite = overwrite;
    }

    /// <summary>The file that <see cref="CommitAsync"/> creates or replaces.</summary>
    public string TargetPath { get; }

    /// <summary>The hidden file being written (<c>.name.random.partial</c> next to the target).</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write the content to (seekable).</summary>
    public Stream Stream => _stream;

    /// <summary>Opens a temporary file next to <paramref name="targetPath"/>.</summary>
    /// <param name="targetPath">The file to produce.</param>
    /// <param name="overwrite">Replace an existing target (conda-pack's <c>--force</c>); otherwise an existing target is an error.</param>
    /// <returns>The open file; dispose it.</returns>
    /// <exception cref="IOException">The target exists and <paramref name="overwrite"/> is off, or it is a directory.</exception>
    public static AtomicFile Create(string targetPath, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetPath);
        var target = Path.GetFullPath(targetPath);
        ThrowIfBlocked(target, overwrite);
        var directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{targetPath}' has no directory.", nameof(targetPath));
        Directory.CreateDirectory(directory);
        RemoveAbandoned(directory, Path.GetFileName(target));
        var temporary = TemporaryName(directory, Path.GetFileName(target));
        var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 64 * 1024,
        });
        return new AtomicFile(target, temporary, stream, overwrite);
    }

    /// <summary>The hidden temporary name for <paramref name="name"/> in <paramref name="directory"/>, carrying this process's id.</summary>
    /// <param name="directory">The target's folder.</param>
    /// <param name="name">The target's name.</param>
    internal static string TemporaryName(string directory, string name) =>
        Path.Combine(directory, $".{name}.{Environment.ProcessId}-{Guid.NewGuid():N}.partial");

    /// <summary>
    /// Deletes temporary files (and no-archive folders) of this target left by a process that was killed (SIGKILL, power
    /// loss) before it could clean up: their names carry the writer's process id, and only those whose process no longer
    /// exists are removed.
    /// </summary>
    /// <param name="directory">The target's folder.</param>
    /// <param name="name">The target's file name.</param>
    internal static void RemoveAbandoned(string directory, string name)
    {
        foreach (var candidate in Directory.EnumerateFileSystemEntries(directory, $".{name}.*.partial"))
        {
            var middle = Path.GetFileName(candidate)[(name.Length + 2)..^".partial".Length];
            var dash = middle.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(middle.AsSpan(0, dash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                if (Directory.Exists(candidate) && new DirectoryInfo(candidate).LinkTarget is null)
                {
                    Archives.DirectoryArchiveWriter.DeleteTree(candidate);
                }
                else
                {
                    File.Delete(candidate);
                }
            }
            catch (IOException)
            {
                // Another packer removed it first, or it is still held: leave it.
            }
            catch (UnauthorizedAccessException)
            {
                // Someone else's file: not ours to remove.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Flushes and fsyncs the content, then renames the temporary file onto the target.</summary>
    /// <param name="cancellationToken">Cancels before the rename; after it the file is in place.</param>
    /// <returns>A task that completes when the target holds the content.</returns>
    /// <exception cref="IOException">The target appeared meanwhile and overwriting is off.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            return;
        }

        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfBlocked(TargetPath, _overwrite);

        // Without overwrite, File.Move refuses an existing target (on Unix it links then unlinks, never replacing).
        File.Move(TemporaryPath, TargetPath, _overwrite);
        _committed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream.Dispose();
        if (!_committed)
        {
            File.Delete(TemporaryPath);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed)
        {
            File.Delete(TemporaryPath);
        }
    }

    private static void ThrowIfBlocked(string target, bool overwrite)
    {
        if (Directory.Exists(target))
        {
            throw new IOException($"'{target}' is a directory; choose a file name for --output.");
        }

        if (!overwrite && File.Exists(target))
        {
            throw new IOException($"'{target}' already exists. Remove it, choose another --output, or pass --force to replace it.");
        }
    }
}
