using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Stores;

/// <summary>
/// A remote folder of environment archives named by their content (<c>&lt;environment&gt;-&lt;key&gt;.tar.gz</c>): an S3 prefix,
/// an HDFS folder through WebHDFS, or a mounted folder. Objects are written once, never modified, and readable by everyone.
/// <see cref="EnvironmentStores.Open"/> picks the implementation from the URI scheme; <see cref="EnvironmentStoreShipper"/>
/// holds the lookup-verify-upload logic every store shares.
/// </summary>
public interface IEnvironmentStore : IDisposable
{
    /// <summary>The store folder as given (normalized to end with <c>/</c>), for example <c>s3a://bucket/envs/</c>.</summary>
    Uri Location { get; }

    /// <summary>The URI Spark reads an object by (<c>--archives &lt;uri&gt;#environment</c>).</summary>
    /// <param name="name">The object name inside the folder.</param>
    string SparkUri(string name);

    /// <summary>Checks that the location is a folder (not a file or object) the store can read; throws an <see cref="EnvironmentStoreException"/> otherwise.</summary>
    /// <param name="cancellationToken">Stops the check.</param>
    Task CheckFolderAsync(CancellationToken cancellationToken);

    /// <summary>The object's size and recorded metadata, or null when there is none under <paramref name="name"/>.</summary>
    /// <param name="name">The object name inside the folder.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    Task<StoredArchive?> StatAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the stored object is exactly the archive described by <paramref name="digest"/>: its length, its recorded SHA-256,
    /// and whatever content checksum the store computes from the stored bytes (S3's ETag, the file's own hash).
    /// </summary>
    /// <param name="stored">The object, from <see cref="StatAsync"/>.</param>
    /// <param name="digest">The local archive's digest.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    Task<bool> MatchesAsync(StoredArchive stored, ArchiveDigest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads <paramref name="localPath"/> under <paramref name="name"/> so that the name never shows a partial object:
    /// the bytes go to a temporary name or an unfinished multipart upload and are published in one atomic, conditional step.
    /// </summary>
    /// <param name="name">The object name inside the folder.</param>
    /// <param name="localPath">The local archive.</param>
    /// <param name="digest">Its digest (recorded as metadata).</param>
    /// <param name="replacing">A corrupt object found under the name, replaced only if it is still the same object; null to create only.</param>
    /// <param name="progress">Receives the number of bytes sent so far.</param>
    /// <param name="cancellationToken">Stops the upload; nothing is left under the name.</param>
    /// <returns><see cref="StoreWriteOutcome.Created"/>, or <see cref="StoreWriteOutcome.AlreadyExists"/> when another writer published first.</returns>
    Task<StoreWriteOutcome> PublishAsync(string name, string localPath, ArchiveDigest digest, StoredArchive? replacing, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>Every object directly in the folder (names that are not environment archives included; temporary uploads excluded).</summary>
    /// <param name="cancellationToken">Stops the listing.</param>
    IAsyncEnumerable<StoredArchive> ListAsync(CancellationToken cancellationToken);

    /// <summary>Deletes an object.</summary>
    /// <param name="name">The object name inside the folder.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    Task DeleteAsync(string name, CancellationToken cancellationToken);
}

/// <summary>An object in an environment store.</summary>
/// <param name="Name">The name inside the store folder.</param>
/// <param name="Length">The stored length in bytes.</param>
/// <param name="LastModified">When it was written.</param>
/// <param name="RecordedSha256">The SHA-256 recorded as metadata when it was uploaded (lower-case hex); null when absent.</param>
/// <param name="ETag">The store's own content tag (S3's ETag); null for stores without one.</param>
/// <param name="ETagIsOpaque">Whether the ETag is not a digest of the content (S3 objects encrypted with SSE-KMS).</param>
public sealed record StoredArchive(string Name, long Length, DateTimeOffset LastModified, string? RecordedSha256, string? ETag, bool ETagIsOpaque = false);

/// <summary>How a conditional publish ended.</summary>
public enum StoreWriteOutcome
{
    /// <summary>This writer published the object.</summary>
    Created,

    /// <summary>Another writer published an object under the name first; nothing of this writer's is left.</summary>
    AlreadyExists,
}
