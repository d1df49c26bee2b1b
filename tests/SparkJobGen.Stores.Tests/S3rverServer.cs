using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SparkJobGen.Tests;

namespace SparkJobGen.Stores.Tests;

/// <summary>
/// A real S3-compatible server for the tests: s3rver (npm, pinned in tests/servers/package-lock.json, installed by
/// <c>npm ci</c> in tests/servers; .ci/run does it) on 127.0.0.1 with its own data folder, behind tests/servers/s3-verifier.js,
/// which checks every request's Signature Version 4 with AWS's own JavaScript signer and enforces conditional completion;
/// and the AWS SDK for .NET, talking to s3rver directly, as the independent client that creates buckets and reads back.
/// </summary>
/// <remarks>
/// What s3rver 3.7.1 lacks, and how the tests cover it: it does not check SigV4 signatures (only that the access key exists)
/// and ignores If-None-Match/If-Match on CompleteMultipartUpload, so the verifier front does both; it reports a multipart
/// object's ETag as the MD5 of the whole object where S3 reports the MD5 of the parts' MD5s with <c>-N</c> (the store
/// accepts either, as each is a digest of the stored bytes); its continuation tokens use DES, which Node needs
/// <c>--openssl-legacy-provider</c> for.
/// </remarks>
public sealed class S3rverServer : IAsyncLifetime, IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly TempDirectory _data = new("sjg-s3rver");
    private Process? _s3rver;
    private Process? _verifier;

    /// <summary>The signature-checking front of s3rver (tests/servers/s3-verifier.js): what the store talks to.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>s3rver itself: what the AWS SDK client talks to.</summary>
    public Uri S3rverEndpoint { get; private set; } = null!;

    public AmazonS3Client Client { get; private set; } = null!;

    public string? SkipReason { get; private set; }

    /// <summary>The variables that point the store at this server with the right keys.</summary>
    public Dictionary<string, string?> Variables(string? secret = null) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secret ?? SecretKey,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_S3"] = Endpoint.ToString(),
        ["AWS_ENDPOINT_URL"] = null,
    };

    public async Task<string> NewBucketAsync()
    {
        var bucket = "envs-" + Guid.NewGuid().ToString("N")[..10];
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "tests", "servers", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            SkipReason = $"s3rver is not installed: run `npm ci` in {Path.Combine(root, "tests", "servers")} (.ci/run does)";
            return;
        }

        if (!PathLookup.IsOnPath("node"))
        {
            SkipReason = "node is not installed (the S3 store tests run s3rver with it)";
            return;
        }

        // --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) only has there.
        var s3rverPort = await StartAsync(_s3rver = Start(["--openssl-legacy-provider", script, "-d", _data.Path, "-a", "127.0.0.1", "-p", "0", "-s", "--no-vhost-buckets"]), "S3rver listening on");
        var verifier = Path.Combine(root, "tests", "servers", "s3-verifier.js");
        Endpoint = new Uri($"http://127.0.0.1:{await StartAsync(_verifier = Start([verifier, s3rverPort, AccessKey, SecretKey]), "verifier listening on")}");
        S3rverEndpoint = new Uri($"http://127.0.0.1:{s3rverPort}");
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = S3rverEndpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // s3rver predates the SDK's default CRC trailers (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        foreach (var process in new[] { _verifier, _s3rver })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process?.Dispose();
        }

        _data.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _data.Dispose();

    private static Process Start(string[] arguments)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    private static async Task<string> StartAsync(Process process, string banner)
    {
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException($"{banner[..^13]} exited before it listened: {await errors}");
            var match = Regex.Match(line, Regex.Escape(banner) + @" 127\.0\.0\.1:(\d+)");
            if (match.Success)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return match.Groups[1].Value;
            }
        }
    }

    private static class PathLookup
    {
        public static bool IsOnPath(string program) =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SparkJobGen.sln")))
            {
                return directory.FullName;
            }
        }

        // Build output outside the checkout (SJG_ARTIFACTS): where this source file was compiled from.
        var source = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", ".."));
        if (File.Exists(Path.Combine(source, "SparkJobGen.sln")))
        {
            return source;
        }

        throw new InvalidOperationException("SparkJobGen.sln not found above " + AppContext.BaseDirectory);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverServer>
{
    public const string Name = "s3rver";
}
