using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using YamlDotNet.RepresentationModel;

namespace SparkJobGen.IntegrationTests;

/// <summary>A real <c>dotnet build</c> of samples/CustomerScoring: environment.yaml on disk, incremental, switchable, cleaned.</summary>
[Collection(RealBuildCollection.Name)]
public sealed class SampleBuildTests
{
    private static string Output => Path.Combine(RepositoryLayout.Sample, "bin", "Debug", "net10.0");

    private static string AnalyticsYaml => Path.Combine(Output, "sparkjobs", "analytics", "environment.yaml");

    [Fact]
    public void Build_writes_environment_yaml_identical_to_the_generated_text_then_stays_incremental_switchable_and_clean()
    {
        var generated = Path.Combine(Path.GetTempPath(), "sjg-generated-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Another test may have built the sample already; emitting generated files needs a real compile, so make the
            // compiler step out of date (touching a source file) rather than rebuilding every referenced project.
            File.SetLastWriteTimeUtc(Path.Combine(RepositoryLayout.Sample, "Program.cs"), DateTime.UtcNow);
            DotnetCli.RunOk(RepositoryLayout.Sample, "build", "-c", "Debug", "-p:EmitCompilerGeneratedFiles=true", "-p:CompilerGeneratedFilesOutputPath=" + generated);

            // 1. The files exist where documented, byte-identical to the constant the generator emitted.
            var expected = GeneratedYamlConstants(generated);
            Assert.Equal(["analytics", "reporting"], expected.Keys.Order());
            foreach (var (environment, text) in expected)
            {
                var path = Path.Combine(Output, "sparkjobs", environment, "environment.yaml");
                Assert.True(File.Exists(path), path + " missing");
                Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), File.ReadAllBytes(path));
            }

            // 2. YamlDotNet reads it back as conda's environment format.
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(AnalyticsYaml)));
            var root = (YamlMappingNode)stream.Documents.Single().RootNode;
            Assert.Equal("analytics", root["name"].ToString());
            var dependencies = ((YamlSequenceNode)root["dependencies"]).ToList();
            Assert.Contains(dependencies, d => d.ToString() == "numpy>=1.26,<2");
            Assert.Equal("lightgbm==4.3.0", ((YamlSequenceNode)((YamlMappingNode)dependencies.Last())["pip"]).Single().ToString());

            // 3. Job scripts are copied beside it.
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(RepositoryLayout.Sample, "jobs", "score_customers.py")),
                File.ReadAllBytes(Path.Combine(Output, "sparkjobs", "analytics", "jobs", "score_customers.py")));
            Assert.True(File.Exists(Path.Combine(Output, "sparkjobs", "reporting", "jobs", "summarize_customers.py")));

            // 4. A rebuild with nothing changed does not rewrite the file.
            var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(AnalyticsYaml, stamp);
            DotnetCli.RunOk(RepositoryLayout.Sample, "build", "-c", "Debug");
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(AnalyticsYaml));

            // 5. dotnet clean removes it.
            DotnetCli.RunOk(RepositoryLayout.Sample, "clean", "-c", "Debug");
            Assert.False(File.Exists(AnalyticsYaml));
            Assert.False(Directory.Exists(Path.Combine(Output, "sparkjobs")));

            // 6. The MSBuild switch turns it off.
            DotnetCli.RunOk(RepositoryLayout.Sample, "build", "-c", "Debug", "-p:SparkJobGenWriteEnvironments=false");
            Assert.False(Directory.Exists(Path.Combine(Output, "sparkjobs")));
        }
        finally
        {
            // Leave the sample built normally, as the README's first command expects.
            DotnetCli.Run(RepositoryLayout.Sample, "build", "-c", "Debug");
            if (Directory.Exists(generated))
            {
                Directory.Delete(generated, recursive: true);
            }
        }

        Assert.True(File.Exists(AnalyticsYaml));
    }

    /// <summary>Reads each environment's yaml text out of the generated C# file written by EmitCompilerGeneratedFiles (its attribute's literal).</summary>
    private static Dictionary<string, string> GeneratedYamlConstants(string generatedDirectory)
    {
        var file = Directory.GetFiles(generatedDirectory, "SparkJobGen.Environments.g.cs", SearchOption.AllDirectories).Single();
        var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file));
        var root = tree.GetCompilationUnitRoot();
        var result = new Dictionary<string, string>();
        foreach (var attribute in root.AttributeLists.SelectMany(l => l.Attributes).Where(a => a.Name.ToString().EndsWith("GeneratedSparkEnvironmentAttribute", StringComparison.Ordinal)))
        {
            var name = ((LiteralExpressionSyntax)attribute.ArgumentList!.Arguments[0].Expression).Token.ValueText;
            result[name] = ((LiteralExpressionSyntax)attribute.ArgumentList.Arguments[1].Expression).Token.ValueText;
        }

        return result;
    }
}
