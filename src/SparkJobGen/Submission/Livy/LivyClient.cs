using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Submission.Livy;

/// <summary>
/// The batch endpoints of the Livy REST API: <c>POST /batches</c>, <c>GET /batches/{id}</c>, <c>GET /batches/{id}/state</c>,
/// <c>GET /batches/{id}/log</c>, <c>DELETE /batches/{id}</c>. Every request carries the configured credentials and
/// <c>X-Requested-By</c>; errors are <see cref="LivyException"/>s with credentials masked.
/// </summary>
public sealed class LivyClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly LivyOptions _options;
    private readonly Uri _base;

    /// <summary>Creates a client.</summary>
    /// <param name="options">The endpoint, credentials and HTTP handler.</param>
    public LivyClient(LivyOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        var endpoint = options.Endpoint ?? throw new ArgumentException("The Livy endpoint is required.", nameof(options));
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The Livy endpoint must be an absolute http(s) URL, for example http://livy:8998/; got '{endpoint}'.", nameof(options));
        }

        _base = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _http = options.MessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        _http.Timeout = TimeSpan.FromMinutes(2);
        Redactor = new SecretRedactor(options.Authentication?.Secrets ?? []);
    }

    /// <summary>The endpoint, ending with a slash; request paths such as <c>batches/3</c> are relative to it.</summary>
    internal Uri BaseUri => _base;

    /// <summary>Masks the client's credentials (and anything added later) in text.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>Creates a batch (<c>POST /batches</c>).</summary>
    /// <param name="request">The batch.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<LivyBatch> CreateBatchAsync(LivyBatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Redactor.AddFromConf(request.Conf ?? new System.Collections.Generic.Dictionary<string, string>())
            .AddRange(request.Secrets)
            .AddFromJobArguments(request.Args ?? []);
        var body = request.ToJson();
        return SendAsync(HttpMethod.Post, "batches", body, LivyJson.Default.LivyBatch, cancellationToken);
    }

    /// <summary>Reads a batch (<c>GET /batches/{id}</c>).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<LivyBatch> GetBatchAsync(int batchId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "batches/" + Id(batchId), null, LivyJson.Default.LivyBatch, cancellationToken);

    /// <summary>Reads a batch's state (<c>GET /batches/{id}/state</c>).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<LivyBatchState> GetBatchStateAsync(int batchId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "batches/" + Id(batchId) + "/state", null, LivyJson.Default.LivyBatchState, cancellationToken);

    /// <summary>Reads log lines (<c>GET /batches/{id}/log?from=&amp;size=</c>).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="from">The offset of the first line.</param>
    /// <param name="size">The maximum number of lines.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<LivyBatchLog> GetBatchLogAsync(int batchId, int from, int size, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"batches/{Id(batchId)}/log?from={Id(from)}&size={Id(size)}", null, LivyJson.Default.LivyBatchLog, cancellationToken);

    /// <summary>Kills and removes a batch (<c>DELETE /batches/{id}</c>).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task DeleteBatchAsync(int batchId, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Delete, "batches/" + Id(batchId), null, LivyJson.Default.JsonElement, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string Id(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<T> SendAsync<T>(HttpMethod method, string relative, string? body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var uri = new Uri(_base, relative);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Requested-By", _options.RequestedBy);
        _options.Authentication?.Apply(request);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LivyException(Redactor.Redact($"{method} {uri} got no answer within {_http.Timeout.TotalSeconds:0} s. Check that the Livy server is up."), exception)
            {
                IsTransient = true,
            };
        }
        catch (HttpRequestException exception)
        {
            throw new LivyException(Redactor.Redact($"{method} {uri} failed: {exception.Message}. Check the Livy URL and that the server is reachable."), exception)
            {
                IsTransient = true,
            };
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var hint = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => " The server refused the credentials; check the token (--livy-token, LivyAuthentication.Bearer), or the user and password (--livy-user and --livy-password, LivyAuthentication.Basic).",
                    HttpStatusCode.Forbidden => " The user may not submit (or impersonate the proxy user); with CSRF protection on, X-Requested-By is sent.",
                    HttpStatusCode.BadRequest when text.Contains("Duplicate session name", StringComparison.Ordinal) =>
                        " Livy still tracks a batch of that name (running, or finished within livy.server.session.state-retain.sec, 10 minutes by default): " +
                        "leave the name to sparkjobgen (the job name plus a run id) or choose another with --name / WithName.",
                    HttpStatusCode.BadRequest => " Livy rejected the request body.",
                    HttpStatusCode.NotFound => " Check the Livy URL (and its path prefix behind a gateway) and the batch id.",
                    _ => string.Empty,
                };
                throw new LivyException(
                    Redactor.Redact($"{method} {uri} returned {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(Redactor.Redact(text))}.{hint}"),
                    response.StatusCode)
                {
                    IsTransient = (int)response.StatusCode >= 500,
                };
            }

            if (typeof(T) == typeof(JsonElement) && string.IsNullOrWhiteSpace(text))
            {
                return default!;
            }

            try
            {
                return JsonSerializer.Deserialize(text, type) ?? throw new JsonException("empty body");
            }
            catch (JsonException exception)
            {
                throw new LivyException(Redactor.Redact($"{method} {uri} returned a body that is not the expected Livy JSON: {Truncate(Redactor.Redact(text))}"), exception)
                {
                    IsTransient = true,
                };
            }
        }
    }

    // Applied to text that is already redacted: truncating first could cut a secret so that the part left no longer matches.
    private static string Truncate(string text) => text.Length <= 500 ? text : string.Concat(text.AsSpan(0, 500), "…");
}
