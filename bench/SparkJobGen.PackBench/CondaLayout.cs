using System.Text.Json;
using System.Text.RegularExpressions;

namespace SparkJobGen.PackBench;

/// <summary>
/// Makes a conda prefix out of a Python installation, for the pipeline benchmark of the packer's main path: the files are
/// hard links to the installation's (no extra disk), and <c>conda-meta</c> gets one record per distribution in
/// site-packages plus a <c>python</c> record for everything else, in conda's format (<c>files</c>, <c>paths_data</c> with
/// sizes and, for scripts and build metadata, text placeholders; <c>extracted_package_dir</c>, <c>link.source</c>), so the
/// packer reads, matches and cleans records as it does for an environment conda made.
/// </summary>
internal static partial class CondaLayout
{
    private const string Placeholder = "/opt/anaconda1anaconda2anaconda3";

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>Creates <paramref name="prefix"/> from <paramref name="installation"/> unless it exists; returns the number of records.</summary>
    public static int Create(string installation, string prefix, Func<string, string> shell)
    {
        var meta = Path.Combine(prefix, "conda-meta");
        if (Directory.Exists(meta))
        {
            return Directory.GetFiles(meta, "*.json").Length;
        }

        var partial = prefix + ".partial";
        shell($"rm -rf '{partial}' && cp -al '{installation}' '{partial}'");
        var packages = new SortedDictionary<string, List<WalkEntry>>(StringComparer.Ordinal);
        foreach (var entry in EnvironmentWalk.Walk(partial).Where(e => e.Kind != WalkKind.Directory))
        {
            var name = SitePackagesTop().Match(entry.RelativePath) is { Success: true } match
                ? DistributionName().Replace(match.Groups[1].Value, "").Replace('_', '-').Trim('-').ToLowerInvariant()
                : "python";
            if (!packages.TryGetValue(name.Length == 0 ? "python" : name, out var files))
            {
                packages[name.Length == 0 ? "python" : name] = files = [];
            }

            files.Add(entry);
        }

        Directory.CreateDirectory(Path.Combine(partial, "conda-meta"));

        // conda writes a history file; conda-pack takes the unpack script's mtime from it (and cannot pack without it).
        File.WriteAllText(Path.Combine(partial, "conda-meta", "history"), "");
        var build = 0;
        foreach (var (name, files) in packages)
        {
            var version = name == "python" ? PythonVersion(installation) : "1.0";
            var dist = $"{name}-{version}-h{build++}_0";
            var paths = files.Select(f => new Dictionary<string, object>
            {
                ["_path"] = f.RelativePath,
                ["path_type"] = f.Kind == WalkKind.Symlink ? "softlink" : "hardlink",
                ["size_in_bytes"] = f.Length,
            }).ToList();
            foreach (var (path, file) in paths.Zip(files))
            {
                if (file.Kind == WalkKind.File && (file.RelativePath.StartsWith("bin/", StringComparison.Ordinal) || file.RelativePath.EndsWith(".pc", StringComparison.Ordinal)
                    || file.RelativePath.Contains("_sysconfigdata", StringComparison.Ordinal)))
                {
                    path["prefix_placeholder"] = Placeholder;
                    path["file_mode"] = "text";
                }
            }

            var record = new Dictionary<string, object>
            {
                ["name"] = name,
                ["version"] = version,
                ["build"] = $"h{build - 1}_0",
                ["build_number"] = 0,
                ["channel"] = "https://conda.anaconda.org/conda-forge/linux-64",
                ["extracted_package_dir"] = $"/opt/conda/pkgs/{dist}",
                ["package_tarball_full_path"] = $"/opt/conda/pkgs/{dist}.conda",
                ["link"] = new Dictionary<string, object> { ["source"] = $"/opt/conda/pkgs/{dist}", ["type"] = 1 },
                ["url"] = $"https://conda.anaconda.org/conda-forge/linux-64/{dist}.conda",
                ["files"] = files.Select(f => f.RelativePath).ToList(),
                ["paths_data"] = new Dictionary<string, object> { ["paths_version"] = 1, ["paths"] = paths },
            };
            File.WriteAllText(Path.Combine(partial, "conda-meta", dist + ".json"), JsonSerializer.Serialize(record, s_indented));
        }

        shell($"mv '{partial}' '{prefix}'");
        return packages.Count;
    }

    private static string PythonVersion(string installation) =>
        Directory.GetDirectories(Path.Combine(installation, "lib"), "python3.*").Select(Path.GetFileName).Order(StringComparer.Ordinal).First()!["python".Length..] + ".0";

    /// <summary>The first folder or file under site-packages.</summary>
    [GeneratedRegex(@"^lib/python3\.\d+/site-packages/([^/]+)")]
    private static partial Regex SitePackagesTop();

    /// <summary>What follows a distribution's name: <c>-1.2.dist-info</c>, <c>.py</c>, <c>.cpython-311-x86_64-linux-gnu.so</c>, <c>.pth</c>.</summary>
    [GeneratedRegex(@"([-.].*)$")]
    private static partial Regex DistributionName();
}
