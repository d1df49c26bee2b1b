using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Environments;

namespace SparkJobGen.Stores;

/// <summary>How an archive reached the store.</summary>
/// <param name="SparkUri">The URI Spark reads it by (shipped as <c>--archives &lt;uri&gt;#environment</c>).</param>
/// <param name="Name">The object name (<c>&lt;environment&gt;-&lt;key&gt;.tar.gz</c>).</param>
/// <param name="Sha256">The archive's SHA-256.</param>
/// <param name="BytesUploaded">Bytes this call uploaded: 0 on a hit.</param>
/// <param name="Outcome">What happened.</param>
public sealed record StoreShipResult(string SparkUri, string Name, string Sha256, long BytesUploaded, StoreShipOutcome Outcome);

/// <summary>What <see cref="EnvironmentStoreShipper.ShipAsync(IEnvironmentStore, string, string, EnvironmentStoreOptions?, Action{string}?, CancellationToken)"/> did.</summary>
public enum StoreShipOutcome
{
    /// <summary>The store already held the archive, verified: nothing was uploaded.</summary>
    Hit,

    /// <summary>The archive was not in the store and was uploaded.</summary>
    Uploaded,

    /// <summary>The object under the name was corrupt (wrong size or hash) and was replaced by an upload.</summary>
    ReplacedCorrupt,

    /// <summary>Another uploader published the same archive first; this call's upload was discarded and the published object verified.</summary>
    UploadedConcurrently,
}

/// <summary>
/// Ships a local environment archive to a store once: look it up by its content-derived name, use it when its size and hashes
/// match, otherwise upload it (atomically, conditionally) and verify what was published. A corrupt or truncated object is
/// detected and replaced, never used.
/// </summary>
public static class EnvironmentStoreShipper
{
    private const int MaximumAttempts = 3;

