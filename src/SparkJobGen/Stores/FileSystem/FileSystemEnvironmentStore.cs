using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Stores.FileSystem;

/// <summary>
/// A store in a folder every node mounts (<c>file:///mnt/shared/envs/</c>). An upload is copied to a hidden temporary file in
/// the folder, flushed to disk, made read-only for everyone (0444) and published with a hard link, which fails when the name
/// exists: two uploaders cannot both publish, and the name never shows a partial file. A stored file is verified by hashing it,
/// once per file identity: the hash is cached by path, length and modification time like a local archive's digest.
/// </summary>
public sealed class FileSystemEnvironmentStore : IEnvironmentStore
{
    /// <summary>The suffix of temporary uploads (<c>.&lt;name&gt;.&lt;random&gt;.partial</c>).</summary>
    public const string PartialSuffix = ".partial";

    private const UnixFileMode PublishedMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _folder;
    private readonly string? _digestCache;

    /// <summary>Creates the store of a <c>file://</c> folder URI.</summary>
    /// <param name="location">The folder URI.</param>
    /// <param name="digestCacheDirectory">Where the hashes of verified stored files are cached; null to hash a stored file at every lookup.</param>
    public FileSystemEnvironmentStore(Uri location, string? digestCacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        Location = location;
        _folder = Path.GetFullPath(location.LocalPath);
        _digestCache = digestCacheDirectory;
    }

    /// <inheritdoc/>
    public Uri Location { get; }

    /// <inheritdoc/>
    public string SparkUri(string name) => new Uri(Path.Combine(_folder, name)).AbsoluteUri;

    /// <inheritdoc/>
    public Task CheckFolderAsync(CancellationToken cancellationToken)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(_folder);
        if (File.Exists(trimmed))
        {
            throw new EnvironmentStoreException($"The environment store {Location} is a file, not a folder: give the folder the archives go into.");
        }

        if (!Directory.Exists(trimmed))
        {
            throw new EnvironmentStoreException(
                $"The environment store folder {Location} does not exist: create it (on a shared mount, check that it is mounted on this machine).");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<StoredArchive?> StatAsync(string name, CancellationToken cancellationToken)
    {
        var info = new FileInfo(Path.Combine(_folder, name));
        return Task.FromResult(info.Exists ? ToStored(info) : null);
    }

    /// <inheritdoc/>
    public async Task<bool> MatchesAsync(StoredArchive stored, ArchiveDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(digest);
        if (stored.Length != digest.Length)
        {
            return false;
        }

        // A folder records no metadata of its own: the stored bytes themselves are hashed (a read of the share, no write), and
        // the hash is cached while the file keeps its length and modification time (published files are read-only).
        try
        {
            var actual = await ArchiveDigest.ComputeAsync(Path.Combine(_folder, stored.Name), _digestCache, cancellationToken).ConfigureAwait(false);
            return actual.Length == digest.Length && string.Equals(actual.Sha256, digest.Sha256, StringComparison.Ordinal);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<StoreWriteOutcome> PublishAsync(
        string name, string localPath, ArchiveDigest digest, StoredArchive? replacing, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var target = Path.Combine(_folder, name);
        var temporary = Path.Combine(_folder, $".{name}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            await CopyAsync(localPath, temporary, progress, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, PublishedMode);
            }

            if (replacing is not null)
            {
                // Replacing a corrupt file: rename(2) swaps the name to the new bytes at once.
                File.Move(temporary, target, overwrite: true);
                return StoreWriteOutcome.Created;
            }

            return HardLink.CreateIfAbsent(temporary, target) ? StoreWriteOutcome.Created : StoreWriteOutcome.AlreadyExists;
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new EnvironmentStoreException($"Cannot write to the environment store folder {Location}: {exception.Message}", exception);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredArchive> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var path in Directory.EnumerateFiles(_folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            if (!info.Name.StartsWith('.'))
            {
                yield return ToStored(info);
            }
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        File.Delete(Path.Combine(_folder, name));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static StoredArchive ToStored(FileInfo info) => new(info.Name, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), null, null);

    private static async Task CopyAsync(string source, string destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        var buffer = new byte[1024 * 1024];
        long sent = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }

        output.Flush(flushToDisk: true);
    }
}
