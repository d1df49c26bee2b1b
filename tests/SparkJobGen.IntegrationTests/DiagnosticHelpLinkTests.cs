using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SparkJobGen.IntegrationTests;

/// <summary>
/// Diagnostic help links lead to a page that exists for a package user, offline: the page inside the installed package the
/// analyzers were loaded from. Every SJG id has its page in the packed .nupkg.
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class DiagnosticHelpLinkTests
{
    [Fact]
    public void A_reported_diagnostics_help_link_is_the_page_inside_the_installed_package()
    {
        using var project = ConsumerProject.Create(
            new Dictionary<string, string>
            {
                ["Program.cs"] = """
                    using SparkJobGen;

                    namespace Demo;

                    [SparkJob("jobs/etl.py")]
                    public partial class Etl
                    {
                        [JobParameter("--day")] public string? Day { get; init; }
                        [JobParameter("--day")] public string? Other { get; init; }
                    }

                    public static class Program
                    {
                        public static void Main() { }
                    }
                    """,
                ["jobs/etl.py"] = "print('etl')\n",
            },
            "<ErrorLog>build.sarif,version=2.1</ErrorLog>");

        var (exitCode, output) = project.Run("build", "-c", "Debug");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("SJG1001", output, StringComparison.Ordinal);
        using var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "build.sarif")));
        var rule = sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Single(r => r.GetProperty("id").GetString() == "SJG1001");
        var link = new Uri(rule.GetProperty("helpUri").GetString()!);
        Assert.True(link.IsFile, link.ToString());
        // The package this project restored, this version, in the packages folder restore recorded.
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "obj", "project.assets.json")));
        var packages = assets.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
        var expected = Path.Combine(packages, "sparkjobgen", PackedPackage.Version.ToLowerInvariant(), "docs", "diagnostics", "SJG1001.md");
        Assert.Equal(Path.GetFullPath(expected), link.LocalPath);
        Assert.StartsWith("# SJG1001: ", File.ReadAllText(link.LocalPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_SJG_id_has_its_page_in_the_packed_package()
    {
        var analyzerIds = Regex.Matches(
                File.ReadAllText(Path.Combine(RepositoryLayout.Root, "analyzers", "SparkJobGen.Generators", "Diagnostics", "DiagnosticDescriptors.cs")),
                "Id = \"(SJG\\d{4})\"")
            .Select(m => m.Groups[1].Value)
            .ToList();
        var buildIds = Regex.Matches(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "src", "SparkJobGen.Build", "BuildMessages.cs")), "= \"(SJG3\\d{3})\"")
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.Contains("SJG2009", analyzerIds);
        Assert.Contains("SJG2010", analyzerIds);
        Assert.Contains("SJG3007", buildIds);

        using var zip = ZipFile.OpenRead(PackedPackage.File);
        var entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
        foreach (var id in analyzerIds)
        {
            Assert.True(entries.TryGetValue("docs/diagnostics/" + id + ".md", out var page), id + " has no page in the package");
            using var reader = new StreamReader(page!.Open());
            Assert.StartsWith("# " + id + ": ", reader.ReadToEnd(), StringComparison.Ordinal);
        }

        // The build messages (MSBuild errors and warnings, no help link) are documented on the index page, also in the package.
        using var index = new StreamReader(entries["docs/diagnostics/README.md"].Open());
        var text = index.ReadToEnd();
        Assert.All(buildIds, id => Assert.Contains("| " + id + " |", text, StringComparison.Ordinal));
    }
}
