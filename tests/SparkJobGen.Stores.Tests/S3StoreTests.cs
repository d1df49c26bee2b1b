using Amazon.S3;
using Amazon.S3.Model;
using SparkJobGen.Stores.S3;
using SparkJobGen.Tests;

namespace SparkJobGen.Stores.Tests;

/// <summary>The S3 store against s3rver on 127.0.0.1, with the AWS SDK for .NET reading back what it wrote.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3StoreTests(S3rverServer server) : IDisposable
{
    private readonly TempDirectory _work = new("sjg-s3store");

    public void Dispose() => _work.Dispose();

    private EnvironmentStoreOptions Options(string? secret = null, Action<StoreUploadProgress>? progress = null, List<string>? secrets = null) => new()
    {
        EnvironmentVariables = server.Variables(secret),
        DigestCacheDirectory = _work.Combine("digests"),
        OnProgress = progress,
        OnSecret = secrets is null ? null : secrets.Add,
    };

    private async Task<byte[]> ReadObjectAsync(string bucket, string key)
    {
        using var response = await server.Client.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private async Task<List<string>> KeysAsync(string bucket)
    {
        var listing = await server.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        return (listing.S3Objects ?? []).Select(static o => o.Key).OrderBy(static k => k, StringComparer.Ordinal).ToList();
    }

    [SkippableFact]
    public async Task Miss_uploads_once_with_size_and_sha256_metadata_then_a_hit_uploads_nothing()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", 300_000, seed: 1);
        var sha = Archives.Sha256(archive);
        var progress = new List<long>();

        var options = Options(progress: p => progress.Add(p.BytesSent));
        using var store = EnvironmentStores.Open($"s3a://{bucket}/team/envs/", options);
        var first = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);

        var name = $"analytics-{sha[..16]}.tar.gz";
        Assert.Equal(StoreShipOutcome.Uploaded, first.Outcome);
        Assert.Equal(300_000, first.BytesUploaded);
        Assert.Equal(name, first.Name);
        Assert.Equal($"s3a://{bucket}/team/envs/{name}", first.SparkUri);
        Assert.Equal(300_000, progress[^1]);

        // Read back with the AWS SDK: the bytes, and the SHA-256 recorded as user metadata.
        Assert.Equal(File.ReadAllBytes(archive), await ReadObjectAsync(bucket, "team/envs/" + name));
        var head = await server.Client.GetObjectMetadataAsync(bucket, "team/envs/" + name);
        Assert.Equal(sha, head.Metadata["x-amz-meta-sha256"]);
        Assert.Equal(300_000, head.ContentLength);

        progress.Clear();
        var second = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);
        Assert.Equal(StoreShipOutcome.Hit, second.Outcome);
        Assert.Equal(0, second.BytesUploaded);
        Assert.Empty(progress);
        Assert.Equal(["team/envs/" + name], await KeysAsync(bucket));
    }

    [SkippableFact]
    public async Task A_changed_environment_uploads_once_under_a_new_name()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var options = Options();
        using var store = EnvironmentStores.Open($"s3a://{bucket}/envs", options);
        var v1 = await EnvironmentStoreShipper.ShipAsync(store, "analytics", Archives.Write(_work, "v1/analytics.tar.gz", 5000, 1), options, null, CancellationToken.None);
        var v2 = await EnvironmentStoreShipper.ShipAsync(store, "analytics", Archives.Write(_work, "v2/analytics.tar.gz", 5000, 2), options, null, CancellationToken.None);
        var v2Again = await EnvironmentStoreShipper.ShipAsync(store, "analytics", _work.Combine("v2/analytics.tar.gz"), options, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.Uploaded, v1.Outcome);
        Assert.Equal(StoreShipOutcome.Uploaded, v2.Outcome);
        Assert.Equal(StoreShipOutcome.Hit, v2Again.Outcome);
        Assert.NotEqual(v1.Name, v2.Name);
        Assert.Equal(new[] { "envs/" + v1.Name, "envs/" + v2.Name }.Order(StringComparer.Ordinal), await KeysAsync(bucket));
    }

    [SkippableFact]
    public async Task A_multipart_archive_is_read_back_whole_and_verified_on_the_next_lookup()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        // 8 MiB parts: three parts, the last one short.
        var archive = Archives.Write(_work, "big.tar.gz", (int)(2.5 * ArchiveDigest.MinimumPartSize), seed: 3);
        var options = Options();
        using var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", options);

        var first = await EnvironmentStoreShipper.ShipAsync(store, "big", archive, options, null, CancellationToken.None);
        var second = await EnvironmentStoreShipper.ShipAsync(store, "big", archive, options, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.Uploaded, first.Outcome);
        Assert.Equal(StoreShipOutcome.Hit, second.Outcome);
        Assert.Equal(Archives.Sha256(archive), Archives.Sha256(await ReadObjectAsync(bucket, "envs/" + first.Name)));
    }

    [SkippableFact]
    public async Task Concurrent_uploaders_all_ship_the_same_single_object()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", 3 * 1024 * 1024, seed: 4);
        var stores = Enumerable.Range(0, 4).Select(_ => EnvironmentStores.Open($"s3a://{bucket}/envs/", Options())).ToList();
        try
        {
            using var start = new Barrier(stores.Count);
            var results = await Task.WhenAll(stores.Select(store => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, Options(), null, CancellationToken.None);
            })));

            // CompleteMultipartUpload with If-None-Match: * lets one writer create the object; the others get 412 and find it.
            Assert.Single(results, static r => r.Outcome == StoreShipOutcome.Uploaded);
            Assert.All(results, static r => Assert.Contains(r.Outcome, new[] { StoreShipOutcome.Uploaded, StoreShipOutcome.UploadedConcurrently, StoreShipOutcome.Hit }));
            Assert.Single(results.Select(static r => r.SparkUri).Distinct());
            Assert.Equal(["envs/" + results[0].Name], await KeysAsync(bucket));
            Assert.Equal(Archives.Sha256(archive), Archives.Sha256(await ReadObjectAsync(bucket, "envs/" + results[0].Name)));
            var lookup = await EnvironmentStoreShipper.ShipAsync(stores[0], "analytics", archive, Options(), null, CancellationToken.None);
            Assert.Equal(StoreShipOutcome.Hit, lookup.Outcome);
        }
        finally
        {
            stores.ForEach(static s => s.Dispose());
        }
    }

    [SkippableFact]
    public async Task An_interrupted_upload_leaves_no_object_and_the_next_run_uploads_it()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", (int)(2 * ArchiveDigest.MinimumPartSize) + 1000, seed: 5);
        using var cancel = new CancellationTokenSource();
        // Cancelled once the first part is on the server and the second is being sent.
        var options = Options(progress: p =>
        {
            if (p.BytesSent > ArchiveDigest.MinimumPartSize + (1 << 20))
            {
                cancel.Cancel();
            }
        });
        using var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", options);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, cancel.Token));

        Assert.Empty(await KeysAsync(bucket));
        using var again = EnvironmentStores.Open($"s3a://{bucket}/envs/", Options());
        var retry = await EnvironmentStoreShipper.ShipAsync(again, "analytics", archive, Options(), null, CancellationToken.None);
        Assert.Equal(StoreShipOutcome.Uploaded, retry.Outcome);
        Assert.Equal(Archives.Sha256(archive), Archives.Sha256(await ReadObjectAsync(bucket, "envs/" + retry.Name)));
    }

    [SkippableTheory]
    [InlineData("truncated")]
    [InlineData("same size, other bytes")]
    [InlineData("no recorded hash")]
    public async Task A_corrupt_object_is_detected_and_replaced_never_used(string corruption)
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", 100_000, seed: 6);
        var bytes = File.ReadAllBytes(archive);
        var sha = Archives.Sha256(bytes);
        var key = $"envs/analytics-{sha[..16]}.tar.gz";
        var bad = corruption switch
        {
            "truncated" => bytes[..50_000],
            "same size, other bytes" => bytes.Select(static b => (byte)(b ^ 0x5a)).ToArray(),
            _ => bytes,
        };
        var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bad), UseChunkEncoding = false };
        if (corruption != "no recorded hash")
        {
            put.Metadata.Add("sha256", sha);
        }

        await server.Client.PutObjectAsync(put);
        var options = Options();
        using var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", options);

        var result = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.ReplacedCorrupt, result.Outcome);
        Assert.Equal(bytes, await ReadObjectAsync(bucket, key));
        Assert.Equal(StoreShipOutcome.Hit, (await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None)).Outcome);
    }

    [SkippableFact]
    public async Task Wrong_credentials_fail_clearly_before_anything_is_uploaded_and_the_secret_is_never_in_the_message()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", 10_000, seed: 7);
        const string wrongSecret = "wr0ngSecretKeyThatMustNeverBePrinted";
        var secrets = new List<string>();
        var options = Options(secret: wrongSecret, secrets: secrets);
        using var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", options);

        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None));

        Assert.Contains("S3 refused to list", error.Message);
        Assert.Contains("check the credentials (from environment)", error.Message);
        Assert.Contains("Nothing was uploaded", error.Message);
        Assert.DoesNotContain(wrongSecret, error.ToString());
        Assert.Contains(wrongSecret, secrets);
        Assert.Empty(await KeysAsync(bucket));
    }

    [SkippableFact]
    public async Task A_refused_listing_says_nothing_of_uploads_and_a_missing_bucket_says_where_it_was_looked_for()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var wrong = Options(secret: "wr0ngSecretKeyThatMustNeverBePrinted", secrets: []);
        using (var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", wrong))
        {
            // What `sparkjobgen store ls` meets: a listing uploads nothing, so the message does not talk about uploads.
            var listing = await Assert.ThrowsAsync<EnvironmentStoreException>(async () =>
            {
                await foreach (var _ in store.ListAsync(CancellationToken.None))
                {
                }
            });
            Assert.Contains("S3 refused to list", listing.Message);
            Assert.DoesNotContain("uploaded", listing.Message);
        }

        var archive = Archives.Write(_work, "analytics.tar.gz", 1_000, seed: 8);
        var options = Options(secrets: []);
        using var missing = EnvironmentStores.Open($"s3a://no-such-bucket-{Guid.NewGuid():N}/envs/", options);
        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => EnvironmentStoreShipper.ShipAsync(missing, "analytics", archive, options, null, CancellationToken.None));
        Assert.Contains("does not exist at " + server.Endpoint, error.Message);
        Assert.Contains("check the bucket name and the endpoint, or create the bucket", error.Message);
        Assert.Contains("Nothing was uploaded", error.Message);
    }

    [SkippableFact]
    public async Task Credentials_come_from_the_named_profile_of_the_shared_credentials_file()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var credentials = _work.WriteFile("aws/credentials", $"[default]\naws_access_key_id = WRONG\naws_secret_access_key = WRONGWRONG\n\n[ci]\naws_access_key_id = {S3rverServer.AccessKey}\naws_secret_access_key = {S3rverServer.SecretKey}\n");
        var variables = server.Variables();
        variables["AWS_ACCESS_KEY_ID"] = null;
        variables["AWS_SECRET_ACCESS_KEY"] = null;
        variables["AWS_PROFILE"] = "ci";
        variables["AWS_SHARED_CREDENTIALS_FILE"] = credentials;
        variables["AWS_CONFIG_FILE"] = _work.Combine("aws", "missing-config");
        var options = new EnvironmentStoreOptions { EnvironmentVariables = variables, DigestCacheDirectory = _work.Combine("d") };
        using var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", options);

        var result = await EnvironmentStoreShipper.ShipAsync(store, "analytics", Archives.Write(_work, "analytics.tar.gz", 1000, 8), options, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.Uploaded, result.Outcome);
        variables["AWS_PROFILE"] = "nobody";
        var missing = Assert.Throws<EnvironmentStoreException>(() => EnvironmentStores.Open($"s3a://{bucket}/envs/", new EnvironmentStoreOptions { EnvironmentVariables = variables }));
        Assert.Contains("No AWS credentials found", missing.Message);
    }

    [SkippableFact]
    public async Task A_store_uri_naming_an_object_is_refused_as_not_a_folder()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "team/envs", ContentBody = "not a folder", UseChunkEncoding = false });
        var options = Options();
        using var store = EnvironmentStores.Open($"s3a://{bucket}/team/envs", options);

        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() =>
            EnvironmentStoreShipper.ShipAsync(store, "analytics", Archives.Write(_work, "analytics.tar.gz", 1000, 9), options, null, CancellationToken.None));

        Assert.Contains("names an object, not a folder", error.Message);
        Assert.Equal(["team/envs"], await KeysAsync(bucket));
        var archiveUri = Assert.Throws<ArgumentException>(() => EnvironmentStores.ParseLocation($"s3a://{bucket}/envs/analytics.tar.gz"));
        Assert.Contains("names an archive, not a folder", archiveUri.Message);
    }

    [SkippableFact]
    public async Task A_missing_bucket_is_reported_by_name()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        using var store = EnvironmentStores.Open("s3a://no-such-bucket-sjg/envs/", Options());
        var error = await Assert.ThrowsAsync<EnvironmentStoreException>(() => store.CheckFolderAsync(CancellationToken.None));
        Assert.Contains("bucket 'no-such-bucket-sjg'", error.Message);
    }
}
