using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparkJobGen.Tests.Submission.Livy;

/// <summary>
/// An in-process HTTP server (System.Net.HttpListener on 127.0.0.1) that implements the DOCUMENTED Livy REST API contract
/// for batches (apache/incubator-livy docs/rest-api.md: POST /batches, GET /batches/{id}, GET /batches/{id}/state,
/// GET /batches/{id}/log?from=&amp;size=, DELETE /batches/{id}) — it is not Livy. Every request is checked against that
/// contract (paths, methods, the documented request fields and their JSON types, integer query parameters), plus the
/// X-Requested-By header Livy demands with CSRF protection on and the configured authentication; anything else is recorded
/// as a violation and answered with an error. Batch progress is scripted: each state poll advances to the next state and
/// reveals more log lines.
/// </summary>
internal sealed class LivyContractServer : IDisposable
{
    private static readonly Dictionary<string, JsonValueKind[]> DocumentedBatchFields = new()
    {
        ["file"] = [JsonValueKind.String],
        ["proxyUser"] = [JsonValueKind.String],
        ["className"] = [JsonValueKind.String],
        ["args"] = [JsonValueKind.Array],
        ["jars"] = [JsonValueKind.Array],
        ["pyFiles"] = [JsonValueKind.Array],
        ["files"] = [JsonValueKind.Array],
        ["driverMemory"] = [JsonValueKind.String],
        ["driverCores"] = [JsonValueKind.Number],
        ["executorMemory"] = [JsonValueKind.String],
        ["executorCores"] = [JsonValueKind.Number],
        ["numExecutors"] = [JsonValueKind.Number],
        ["archives"] = [JsonValueKind.Array],
        ["queue"] = [JsonValueKind.String],
        ["name"] = [JsonValueKind.String],
        ["conf"] = [JsonValueKind.Object],
    };

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly object _gate = new();
    private int _stateIndex;

    public LivyContractServer(string? expectedAuthorization = null, (string Name, string Value)? expectedHeader = null)
    {
        ExpectedAuthorization = expectedAuthorization;
        ExpectedHeader = expectedHeader;
        var port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}/livy/");
        _listener.Prefixes.Add(BaseUri.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The server URL, with a path prefix as gateways such as Knox add.</summary>
    public Uri BaseUri { get; }

    public string? ExpectedAuthorization { get; }

    public (string Name, string Value)? ExpectedHeader { get; }

    /// <summary>The states returned by successive state polls; the last repeats.</summary>
    public string[] States { get; init; } = ["starting", "running", "success"];

    /// <summary>The log lines; after the n-th state poll, the first n * LinesPerPoll lines are visible.</summary>
    public string[] LogLines { get; init; } = [];

    public int LinesPerPoll { get; init; } = 2;

    public string AppId { get; init; } = "application_1732419000000_0007";

    public IReadOnlyList<string> Violations => _violations.ToArray();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public JsonObject? CreatedBatch { get; private set; }

    public void Dispose()
    {
        try
        {
            // Close (not Stop then Close): the managed listener re-resolves the endpoint on a second removal.
            _listener.Close();
        }
        catch (HttpListenerException)
        {
        }

        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Handle(context);
            }
            catch (Exception exception)
            {
                _violations.Enqueue("server error: " + exception.Message);
                Respond(context, 500, new JsonObject { ["msg"] = exception.Message });
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = reader.ReadToEnd();
        }

        var path = request.Url!.AbsolutePath.Substring(BaseUri.AbsolutePath.Length).TrimEnd('/');
        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.HttpMethod, path, request.Url.Query, headers, body);
        _requests.Enqueue(recorded);

        if (string.IsNullOrEmpty(request.Headers["X-Requested-By"]))
        {
            _violations.Enqueue($"{request.HttpMethod} {path}: no X-Requested-By header (Livy rejects it with CSRF protection on)");
            Respond(context, 400, new JsonObject { ["msg"] = "Missing Required Header for CSRF protection." });
            return;
        }

        if (ExpectedAuthorization is not null && request.Headers["Authorization"] != ExpectedAuthorization)
        {
            Respond(context, 401, new JsonObject { ["msg"] = "unauthorized: got " + request.Headers["Authorization"] });
            return;
        }

        if (ExpectedHeader is { } expected && request.Headers[expected.Name] != expected.Value)
        {
            Respond(context, 401, new JsonObject { ["msg"] = "missing " + expected.Name });
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (request.HttpMethod, segments)
        {
            case ("POST", ["batches"]):
                CreateBatch(context, request, body);
                return;
            case ("GET", ["batches", var id]) when CheckBatch(context, id):
                Respond(context, 200, BatchObject());
                return;
            case ("GET", ["batches", var id, "state"]) when CheckBatch(context, id):
                Respond(context, 200, new JsonObject { ["id"] = 0, ["state"] = AdvanceState() });
                return;
            case ("GET", ["batches", var id, "log"]) when CheckBatch(context, id):
                Log(context, request);
                return;
            case ("DELETE", ["batches", var id]) when CheckBatch(context, id):
                lock (_gate)
                {
                    Deleted = true;
                }

                Respond(context, 200, new JsonObject { ["msg"] = "deleted" });
                return;
            case (_, ["batches", _, ..]):
                return; // CheckBatch answered.
            default:
                _violations.Enqueue($"{request.HttpMethod} {path} is not a documented Livy batch endpoint");
                Respond(context, 404, new JsonObject { ["msg"] = "not found" });
                return;
        }
    }

