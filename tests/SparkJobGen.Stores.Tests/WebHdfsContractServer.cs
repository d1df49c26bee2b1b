using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SparkJobGen.Stores.Tests;

/// <summary>
/// A small in-process server on 127.0.0.1 that follows the DOCUMENTED WebHDFS REST API (Apache Hadoop, "WebHDFS REST API":
/// sections "Create and Write to a File" — the two-step CREATE whose first step the namenode answers with 307 and a datanode
/// Location, and whose data goes to the datanode, 201 Created —, "Make a Directory", "Rename a File/Directory" ({"boolean"}),
/// "Delete a File/Directory", "Status of a File/Directory" (FileStatus JSON), "List a Directory", "Set Permission",
/// "Set XAttr"/"Get all XAttrs" (encoding=text quotes values), "Error Responses" (RemoteException JSON and the
/// exception-to-status table: SecurityException 401, AccessControlException and other IOExceptions 403, FileNotFoundException
/// 404, IllegalArgumentException 400), "Authentication" (user.name, delegation)). It is not Hadoop: no Hadoop exists on this
/// machine. It keeps files in memory with HDFS's permission checks (write on the parent to create, rename and delete; write on
/// the file to set a user.* attribute; owner to change permissions), HDFS rename semantics (false when the destination
/// exists), and a file being written visible with its partial length, as HDFS shows a file under construction. The namenode
/// and the datanode listen on two ports. Anything outside the document is recorded as a violation.
/// </summary>
internal sealed class WebHdfsContractServer : IDisposable
{
    private readonly HttpListener _namenode = new();
    private readonly HttpListener _datanode = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    public WebHdfsContractServer(string superUser = "hdfs")
    {
        SuperUser = superUser;
        _nodes["/"] = new Node(true, superUser, "755");
        NamenodePort = Start(_namenode, ServeNamenodeAsync);
        DatanodePort = Start(_datanode, ServeDatanodeAsync);
    }

    public string SuperUser { get; }

    public int NamenodePort { get; }

    public int DatanodePort { get; }

    /// <summary>When set, security is on: every request needs <c>delegation=</c> with this token (the user it names is <see cref="TokenUser"/>).</summary>
    public string? DelegationToken { get; set; }

    /// <summary>
    /// How long the datanode waits before it registers a CREATE's file, to stage the race of an aborted upload: the client's
    /// DELETE of its temporary file can reach the namenode before the cut-off write registers the file under construction.
    /// </summary>
    public TimeSpan DatanodeDelay { get; set; }

