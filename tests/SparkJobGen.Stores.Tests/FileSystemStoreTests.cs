using SparkJobGen.Stores.FileSystem;
using SparkJobGen.Tests;

namespace SparkJobGen.Stores.Tests;

/// <summary>The mounted-folder store on a real folder.</summary>
public sealed class FileSystemStoreTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-filestore");

    public FileSystemStoreTests() => Directory.CreateDirectory(Folder);

    private string Folder => _work.Combine("shared", "envs");

    private string Uri => new Uri(Folder + "/").AbsoluteUri;

    private EnvironmentStoreOptions Options => new() { DigestCacheDirectory = _work.Combine("digests") };

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Miss_publishes_a_world_readable_read_only_file_then_a_hit_copies_nothing()
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 200_000, seed: 1);
        using var store = EnvironmentStores.Open(Uri, Options);

        var first = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options, null, CancellationToken.None);
        var published = Path.Combine(Folder, first.Name);
        var modified = File.GetLastWriteTimeUtc(published);
        var second = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.Uploaded, first.Outcome);
        Assert.Equal($"analytics-{Archives.Sha256(archive)[..16]}.tar.gz", first.Name);
        Assert.Equal(new Uri(published).AbsoluteUri, first.SparkUri);
        Assert.Equal(File.ReadAllBytes(archive), File.ReadAllBytes(published));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(published));
        }
        Assert.Equal(StoreShipOutcome.Hit, second.Outcome);
        Assert.Equal(0, second.BytesUploaded);
        Assert.Equal(modified, File.GetLastWriteTimeUtc(published));
        Assert.Equal([first.Name], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Concurrent_uploaders_publish_exactly_once()
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 4 * 1024 * 1024, seed: 2);
        const int writers = 6;
        using var start = new Barrier(writers);
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            var options = Options with { DigestCacheDirectory = _work.Combine("digests-" + i) };
            using var store = EnvironmentStores.Open(Uri, options);
            start.SignalAndWait();
            return await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);
        })));

        // The hard link that publishes fails when the name exists: only one writer can create it; the others find it.
        Assert.Single(results, static r => r.Outcome == StoreShipOutcome.Uploaded);
        Assert.All(results, static r => Assert.Contains(r.Outcome, new[] { StoreShipOutcome.Uploaded, StoreShipOutcome.UploadedConcurrently, StoreShipOutcome.Hit }));
        Assert.Equal([results[0].Name], Directory.GetFiles(Folder).Select(Path.GetFileName));
        Assert.Equal(Archives.Sha256(archive), Archives.Sha256(Path.Combine(Folder, results[0].Name)));
    }

    [Fact]
    public async Task Racing_publishers_of_one_name_see_exactly_one_creation()
    {
        // PublishAsync must be an atomic create-if-absent. File.Move(overwrite: false) is not: .NET on Unix checks that the
        // destination is absent and then calls rename(2) (strace shows the rename; dotnet/runtime#31228), so a second writer
        // can replace the first and both report Created. Many small rounds make that window show within the test.
        var archive = Archives.Write(_work, "local/tiny.tar.gz", 512, seed: 5);
        var digest = await ArchiveDigest.ComputeAsync(archive, null, CancellationToken.None);
        const int writers = 4;
        const int rounds = 300;
        using var store = EnvironmentStores.Open(Uri, Options);
        for (var round = 0; round < rounds; round++)
        {
            var name = $"tiny-{round}.tar.gz";
            using var start = new Barrier(writers);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return store.PublishAsync(name, archive, digest, null, null, CancellationToken.None);
            })));

            Assert.True(
                outcomes.Count(static o => o == StoreWriteOutcome.Created) == 1,
                $"round {round}: {string.Join(", ", outcomes)}");
            Assert.All(outcomes, static o => Assert.Contains(o, new[] { StoreWriteOutcome.Created, StoreWriteOutcome.AlreadyExists }));
            Assert.Equal(File.ReadAllBytes(archive), File.ReadAllBytes(Path.Combine(Folder, name)));
        }

        // No temporary upload is left behind.
        Assert.Equal(rounds, Directory.GetFileSystemEntries(Folder).Length);
    }

    [Fact]
    public async Task An_interrupted_upload_leaves_neither_the_name_nor_a_temporary_file()
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 6 * 1024 * 1024, seed: 3);
        using var cancel = new CancellationTokenSource();
        var options = Options with { OnProgress = p => { if (p.BytesSent >= 2 * 1024 * 1024) cancel.Cancel(); } };
        using var store = EnvironmentStores.Open(Uri, options);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, cancel.Token));

        Assert.Empty(Directory.GetFileSystemEntries(Folder));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_corrupt_file_is_detected_and_replaced(bool truncated)
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 100_000, seed: 4);
        var bytes = File.ReadAllBytes(archive);
        var target = Path.Combine(Folder, $"analytics-{Archives.Sha256(bytes)[..16]}.tar.gz");
        File.WriteAllBytes(target, truncated ? bytes[..4096] : bytes.Select(static b => (byte)~b).ToArray());
        using var store = EnvironmentStores.Open(Uri, Options);

        var result = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.ReplacedCorrupt, result.Outcome);
        Assert.Equal(bytes, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task A_store_uri_that_is_a_file_or_a_missing_folder_is_refused_and_nothing_is_written()
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 1000, seed: 5);
        var file = _work.WriteFile("shared/not-a-folder", "x");
        using (var store = EnvironmentStores.Open(new Uri(file).AbsoluteUri, Options))
        {
            var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options, null, CancellationToken.None));
            Assert.Contains("is a file, not a folder", error.Message);
        }

        using (var store = EnvironmentStores.Open(new Uri(_work.Combine("unmounted") + "/").AbsoluteUri, Options))
        {
            var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options, null, CancellationToken.None));
            Assert.Contains("does not exist", error.Message);
        }

        Assert.Equal("x", File.ReadAllText(file));
        Assert.False(Directory.Exists(_work.Combine("unmounted")));
    }

    [Theory]
    [InlineData("ftp://host/envs/")]
    [InlineData("relative/envs")]
    [InlineData("file:///mnt/envs/analytics.tar.gz")]
    [InlineData("s3a:///envs/")]
    [InlineData("s3a://bucket/envs/?versionId=1")]
    public void Unsupported_or_non_folder_uris_are_refused_with_the_accepted_forms(string location)
    {
        var error = Assert.Throws<ArgumentException>(() => EnvironmentStores.ParseLocation(location));
        Assert.Contains(location, error.Message);
    }

    // RFC 8089 (section 2 and appendix B): file:/path and file://localhost/path name the same local file as file:///path;
    // Hadoop's Path prints file:/path.
    [Theory]
    [InlineData("file:///mnt/envs/")]
    [InlineData("file:/mnt/envs/")]
    [InlineData("file://localhost/mnt/envs/")]
    [InlineData("FILE://LOCALHOST/mnt/envs")]
    [InlineData("file:/mnt/envs")]
    public void Every_local_spelling_of_a_folder_uri_names_the_same_folder(string location) =>
        Assert.Equal("file:///mnt/envs/", EnvironmentStores.ParseLocation(location).AbsoluteUri);

    [Fact]
    public async Task A_folder_given_as_file_localhost_is_used_and_another_host_is_refused()
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 10_000, seed: 9);
        using (var store = EnvironmentStores.Open("file://localhost" + Folder + "/", Options))
        {
            var shipped = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options, null, CancellationToken.None);
            Assert.Equal(StoreShipOutcome.Uploaded, shipped.Outcome);
            Assert.Equal(new Uri(Path.Combine(Folder, shipped.Name)).AbsoluteUri, shipped.SparkUri);
        }

        var error = Assert.Throws<ArgumentException>(() => EnvironmentStores.ParseLocation("file://fileserver/envs/"));
        Assert.Contains("names the host 'fileserver'", error.Message);
    }

    [Fact]
    public void Stored_names_parse_back_and_foreign_names_do_not()
    {
        Assert.True(StoredArchiveName.TryParse("team-analytics-0123456789abcdef.tar.gz", out var name));
        Assert.Equal(new StoredArchiveName("team-analytics", "0123456789abcdef", ".tar.gz"), name);
        Assert.False(StoredArchiveName.TryParse("analytics.tar.gz", out _));
        Assert.False(StoredArchiveName.TryParse("analytics-0123456789ABCDEF.tar.gz", out _));
        Assert.False(StoredArchiveName.TryParse("notes-0123456789abcdef.txt", out _));
        Assert.False(StoredArchiveName.TryParse(".analytics-0123456789abcdef.tar.gz.1234.partial", out _));
    }

    [Fact]
    public async Task The_digest_is_cached_by_path_size_and_time_and_recomputed_when_the_archive_changes()
    {
        var archive = Archives.Write(_work, "local/analytics.tar.gz", 10_000, seed: 6);
        var cache = _work.Combine("digest-cache");
        var first = await ArchiveDigest.ComputeAsync(archive, cache, CancellationToken.None);
        Assert.Single(Directory.GetFiles(cache));
        Assert.Equal(first, await ArchiveDigest.ComputeAsync(archive, cache, CancellationToken.None));

        Archives.Write(_work, "local/analytics.tar.gz", 10_001, seed: 7);
        var changed = await ArchiveDigest.ComputeAsync(archive, cache, CancellationToken.None);
        Assert.Equal(Archives.Sha256(archive), changed.Sha256);
        Assert.NotEqual(first.Sha256, changed.Sha256);
    }
}

/// <summary>What the secret redactor masks of store credentials when they appear in text it did not learn them from.</summary>
public sealed class StoreCredentialRedactionTests
{
    [Theory]
    [InlineData("GET http://nn:9870/webhdfs/v1/envs?op=LISTSTATUS&delegation=HAAFYWxpY2UFYWxp&user.name=alice", "HAAFYWxpY2UFYWxp")]
    [InlineData("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY")]
    [InlineData("aws_session_token = IQoJb3JpZ2luX2VjEXAMPLE", "IQoJb3JpZ2luX2VjEXAMPLE")]
    [InlineData("x-amz-security-token: FQoGZXIvYXdzEXAMPLE", "FQoGZXIvYXdzEXAMPLE")]
    public void Store_secrets_in_text_are_masked(string text, string secret)
    {
        var redacted = new SparkJobGen.Submission.SecretRedactor().Redact(text);
        Assert.DoesNotContain(secret, redacted);
        Assert.Contains(SparkJobGen.Submission.SecretRedactor.Mask, redacted);
    }
}