    public bool Deleted { get; private set; }

    private bool CheckBatch(HttpListenerContext context, string id)
    {
        if (CreatedBatch is not null && id == "0")
        {
            return true;
        }

        _violations.Enqueue($"request for unknown batch '{id}'");
        Respond(context, 404, new JsonObject { ["msg"] = $"Session '{id}' not found." });
        return false;
    }

    private void CreateBatch(HttpListenerContext context, HttpListenerRequest request, string body)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.Ordinal))
        {
            _violations.Enqueue("POST /batches without Content-Type application/json: " + request.ContentType);
        }

        JsonObject batch;
        try
        {
            batch = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException exception)
        {
            _violations.Enqueue("POST /batches body is not a JSON object: " + exception.Message);
            Respond(context, 400, new JsonObject { ["msg"] = "bad body" });
            return;
        }

        var before = _violations.Count;
        foreach (var (name, value) in batch)
        {
            if (!DocumentedBatchFields.TryGetValue(name, out var kinds))
            {
                _violations.Enqueue($"POST /batches field '{name}' is not in the documented request body");
                continue;
            }

            var kind = value?.GetValueKind() ?? JsonValueKind.Null;
            if (!kinds.Contains(kind))
            {
                _violations.Enqueue($"POST /batches field '{name}' has JSON type {kind}, documented as {string.Join("/", kinds)}");
            }
            else if (kind == JsonValueKind.Array && value!.AsArray().Any(e => e?.GetValueKind() != JsonValueKind.String))
            {
                _violations.Enqueue($"POST /batches field '{name}' must be a list of strings");
            }
            else if (kind == JsonValueKind.Number && !int.TryParse(value!.ToJsonString(), out _))
            {
                _violations.Enqueue($"POST /batches field '{name}' must be an int");
            }
            else if (kind == JsonValueKind.Object && value!.AsObject().Any(e => e.Value?.GetValueKind() != JsonValueKind.String))
            {
                _violations.Enqueue($"POST /batches field '{name}' must map keys to string values");
            }
        }

        if (batch["file"] is null)
        {
            _violations.Enqueue("POST /batches without the required 'file'");
        }

        if (_violations.Count != before)
        {
            Respond(context, 400, new JsonObject { ["msg"] = "invalid batch request" });
            return;
        }

        CreatedBatch = batch;
        Respond(context, 201, new JsonObject
        {
            ["id"] = 0,
            ["name"] = batch["name"]?.DeepClone(),
            ["owner"] = null,
            ["proxyUser"] = batch["proxyUser"]?.DeepClone(),
            ["state"] = "starting",
            ["appId"] = null,
            ["appInfo"] = new JsonObject { ["driverLogUrl"] = null, ["sparkUiUrl"] = null },
            ["log"] = new JsonArray("stdout: ", "\nstderr: "),
        });
    }

    private string AdvanceState()
    {
        lock (_gate)
        {
            if (Deleted)
            {
                return "killed";
            }

            var state = States[Math.Min(_stateIndex, States.Length - 1)];
            _stateIndex++;
            return state;
        }
    }

    private int VisibleLines
    {
        get
        {
            lock (_gate)
            {
                return Math.Min(LogLines.Length, (_stateIndex + 1) * LinesPerPoll);
            }
        }
    }

    private JsonObject BatchObject()
    {
        string state;
        lock (_gate)
        {
            state = Deleted ? "killed" : States[Math.Min(Math.Max(_stateIndex - 1, 0), States.Length - 1)];
        }

        return new JsonObject
        {
            ["id"] = 0,
            ["state"] = state,
            ["appId"] = _stateIndex > 1 ? AppId : null,
            ["appInfo"] = new JsonObject { ["driverLogUrl"] = "http://nm.example:8042/node/containerlogs/c_1/etl", ["sparkUiUrl"] = "http://rm.example:8088/proxy/" + AppId + "/" },
            ["log"] = new JsonArray(LogLines.Take(VisibleLines).Select(l => (JsonNode?)l).ToArray()),
        };
    }

    private void Log(HttpListenerContext context, HttpListenerRequest request)
    {
        int from = 0, size = 100;
        foreach (var (name, target) in new[] { ("from", 0), ("size", 1) })
        {
            var raw = request.QueryString[name];
            if (raw is null)
            {
                continue;
            }

            if (!int.TryParse(raw, out var value) || value < 0)
            {
                _violations.Enqueue($"GET log parameter '{name}' must be a non-negative int, got '{raw}'");
                Respond(context, 400, new JsonObject { ["msg"] = "bad " + name });
                return;
            }

            if (target == 0)
            {
                from = value;
            }
            else
            {
                size = value;
            }
        }

        var visible = LogLines.Take(VisibleLines).ToArray();
        var page = visible.Skip(from).Take(size).Select(l => (JsonNode?)l).ToArray();
        Respond(context, 200, new JsonObject { ["id"] = 0, ["from"] = from, ["size"] = page.Length, ["total"] = visible.Length, ["log"] = new JsonArray(page) });
    }

    private static void Respond(HttpListenerContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }
}

/// <summary>One request the contract server received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);