    /// <summary>Ships an archive.</summary>
    /// <param name="store">The store.</param>
    /// <param name="environment">The environment name (the first part of the object name).</param>
    /// <param name="archivePath">The local archive.</param>
    /// <param name="options">The digest cache and progress; null for the defaults.</param>
    /// <param name="onStep">Receives one line per step (lookup, upload, verification).</param>
    /// <param name="cancellationToken">Stops shipping; an interrupted upload leaves nothing under the name.</param>
    /// <exception cref="EnvironmentStoreException">The store refused a request (credentials, permissions, not a folder).</exception>
    public static async Task<StoreShipResult> ShipAsync(
        IEnvironmentStore store, string environment, string archivePath, EnvironmentStoreOptions? options, Action<string>? onStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(environment);
        options ??= new EnvironmentStoreOptions();
        var digest = await ArchiveDigest.ComputeAsync(archivePath, DigestCacheDirectory(options), cancellationToken).ConfigureAwait(false);
        var name = StoredArchiveName.For(environment, archivePath, digest).ToString();
        var uri = store.SparkUri(name);

        // The folder check and the first lookup are both reads, so they go out together (one round trip instead of two on a
        // hit); the folder check's verdict still comes first, and nothing is written before it passed.
        var folderCheck = store.CheckFolderAsync(cancellationToken);
        var firstLookup = store.StatAsync(name, cancellationToken);
        try
        {
            try
            {
                await Task.WhenAll(folderCheck, firstLookup).ConfigureAwait(false);
            }
            catch when (!folderCheck.IsCompletedSuccessfully)
            {
                await folderCheck.ConfigureAwait(false);
            }
        }
        catch (EnvironmentStoreException exception)
        {
            // A refusal of the first reads is one before any upload: say so here, where that is known (a store's own message
            // serves listing and pruning too).
            throw new EnvironmentStoreException(exception.Message + " Nothing was uploaded.", exception);
        }

        var replaced = false;
        for (var attempt = 1; ; attempt++)
        {
            var existing = attempt == 1 ? await firstLookup.ConfigureAwait(false) : await store.StatAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                if (await store.MatchesAsync(existing, digest, cancellationToken).ConfigureAwait(false))
                {
                    onStep?.Invoke($"hit {uri} ({digest.Length:N0} bytes, sha256 {digest.Sha256[..16]}…): 0 bytes uploaded");
                    return new StoreShipResult(uri, name, digest.Sha256, 0, StoreShipOutcome.Hit);
                }

                onStep?.Invoke($"{uri} is corrupt ({Describe(existing, digest)}): replacing it");
                replaced = true;
            }
            else
            {
                onStep?.Invoke($"miss {uri}: uploading {digest.Length:N0} bytes");
            }

            if (attempt > MaximumAttempts)
            {
                throw new EnvironmentStoreException(
                    $"The store object {uri} still does not match the archive '{archivePath}' after {MaximumAttempts} uploads " +
                    "(another writer keeps replacing it with different content?): check the store folder.");
            }

            var reporter = new Reporter(options.OnProgress, name, digest.Length);
            var outcome = await store.PublishAsync(name, archivePath, digest, existing, reporter, cancellationToken).ConfigureAwait(false);
            var published = await store.StatAsync(name, cancellationToken).ConfigureAwait(false);
            if (published is not null && await store.MatchesAsync(published, digest, cancellationToken).ConfigureAwait(false))
            {
                if (outcome == StoreWriteOutcome.Created)
                {
                    onStep?.Invoke($"uploaded {uri} ({digest.Length:N0} bytes)");
                    return new StoreShipResult(uri, name, digest.Sha256, digest.Length, replaced ? StoreShipOutcome.ReplacedCorrupt : StoreShipOutcome.Uploaded);
                }

                onStep?.Invoke($"another uploader published {uri} first; it matches");
                return new StoreShipResult(uri, name, digest.Sha256, 0, StoreShipOutcome.UploadedConcurrently);
            }

            // What was published does not match (a concurrent writer of different bytes, or a store that lost the write): look again.
        }
    }

    /// <summary>What a store's refusal of <paramref name="action"/> left undone, as a sentence with a leading space; empty for reads.</summary>
    /// <param name="action">The refused action as the store's message names it ("list", "read", "write", "delete", ...).</param>
    internal static string AfterRefusal(string action) => action switch
    {
        "list" or "read" => string.Empty,
        _ when action.StartsWith("delete", StringComparison.Ordinal) => " Nothing was deleted.",
        _ => " Nothing was uploaded.",
    };

    /// <summary>
    /// Resolves a submission's environment store: ships its local archive and returns the submission with the store URI as its
    /// archive. A submission without a store, in local mode, or whose archive is already a remote URI is returned unchanged.
    /// </summary>
    /// <param name="submission">The submission, with <see cref="SparkSubmission.EnvironmentStore"/> and a local <see cref="SparkSubmission.EnvironmentArchive"/>.</param>
    /// <param name="options">Credentials, endpoints and progress.</param>
    /// <param name="onStep">Receives one line per step.</param>
    /// <param name="cancellationToken">Stops shipping.</param>
    /// <returns>The submission to run and what shipping did (null when nothing was shipped).</returns>
    public static async Task<(SparkSubmission Submission, StoreShipResult? Shipped)> ShipAsync(
        SparkSubmission submission, EnvironmentStoreOptions? options, Action<string>? onStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.EnvironmentStore is not { } location || submission.Cluster == ClusterManager.Local || submission.EnvironmentArchive is not { } archive)
        {
            return (submission, null);
        }

        if (IsRemote(archive))
        {
            onStep?.Invoke($"the archive {archive} is already remote: the store is not used");
            return (submission, null);
        }

        var localArchive = archive.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(archive).LocalPath : archive;
        using var store = EnvironmentStores.Open(location, options);
        var shipped = await ShipAsync(store, submission.Job.Environment, localArchive, options, onStep, cancellationToken).ConfigureAwait(false);
        return (submission.WithEnvironmentArchive(shipped.SparkUri), shipped);
    }

    /// <summary>
    /// Whether <see cref="ShipAsync(SparkSubmission, EnvironmentStoreOptions?, Action{string}?, CancellationToken)"/> will replace the
    /// submission's local archive (given, or packed later when none is given) by the store's URI.
    /// </summary>
    /// <param name="submission">The submission.</param>
    internal static bool WillShip(SparkSubmission submission) =>
        submission.EnvironmentStore is not null && submission.Cluster != ClusterManager.Local &&
        (submission.EnvironmentArchive is not { } archive || !IsRemote(archive));

    /// <summary>The digest cache directory of <paramref name="options"/>.</summary>
    /// <param name="options">The options.</param>
    public static string DigestCacheDirectory(EnvironmentStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DigestCacheDirectory is { } configured
            ? Path.GetFullPath(configured)
            : CacheRoot.Folder(CacheRoot.StoreDigests, options.EnvironmentVariables);
    }

    private static bool IsRemote(string archive)
    {
        var separator = archive.IndexOf("://", StringComparison.Ordinal);
        return separator > 0 && !archive.StartsWith("file://", StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(StoredArchive stored, ArchiveDigest digest)
    {
        if (stored.Length != digest.Length)
        {
            return $"{stored.Length:N0} bytes where the archive has {digest.Length:N0}";
        }

        if (stored.RecordedSha256 is { } recorded && !string.Equals(recorded, digest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"recorded sha256 {recorded[..Math.Min(16, recorded.Length)]}… where the archive has {digest.Sha256[..16]}…";
        }

        return "its content does not hash to the archive's checksum";
    }

    private sealed class Reporter(Action<StoreUploadProgress>? onProgress, string name, long total) : IProgress<long>
    {
        public void Report(long value) => onProgress?.Invoke(new StoreUploadProgress(name, value, total));
    }
}
