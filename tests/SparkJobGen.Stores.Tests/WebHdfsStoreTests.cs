using SparkJobGen.Cli.Tests;
using SparkJobGen.Stores.WebHdfs;
using SparkJobGen.Tests;

namespace SparkJobGen.Stores.Tests;

/// <summary>
/// The WebHDFS store against <see cref="WebHdfsContractServer"/>, a server written from the Hadoop WebHDFS REST API document
/// (no Hadoop exists on this machine).
/// </summary>
public sealed class WebHdfsStoreTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-webhdfs");
    private readonly WebHdfsContractServer _server = new();

    public WebHdfsStoreTests() => _server.MakeDirectory("/user", "hdfs", "755");

    public void Dispose()
    {
        Assert.Empty(_server.Violations);
        _server.Dispose();
        _work.Dispose();
    }

    private string Uri(string folder = "/user/envs/") => $"webhdfs://127.0.0.1:{_server.NamenodePort}{folder}";

    private EnvironmentStoreOptions Options(string user = "alice", string? token = null, Action<StoreUploadProgress>? progress = null) => new()
    {
        EnvironmentVariables = new Dictionary<string, string?> { ["HADOOP_USER_NAME"] = user, [EnvironmentStoreOptions.WebHdfsTokenVariable] = token },
        DigestCacheDirectory = _work.Combine("digests"),
        OnProgress = progress,
    };

    private async Task<StoreShipResult> ShipAsync(string archive, EnvironmentStoreOptions options, string? uri = null, CancellationToken cancellationToken = default)
    {
        using var store = EnvironmentStores.Open(uri ?? Uri(), options);
        return await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, cancellationToken);
    }

    [Fact]
    public async Task Miss_creates_the_folder_and_publishes_an_immutable_world_readable_file_with_its_sha256_then_a_hit_writes_nothing()
    {
        _server.MakeDirectory("/user/alice", "alice", "755");
        var archive = Archives.Write(_work, "analytics.tar.gz", 250_000, seed: 1);
        var sha = Archives.Sha256(archive);

        var first = await ShipAsync(archive, Options(), Uri("/user/alice/envs/"));
        var createsAfterFirst = _server.Requests.Count(r => r.Contains("op=CREATE", StringComparison.Ordinal));
        var second = await ShipAsync(archive, Options(), Uri("/user/alice/envs/"));

        var path = $"/user/alice/envs/analytics-{sha[..16]}.tar.gz";
        Assert.Equal(StoreShipOutcome.Uploaded, first.Outcome);
        Assert.Equal($"webhdfs://127.0.0.1:{_server.NamenodePort}{path}", first.SparkUri);
        Assert.Equal(File.ReadAllBytes(archive), _server.ReadFile(path));
        var node = _server.Get(path)!;
        Assert.Equal("444", node.Permission);
        Assert.Equal(sha, node.XAttrs[WebHdfsEnvironmentStore.Sha256Attribute]);
        Assert.Equal("755", _server.Get("/user/alice/envs")!.Permission);
        Assert.Equal([path[(path.LastIndexOf('/') + 1)..]], _server.Children("/user/alice/envs"));
        Assert.Equal(StoreShipOutcome.Hit, second.Outcome);
        Assert.Equal(0, second.BytesUploaded);
        Assert.Equal(2, createsAfterFirst); // the namenode's redirect and the datanode's write, once
        Assert.Equal(createsAfterFirst, _server.Requests.Count(r => r.Contains("op=CREATE", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_hdfs_uri_is_reached_through_the_configured_webhdfs_address_and_shipped_as_hdfs()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        var archive = Archives.Write(_work, "analytics.tar.gz", 1000, seed: 2);
        var options = Options() with { WebHdfsEndpoint = new Uri($"http://127.0.0.1:{_server.NamenodePort}") };

        var result = await ShipAsync(archive, options, "hdfs://namenode.example:8020/user/envs/");

        Assert.Equal($"hdfs://namenode.example:8020/user/envs/analytics-{Archives.Sha256(archive)[..16]}.tar.gz", result.SparkUri);
        Assert.NotNull(_server.ReadFile($"/user/envs/{result.Name}"));
    }

    [Fact]
    public async Task Concurrent_uploaders_publish_exactly_once()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        var archive = Archives.Write(_work, "analytics.tar.gz", 2 * 1024 * 1024, seed: 3);
        using var start = new Barrier(4);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var options = Options() with { DigestCacheDirectory = _work.Combine("digests-" + i) };
            using var store = EnvironmentStores.Open(Uri(), options);
            start.SignalAndWait();
            return await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);
        })));

        // RENAME refuses an existing destination ({"boolean": false}): one uploader publishes, the others discard their copy.
        Assert.Single(results, static r => r.Outcome == StoreShipOutcome.Uploaded);
        Assert.Equal([results[0].Name], _server.Children("/user/envs"));
        Assert.Equal(File.ReadAllBytes(archive), _server.ReadFile("/user/envs/" + results[0].Name));
    }

    [Fact]
    public async Task A_temporary_file_an_aborted_write_registers_after_the_delete_is_deleted_again()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        _server.DatanodeDelay = TimeSpan.FromMilliseconds(150);
        var archive = Archives.Write(_work, "analytics.tar.gz", 2 * 1024 * 1024, seed: 14);
        using var cancel = new CancellationTokenSource();
        var options = Options(progress: p => { if (p.BytesSent >= 64 * 1024) cancel.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShipAsync(archive, options, cancellationToken: cancel.Token));
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.Empty(_server.Children("/user/envs"));
    }

    [Fact]
    public async Task An_interrupted_upload_never_appears_under_the_final_name()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        var archive = Archives.Write(_work, "analytics.tar.gz", 8 * 1024 * 1024, seed: 4);
        using var cancel = new CancellationTokenSource();
        var options = Options(progress: p => { if (p.BytesSent >= 3 * 1024 * 1024) cancel.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShipAsync(archive, options, cancellationToken: cancel.Token));

        Assert.Empty(_server.Children("/user/envs"));
        var retry = await ShipAsync(archive, Options());
        Assert.Equal(StoreShipOutcome.Uploaded, retry.Outcome);
        Assert.Equal([retry.Name], _server.Children("/user/envs"));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("no recorded hash")]
    [InlineData("other recorded hash")]
    public async Task A_corrupt_file_is_detected_and_replaced(string corruption)
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        var archive = Archives.Write(_work, "analytics.tar.gz", 100_000, seed: 5);
        var bytes = File.ReadAllBytes(archive);
        var sha = Archives.Sha256(bytes);
        var path = $"/user/envs/analytics-{sha[..16]}.tar.gz";
        _server.WriteFile(path, corruption == "truncated" ? bytes[..1000] : bytes, "alice", corruption switch
        {
            "no recorded hash" => null,
            "other recorded hash" => new string('0', 64),
            _ => sha,
        });

        var result = await ShipAsync(archive, Options());

        Assert.Equal(StoreShipOutcome.ReplacedCorrupt, result.Outcome);
        Assert.Equal(bytes, _server.ReadFile(path));
        Assert.Equal(sha, _server.Get(path)!.XAttrs[WebHdfsEnvironmentStore.Sha256Attribute]);
        Assert.Equal(StoreShipOutcome.Hit, (await ShipAsync(archive, Options())).Outcome);
    }

    [Fact]
    public async Task A_wrong_delegation_token_fails_clearly_writes_nothing_and_is_never_printed()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        _server.DelegationToken = "HAAFYWxpY2UFYWxpY2UAigGTrueToken";
        var archive = Archives.Write(_work, "analytics.tar.gz", 1000, seed: 6);
        const string wrong = "HAAFYWxpY2UFYWxpY2UAigGWrongToken";

        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => ShipAsync(archive, Options(token: wrong)));
        var accepted = await ShipAsync(archive, Options(token: _server.DelegationToken));

        Assert.Contains("refused to read", error.Message);
        Assert.Contains("check the delegation token in SPARKJOBGEN_WEBHDFS_TOKEN", error.Message);
        Assert.Contains("Nothing was uploaded", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.Equal(StoreShipOutcome.Uploaded, accepted.Outcome);
        Assert.Equal("alice", _server.Get("/user/envs/" + accepted.Name)!.Owner);
    }

    [Fact]
    public async Task A_user_without_write_permission_gets_a_clear_error_and_nothing_is_written()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        var archive = Archives.Write(_work, "analytics.tar.gz", 1000, seed: 7);

        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => ShipAsync(archive, Options(user: "mallory")));

        Assert.Contains("denied user 'mallory'", error.Message);
        Assert.Contains("access=WRITE", error.Message);
        Assert.Empty(_server.Children("/user/envs"));
    }

    [Fact]
    public async Task A_store_uri_naming_a_file_is_refused_as_not_a_folder()
    {
        _server.WriteFile("/user/envs", [1, 2, 3], "alice", null);
        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => ShipAsync(Archives.Write(_work, "analytics.tar.gz", 1000, seed: 8), Options()));
        Assert.Contains("is a file, not a folder", error.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, _server.ReadFile("/user/envs"));
    }

    [Fact]
    public async Task The_tool_lists_and_prunes_a_webhdfs_store_by_age()
    {
        _server.MakeDirectory("/user/envs", "alice", "755");
        var old = await ShipAsync(Archives.Write(_work, "old/analytics.tar.gz", 1000, seed: 9), Options());
        var fresh = await ShipAsync(Archives.Write(_work, "new/analytics.tar.gz", 1000, seed: 10), Options());
        _server.Get("/user/envs/" + old.Name)!.Modified = DateTimeOffset.UtcNow.AddDays(-45).ToUnixTimeMilliseconds();
        var environment = new Dictionary<string, string?> { ["HADOOP_USER_NAME"] = "alice" };

        var list = await CliProcess.RunAsync(environment, "store", "ls", Uri());
        var dryRun = await CliProcess.RunAsync(environment, "store", "prune", Uri(), "--older-than", "30d");
        var pruned = await CliProcess.RunAsync(environment, "store", "prune", Uri(), "--older-than", "30d", "--delete");

        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains(old.Name, list.Stdout);
        Assert.Contains("45d", list.Stdout);
        Assert.Contains("would delete " + old.Name, dryRun.Stdout);
        Assert.Contains("deleted 1 of 2", pruned.Stdout);
        Assert.Equal([fresh.Name], _server.Children("/user/envs"));
    }
}
