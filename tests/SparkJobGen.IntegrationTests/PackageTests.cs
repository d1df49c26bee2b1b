namespace SparkJobGen.IntegrationTests;

/// <summary><c>dotnet pack</c> produces the SparkJobGen package; a fresh project restores it from a local folder and builds and runs.</summary>
[Collection(RealBuildCollection.Name)]
public sealed class PackageTests
{
    [Fact]
    public void Packed_package_restores_into_a_fresh_project_that_builds_generates_and_runs()
    {
        var work = Path.Combine(Path.GetTempPath(), "sjg-package-" + Guid.NewGuid().ToString("N"));
        var feed = PackedPackage.Feed;
        var app = Path.Combine(work, "app");
        var version = PackedPackage.Version;
        try
        {
            var package = PackedPackage.File;
            Assert.True(File.Exists(package));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains("analyzers/dotnet/cs/SparkJobGen.Generators.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/SparkJobGen.CodeFixes.dll", entries);
                Assert.Contains("build/SparkJobGen.targets", entries);
                Assert.Contains("buildTransitive/SparkJobGen.targets", entries);
                Assert.Contains("tasks/netstandard2.0/SparkJobGen.Build.dll", entries);
                Assert.Contains("lib/net8.0/SparkJobGen.dll", entries);
                Assert.Contains("lib/net8.0/SparkJobGen.Abstractions.dll", entries);
                Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));

                // Every diagnostic page ships in the package, where each diagnostic's description points.
                var pages = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "docs", "diagnostics"), "*.md").Select(Path.GetFileName).ToList();
                Assert.Contains("SJG1002.md", pages);
                Assert.All(pages, page => Assert.Contains("docs/diagnostics/" + page, entries));
            }

            Directory.CreateDirectory(Path.Combine(app, "jobs"));
            ConsumerProject.WriteNuGetConfig(work, feed);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="SparkJobGen" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "jobs", "etl.py"), "import sys\nprint(sys.argv[1:])\n");
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using SparkJobGen;

                [assembly: CondaChannel("conda-forge")]

                var job = new Demo.Etl { Day = new System.DateOnly(2026, 11, 24) };
                System.Console.WriteLine(string.Join("|", job.ToSubmission().OnYarn(DeployMode.Cluster).WithEnvironmentArchive("env.tar.gz").ToSparkSubmitArguments()));

                namespace Demo
                {
                    [SparkJob("jobs/etl.py", Environment = "etl-env")]
                    [PythonVersion("3.12")]
                    [PipPackage("requests", ">=2.31")]
                    public partial class Etl
                    {
                        [JobParameter] public required System.DateOnly Day { get; init; }
                    }
                }
                """);

            var output = DotnetCli.RunOk(app, "run", "-c", "Debug");
            // A local archive reaches spark-submit as an absolute file: URI (percent-encoded where needed).
            Assert.Contains("--archives|file://" + Path.Combine(app, "env.tar.gz") + "#environment|", output, StringComparison.Ordinal);
            Assert.Contains("|--day|2026-11-24", output, StringComparison.Ordinal);

            var yaml = File.ReadAllText(Path.Combine(app, "bin", "Debug", "net10.0", "sparkjobs", "etl-env", "environment.yaml"));
            Assert.Contains("name: etl-env\n", yaml, StringComparison.Ordinal);
            Assert.Contains("  - python 3.12.*\n", yaml, StringComparison.Ordinal);
            Assert.Contains("      - requests>=2.31\n", yaml, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(app, "bin", "Debug", "net10.0", "sparkjobs", "etl-env", "jobs", "etl.py")));
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    [Fact]
    public void Sample_builds_against_the_package_dotnet_pack_wrote_with_only_SparkJobGenVersion_set()
    {
        // README: `dotnet pack src/SparkJobGen`, then `dotnet build samples/CustomerScoring -p:SparkJobGenVersion=<version>`;
        // the samples find the package where dotnet pack wrote it. A copy of the sample beside it (same samples/ settings),
        // so the sample's own build output is untouched.
        var work = Path.Combine(RepositoryLayout.Root, "samples", ".package-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            CopySample(RepositoryLayout.Sample, work);
            var output = DotnetCli.RunOk(work, "build", "-c", "Debug", "-p:SparkJobGenVersion=" + PackedPackage.Version);
            Assert.DoesNotContain("NU1101", output, StringComparison.Ordinal);
            var assets = File.ReadAllText(Path.Combine(work, "obj", "project.assets.json"));
            Assert.Contains("\"SparkJobGen/" + PackedPackage.Version + "\"", assets, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(work, "bin", "Debug", "net10.0", "sparkjobs", "analytics", "environment.yaml")));
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static void CopySample(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
