namespace SparkJobGen.IntegrationTests;

/// <summary>
/// The SparkJobGen package packed once per test run, as README's "Repository layout" section says: <c>dotnet pack
/// src/SparkJobGen</c> writes it to <c>artifacts/package/&lt;configuration&gt;/</c> (a unique prerelease version, so the
/// machine's package cache never serves an older build; removed again when the test run ends).
/// </summary>
internal static class PackedPackage
{
    private static readonly Lazy<(string Feed, string Version)> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding the .nupkg: <c>artifacts/package/debug</c>.</summary>
    public static string Feed => Packed.Value.Feed;

    /// <summary>The package version.</summary>
    public static string Version => Packed.Value.Version;

    /// <summary>The .nupkg file.</summary>
    public static string File => Path.Combine(Feed, $"SparkJobGen.{Version}.nupkg");

    private static (string, string) Pack()
    {
        var artifacts = Environment.GetEnvironmentVariable("SJG_ARTIFACTS") is { Length: > 0 } custom ? custom : Path.Combine(RepositoryLayout.Root, "artifacts");
        var feed = Path.Combine(artifacts, "package", "debug");
        var version = "0.1.0-it" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        DotnetCli.RunOk(RepositoryLayout.Root, "pack", Path.Combine("src", "SparkJobGen", "SparkJobGen.csproj"), "-c", "Debug", "-p:Version=" + version);
        var package = Path.Combine(feed, $"SparkJobGen.{version}.nupkg");
        Assert.True(System.IO.File.Exists(package), "dotnet pack did not write " + package);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.File.Delete(package);
            }
            catch (IOException)
            {
            }
        };
        return (feed, version);
    }
}

/// <summary>
/// A fresh project in a temporary folder that uses the packed SparkJobGen package from the local feed, the way a new user's
/// project does: real <c>dotnet build</c>, <c>publish</c> and <c>clean</c>, with output checked on disk.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private ConsumerProject(string work)
    {
        Work = work;
        Directory = Path.Combine(work, "app");
    }

    /// <summary>The temporary root (holds nuget.config and the project folder).</summary>
    public string Work { get; }

    /// <summary>The project folder.</summary>
    public string Directory { get; }

    /// <summary>The project's build output folder (Debug, net10.0).</summary>
    public string Output => Path.Combine(Directory, "bin", "Debug", "net10.0");

    /// <summary>
    /// Writes a nuget.config into <paramref name="folder"/> that takes SparkJobGen from <paramref name="feed"/> only and
    /// everything else from nuget.org.
    /// </summary>
    public static void WriteNuGetConfig(string folder, string feed) =>
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="SparkJobGen" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);

    /// <summary>Creates the project with <paramref name="files"/> (relative path to content) and an optional csproj fragment.</summary>
    public static ConsumerProject Create(IReadOnlyDictionary<string, string> files, string projectProperties = "")
    {
        var project = new ConsumerProject(Path.Combine(Path.GetTempPath(), "sjg-consumer-" + Guid.NewGuid().ToString("N")));
        System.IO.Directory.CreateDirectory(project.Directory);
        WriteNuGetConfig(project.Work, PackedPackage.Feed);
        File.WriteAllText(Path.Combine(project.Directory, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {projectProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SparkJobGen" Version="{PackedPackage.Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach (var (path, content) in files)
        {
            project.WriteFile(path, content);
        }

        return project;
    }

    /// <summary>Writes (or replaces) a file of the project.</summary>
    public void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in the project folder.</summary>
    public (int ExitCode, string Output) Run(params string[] arguments) => DotnetCli.Run(Directory, arguments);

    /// <summary>Runs <c>dotnet</c> and asserts it succeeded.</summary>
    public string RunOk(params string[] arguments) => DotnetCli.RunOk(Directory, arguments);

    /// <summary>Every file under <paramref name="folder"/>, relative, with forward slashes, sorted.</summary>
    public static string[] FilesUnder(string folder) => System.IO.Directory.Exists(folder)
        ? System.IO.Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <inheritdoc />
    public void Dispose()
    {
        if (System.IO.Directory.Exists(Work))
        {
            System.IO.Directory.Delete(Work, recursive: true);
        }
    }
}
