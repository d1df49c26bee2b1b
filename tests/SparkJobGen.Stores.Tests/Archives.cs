using System.Security.Cryptography;
using SparkJobGen.Tests;

namespace SparkJobGen.Stores.Tests;

/// <summary>Local archive files for the store tests (the stores move bytes; they never look inside an archive).</summary>
internal static class Archives
{
    /// <summary>Writes <paramref name="length"/> pseudo-random bytes (seeded) as <c>&lt;dir&gt;/&lt;name&gt;</c>.</summary>
    public static string Write(TempDirectory directory, string name, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var path = directory.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    public static string Sha256(string path) => Sha256(File.ReadAllBytes(path));
}
