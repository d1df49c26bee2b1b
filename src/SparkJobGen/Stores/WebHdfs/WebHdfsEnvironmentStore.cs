using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Stores.WebHdfs;

/// <summary>
/// A store in an HDFS folder (<c>hdfs://namenode/user/me/envs/</c>, <c>webhdfs://host:9870/…</c>, <c>swebhdfs://…</c>), spoken to
/// through the WebHDFS REST API that namenodes serve (HttpFS serves the same API). An upload is written with the documented
/// two-step <c>CREATE</c> (<c>overwrite=false</c>, the namenode redirects to a datanode, the data goes there) to a hidden
/// temporary name, given permission 444 and its SHA-256 as the extended attribute <c>user.sparkjobgen.sha256</c>, and published
/// with <c>RENAME</c>, which HDFS refuses when the name exists: an interrupted upload never shows under the final name, and
/// of two uploaders only one publishes. Authentication: a delegation token (<c>delegation=</c>) or a user name
/// (<c>user.name=</c>, simple authentication); Kerberos SPNEGO is not spoken.
/// </summary>
public sealed class WebHdfsEnvironmentStore : IEnvironmentStore
{
    /// <summary>The extended attribute holding the archive's SHA-256.</summary>
    public const string Sha256Attribute = "user.sparkjobgen.sha256";

    /// <summary>The namenode HTTP port of Hadoop 3, used when no WebHDFS address is configured for an <c>hdfs://</c> store.</summary>
    public const int DefaultHttpPort = 9870;

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _folder;
    private readonly string _authentication;
    private readonly string _authenticationDescription;

