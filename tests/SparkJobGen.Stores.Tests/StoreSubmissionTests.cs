using SparkJobGen.Cli.Tests;
using SparkJobGen.Submission;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Submission;

namespace SparkJobGen.Stores.Tests;

/// <summary>The store wired into submission: SparkJobRunner and the tool's submit, run and store verbs, against s3rver.</summary>
[Collection(S3rverCollection.Name)]
public sealed class StoreSubmissionTests(S3rverServer server) : IDisposable
{
    private readonly TempDirectory _work = new("sjg-storesubmit");

    public void Dispose() => _work.Dispose();

    private static SparkJobDefinition Job() => new(
        "score-customers", "jobs/score_customers.py", "analytics", "name: analytics\ndependencies:\n  - python=3.11\n", "3.11", null, [], [], [], [], []);

    private static IReadOnlyList<string> RecordedArgv(SparkSubmitStandIn standIn) =>
        File.ReadAllText(Path.Combine(standIn.Control, "argv")).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    [SkippableFact]
    public async Task The_runner_ships_the_archive_through_the_store_and_submits_the_store_uri()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", 50_000, seed: 1);
        using var standIn = new SparkSubmitStandIn();
        var submission = new SparkSubmission(Job(), ["--run-date", "2026-11-24"])
            .WithScript(_work.WriteFile("jobs/score_customers.py", "print(1)\n"))
            .OnYarn(DeployMode.Cluster)
            .WithEnvironmentArchive(archive)
            .WithEnvironmentStore($"s3a://{bucket}/envs/");
        var steps = new List<JobRunStep>();
        var options = new SparkJobRunOptions
        {
            SparkSubmit = new SparkSubmitOptions { SparkSubmitPath = standIn.SparkSubmit },
            Store = new EnvironmentStoreOptions { EnvironmentVariables = server.Variables(), DigestCacheDirectory = _work.Combine("digests") },
            OnStep = steps.Add,
        };

        var first = await SparkJobRunner.RunAsync(submission, options);
        var expected = $"s3a://{bucket}/envs/analytics-{Archives.Sha256(archive)[..16]}.tar.gz";
        var argv = RecordedArgv(standIn);
        var second = await SparkJobRunner.RunAsync(submission, options);

