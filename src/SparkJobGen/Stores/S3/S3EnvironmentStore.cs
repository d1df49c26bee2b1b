using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace SparkJobGen.Stores.S3;

/// <summary>
/// A store under an S3 prefix (<c>s3a://bucket/envs/</c>), spoken to over HTTP with Signature Version 4. Every upload is a
/// multipart upload: the object exists only once <c>CompleteMultipartUpload</c> succeeds, so an interrupted upload never leaves
/// an object under the name (the unfinished upload is aborted). Completion is conditional: <c>If-None-Match: *</c> creates
/// only when the name is free, <c>If-Match: &lt;etag&gt;</c> replaces only the corrupt object that was inspected. Each part is
/// sent with its SHA-256 and MD5, which S3 checks; the archive's SHA-256 is recorded as <c>x-amz-meta-sha256</c>.
/// </summary>
public sealed class S3EnvironmentStore : IEnvironmentStore
{
    /// <summary>The user metadata key holding the archive's SHA-256 (sent as <c>x-amz-meta-sha256</c>).</summary>
    public const string Sha256MetadataHeader = "x-amz-meta-sha256";

    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly S3Credentials _credentials;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly Uri? _endpoint;
    private readonly string _region;

    private S3EnvironmentStore(Uri location, S3Credentials credentials, string region, Uri? endpoint, HttpMessageHandler? handler)
    {
        Location = location;
        _credentials = credentials;
        _region = region;
        _endpoint = endpoint;
        _bucket = location.Host;
        _prefix = Uri.UnescapeDataString(location.AbsolutePath.TrimStart('/'));
        _signer = new SigV4Signer(credentials, region);
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc/>
    public Uri Location { get; }

    /// <summary>Opens the store with credentials, region and endpoint from the standard places (see <see cref="EnvironmentStoreOptions"/>).</summary>
    /// <param name="location">The <c>s3a://bucket/prefix/</c> folder.</param>
    /// <param name="options">Variable overrides and the secret sink.</param>
    /// <exception cref="EnvironmentStoreException">No credentials were found.</exception>
    public static S3EnvironmentStore Create(Uri location, EnvironmentStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        var credentials = S3CredentialChain.ResolveCredentials(options);
        options.OnSecret?.Invoke(credentials.SecretAccessKey);
        if (credentials.SessionToken is { } token)
        {
            options.OnSecret?.Invoke(token);
        }

        return new S3EnvironmentStore(location, credentials, S3CredentialChain.ResolveRegion(options), S3CredentialChain.ResolveEndpoint(options), null);
    }

    /// <inheritdoc/>
    public string SparkUri(string name) => $"{Location.Scheme}://{_bucket}/{_prefix}{name}";

    /// <inheritdoc/>
    public async Task CheckFolderAsync(CancellationToken cancellationToken)
    {
        // One listing proves the bucket exists and the credentials may read it, before anything is uploaded; the HEAD of the
        // prefix without its '/' (which must not be an object) goes out at the same time, and the listing's verdict comes first.
        var listing = SendAsync(HttpMethod.Get, null, $"list-type=2&max-keys=1&prefix={SigV4Signer.Encode(_prefix)}", null, null, cancellationToken);
        var folderObject = _prefix.Length > 0 ? SendAsync(HttpMethod.Head, _prefix.TrimEnd('/'), null, null, null, cancellationToken) : null;
        try
        {
            using (var list = await listing.ConfigureAwait(false))
            {
                await EnsureSuccessAsync(list, "list", cancellationToken).ConfigureAwait(false);
            }

            if (folderObject is not null)
            {
                using var head = await folderObject.ConfigureAwait(false);
                if (head.StatusCode == HttpStatusCode.OK)
                {
                    throw new EnvironmentStoreException(
                        $"The environment store {Location} names an object, not a folder: s3a://{_bucket}/{_prefix.TrimEnd('/')} exists. Give the prefix the archives go into.");
                }
            }
        }
        catch
        {
            // The listing failed (or the prefix is an object): the HEAD's response is still collected and released.
            if (folderObject is not null)
            {
                try
                {
                    (await folderObject.ConfigureAwait(false)).Dispose();
                }
                catch (Exception exception) when (exception is EnvironmentStoreException or OperationCanceledException)
                {
                    // Its failure adds nothing to the listing's.
                }
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<StoredArchive?> StatAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, _prefix + name, null, null, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "read", cancellationToken).ConfigureAwait(false);
        var headers = response.Content.Headers;
        return new StoredArchive(
            name,
            headers.ContentLength ?? 0,
            headers.LastModified ?? DateTimeOffset.MinValue,
            Header(response, Sha256MetadataHeader),
            response.Headers.ETag?.Tag.Trim('"') ?? Header(response, "ETag")?.Trim('"'),
            string.Equals(Header(response, "x-amz-server-side-encryption"), "aws:kms", StringComparison.Ordinal) ||
            string.Equals(Header(response, "x-amz-server-side-encryption"), "aws:kms:dsse", StringComparison.Ordinal));
    }

    /// <inheritdoc/>
    public Task<bool> MatchesAsync(StoredArchive stored, ArchiveDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(digest);
        // The ETag is S3's own digest of the stored bytes: the MD5 for an object written in one piece, the MD5 of the parts' MD5s
        // for a multipart upload. SSE-KMS objects have ETags that are not MD5 digests; for them the length and the recorded
        // SHA-256 decide (S3 already checked every part's SHA-256 on upload).
        var contentMatches = stored.ETagIsOpaque ||
            string.Equals(stored.ETag, digest.Md5, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(stored.ETag, digest.MultipartETag, StringComparison.OrdinalIgnoreCase);
        return Task.FromResult(
            stored.Length == digest.Length &&
            string.Equals(stored.RecordedSha256, digest.Sha256, StringComparison.OrdinalIgnoreCase) &&
            contentMatches);
    }

    /// <inheritdoc/>
    public async Task<StoreWriteOutcome> PublishAsync(
        string name, string localPath, ArchiveDigest digest, StoredArchive? replacing, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var key = _prefix + name;
        string uploadId;
        using (var create = await SendAsync(
            HttpMethod.Post, key, "uploads", request => request.Headers.TryAddWithoutValidation(Sha256MetadataHeader, digest.Sha256), null, cancellationToken).ConfigureAwait(false))
        {
            var body = await EnsureSuccessAsync(create, "write", cancellationToken).ConfigureAwait(false);
            uploadId = Element(body, "UploadId") ?? throw new EnvironmentStoreException($"S3 did not return an upload id for s3a://{_bucket}/{key}.");
        }

        var completed = false;
        try
        {
            var etags = await UploadPartsAsync(key, uploadId, localPath, digest, progress, cancellationToken).ConfigureAwait(false);
            var xml = new StringBuilder("<CompleteMultipartUpload>");
            for (var i = 0; i < etags.Count; i++)
            {
                xml.Append(CultureInfo.InvariantCulture, $"<Part><PartNumber>{i + 1}</PartNumber><ETag>{etags[i]}</ETag></Part>");
            }

            xml.Append("</CompleteMultipartUpload>");
            var payload = Encoding.UTF8.GetBytes(xml.ToString());
            using var complete = await SendAsync(
                HttpMethod.Post,
                key,
                "uploadId=" + SigV4Signer.Encode(uploadId),
                request =>
                {
                    request.Content = new ByteArrayContent(payload);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                    if (replacing?.ETag is { } etag)
                    {
                        request.Headers.TryAddWithoutValidation("If-Match", "\"" + etag + "\"");
                    }
                    else
                    {
                        request.Headers.TryAddWithoutValidation("If-None-Match", "*");
                    }
                },
                SigV4Signer.Hex(SHA256.HashData(payload)),
                cancellationToken).ConfigureAwait(false);
            if (complete.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
            {
                // Another writer published (or replaced) the object first; the upload is aborted below.
                return StoreWriteOutcome.AlreadyExists;
            }

            var result = await EnsureSuccessAsync(complete, "write", cancellationToken).ConfigureAwait(false);
            if (Element(result, "Code") is { } code)
            {
                // CompleteMultipartUpload can fail with 200 OK and an error document.
                throw new EnvironmentStoreException($"S3 refused to complete the upload of s3a://{_bucket}/{key}: {code} {Element(result, "Message")}");
            }

            completed = true;
            return StoreWriteOutcome.Created;
        }
        finally
        {
            if (!completed)
            {
                await AbortAsync(key, uploadId).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredArchive> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var query = $"list-type=2&prefix={SigV4Signer.Encode(_prefix)}&delimiter=%2F" + (continuation is null ? string.Empty : "&continuation-token=" + SigV4Signer.Encode(continuation));
            XDocument page;
            using (var response = await SendAsync(HttpMethod.Get, null, query, null, null, cancellationToken).ConfigureAwait(false))
            {
                page = await EnsureSuccessAsync(response, "list", cancellationToken).ConfigureAwait(false) ?? new XDocument();
            }

            foreach (var contents in page.Descendants().Where(static e => e.Name.LocalName == "Contents"))
            {
                var key = Child(contents, "Key") ?? string.Empty;
                var name = key.StartsWith(_prefix, StringComparison.Ordinal) ? key[_prefix.Length..] : key;
                if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
                {
                    continue;
                }

                yield return new StoredArchive(
                    name,
                    long.Parse(Child(contents, "Size") ?? "0", CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(Child(contents, "LastModified") ?? "0001-01-01T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                    null,
                    Child(contents, "ETag")?.Trim('"'));
            }

            continuation = string.Equals(Element(page, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase) ? Element(page, "NextContinuationToken") : null;
        }
        while (continuation is not null);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, _prefix + name, null, null, null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "delete", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<List<string>> UploadPartsAsync(string key, string uploadId, string localPath, ArchiveDigest digest, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var etags = new List<string>();
        await using var input = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (input.Length != digest.Length)
        {
            throw new EnvironmentStoreException($"The archive '{localPath}' changed while it was being uploaded ({input.Length} bytes, {digest.Length} when hashed).");
        }

        var buffer = new byte[(int)Math.Min(digest.PartSize, Math.Max(1, digest.Length))];
        long sent = 0;
        for (var part = 1; ; part++)
        {
            var length = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (length == 0 && part > 1)
            {
                break;
            }

            var md5 = Convert.ToBase64String(MD5Of(buffer.AsSpan(0, length)));
            var sha256 = SigV4Signer.Hex(SHA256.HashData(buffer.AsSpan(0, length)));
            var offset = sent;
            using var response = await SendAsync(
                HttpMethod.Put,
                key,
                string.Create(CultureInfo.InvariantCulture, $"partNumber={part}&uploadId={SigV4Signer.Encode(uploadId)}"),
                request =>
                {
                    request.Content = new ProgressContent(buffer, length, offset, progress);
                    request.Content.Headers.ContentMD5 = Convert.FromBase64String(md5);
                },
                sha256,
                cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "write", cancellationToken).ConfigureAwait(false);
            etags.Add(response.Headers.ETag?.Tag ?? "\"" + Header(response, "ETag")?.Trim('"') + "\"");
            sent += length;
            if (length < buffer.Length)
            {
                break;
            }
        }

        return etags;
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var response = await SendAsync(HttpMethod.Delete, key, "uploadId=" + SigV4Signer.Encode(uploadId), null, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or EnvironmentStoreException)
        {
            // Best effort: an unfinished upload is invisible (no object exists under the name) and a bucket lifecycle rule
            // (AbortIncompleteMultipartUpload) reclaims its parts.
        }
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string? key, string? query, Action<HttpRequestMessage>? configure, string? payloadHash, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, RequestUri(key, query));
        configure?.Invoke(request);
        _signer.Sign(request, payloadHash ?? SigV4Signer.EmptyPayloadHash, DateTimeOffset.UtcNow);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new EnvironmentStoreException($"Cannot reach S3 at {request.RequestUri!.GetLeftPart(UriPartial.Authority)} for {Location}: {exception.Message}", exception);
        }
        finally
        {
            request.Dispose();
        }
    }

    private Uri RequestUri(string? key, string? query)
    {
        var path = key is null ? string.Empty : string.Join('/', key.Split('/').Select(SigV4Signer.Encode));
        string text;
        if (_endpoint is not null)
        {
            // An S3-compatible endpoint: path-style addressing (bucket in the path), as s3a's fs.s3a.path.style.access does.
            text = _endpoint.GetLeftPart(UriPartial.Authority) + _endpoint.AbsolutePath.TrimEnd('/') + "/" + SigV4Signer.Encode(_bucket) + "/" + path;
        }
        else
        {
            text = $"https://{_bucket}.s3.{_region}.amazonaws.com/{path}";
        }

        if (!string.IsNullOrEmpty(query))
        {
            text += "?" + query;
        }

        return new Uri(text, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    private async Task<XDocument?> EnsureSuccessAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        var text = response.RequestMessage?.Method == HttpMethod.Head ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        XDocument? document = null;
        if (text.Length > 0)
        {
            try
            {
                document = XDocument.Parse(text);
            }
            catch (System.Xml.XmlException)
            {
                document = null;
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return document;
        }

        var code = document is null ? null : Element(document, "Code");
        var where = $"s3a://{_bucket}/{_prefix}";
        throw (int)response.StatusCode switch
        {
            403 or 401 => new EnvironmentStoreException(
                $"S3 refused to {action} {where} ({(int)response.StatusCode} {code ?? "Forbidden"}): check the credentials (from {_credentials.Source}), " +
                $"the region ({_region}) and the bucket policy.{EnvironmentStoreShipper.AfterRefusal(action)}"),
            404 when code == "NoSuchBucket" => new EnvironmentStoreException(
                $"The bucket '{_bucket}' of the environment store {Location} does not exist at {(_endpoint is null ? "AWS S3" : _endpoint.ToString())} (region {_region}): " +
                "check the bucket name and the endpoint, or create the bucket (the store creates folders, never buckets)."),
            _ => new EnvironmentStoreException($"S3 failed to {action} {where}: {(int)response.StatusCode} {code} {(document is null ? null : Element(document, "Message"))}".TrimEnd()),
        };
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private static string? Element(XDocument? document, string name) =>
        document?.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string? Child(XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

#pragma warning disable CA5351 // Content-MD5 is S3's transfer checksum of a part, not a security measure.
    private static byte[] MD5Of(ReadOnlySpan<byte> data) => MD5.HashData(data);
#pragma warning restore CA5351

    /// <summary>A part's bytes, written in 1 MiB slices so progress is reported while it is sent.</summary>
    private sealed class ProgressContent(byte[] buffer, int length, long offset, IProgress<long>? progress) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            const int slice = 1024 * 1024;
            for (var at = 0; at < length; at += slice)
            {
                var count = Math.Min(slice, length - at);
                await stream.WriteAsync(buffer.AsMemory(at, count), cancellationToken).ConfigureAwait(false);
                progress?.Report(offset + at + count);
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}
