using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace SparkJobGen.Tests.Environments;

/// <summary>
/// Builds a real, installable pure-Python wheel (<c>sjg_probe-1.0-py3-none-any.whl</c>) in a folder, so pip can install it with
/// <c>--no-index --find-links</c> on a machine without internet. The module prints a marker and echoes its argv.
/// </summary>
internal static class LocalWheel
{
    public const string Module = "sjg_probe";
    public const string Marker = "sjg-probe-ok";

    public static string Build(string directory, string version = "1.0")
    {
        Directory.CreateDirectory(directory);
        var distInfo = $"{Module}-{version}.dist-info";
        var files = new List<(string Name, byte[] Bytes)>
        {
            ($"{Module}/__init__.py", Encoding.UTF8.GetBytes($"VALUE = \"{Marker}\"\n")),
            ($"{distInfo}/METADATA", Encoding.UTF8.GetBytes($"Metadata-Version: 2.1\nName: sjg-probe\nVersion: {version}\nSummary: SparkJobGen test probe\n")),
            ($"{distInfo}/WHEEL", Encoding.UTF8.GetBytes("Wheel-Version: 1.0\nGenerator: sparkjobgen-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")),
        };
        var record = new StringBuilder();
        foreach (var (name, bytes) in files)
        {
            var hash = Convert.ToBase64String(SHA256.HashData(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            record.Append($"{name},sha256={hash},{bytes.Length}\n");
        }

        record.Append($"{distInfo}/RECORD,,\n");
        files.Add(($"{distInfo}/RECORD", Encoding.UTF8.GetBytes(record.ToString())));

        var path = Path.Combine(directory, $"{Module}-{version}-py3-none-any.whl");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in files)
        {
            using var entry = zip.CreateEntry(name).Open();
            entry.Write(bytes);
        }

        return path;
    }
}