    private WebHdfsEnvironmentStore(Uri location, Uri httpBase, string authentication, string authenticationDescription)
    {
        Location = location;
        _base = httpBase;
        _folder = "/" + Uri.UnescapeDataString(location.AbsolutePath).Trim('/');
        _authentication = authentication;
        _authenticationDescription = authenticationDescription;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc/>
    public Uri Location { get; }

    /// <summary>Opens the store, resolving the WebHDFS address and the credentials (see <see cref="EnvironmentStoreOptions"/>).</summary>
    /// <param name="location">The <c>hdfs://</c>, <c>webhdfs://</c> or <c>swebhdfs://</c> folder.</param>
    /// <param name="options">Endpoint, variables and the secret sink.</param>
    /// <exception cref="EnvironmentStoreException">The WebHDFS address is not an http(s) URL.</exception>
    public static WebHdfsEnvironmentStore Create(Uri location, EnvironmentStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        Uri httpBase;
        if (location.Scheme is "webhdfs" or "swebhdfs")
        {
            var scheme = location.Scheme == "webhdfs" ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
            httpBase = new Uri($"{scheme}://{location.Host}:{(location.IsDefaultPort || location.Port < 0 ? DefaultHttpPort : location.Port)}");
        }
        else if ((options.WebHdfsEndpoint?.ToString() ?? options.GetVariable(EnvironmentStoreOptions.WebHdfsUrlVariable)) is { } configured)
        {
            if (!Uri.TryCreate(configured, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new EnvironmentStoreException($"The WebHDFS address '{configured}' is not an http(s) URL such as http://namenode:{DefaultHttpPort}.");
            }

            httpBase = endpoint;
        }
        else if (!string.IsNullOrEmpty(location.Host))
        {
            httpBase = new Uri($"http://{location.Host}:{DefaultHttpPort}");
        }
        else
        {
            throw new EnvironmentStoreException(
                $"The environment store {location} names no namenode: write hdfs://namenode/path/, or set {EnvironmentStoreOptions.WebHdfsUrlVariable}=http://namenode:{DefaultHttpPort}.");
        }

        string authentication;
        string description;
        if (options.GetVariable(EnvironmentStoreOptions.WebHdfsTokenVariable) is { } token)
        {
            options.OnSecret?.Invoke(token);
            authentication = "delegation=" + Uri.EscapeDataString(token);
            description = $"the delegation token in {EnvironmentStoreOptions.WebHdfsTokenVariable}";
        }
        else
        {
            var user = options.GetVariable("HADOOP_USER_NAME") ?? Environment.UserName;
            authentication = "user.name=" + Uri.EscapeDataString(user);
            description = $"user '{user}' (HADOOP_USER_NAME, else the login name)";
        }

        return new WebHdfsEnvironmentStore(location, httpBase, authentication, description);
    }

    /// <inheritdoc/>
    public string SparkUri(string name) => Location.GetLeftPart(UriPartial.Authority) + _folder.TrimEnd('/') + "/" + name;

    /// <inheritdoc/>
    public async Task CheckFolderAsync(CancellationToken cancellationToken)
    {
        using var status = await SendAsync(HttpMethod.Get, _folder, "GETFILESTATUS", null, cancellationToken).ConfigureAwait(false);
        if (status.StatusCode == HttpStatusCode.NotFound)
        {
            // Created readable and traversable by everyone: YARN's public cache needs execute permission for others on every ancestor.
            using var created = await SendAsync(HttpMethod.Put, _folder, "MKDIRS", "permission=755", cancellationToken).ConfigureAwait(false);
            await ReadAsync(created, "create the folder", cancellationToken).ConfigureAwait(false);
            return;
        }

        var document = await ReadAsync(status, "read", cancellationToken).ConfigureAwait(false);
        if (document.RootElement.GetProperty("FileStatus").GetProperty("type").GetString() != "DIRECTORY")
        {
            throw new EnvironmentStoreException($"The environment store {Location} is a file, not a folder: give the folder the archives go into.");
        }
    }

    /// <inheritdoc/>
    public async Task<StoredArchive?> StatAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        JsonElement status;
        using (var response = await SendAsync(HttpMethod.Get, path, "GETFILESTATUS", null, cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            status = (await ReadAsync(response, "read", cancellationToken).ConfigureAwait(false)).RootElement.GetProperty("FileStatus").Clone();
        }

        string? sha256 = null;
        using (var response = await SendAsync(HttpMethod.Get, path, "GETXATTRS", "encoding=text", cancellationToken).ConfigureAwait(false))
        {
            var document = await ReadAsync(response, "read", cancellationToken).ConfigureAwait(false);
            if (document.RootElement.TryGetProperty("XAttrs", out var attributes))
            {
                foreach (var attribute in attributes.EnumerateArray())
                {
                    if (attribute.GetProperty("name").GetString() == Sha256Attribute)
                    {
                        // encoding=text returns the value in double quotes.
                        sha256 = attribute.GetProperty("value").GetString()?.Trim('"');
                    }
                }
            }
        }

        return ToStored(name, status) with { RecordedSha256 = sha256 };
    }

    /// <inheritdoc/>
    public Task<bool> MatchesAsync(StoredArchive stored, ArchiveDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(digest);
        // HDFS checks every block's CRCs when it is read; what can differ is a truncated or foreign file under the name.
        return Task.FromResult(stored.Length == digest.Length && string.Equals(stored.RecordedSha256, digest.Sha256, StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc/>
    public async Task<StoreWriteOutcome> PublishAsync(
        string name, string localPath, ArchiveDigest digest, StoredArchive? replacing, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var temporary = PathOf($".{name}.{Guid.NewGuid():N}.partial");
        var published = false;
        var written = false;
        try
        {
            // The attribute first: setting a user.* attribute needs write permission on the file, which 444 takes away.
            await CreateAsync(temporary, localPath, digest.Length, progress, cancellationToken).ConfigureAwait(false);
            written = true;
            using (var attribute = await SendAsync(
                HttpMethod.Put, temporary, "SETXATTR", $"xattr.name={Sha256Attribute}&xattr.value={Uri.EscapeDataString("\"" + digest.Sha256 + "\"")}&flag=CREATE", cancellationToken).ConfigureAwait(false))
            {
                await ReadAsync(attribute, "record the SHA-256 of", cancellationToken).ConfigureAwait(false);
            }

            // Immutable and readable by everyone, so YARN NodeManagers can localize it into their public cache.
            using (var permission = await SendAsync(HttpMethod.Put, temporary, "SETPERMISSION", "permission=444", cancellationToken).ConfigureAwait(false))
            {
                await ReadAsync(permission, "set the permission of", cancellationToken).ConfigureAwait(false);
            }

            if (replacing is not null)
            {
                // WebHDFS RENAME cannot overwrite: the corrupt file goes first, and only if it is still the one inspected.
                var current = await StatAsync(name, cancellationToken).ConfigureAwait(false);
                if (current is not null && current.Length == replacing.Length && current.LastModified == replacing.LastModified)
                {
                    using var delete = await SendAsync(HttpMethod.Delete, PathOf(name), "DELETE", "recursive=false", cancellationToken).ConfigureAwait(false);
                    await ReadAsync(delete, "delete the corrupt", cancellationToken).ConfigureAwait(false);
                }
            }

            using var rename = await SendAsync(HttpMethod.Put, temporary, "RENAME", "destination=" + Uri.EscapeDataString(PathOf(name)), cancellationToken).ConfigureAwait(false);
            var renamed = (await ReadAsync(rename, "publish", cancellationToken).ConfigureAwait(false)).RootElement.GetProperty("boolean").GetBoolean();
            published = renamed;
            return renamed ? StoreWriteOutcome.Created : StoreWriteOutcome.AlreadyExists;
        }
        finally
        {
            if (!published)
            {
                await DeleteQuietlyAsync(temporary, writeWasCutOff: !written).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredArchive> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JsonDocument listing;
        using (var response = await SendAsync(HttpMethod.Get, _folder, "LISTSTATUS", null, cancellationToken).ConfigureAwait(false))
        {
            listing = await ReadAsync(response, "list", cancellationToken).ConfigureAwait(false);
        }

        using (listing)
        {
            foreach (var status in listing.RootElement.GetProperty("FileStatuses").GetProperty("FileStatus").EnumerateArray())
            {
                var name = status.GetProperty("pathSuffix").GetString() ?? string.Empty;
                if (status.GetProperty("type").GetString() == "FILE" && name.Length > 0 && name[0] != '.')
                {
                    yield return ToStored(name, status);
                }
            }
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, PathOf(name), "DELETE", "recursive=false", cancellationToken).ConfigureAwait(false);
        await ReadAsync(response, "delete", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task CreateAsync(string path, string localPath, long length, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // Step 1: the namenode answers 307 with the datanode URL in Location; no data is sent to it.
        Uri target;
        using (var redirect = await SendAsync(HttpMethod.Put, path, "CREATE", "overwrite=false&permission=644", cancellationToken).ConfigureAwait(false))
        {
            if (redirect.StatusCode != HttpStatusCode.TemporaryRedirect || redirect.Headers.Location is not { } location)
            {
                await ReadAsync(redirect, "write", cancellationToken).ConfigureAwait(false);
                throw new EnvironmentStoreException($"WebHDFS at {_base} did not redirect CREATE to a datanode ({(int)redirect.StatusCode}).");
            }

            target = location.IsAbsoluteUri ? location : new Uri(_base, location);
        }

        // Step 2: the data goes to the datanode, which answers 201 Created.
        using var request = new HttpRequestMessage(HttpMethod.Put, target) { Content = new FileUploadContent(localPath, length, progress) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ReadAsync(response, "write", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a temporary file, best effort. After a CREATE that was cut off (<paramref name="writeWasCutOff"/>), the write can
    /// still register the file under construction after the DELETE, so the file is looked for over the next 1.5 s and deleted
    /// again each time it is there.
    /// </summary>
    private async Task DeleteQuietlyAsync(string path, bool writeWasCutOff)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using (await SendAsync(HttpMethod.Delete, path, "DELETE", "recursive=false", timeout.Token).ConfigureAwait(false))
            {
            }

            if (!writeWasCutOff)
            {
                return;
            }

            foreach (var wait in new[] { 100, 200, 400, 800 })
            {
                await Task.Delay(wait, timeout.Token).ConfigureAwait(false);
                using var status = await SendAsync(HttpMethod.Get, path, "GETFILESTATUS", null, timeout.Token).ConfigureAwait(false);
                if (status.StatusCode != System.Net.HttpStatusCode.NotFound)
                {
                    using (await SendAsync(HttpMethod.Delete, path, "DELETE", "recursive=false", timeout.Token).ConfigureAwait(false))
                    {
                    }
                }
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or EnvironmentStoreException)
        {
            // Best effort: a leftover is a hidden .partial file, never the final name; `store prune` does not list it.
        }
    }

    private string PathOf(string name) => _folder.TrimEnd('/') + "/" + name;

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string operation, string? parameters, CancellationToken cancellationToken)
    {
        var encodedPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        var query = $"op={operation}&{_authentication}" + (parameters is null ? string.Empty : "&" + parameters);
        var uri = new Uri(_base.GetLeftPart(UriPartial.Authority) + _base.AbsolutePath.TrimEnd('/') + "/webhdfs/v1" + encodedPath + "?" + query);
        return SendAsync(new HttpRequestMessage(method, uri), cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new EnvironmentStoreException($"Cannot reach WebHDFS at {_base} for {Location}: {exception.Message}", exception);
        }
    }

    // WebHDFS errors are a RemoteException document: {"RemoteException": {"exception": …, "javaClassName": …, "message": …}}.
    private async Task<JsonDocument> ReadAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }
        catch (JsonException)
        {
            document = null;
        }

        if (response.IsSuccessStatusCode && document is not null)
        {
            return document;
        }

        string? exception = null;
        string? message = null;
        if (document is not null && document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("RemoteException", out var remote))
        {
            exception = remote.TryGetProperty("exception", out var e) ? e.GetString() : null;
            message = remote.TryGetProperty("message", out var m) ? m.GetString() : null;
        }

        document?.Dispose();
        var status = (int)response.StatusCode;
        throw status switch
        {
            401 => new EnvironmentStoreException(
                $"WebHDFS at {_base} refused to {action} {Location} ({status} {exception ?? "Unauthorized"}): check {_authenticationDescription}.{EnvironmentStoreShipper.AfterRefusal(action)}"),
            403 when exception is "InvalidToken" or "SecurityException" => new EnvironmentStoreException(
                $"WebHDFS at {_base} refused to {action} {Location} ({status} {exception}: {message}): check {_authenticationDescription}.{EnvironmentStoreShipper.AfterRefusal(action)}"),
            403 when exception == "AccessControlException" => new EnvironmentStoreException(
                $"WebHDFS at {_base} denied {_authenticationDescription} permission to {action} {Location}: {message}"),
            _ => new EnvironmentStoreException($"WebHDFS at {_base} failed to {action} {Location}: {status} {exception} {message}".TrimEnd()),
        };
    }

    private static StoredArchive ToStored(string name, JsonElement status) => new(
        name,
        status.GetProperty("length").GetInt64(),
        DateTimeOffset.FromUnixTimeMilliseconds(status.GetProperty("modificationTime").GetInt64()),
        null,
        null);
}
