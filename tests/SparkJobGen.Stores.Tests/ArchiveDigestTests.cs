using System.Diagnostics;
using SparkJobGen.Tests;

namespace SparkJobGen.Stores.Tests;

/// <summary>The archive digest, checked against Python's hashlib as the independent reference.</summary>
public sealed class ArchiveDigestTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-digest");

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(8 * 1024 * 1024)]
    [InlineData(20 * 1024 * 1024 + 17)]
    public async Task Sha256_md5_and_the_multipart_etag_match_hashlib(int length)
    {
        var archive = Archives.Write(_work, $"a{length}.tar.gz", length, seed: length);
        // S3's multipart ETag: the MD5 of the concatenated binary MD5s of the parts, then "-" and the part count.
        const string script = """
            import hashlib, sys
            path, part = sys.argv[1], int(sys.argv[2])
            data = open(path, 'rb').read()
            parts = [data[i:i + part] for i in range(0, len(data), part)] or [b'']
            etag = hashlib.md5(b''.join(hashlib.md5(p).digest() for p in parts)).hexdigest() + '-' + str(len(parts))
            print(hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest(), etag)
            """;
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", script, archive, ArchiveDigest.MinimumPartSize.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        using var python = Process.Start(info)!;
        var expected = (await python.StandardOutput.ReadToEndAsync()).Trim().Split(' ');
        await python.WaitForExitAsync();

        var digest = await ArchiveDigest.ReadAsync(archive, CancellationToken.None);

        Assert.Equal(length, digest.Length);
        Assert.Equal(expected, new[] { digest.Sha256, digest.Md5, digest.MultipartETag });
    }

    [Theory]
    [InlineData(0L, 8L * 1024 * 1024)]
    [InlineData(80L * 1024 * 1024 * 1024, 9L * 1024 * 1024)]
    [InlineData(5L * 1024 * 1024 * 1024 * 1024, 525L * 1024 * 1024)]
    public void Parts_stay_within_s3s_ten_thousand(long length, long partSize)
    {
        Assert.Equal(partSize, ArchiveDigest.PartSizeFor(length));
        Assert.True((length + partSize - 1) / partSize <= ArchiveDigest.MaximumPartCount);
    }
}
