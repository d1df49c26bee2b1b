using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Caching;

namespace SparkJobGen.Stores;

/// <summary>
/// What a store needs to know about a local archive, from one read of it: length, SHA-256 (the content key and the recorded
/// metadata), MD5, and the multipart ETag S3 computes when the archive is uploaded in <see cref="PartSizeFor">parts</see>.
/// Digests are cached by path, length and modification time, so an unchanged archive is not read again.
/// </summary>
/// <param name="Length">The archive's length in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Md5">Its MD5, lower-case hex (what S3 reports as the ETag of an object written in one piece).</param>
/// <param name="PartSize">The part size of the multipart upload.</param>
/// <param name="MultipartETag">S3's ETag of the archive uploaded in parts of <paramref name="PartSize"/>: the MD5 of the parts' MD5s, <c>-</c>, the part count.</param>
public sealed record ArchiveDigest(long Length, string Sha256, string Md5, long PartSize, string MultipartETag)
{
    /// <summary>The smallest part of a multipart upload: 8 MiB (S3 accepts 5 MiB; 8 MiB is the AWS CLI's default).</summary>
    public const long MinimumPartSize = 8L * 1024 * 1024;

    /// <summary>S3's limit on the number of parts of one upload.</summary>
    public const int MaximumPartCount = 10_000;

    /// <summary>The content key: the first 16 hex digits of the archive's SHA-256.</summary>
    public string Key => Sha256.Substring(0, 16);

    /// <summary>The part size for an archive of <paramref name="length"/> bytes: 8 MiB, or larger (whole MiB) to stay within 10,000 parts.</summary>
    /// <param name="length">The archive length.</param>
    public static long PartSizeFor(long length)
    {
        const long mebibyte = 1024 * 1024;
        var needed = (length + MaximumPartCount - 1) / MaximumPartCount;
        var rounded = (needed + mebibyte - 1) / mebibyte * mebibyte;
        return Math.Max(MinimumPartSize, rounded);
    }

    /// <summary>Reads the archive once and computes its digest, or returns the cached one when the file is unchanged.</summary>
    /// <param name="archivePath">The local archive.</param>
    /// <param name="cacheDirectory">Where digests are cached (one small JSON file per archive path); null to always compute.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async Task<ArchiveDigest> ComputeAsync(string archivePath, string? cacheDirectory, CancellationToken cancellationToken)
    {
        var stamp = FileStampCache.CurrentStamp(archivePath)
            ?? throw new FileNotFoundException($"The environment archive '{archivePath}' does not exist: create it with `sparkjobgen pack` (or EnvironmentPacker.PackAsync), or pass the path of an existing archive.", archivePath);
        if (cacheDirectory is not null && FromCache(FileStampCache.TryRead(cacheDirectory, archivePath)) is { } cached)
        {
            return cached;
        }

        var digest = await ReadAsync(Path.GetFullPath(archivePath), cancellationToken).ConfigureAwait(false);
        if (cacheDirectory is not null)
        {
            FileStampCache.Write(cacheDirectory, archivePath, stamp, new Dictionary<string, string>
            {
                ["length"] = digest.Length.ToString(CultureInfo.InvariantCulture),
                ["sha256"] = digest.Sha256,
                ["md5"] = digest.Md5,
                ["partSize"] = digest.PartSize.ToString(CultureInfo.InvariantCulture),
                ["multipartETag"] = digest.MultipartETag,
            });
        }

        return digest;
    }

    /// <summary>Computes the digest of a file by reading it (no cache).</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async Task<ArchiveDigest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var length = stream.Length;
        var partSize = PartSizeFor(length);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 is not used for security: it is the checksum S3 reports as the ETag, compared to detect a corrupt object.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var partMd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var partsMd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var buffer = new byte[1024 * 1024];
        long inPart = 0;
        var parts = 0;
        while (true)
        {
            var want = (int)Math.Min(buffer.Length, partSize - inPart);
            var read = await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            sha256.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            partMd5.AppendData(buffer, 0, read);
            inPart += read;
            if (inPart == partSize)
            {
                partsMd5.AppendData(partMd5.GetHashAndReset());
                parts++;
                inPart = 0;
            }
        }

        if (inPart > 0 || parts == 0)
        {
            partsMd5.AppendData(partMd5.GetHashAndReset());
            parts++;
        }

        return new ArchiveDigest(
            length,
            Convert.ToHexString(sha256.GetHashAndReset()).ToLowerInvariant(),
            Convert.ToHexString(md5.GetHashAndReset()).ToLowerInvariant(),
            partSize,
            Convert.ToHexString(partsMd5.GetHashAndReset()).ToLowerInvariant() + "-" + parts.ToString(CultureInfo.InvariantCulture));
    }

    private static ArchiveDigest? FromCache(Dictionary<string, string>? values)
    {
        try
        {
            return values is null ? null : new ArchiveDigest(
                long.Parse(values["length"], CultureInfo.InvariantCulture),
                values["sha256"],
                values["md5"],
                long.Parse(values["partSize"], CultureInfo.InvariantCulture),
                values["multipartETag"]);
        }
        catch (Exception exception) when (exception is KeyNotFoundException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