    public string TokenUser { get; set; } = "alice";

    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public sealed class Node(bool isDirectory, string owner, string permission)
    {
        public bool IsDirectory { get; } = isDirectory;

        public string Owner { get; set; } = owner;

        public string Permission { get; set; } = permission;

        public MemoryStream Data { get; } = new();

        public long Modified { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        public Dictionary<string, string> XAttrs { get; } = new(StringComparer.Ordinal);
    }

    public void MakeDirectory(string path, string owner, string permission = "755")
    {
        lock (_gate)
        {
            _nodes[path] = new Node(true, owner, permission);
        }
    }

    public Node? Get(string path)
    {
        lock (_gate)
        {
            return _nodes.GetValueOrDefault(path);
        }
    }

    public byte[]? ReadFile(string path)
    {
        lock (_gate)
        {
            return _nodes.GetValueOrDefault(path) is { IsDirectory: false } node ? node.Data.ToArray() : null;
        }
    }

    public void WriteFile(string path, byte[] bytes, string owner, string? sha256Attribute)
    {
        lock (_gate)
        {
            var node = new Node(false, owner, "444");
            node.Data.Write(bytes);
            if (sha256Attribute is not null)
            {
                node.XAttrs["user.sparkjobgen.sha256"] = sha256Attribute;
            }

            _nodes[path] = node;
        }
    }

    public IReadOnlyList<string> Children(string folder)
    {
        lock (_gate)
        {
            return _nodes.Keys.Where(k => k != folder && ParentOf(k) == folder).Select(k => k[(k.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal).ToList();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _namenode.Close();
        _datanode.Close();
        _stop.Dispose();
    }

    private int Start(HttpListener listener, Func<HttpListenerContext, Task> serve)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception) when (_stop.IsCancellationRequested || !listener.IsListening)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    try
                    {
                        await serve(context);
                    }
                    catch (HttpListenerException)
                    {
                        // The client went away (an interrupted upload).
                    }
                    catch (IOException)
                    {
                    }
                    finally
                    {
                        try
                        {
                            context.Response.Close();
                        }
                        catch (Exception)
                        {
                        }
                    }
                });
            }
        });
        return port;
    }

    private const string Prefix = "/webhdfs/v1";

    private async Task ServeNamenodeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.HttpMethod} {request.Url!.PathAndQuery}");
        var (user, authenticationError) = Authenticate(context);
        if (authenticationError is { } failure)
        {
            await ErrorAsync(context, failure.Status, failure.Exception, failure.JavaClass, failure.Message);
            return;
        }

        var path = PathOf(request);
        var op = (request.QueryString["op"] ?? string.Empty).ToUpperInvariant();
        if (path is null)
        {
            await ErrorAsync(context, 400, "IllegalArgumentException", "java.lang.IllegalArgumentException", "The path must start with " + Prefix, violation: true);
            return;
        }

        switch (request.HttpMethod, op)
        {
            case ("GET", "GETFILESTATUS"):
                await WithNodeAsync(context, path, node => JsonAsync(context, 200, new Dictionary<string, object> { ["FileStatus"] = Status(path, "", node) }));
                return;
            case ("GET", "LISTSTATUS"):
                await WithNodeAsync(context, path, node =>
                {
                    List<Dictionary<string, object>> statuses;
                    lock (_gate)
                    {
                        statuses = node.IsDirectory
                            ? _nodes.Where(e => e.Key != path && ParentOf(e.Key) == path).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => Status(e.Key, e.Key[(e.Key.LastIndexOf('/') + 1)..], e.Value)).ToList()
                            : [Status(path, "", node)];
                    }

                    return JsonAsync(context, 200, new Dictionary<string, object> { ["FileStatuses"] = new Dictionary<string, object> { ["FileStatus"] = statuses } });
                });
                return;
            case ("GET", "GETXATTRS"):
                await WithNodeAsync(context, path, node =>
                {
                    if (!Allowed(node, user, 'r'))
                    {
                        return DeniedAsync(context, user, "READ", path);
                    }

                    var text = request.QueryString["encoding"] == "text";
                    List<Dictionary<string, object>> attributes;
                    lock (_gate)
                    {
                        attributes = node.XAttrs.Select(a => new Dictionary<string, object> { ["name"] = a.Key, ["value"] = text ? "\"" + a.Value + "\"" : "0x" + Convert.ToHexString(Encoding.UTF8.GetBytes(a.Value)) }).ToList();
                    }

                    return JsonAsync(context, 200, new Dictionary<string, object> { ["XAttrs"] = attributes });
                });
                return;
            case ("PUT", "CREATE"):
                if (request.ContentLength64 > 0)
                {
                    Violations.Enqueue("data sent to the namenode in CREATE step 1 (the document says to send it only to the redirected datanode)");
                }

                context.Response.StatusCode = 307;
                context.Response.RedirectLocation = $"http://127.0.0.1:{DatanodePort}{Prefix}{Escape(path)}?op=CREATE&user.name={Uri.EscapeDataString(user)}&overwrite={request.QueryString["overwrite"] ?? "false"}&permission={request.QueryString["permission"] ?? "644"}";
                return;
            case ("PUT", "MKDIRS"):
                await MutateAsync(context, user, () =>
                {
                    var parent = ParentOf(path);
                    if (!_nodes.TryGetValue(parent, out var parentNode))
                    {
                        // mkdirs creates missing ancestors; model only one level, as the store needs.
                        return (404, "FileNotFoundException", "Parent does not exist: " + parent);
                    }

                    if (!Allowed(parentNode, user, 'w'))
                    {
                        return (403, "AccessControlException", $"Permission denied: user={user}, access=WRITE, inode=\"{parent}\"");
                    }

                    _nodes.TryAdd(path, new Node(true, user, request.QueryString["permission"] ?? "755"));
                    return (200, null, "true");
                });
                return;
            case ("PUT", "RENAME"):
                await MutateAsync(context, user, () =>
                {
                    var destination = request.QueryString["destination"];
                    if (destination is null || !destination.StartsWith('/'))
                    {
                        return (400, "IllegalArgumentException", "Invalid value for webhdfs parameter \"destination\"");
                    }

                    if (!_nodes.TryGetValue(path, out var source) || _nodes.ContainsKey(destination) || !_nodes.TryGetValue(ParentOf(destination), out var destinationParent))
                    {
                        return (200, null, "false");
                    }

                    if (!Allowed(_nodes[ParentOf(path)], user, 'w') || !Allowed(destinationParent, user, 'w'))
                    {
                        return (403, "AccessControlException", $"Permission denied: user={user}, access=WRITE, inode=\"{ParentOf(destination)}\"");
                    }

                    _nodes.Remove(path);
                    _nodes[destination] = source;
                    return (200, null, "true");
                });
                return;
            case ("PUT", "SETPERMISSION"):
                await MutateAsync(context, user, () =>
                {
                    if (!_nodes.TryGetValue(path, out var node))
                    {
                        return (404, "FileNotFoundException", "File does not exist: " + path);
                    }

                    if (node.Owner != user && user != SuperUser)
                    {
                        return (403, "AccessControlException", $"Permission denied. user={user} is not the owner of inode={path}");
                    }

                    node.Permission = request.QueryString["permission"] ?? "755";
                    return (200, null, null);
                });
                return;
            case ("PUT", "SETXATTR"):
                await MutateAsync(context, user, () =>
                {
                    var name = request.QueryString["xattr.name"];
                    var value = request.QueryString["xattr.value"];
                    var flag = request.QueryString["flag"];
                    if (name is null || !name.StartsWith("user.", StringComparison.Ordinal) || flag is not ("CREATE" or "REPLACE"))
                    {
                        return (400, "IllegalArgumentException", "Invalid xattr.name or flag");
                    }

                    if (!_nodes.TryGetValue(path, out var node))
                    {
                        return (404, "FileNotFoundException", "File does not exist: " + path);
                    }

                    if (!Allowed(node, user, 'w'))
                    {
                        return (403, "AccessControlException", $"Permission denied: user={user}, access=WRITE, inode=\"{path}\"");
                    }

                    if (flag == "CREATE" && node.XAttrs.ContainsKey(name))
                    {
                        return (403, "IOException", "XAttr: " + name + " already exists. The REPLACE flag must be specified.");
                    }

                    // Text values are given in double quotes (the document's xattr.value: "encoded as text string").
                    node.XAttrs[name] = value is ['"', .., '"'] ? value[1..^1] : value ?? string.Empty;
                    return (200, null, null);
                });
                return;
            case ("DELETE", "DELETE"):
                await MutateAsync(context, user, () =>
                {
                    if (!_nodes.TryGetValue(path, out var node))
                    {
                        return (200, null, "false");
                    }

                    if (!Allowed(_nodes[ParentOf(path)], user, 'w'))
                    {
                        return (403, "AccessControlException", $"Permission denied: user={user}, access=WRITE, inode=\"{ParentOf(path)}\"");
                    }

                    if (node.IsDirectory && _nodes.Keys.Any(k => ParentOf(k) == path) && request.QueryString["recursive"] != "true")
                    {
                        return (403, "PathIsNotEmptyDirectoryException", path + " is non empty");
                    }

                    _nodes.Remove(path);
                    return (200, null, "true");
                });
                return;
            default:
                await ErrorAsync(context, 400, "IllegalArgumentException", "java.lang.IllegalArgumentException", $"Invalid value for webhdfs parameter \"op\": {request.HttpMethod} {op}", violation: true);
                return;
        }
    }

    private async Task ServeDatanodeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"datanode {request.HttpMethod} {request.Url!.PathAndQuery}");
        var path = PathOf(request);
        var user = request.QueryString["user.name"] ?? "dr.who";
        if (request.HttpMethod != "PUT" || request.QueryString["op"] != "CREATE" || path is null)
        {
            await ErrorAsync(context, 400, "IllegalArgumentException", "java.lang.IllegalArgumentException", "Only the redirected CREATE is served here", violation: true);
            return;
        }

        if (DatanodeDelay > TimeSpan.Zero)
        {
            await Task.Delay(DatanodeDelay);
        }

        Node? node = null;
        (int Status, string Exception, string JavaClass, string Message)? refusal;
        lock (_gate)
        {
            if (!_nodes.TryGetValue(ParentOf(path), out var parent) || !parent.IsDirectory)
            {
                refusal = (404, "FileNotFoundException", "java.io.FileNotFoundException", "Parent directory doesn't exist: " + ParentOf(path));
            }
            else if (!Allowed(parent, user, 'w'))
            {
                refusal = (403, "AccessControlException", "org.apache.hadoop.security.AccessControlException", $"Permission denied: user={user}, access=WRITE, inode=\"{ParentOf(path)}\"");
            }
            else if (_nodes.ContainsKey(path) && request.QueryString["overwrite"] != "true")
            {
                refusal = (403, "FileAlreadyExistsException", "org.apache.hadoop.fs.FileAlreadyExistsException", path + " for client 127.0.0.1 already exists");
            }
            else
            {
                refusal = null;
                node = new Node(false, user, request.QueryString["permission"] ?? "644");
                _nodes[path] = node;
            }
        }

        if (refusal is { } r)
        {
            await ErrorAsync(context, r.Status, r.Exception, r.JavaClass, r.Message);
            return;
        }

        // The file is visible while it is written, with the length written so far (a file under construction).
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await request.InputStream.ReadAsync(buffer)) > 0)
        {
            lock (_gate)
            {
                node!.Data.Write(buffer, 0, read);
                node.Modified = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }
        }

        context.Response.StatusCode = 201;
        context.Response.Headers["Location"] = $"hdfs://127.0.0.1:8020{path}";
    }

    private (string User, (int Status, string Exception, string JavaClass, string Message)? Error) Authenticate(HttpListenerContext context)
    {
        var token = context.Request.QueryString["delegation"];
        var user = context.Request.QueryString["user.name"] ?? "dr.who";
        if (DelegationToken is null)
        {
            return (user, null);
        }

        if (token is null)
        {
            return (user, (401, "SecurityException", "java.lang.SecurityException", "Authentication required"));
        }

        return token == DelegationToken
            ? (TokenUser, null)
            : (user, (403, "InvalidToken", "org.apache.hadoop.security.token.SecretManager$InvalidToken", "token (HDFS_DELEGATION_TOKEN token 7 for alice) can't be found in cache"));
    }

    private bool Allowed(Node node, string user, char access)
    {
        if (user == SuperUser)
        {
            return true;
        }

        var digit = node.Owner == user ? node.Permission[^3] : node.Permission[^1];
        var bits = digit - '0';
        return access switch { 'r' => (bits & 4) != 0, 'w' => (bits & 2) != 0, _ => (bits & 1) != 0 };
    }

    private async Task WithNodeAsync(HttpListenerContext context, string path, Func<Node, Task> found)
    {
        var node = Get(path);
        if (node is null)
        {
            await ErrorAsync(context, 404, "FileNotFoundException", "java.io.FileNotFoundException", "File does not exist: " + path);
            return;
        }

        await found(node);
    }

    private async Task MutateAsync(HttpListenerContext context, string user, Func<(int Status, string? Exception, string? Result)> change)
    {
        (int Status, string? Exception, string? Result) outcome;
        lock (_gate)
        {
            outcome = change();
        }

        if (outcome.Exception is not null)
        {
            await ErrorAsync(context, outcome.Status, outcome.Exception, outcome.Exception, outcome.Result ?? string.Empty);
        }
        else if (outcome.Result is not null)
        {
            await JsonAsync(context, 200, new Dictionary<string, object> { ["boolean"] = outcome.Result == "true" });
        }
        else
        {
            context.Response.StatusCode = 200;
        }
    }

    private Task DeniedAsync(HttpListenerContext context, string user, string access, string path) =>
        ErrorAsync(context, 403, "AccessControlException", "org.apache.hadoop.security.AccessControlException", $"Permission denied: user={user}, access={access}, inode=\"{path}\"");

    private Task ErrorAsync(HttpListenerContext context, int status, string exception, string javaClassName, string message, bool violation = false)
    {
        if (violation)
        {
            Violations.Enqueue($"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery}: {message}");
        }

        return JsonAsync(context, status, new Dictionary<string, object>
        {
            ["RemoteException"] = new Dictionary<string, object> { ["exception"] = exception, ["javaClassName"] = javaClassName, ["message"] = message },
        });
    }

    private static async Task JsonAsync(HttpListenerContext context, int status, Dictionary<string, object> body)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    private Dictionary<string, object> Status(string path, string suffix, Node node)
    {
        lock (_gate)
        {
            return new Dictionary<string, object>
            {
                ["accessTime"] = node.Modified,
                ["blockSize"] = node.IsDirectory ? 0 : 134217728,
                ["group"] = "supergroup",
                ["length"] = node.IsDirectory ? 0 : node.Data.Length,
                ["modificationTime"] = node.Modified,
                ["owner"] = node.Owner,
                ["pathSuffix"] = suffix,
                ["permission"] = node.Permission,
                ["replication"] = node.IsDirectory ? 0 : 3,
                ["type"] = node.IsDirectory ? "DIRECTORY" : "FILE",
            };
        }
    }

    private static string? PathOf(HttpListenerRequest request)
    {
        var raw = request.Url!.AbsolutePath;
        if (!raw.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var path = Uri.UnescapeDataString(raw[Prefix.Length..]);
        return path.Length == 0 ? "/" : path.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
    }

    private static string ParentOf(string path) => path == "/" ? "/" : path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : "/";

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
