using System.Runtime.CompilerServices;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// Checked-in snapshot files: compares text with <c>Snapshots/&lt;name&gt;.verified.&lt;ext&gt;</c>; on a mismatch writes
/// <c>.received.&lt;ext&gt;</c> beside it and fails with a line diff. Set <c>SJG_ACCEPT_SNAPSHOTS=1</c> to accept new output.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, string extension = "cs", [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var verified = Path.Combine(directory, $"{name}.verified.{extension}");
        var received = Path.Combine(directory, $"{name}.received.{extension}");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("SJG_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified}; wrote {received}. Review it and rerun with SJG_ACCEPT_SNAPSHOTS=1 to accept."
            : $"Snapshot {name} differs (wrote {received}):\n{Diff(expected, actual)}");
    }

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var lines = new List<string>();
        for (var i = 0; i < Math.Max(e.Length, a.Length) && lines.Count < 40; i++)
        {
            var left = i < e.Length ? e[i] : "<missing>";
            var right = i < a.Length ? a[i] : "<missing>";
            if (left != right)
            {
                lines.Add($"line {i + 1}:\n  - {left}\n  + {right}");
            }
        }

        return string.Join("\n", lines);
    }
}
