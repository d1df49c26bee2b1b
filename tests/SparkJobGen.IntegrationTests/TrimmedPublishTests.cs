using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace SparkJobGen.IntegrationTests;

/// <summary>
/// <c>job.ToJobArguments()</c> reads its parameters through <c>JobArgumentList.Render&lt;TJob&gt;</c>, by the property
/// names the job's definition records. A trimmed app must still find every one of them: the job class's own properties,
/// private ones included, and the non-private ones of a base class that is not a job. The jobs live in a trimmable library,
/// because trimming keeps the app's own assembly whole.
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class TrimmedPublishTests
{
    [Fact]
    public void A_trimmed_app_renders_the_parameters_of_a_job_in_a_trimmed_library()
    {
        using var project = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["Program.cs"] = """
                var job = new Demo.Jobs.Nightly { Tags = ["a", "b c"] };
                job.UseToken("s3cr3t");
                foreach (var argument in job.ToJobArguments())
                {
                    System.Console.WriteLine(argument);
                }
                """,
            ["lib/Lib.csproj"] = $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <IsTrimmable>true</IsTrimmable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="SparkJobGen" Version="{PackedPackage.Version}" />
                  </ItemGroup>
                </Project>
                """,
            ["lib/jobs/nightly.py"] = "import sys\nprint(sys.argv[1:])\n",
            ["lib/Jobs.cs"] = """
                using System;
                using System.Collections.Generic;
                using SparkJobGen;

                namespace Demo.Jobs;

                public abstract class JobBase
                {
                    [JobParameter(Sensitive = true)] protected string? Token { get; set; }
                    [JobParameter] internal int Limit { get; init; } = 10;
                    public void UseToken(string token) => Token = token;
                    public void NeverCalled() { }
                }

                [SparkJob("jobs/nightly.py")]
                public partial class Nightly : JobBase
                {
                    [JobParameter(Format = "yyyyMMdd")] private DateOnly Day { get; init; } = new(2026, 3, 4);
                    [JobParameter] public List<string> Tags { get; init; } = [];
                }
                """,
        });
        // The app references the library only; the package comes with it.
        project.WriteFile("App.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <DefaultItemExcludes>$(DefaultItemExcludes);lib/**</DefaultItemExcludes>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="lib/Lib.csproj" />
              </ItemGroup>
            </Project>
            """);
        var published = Path.Combine(project.Work, "published");
        // A trim warning is an error here (TreatWarningsAsErrors), so the publish also proves the generated code warns of nothing.
        project.RunOk("publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "-p:PublishTrimmed=true", "-o", published);

        // The library was trimmed: a method nothing calls is gone, so the arguments below were read from a trimmed assembly.
        Assert.DoesNotContain("NeverCalled", MethodNames(Path.Combine(published, "Lib.dll")));
        Assert.Contains("UseToken", MethodNames(Path.Combine(published, "Lib.dll")));

        var start = new ProcessStartInfo(Path.Combine(published, "App")) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the published app did not exit");
        Assert.True(process.ExitCode == 0, $"the published app failed ({process.ExitCode}): {error}");
        Assert.Equal(
            ["--token", "s3cr3t", "--limit", "10", "--day", "20260304", "--tags", "a", "--tags", "b c"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string[] MethodNames(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.MethodDefinitions.Select(handle => reader.GetString(reader.GetMethodDefinition(handle).Name)).ToArray();
    }
}