        Assert.Equal(StoreShipOutcome.Uploaded, first.Store!.Outcome);
        Assert.Equal(expected + "#environment", argv[argv.ToList().IndexOf("--archives") + 1]);
        Assert.DoesNotContain(argv, a => a.Contains(archive, StringComparison.Ordinal));
        Assert.Equal(StoreShipOutcome.Hit, second.Store!.Outcome);
        Assert.Equal(0, second.Store.BytesUploaded);
        Assert.Contains(steps, s => s.Name == "store" && s.Detail.StartsWith("hit " + expected, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task On_kubernetes_the_store_uri_is_shipped_so_executors_fetch_from_the_store_without_an_upload_path()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var archive = Archives.Write(_work, "analytics.tar.gz", 20_000, seed: 3);
        using var standIn = new SparkSubmitStandIn();
        // A local archive in Kubernetes cluster mode would need WithKubernetesUploadPath; the store's copy does not.
        var submission = new SparkSubmission(Job(), [])
            .WithScript($"s3a://{bucket}/jobs/score_customers.py")
            .OnKubernetes("k8s://https://127.0.0.1:6443", DeployMode.Cluster, "spark-py:3.5.1")
            .WithEnvironmentArchive(archive)
            .WithEnvironmentStore($"s3a://{bucket}/envs/");
        var options = new SparkJobRunOptions
        {
            SparkSubmit = new SparkSubmitOptions { SparkSubmitPath = standIn.SparkSubmit },
            Store = new EnvironmentStoreOptions { EnvironmentVariables = server.Variables(), DigestCacheDirectory = _work.Combine("digests") },
        };

        await SparkJobRunner.RunAsync(submission, options);

        var argv = RecordedArgv(standIn);
        Assert.Equal($"s3a://{bucket}/envs/analytics-{Archives.Sha256(archive)[..16]}.tar.gz#environment", argv[argv.ToList().IndexOf("--archives") + 1]);
        Assert.DoesNotContain(argv, static a => a.Contains("spark.kubernetes.file.upload.path", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_tool_runs_through_a_folder_store_and_prints_the_hit()
    {
        var assembly = ProbeAssembly.LayOut(_work);
        var archive = Archives.Write(_work, "probe.tar.gz", 30_000, seed: 4);
        var folder = Directory.CreateDirectory(_work.Combine("shared-envs")).FullName;
        using var standIn = new SparkSubmitStandIn();
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache") };
        string[] args = ["run", "probe-job", "--assembly", assembly, "--master", "yarn", "--deploy-mode", "client", "--archive", archive, "--store", new Uri(folder + "/").AbsoluteUri, "--spark-submit", standIn.SparkSubmit];

        var first = await CliProcess.RunAsync(environment, args);
        var second = await CliProcess.RunAsync(environment, args);

        var stored = Path.Combine(folder, $"probe-{Archives.Sha256(archive)[..16]}.tar.gz");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("(Uploaded, 30,000 bytes uploaded)", first.Stdout);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("(Hit, 0 bytes uploaded)", second.Stdout);
        Assert.Contains(new Uri(stored).AbsoluteUri + "#environment", RecordedArgv(standIn));
        Assert.Equal(File.ReadAllBytes(archive), File.ReadAllBytes(stored));
    }

    [Fact]
    public async Task Run_cache_dir_holds_the_store_digests_too_and_nothing_is_written_under_the_default_cache()
    {
        var assembly = ProbeAssembly.LayOut(_work);
        var archive = Archives.Write(_work, "probe.tar.gz", 25_000, seed: 7);
        var folder = Directory.CreateDirectory(_work.Combine("cache-dir-envs")).FullName;
        using var standIn = new SparkSubmitStandIn();
        var defaultCache = _work.Combine("default-cache");
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = defaultCache };
        var cacheDir = _work.Combine("given-cache");

        var result = await CliProcess.RunAsync(environment, ["run", "probe-job", "--assembly", assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", archive, "--store", new Uri(folder + "/").AbsoluteUri, "--spark-submit", standIn.SparkSubmit, "--cache-dir", cacheDir]);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(cacheDir, "store-digests")));
        Assert.False(Directory.Exists(defaultCache), string.Join("\n", Directory.Exists(defaultCache) ? Directory.GetFileSystemEntries(defaultCache, "*", SearchOption.AllDirectories) : []));
    }

    [Fact]
    public async Task Run_and_submit_json_say_which_store_object_was_used_and_how_many_bytes_were_uploaded()
    {
        var assembly = ProbeAssembly.LayOut(_work);
        var archive = Archives.Write(_work, "probe.tar.gz", 40_000, seed: 6);
        var folder = Directory.CreateDirectory(_work.Combine("json-envs")).FullName;
        using var standIn = new SparkSubmitStandIn();
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache") };
        var store = new Uri(folder + "/").AbsoluteUri;
        string[] Args(string verb) => [verb, "probe-job", "--assembly", assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", archive, "--store", store, "--spark-submit", standIn.SparkSubmit, "--json"];

        var run = await CliProcess.RunAsync(environment, Args("run"));
        var submit = await CliProcess.RunAsync(environment, Args("submit"));
        var local = await CliProcess.RunAsync(environment, ["submit", "probe-job", "--assembly", assembly, "--archive", archive, "--store", store, "--spark-submit", standIn.SparkSubmit, "--json"]);

        var name = $"probe-{Archives.Sha256(archive)[..16]}.tar.gz";
        var uri = new Uri(Path.Combine(folder, name)).AbsoluteUri;
        foreach (var (result, outcome, bytes) in new[] { (run, "uploaded", 40_000L), (submit, "hit", 0L) })
        {
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            var shipped = System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement.GetProperty("store");
            Assert.Equal(uri, shipped.GetProperty("uri").GetString());
            Assert.Equal(name, shipped.GetProperty("name").GetString());
            Assert.Equal(Archives.Sha256(archive), shipped.GetProperty("sha256").GetString());
            Assert.Equal(outcome, shipped.GetProperty("outcome").GetString());
            Assert.Equal(bytes, shipped.GetProperty("bytesUploaded").GetInt64());
        }

        // Local mode ships nothing: the document has no store field rather than one that claims a hit.
        var localDocument = System.Text.Json.JsonDocument.Parse(local.Stdout).RootElement;
        Assert.True(localDocument.TryGetProperty("submission", out _), local.Stdout);
        Assert.False(localDocument.TryGetProperty("store", out _), local.Stdout);
    }

    /// <summary>
    /// submit checks everything that can fail without the cluster (spark-submit, the local files, the preflight, which reads
    /// the local archive) before it uploads: a failed check leaves the store untouched, as run and SparkJobRunner do.
    /// </summary>
    [Fact]
    public async Task Submit_uploads_nothing_when_a_check_before_the_cluster_fails()
    {
        var assembly = ProbeAssembly.LayOut(_work);
        var tree = Directory.CreateDirectory(_work.Combine("env-tree", "lib", "python3.11")).FullName;
        File.WriteAllText(Path.Combine(tree, "os.py"), "# a packed environment's Python 3.11\n");
        var archive = _work.Combine("probe.tar.gz");
        var tar = System.Diagnostics.Process.Start("tar", ["-czf", archive, "-C", _work.Combine("env-tree"), "lib"])!;
        await tar.WaitForExitAsync();
        Assert.Equal(0, tar.ExitCode);
        var folder = Directory.CreateDirectory(_work.Combine("gated-envs")).FullName;
        var store = new Uri(folder + "/").AbsoluteUri;
        using var standIn = new SparkSubmitStandIn();
        var environment = new Dictionary<string, string?> { ["SPARKJOBGEN_CACHE"] = _work.Combine("cache") };
        string[] Args(params string[] extra) =>
            ["submit", "probe-job", "--assembly", assembly, "--master", "yarn", "--store", store, .. extra];

        // The preflight fails: in client mode the driver's Python must report the packed environment's version.
        var preflight = await CliProcess.RunAsync(environment, Args("--deploy-mode", "client", "--archive", archive, "--spark-submit", standIn.SparkSubmit, "--driver-python", _work.Combine("no-python")));
        Assert.True(preflight.ExitCode == 3, preflight.Stdout + preflight.Stderr);
        Assert.Contains("Preflight failed", preflight.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));

        // spark-submit is missing.
        var sparkSubmit = await CliProcess.RunAsync(environment, Args("--deploy-mode", "cluster", "--archive", archive, "--spark-submit", _work.Combine("no-spark-submit")));
        Assert.True(sparkSubmit.ExitCode == 3, sparkSubmit.Stdout + sparkSubmit.Stderr);
        Assert.Contains("does not exist or is not executable", sparkSubmit.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));

        // The archive is missing: the message says how to make one.
        var missing = await CliProcess.RunAsync(environment, Args("--deploy-mode", "cluster", "--archive", _work.Combine("nothing.tar.gz"), "--spark-submit", standIn.SparkSubmit));
        Assert.True(missing.ExitCode == 3, missing.Stdout + missing.Stderr);
        Assert.Contains("does not exist: create it with `sparkjobgen pack`", missing.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));

        // With every check passing, the archive is shipped once and spark-submit gets the store's copy.
        var shipped = await CliProcess.RunAsync(environment, Args("--deploy-mode", "cluster", "--archive", archive, "--spark-submit", standIn.SparkSubmit));
        Assert.True(shipped.ExitCode == 0, shipped.Stdout + shipped.Stderr);
        var name = Assert.Single(Directory.GetFiles(folder));
        Assert.Contains(new Uri(name).AbsoluteUri + "#environment", RecordedArgv(standIn));
    }

    [SkippableFact]
    public async Task Local_mode_and_remote_archives_do_not_touch_the_store()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var remote = new SparkSubmission(Job(), []).OnYarn(DeployMode.Cluster).WithEnvironmentArchive("hdfs:///envs/a.tar.gz").WithEnvironmentStore("s3a://never-contacted/envs/");
        var (unchanged, shipped) = await EnvironmentStoreShipper.ShipAsync(remote, new EnvironmentStoreOptions { EnvironmentVariables = server.Variables() }, null, CancellationToken.None);
        Assert.Same(remote, unchanged);
        Assert.Null(shipped);
        Assert.Equal("s3a://never-contacted/envs/", remote.EnvironmentStore);

        var local = new SparkSubmission(Job(), []).WithEnvironmentArchive("analytics.tar.gz").WithEnvironmentStore("s3a://never-contacted/envs/");
        Assert.Same(local, (await EnvironmentStoreShipper.ShipAsync(local, null, null, CancellationToken.None)).Submission);
    }

    /// <summary>
    /// A folder store's object is a local file, which Kubernetes cluster mode refuses without an upload path: the runner says
    /// so before uploading anything (it used to check with a placeholder hdfs:// archive, upload, then refuse).
    /// </summary>
    [Fact]
    public async Task Kubernetes_cluster_mode_refuses_a_folder_store_before_uploading()
    {
        var archive = Archives.Write(_work, "analytics.tar.gz", 4096, seed: 6);
        var folder = Directory.CreateDirectory(_work.Combine("k8s-envs")).FullName;
        using var standIn = new SparkSubmitStandIn();
        var submission = new SparkSubmission(Job(), [])
            .OnKubernetes("https://k8s.example:6443", DeployMode.Cluster, "spark-py:3.5.1")
            .WithScript("s3a://bucket/jobs/score_customers.py")
            .WithEnvironmentArchive(archive)
            .WithEnvironmentStore(new Uri(folder + "/").AbsoluteUri);
        var options = new SparkJobRunOptions
        {
            SparkSubmit = new SparkSubmitOptions { SparkSubmitPath = standIn.SparkSubmit },
            Store = new EnvironmentStoreOptions { DigestCacheDirectory = _work.Combine("k8s-digests") },
        };

        var refused = await Assert.ThrowsAsync<SubmissionPreflightException>(() => SparkJobRunner.RunAsync(submission, options));

        Assert.Contains("WithKubernetesUploadPath", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"environment store's object in {new Uri(folder + "/").AbsoluteUri}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was uploaded", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Assert.False(standIn.WasStarted);

        // With an upload path spark-submit can upload the local object, so the same run goes through.
        var withUpload = await SparkJobRunner.RunAsync(submission.WithKubernetesUploadPath("s3a://bucket/spark-upload/"), options);
        Assert.Equal(StoreShipOutcome.Uploaded, withUpload.Store!.Outcome);
    }

    [Fact]
    public async Task A_file_uri_archive_is_shipped_from_its_local_path()
    {
        var archive = Archives.Write(_work, "analytics.tar.gz", 4096, seed: 5);
        var folder = Directory.CreateDirectory(_work.Combine("envs")).FullName;
        var submission = new SparkSubmission(Job(), []).OnYarn(DeployMode.Client)
            .WithEnvironmentArchive(new Uri(archive).AbsoluteUri)
            .WithEnvironmentStore(new Uri(folder + "/").AbsoluteUri);

        var (shipped, result) = await EnvironmentStoreShipper.ShipAsync(submission, new EnvironmentStoreOptions { DigestCacheDirectory = _work.Combine("d") }, null, CancellationToken.None);

        Assert.Equal(StoreShipOutcome.Uploaded, result!.Outcome);
        Assert.Equal(result.SparkUri, shipped.EnvironmentArchive);
        Assert.Equal(File.ReadAllBytes(archive), File.ReadAllBytes(Path.Combine(folder, result.Name)));
    }

    [SkippableFact]
    public async Task The_tool_submits_through_the_store_reuses_it_and_never_prints_the_secret()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var assembly = ProbeAssembly.LayOut(_work);
        var archive = Archives.Write(_work, "probe.tar.gz", 70_000, seed: 2);
        using var standIn = new SparkSubmitStandIn();
        var environment = server.Variables();
        environment["SPARKJOBGEN_CACHE"] = _work.Combine("cache");
        string[] args = ["submit", "probe-job", "--assembly", assembly, "--master", "yarn", "--deploy-mode", "cluster", "--archive", archive, "--store", $"s3a://{bucket}/envs/", "--spark-submit", standIn.SparkSubmit];

        var first = await CliProcess.RunAsync(environment, args);
        var second = await CliProcess.RunAsync(environment, args);

        var expected = $"s3a://{bucket}/envs/probe-{Archives.Sha256(archive)[..16]}.tar.gz";
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("miss " + expected, first.Stdout);
        Assert.Contains("100%", first.Stdout);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("hit " + expected, second.Stdout);
        Assert.Contains("0 bytes uploaded", second.Stdout);
        Assert.Contains(expected + "#environment", RecordedArgv(standIn));

        // Wrong credentials: a clear error with its own exit code, nothing uploaded, and the secret never printed.
        const string secret = "Th1sSecretMustNotAppear";
        environment["AWS_SECRET_ACCESS_KEY"] = secret;
        var otherBucket = await server.NewBucketAsync();
        args[^3] = $"s3a://{otherBucket}/envs/";
        var refused = await CliProcess.RunAsync(environment, [.. args, "--json"]);
        Assert.Equal(10, refused.ExitCode);
        Assert.Contains("S3 refused to list", refused.Stderr);
        Assert.Contains("\"kind\": \"store\"", refused.Stdout);
        Assert.DoesNotContain(secret, refused.Stdout + refused.Stderr);
        Assert.Empty((await server.Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = otherBucket })).S3Objects ?? []);
    }

