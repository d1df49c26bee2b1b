using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparkJobGen.Tests.Submission.Livy;

/// <summary>
/// An in-process HTTP server (System.Net.HttpListener on 127.0.0.1) that implements the Livy REST API for batches
/// (apache/incubator-livy docs/rest-api.md: POST /batches, GET /batches/{id}, GET /batches/{id}/state,
/// GET /batches/{id}/log?from=&amp;size=, DELETE /batches/{id}) the way Livy's server source (fc4202ea) behaves on the points a
/// client depends on — it is not Livy:
/// <list type="bullet">
/// <item>names: a batch name held by a batch Livy still tracks (running, or finished less than <see cref="StateRetention"/>
/// ago) is refused with 400 "Rejected, Reason: Duplicate session name: Some(name) for session id", and the id is used up
/// (sessions/SessionManager.scala:102-110 register, :162-168 collectGarbage with livy.server.session.state-retain.sec,
/// LivyConf.scala:357 default 600s; BatchSessionServlet.scala:48 nextId before register; SessionServlet.scala:142-144 the 400);
/// DELETE frees the name at once (SessionManager.scala:134-141).</item>
/// <item>nulls: Jackson's Scala module turns a JSON null into None for the Option fields, but into a null list or map for
/// args/jars/pyFiles/files/archives/conf, whose defaults are empty (batch/CreateBatchRequest.scala:20-37); preparing the
/// spark-submit command then throws and the request fails with 500 and the exception text (sessions/Session.scala:85-102,
/// JsonServlet.scala:64-66).</item>
/// <item>log layout: <c>stdout: </c>, spark-submit's output, <c>\nstderr: </c>, its error output (empty: batches merge it into
/// the output, BatchSession.scala:91-92), <c>\nYARN Diagnostics: </c> and the diagnostics (utils/SparkYarnApp.scala:141-144).
/// Each stream keeps only its last <see cref="LogCap"/> lines, dropping the oldest (utils/LineBufferedStream.scala:28-50,
/// livy.cache-log.size, LivyConf.scala:257 default 200). The log endpoint serves <c>from</c>/<c>size</c> as
/// SessionServlet.scala:96-107 and :240-254 do; GET /batches/{id} shows the last 10 lines (BatchSessionServlet.scala:64-79).</item>
/// </list>
/// Every request is also checked against the documented contract (paths, methods, request fields and their JSON types,
/// integer query parameters), the X-Requested-By header Livy demands with CSRF protection on and the configured
/// authentication; anything else is recorded as a violation. Progress is scripted per batch: each state poll advances to
/// the next state and spark-submit prints <see cref="LinesPerPoll"/> more lines; all lines are printed once the state is final.
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

    /// <summary>The request fields Livy holds as Scala lists or maps: a JSON null there is a server error (CreateBatchRequest.scala:24-37).</summary>
    private static readonly HashSet<string> CollectionFields = ["args", "jars", "pyFiles", "files", "archives", "conf"];

    private static readonly string[] TerminalStates = ["success", "dead", "killed", "error"];

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly object _gate = new();
    private readonly Dictionary<int, Batch> _batches = new();
    private readonly HashSet<int> _forgotten = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private int _nextId;

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

    /// <summary>The states returned by successive state polls of a batch; the last repeats.</summary>
    public string[] States { get; init; } = ["starting", "running", "success"];

    /// <summary>What spark-submit prints for a batch; after the n-th state poll it has printed n+1 times <see cref="LinesPerPoll"/> lines.</summary>
    public string[] LogLines { get; init; } = [];

    public int LinesPerPoll { get; init; } = 2;

    /// <summary>The YARN diagnostics of a batch, shown in the log's last section from the start.</summary>
    public string[] Diagnostics { get; init; } = [];

    /// <summary>How many lines of each stream Livy keeps (livy.cache-log.size).</summary>
    public int LogCap { get; init; } = 200;

    /// <summary>How long a finished batch keeps its name (livy.server.session.state-retain.sec).</summary>
    public TimeSpan StateRetention { get; set; } = TimeSpan.FromSeconds(600);

    public string AppId { get; init; } = "application_1732419000000_0007";

    /// <summary>
    /// Faults between the client and Livy (a gateway such as Knox answering 502, a dropped connection…): called with the
    /// endpoint (<c>create</c>, <c>get</c>, <c>state</c>, <c>log</c>, <c>delete</c>) and the 1-based number of the call to it;
    /// a fault is answered instead of Livy's answer and leaves the batch unchanged.
    /// </summary>
    public Func<string, int, LivyFault>? Faults { get; init; }

    /// <summary>
    /// Forgets a batch as soon as a state poll reports it finished, as Livy's session garbage collector does once
    /// livy.server.session.state-retain.sec has passed (SessionManager.scala:162-210): afterwards every request for it is a 404.
    /// </summary>
    public bool ForgetFinished { get; init; }

    public IReadOnlyList<string> Violations => _violations.ToArray();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>The body of the last batch created.</summary>
    public JsonObject? CreatedBatch { get; private set; }

    /// <summary>The names of the batches created, in order.</summary>
    public IReadOnlyList<string?> CreatedNames
    {
        get
        {
            lock (_gate)
            {
                return _batches.Values.OrderBy(b => b.Id).Select(b => b.Name).ToArray();
            }
        }
    }

    /// <summary>Whether a batch was deleted.</summary>
    public bool Deleted { get; private set; }

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
        var endpoint = (request.HttpMethod, segments) switch
        {
            ("POST", ["batches"]) => "create",
            ("GET", ["batches", _]) => "get",
            ("GET", ["batches", _, "state"]) => "state",
            ("GET", ["batches", _, "log"]) => "log",
            ("DELETE", ["batches", _]) => "delete",
            _ => "other",
        };
        var call = _calls.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        if (Faults?.Invoke(endpoint, call) is { } fault && fault != LivyFault.None)
        {
            Inject(context, fault, segments.Length > 1 ? segments[1] : "?");
            return;
        }

        switch (request.HttpMethod, segments)
        {
            case ("POST", ["batches"]):
                CreateBatch(context, request, body);
                return;
            case ("GET", ["batches", var id]) when Find(context, id) is { } batch:
                Respond(context, 200, BatchObject(batch));
                return;
            case ("GET", ["batches", var id, "state"]) when Find(context, id) is { } batch:
                Respond(context, 200, new JsonObject { ["id"] = batch.Id, ["state"] = AdvanceState(batch) });
                return;
            case ("GET", ["batches", var id, "log"]) when Find(context, id) is { } batch:
                Log(context, request, batch);
                return;
            case ("DELETE", ["batches", var id]) when Find(context, id) is { } batch:
                lock (_gate)
                {
                    Deleted = true;
                    _batches.Remove(batch.Id);
                }

                Respond(context, 200, new JsonObject { ["msg"] = "deleted" });
                return;
            case (_, ["batches", _, ..]):
                return; // Find answered.
            default:
                _violations.Enqueue($"{request.HttpMethod} {path} is not a documented Livy batch endpoint");
                Respond(context, 404, new JsonObject { ["msg"] = "not found" });
                return;
        }
    }

    /// <summary>How many requests an endpoint (as named for <see cref="Faults"/>) received, faults included.</summary>
    public int Calls(string endpoint) => _calls.TryGetValue(endpoint, out var n) ? n : 0;

    private static void Inject(HttpListenerContext context, LivyFault fault, string id)
    {
        switch (fault)
        {
            case LivyFault.BadGateway:
                RespondText(context, 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
                break;
            case LivyFault.ServiceUnavailable:
                RespondText(context, 503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html");
                break;
            case LivyFault.GatewayTimeout:
                RespondText(context, 504, "<html><body><h1>504 Gateway Time-out</h1></body></html>", "text/html");
                break;
            case LivyFault.NotJson:
                // A gateway's login or error page served with 200.
                RespondText(context, 200, "<html><head><title>Knox SSO</title></head><body>Sign in</body></html>", "text/html");
                break;
            case LivyFault.DropConnection:
                context.Response.Abort();
                break;
            case LivyFault.NullState:
                Respond(context, 200, new JsonObject { ["id"] = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), ["state"] = null });
                break;
            case LivyFault.Forgotten:
                // SessionServlet.scala:235-236: an id the session manager no longer holds.
                Respond(context, 404, new JsonObject { ["msg"] = $"Session '{id}' not found." });
                break;
            case LivyFault.MissingState:
                Respond(context, 200, new JsonObject { ["id"] = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    private Batch? Find(HttpListenerContext context, string id)
    {
        lock (_gate)
        {
            if (int.TryParse(id, out var number) && _batches.TryGetValue(number, out var batch))
            {
                return batch;
            }

            if (int.TryParse(id, out number) && _forgotten.Contains(number))
            {
                // SessionServlet.scala:235-236: an id the session manager no longer holds.
                Respond(context, 404, new JsonObject { ["msg"] = $"Session '{id}' not found." });
                return null;
            }
        }

        _violations.Enqueue($"request for unknown batch '{id}'");
        Respond(context, 404, new JsonObject { ["msg"] = $"Session '{id}' not found." });
        return null;
    }

    private void CreateBatch(HttpListenerContext context, HttpListenerRequest request, string body)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.Ordinal))
        {
            _violations.Enqueue("POST /batches without Content-Type application/json: " + request.ContentType);
        }

        JsonObject fields;
        try
        {
            fields = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException exception)
        {
            _violations.Enqueue("POST /batches body is not a JSON object: " + exception.Message);
            Respond(context, 400, new JsonObject { ["msg"] = "bad body" });
            return;
        }

        var before = _violations.Count;
        string? nullCollection = null;
        foreach (var (name, value) in fields)
        {
            if (!DocumentedBatchFields.TryGetValue(name, out var kinds))
            {
                _violations.Enqueue($"POST /batches field '{name}' is not in the documented request body");
                continue;
            }

            var kind = value?.GetValueKind() ?? JsonValueKind.Null;
            if (kind == JsonValueKind.Null)
            {
                if (CollectionFields.Contains(name))
                {
                    _violations.Enqueue($"POST /batches field '{name}' is null: Livy fails with 500 (a null list replaces its empty default)");
                    nullCollection ??= name;
                }

                // An Option field: null is None, as when the field is absent.
            }
            else if (!kinds.Contains(kind))
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

        if (fields["file"] is null)
        {
            _violations.Enqueue("POST /batches without the required 'file'");
        }

        if (nullCollection is not null)
        {
            RespondText(context, 500, "java.lang.NullPointerException");
            return;
        }

        if (_violations.Count != before)
        {
            Respond(context, 400, new JsonObject { ["msg"] = "invalid batch request" });
            return;
        }

        var batchName = (string?)fields["name"];
        Batch batch;
        lock (_gate)
        {
            CollectGarbage();
            var id = _nextId++;
            if (batchName is not null && _batches.Values.Any(b => b.Name == batchName))
            {
                Respond(context, 400, new JsonObject { ["msg"] = $"Rejected, Reason: Duplicate session name: Some({batchName}) for session {id}" });
                return;
            }

            batch = new Batch(id, batchName, fields);
            _batches[id] = batch;
            CreatedBatch = fields;
        }

        Respond(context, 201, BatchObject(batch));
    }

    /// <summary>Forgets batches that finished more than <see cref="StateRetention"/> ago, as Livy's session garbage collector does.</summary>
    private void CollectGarbage()
    {
        foreach (var batch in _batches.Values.Where(b => b.FinishedAt is { } at && DateTimeOffset.UtcNow - at > StateRetention).ToArray())
        {
            _batches.Remove(batch.Id);
        }
    }

    private string AdvanceState(Batch batch)
    {
        lock (_gate)
        {
            var state = States[Math.Min(batch.StateIndex, States.Length - 1)];
            batch.StateIndex++;
            if (TerminalStates.Contains(state))
            {
                batch.FinishedAt ??= DateTimeOffset.UtcNow;
                if (ForgetFinished)
                {
                    _batches.Remove(batch.Id);
                    _forgotten.Add(batch.Id);
                }
            }

            return state;
        }
    }

    /// <summary>What spark-submit has printed so far, as Livy's ring buffer holds it.</summary>
    private string[] Window(Batch batch)
    {
        lock (_gate)
        {
            var printed = batch.FinishedAt is not null ? LogLines.Length : Math.Min(LogLines.Length, (batch.StateIndex + 1) * LinesPerPoll);
            return LogLines.Take(printed).TakeLast(LogCap).ToArray();
        }
    }

    /// <summary>The whole log as SparkYarnApp.log() builds it.</summary>
    private List<string> LogOf(Batch batch) => ["stdout: ", .. Window(batch), "\nstderr: ", "\nYARN Diagnostics: ", .. Diagnostics];

    private JsonObject BatchObject(Batch batch)
    {
        string state;
        bool started;
        lock (_gate)
        {
            state = batch.StateIndex == 0 ? "starting" : States[Math.Min(batch.StateIndex - 1, States.Length - 1)];
            started = batch.StateIndex > 1;
        }

        return new JsonObject
        {
            ["id"] = batch.Id,
            ["name"] = batch.Name,
            ["owner"] = null,
            ["proxyUser"] = batch.Fields["proxyUser"]?.DeepClone(),
            ["state"] = state,
            ["appId"] = started ? AppId : null,
            ["appInfo"] = new JsonObject
            {
                ["driverLogUrl"] = started ? "http://nm.example:8042/node/containerlogs/c_1/etl" : null,
                ["sparkUiUrl"] = started ? "http://rm.example:8088/proxy/" + AppId + "/" : null,
            },
            ["log"] = new JsonArray(LogOf(batch).TakeLast(10).Select(l => (JsonNode?)l).ToArray()),
        };
    }

    private void Log(HttpListenerContext context, HttpListenerRequest request, Batch batch)
    {
        int? from = null, size = null;
        foreach (var name in new[] { "from", "size" })
        {
            var raw = request.QueryString[name];
            if (raw is null)
            {
                continue;
            }

            if (!int.TryParse(raw, out var value))
            {
                _violations.Enqueue($"GET log parameter '{name}' must be an int, got '{raw}'");
                Respond(context, 400, new JsonObject { ["msg"] = "bad " + name });
                return;
            }

            if (name == "from")
            {
                from = value;
            }
            else
            {
                size = value;
            }
        }

        var lines = LogOf(batch);
        var pageSize = size ?? 100;
        var start = from ?? -1;
        if (pageSize < 0)
        {
            pageSize = lines.Count;
        }

        if (start < 0)
        {
            start = Math.Max(0, lines.Count - pageSize);
        }

        var page = lines.Skip(start).Take(pageSize).Select(l => (JsonNode?)l).ToArray();
        Respond(context, 200, new JsonObject { ["id"] = batch.Id, ["from"] = start, ["total"] = lines.Count, ["log"] = new JsonArray(page) });
    }

    private static void Respond(HttpListenerContext context, int status, JsonObject body) => RespondText(context, status, body.ToJsonString(), "application/json");

    private static void RespondText(HttpListenerContext context, int status, string text, string contentType = "text/plain")
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    /// <summary>One batch the server tracks.</summary>
    private sealed class Batch(int id, string? name, JsonObject fields)
    {
        public int Id { get; } = id;

        public string? Name { get; } = name;

        public JsonObject Fields { get; } = fields;

        public int StateIndex { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }
    }
}

/// <summary>What stands between the client and Livy can answer instead of it.</summary>
public enum LivyFault
{
    None,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    NotJson,
    DropConnection,
    NullState,
    MissingState,
    Forgotten,
}

/// <summary>One request the contract server received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);