    [SkippableFact]
    public async Task Store_ls_lists_archives_and_prune_is_a_dry_run_unless_delete_is_given()
    {
        Skip.If(server.SkipReason is not null, server.SkipReason);
        var bucket = await server.NewBucketAsync();
        var options = new EnvironmentStoreOptions { EnvironmentVariables = server.Variables(), DigestCacheDirectory = _work.Combine("digests") };
        var names = new List<string>();
        using (var store = EnvironmentStores.Open($"s3a://{bucket}/envs/", options))
        {
            foreach (var (environment, seed) in new[] { ("analytics", 1), ("reporting", 2) })
            {
                names.Add((await EnvironmentStoreShipper.ShipAsync(store, environment, Archives.Write(_work, $"{seed}/{environment}.tar.gz", 2048 * seed, seed), options, null, CancellationToken.None)).Name);
            }
        }

        await server.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "envs/README.txt", ContentBody = "not ours", UseChunkEncoding = false });
        var variables = server.Variables();
        var uri = $"s3a://{bucket}/envs/";

        var list = await CliProcess.RunAsync(variables, "store", "ls", uri);
        var dryRun = await CliProcess.RunAsync(variables, "store", "prune", uri, "--older-than", "0s");
        var keysAfterDryRun = await KeysAsync(bucket);
        var keep = await CliProcess.RunAsync(variables, "store", "prune", uri, "--older-than", "30d", "--delete");
        var delete = await CliProcess.RunAsync(variables, "store", "prune", uri, "--older-than", "0s", "--delete", "--json");

        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("2 archive(s)", list.Stdout);
        Assert.Contains(names[0], list.Stdout);
        Assert.Contains("reporting", list.Stdout);
        Assert.DoesNotContain("README", list.Stdout);
        Assert.Contains("would delete " + names[0], dryRun.Stdout);
        Assert.Contains("dry run: 2 of 2", dryRun.Stdout);
        Assert.Equal(3, keysAfterDryRun.Count);
        Assert.Contains("deleted 0 of 2", keep.Stdout);
        Assert.Equal(0, delete.ExitCode);
        Assert.Contains("\"deleted\": true", delete.Stdout);
        Assert.Equal(["envs/README.txt"], await KeysAsync(bucket));

        var badAge = await CliProcess.RunAsync(variables, "store", "prune", uri, "--older-than", "soon");
        Assert.Equal(2, badAge.ExitCode);
        Assert.Contains("is not an age", badAge.Stderr);
    }

    [Fact]
    public async Task The_age_ls_shows_and_prune_uses_is_the_time_since_upload_which_a_hit_does_not_renew()
    {
        var folder = Directory.CreateDirectory(_work.Combine("aged-envs")).FullName;
        var uri = new Uri(folder + "/").AbsoluteUri;
        var archive = Archives.Write(_work, "analytics.tar.gz", 10_000, seed: 7);
        var options = new EnvironmentStoreOptions { DigestCacheDirectory = _work.Combine("digests") };
        StoreShipResult uploaded;
        using (var store = EnvironmentStores.Open(uri, options))
        {
            uploaded = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);
        }

        // As if it had been uploaded 40 days ago; then a run finds it (a hit reads it, and must not make it young again).
        var stored = Path.Combine(folder, uploaded.Name);
        var uploadedAt = DateTime.UtcNow.AddDays(-40);
        File.SetLastWriteTimeUtc(stored, uploadedAt);
        StoreShipResult hit;
        using (var store = EnvironmentStores.Open(uri, options))
        {
            hit = await EnvironmentStoreShipper.ShipAsync(store, "analytics", archive, options, null, CancellationToken.None);
        }

        var list = await CliProcess.RunAsync(null, "store", "ls", uri);
        var listJson = await CliProcess.RunAsync(null, "store", "ls", uri, "--json");
        var dryRun = await CliProcess.RunAsync(null, "store", "prune", uri, "--older-than", "30d");

        Assert.Equal(StoreShipOutcome.Uploaded, uploaded.Outcome);
        Assert.Equal(StoreShipOutcome.Hit, hit.Outcome);
        Assert.Equal(uploadedAt, File.GetLastWriteTimeUtc(stored));
        Assert.Matches(@"analytics\s+" + hit.Name[10..26] + @"\s+9\.8 KiB\s+40d\s+" + hit.Name, list.Stdout);
        Assert.Contains("the age is the time since each was uploaded", list.Stdout);
        var entry = System.Text.Json.JsonDocument.Parse(listJson.Stdout).RootElement.GetProperty("archives")[0];
        Assert.InRange(entry.GetProperty("ageSeconds").GetInt64(), (long)TimeSpan.FromDays(40).TotalSeconds - 60, (long)TimeSpan.FromDays(40).TotalSeconds + 60);
        Assert.Equal(new DateTimeOffset(uploadedAt, TimeSpan.Zero), entry.GetProperty("lastModified").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Contains($"would delete {hit.Name} (9.8 KiB, 40d old)", dryRun.Stdout);
    }

    [Fact]
    public async Task Prune_deletes_only_archives_older_than_the_age_in_a_folder_store()
    {
        var folder = Directory.CreateDirectory(_work.Combine("envs")).FullName;
        var old = Path.Combine(folder, "analytics-0123456789abcdef.tar.gz");
        var fresh = Path.Combine(folder, "analytics-fedcba9876543210.tar.gz");
        var foreign = Path.Combine(folder, "old-notes.txt");
        foreach (var path in new[] { old, fresh, foreign })
        {
            File.WriteAllText(path, "x");
        }

        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-40));
        File.SetLastWriteTimeUtc(foreign, DateTime.UtcNow.AddDays(-400));
        var uri = new Uri(folder + "/").AbsoluteUri;

        var dryRun = await CliProcess.RunAsync(null, "store", "prune", uri, "--older-than", "30d");
        Assert.True(File.Exists(old));
        var pruned = await CliProcess.RunAsync(null, "store", "prune", uri, "--older-than", "30d", "--delete");

        Assert.Contains("would delete analytics-0123456789abcdef.tar.gz", dryRun.Stdout);
        Assert.DoesNotContain("fedcba", dryRun.Stdout);
        Assert.Contains("deleted 1 of 2", pruned.Stdout);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(foreign));
    }

    private async Task<List<string>> KeysAsync(string bucket) =>
        ((await server.Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(static o => o.Key).ToList();
}
