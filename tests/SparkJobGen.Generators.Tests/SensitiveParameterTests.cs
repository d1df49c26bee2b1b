using System.Reflection;
using Microsoft.CodeAnalysis;
using SparkJobGen.Manifest;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// <c>[JobParameter(Sensitive = true)]</c>: <c>job.ToJobArguments()</c> still passes the value to the script, and the
/// submission built from it lists the value in <see cref="SparkSubmission.SecretValues"/> (and its command's
/// <c>Secrets</c>), whatever the flag is called, so every runner masks it.
/// </summary>
public sealed class SensitiveParameterTests
{
    private const string Source = """
        using System.Collections.Generic;
        using SparkJobGen;

        namespace Contoso.Jobs;

        [SparkJob("jobs/load.py", Name = "load")]
        public partial class Load
        {
            [JobParameter("--input")] public required string Input { get; init; }
            [JobParameter("--connection", Sensitive = true)] public string? Connection { get; init; }
            [JobParameter("--tokens", Sensitive = true)] public IReadOnlyList<string> Tokens { get; init; } = [];
            [JobParameter("--label")] public string? Label { get; init; }
        }

        public static class Probe
        {
            public static SparkSubmission Submission() =>
                new Load { Input = "hdfs:///in", Connection = "Server=db;Pwd=conn-secret-1", Tokens = ["tok-a-123", "-tok-b-456"], Label = "visible" }.ToSubmission();
        }
        """;

    private static readonly Lazy<Assembly> Jobs = new(() => GeneratorHarness.EmitAndLoad(GeneratorHarness.RunAndAssertClean(Source).Output));

    [Fact]
    public void Sensitive_values_reach_the_script_and_are_listed_as_secrets()
    {
        var submission = (SparkSubmission)GeneratorHarness.Invoke(Jobs.Value, "Contoso.Jobs.Probe", "Submission")!;

        Assert.Equal(
            ["--input", "hdfs:///in", "--connection", "Server=db;Pwd=conn-secret-1", "--tokens", "tok-a-123", "--tokens=-tok-b-456", "--label", "visible"],
            submission.JobArguments);
        Assert.Equal(["Server=db;Pwd=conn-secret-1", "tok-a-123", "-tok-b-456"], submission.SecretValues);
        Assert.Equal(submission.SecretValues, submission.WithScript("jobs/load.py").ToCommand().Secrets);
    }

    [Fact]
    public void The_definition_describes_which_parameters_are_sensitive()
    {
        var type = Jobs.Value.GetType("Contoso.Jobs.Load", throwOnError: true)!;
        var definition = (SparkJobDefinition)type.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        Assert.Equal(
            [("--input", false), ("--connection", true), ("--tokens", true), ("--label", false)],
            definition.Parameters.Select(p => (p.Flag, p.IsSensitive)));
    }

    /// <summary>
    /// The generated code passes values only; which ones are secrets comes from the definition the manifest records, so the
    /// arguments mask exactly the values of the parameters the definition calls sensitive.
    /// </summary>
    [Fact]
    public void Sensitivity_comes_from_the_definition_not_from_the_generated_code()
    {
        var (_, result) = GeneratorHarness.RunAndAssertClean(Source);
        var code = GeneratorHarness.GeneratedSource(result, "Contoso.Jobs.Load.g.cs");
        Assert.DoesNotContain("Sensitive", code, StringComparison.Ordinal);

        var type = Jobs.Value.GetType("Contoso.Jobs.Load", throwOnError: true)!;
        var definition = (SparkJobDefinition)type.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var submission = (SparkSubmission)GeneratorHarness.Invoke(Jobs.Value, "Contoso.Jobs.Probe", "Submission")!;
        var arguments = submission.JobArguments.ToList();
        var expected = new List<string>();
        foreach (var parameter in definition.Parameters.Where(static p => p.IsSensitive))
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                if (arguments[i] == parameter.Flag)
                {
                    expected.Add(arguments[i + 1]);
                }
                else if (arguments[i].StartsWith(parameter.Flag + "=", StringComparison.Ordinal))
                {
                    expected.Add(arguments[i][(parameter.Flag.Length + 1)..]);
                }
            }
        }

        Assert.Equal(expected, submission.SecretValues);
    }

    /// <summary>The assembly manifest the <c>sparkjobgen</c> tool reads records which parameters are sensitive, read back from the emitted image.</summary>
    [Fact]
    public void The_assembly_manifest_records_which_parameters_are_sensitive()
    {
        var (output, _) = GeneratorHarness.RunAndAssertClean(Source);

        var job = ReadManifest(output).FindJob("load")!;

        Assert.Equal(
            [("--input", false), ("--connection", true), ("--tokens", true), ("--label", false)],
            job.Parameters.Select(p => (p.Flag, p.IsSensitive)));
    }

    /// <summary>
    /// An assembly built before the manifest recorded <c>IsSensitive</c> carries the attribute exactly as the generator wrote it
    /// then (no such named argument): it still reads, with no parameter sensitive.
    /// </summary>
    [Fact]
    public void An_assembly_built_before_the_manifest_recorded_sensitivity_still_reads()
    {
        const string Old = """
            [assembly: global::SparkJobGen.Generated.GeneratedSparkEnvironment("default", "name: default\n")]
            [assembly: global::SparkJobGen.Generated.GeneratedSparkJob("load", "default", "jobs/load.py", "Contoso.Jobs.Load", SparkConf = new string[] { "spark.sql.shuffle.partitions", "8" })]
            [assembly: global::SparkJobGen.Generated.GeneratedSparkJobParameter("load", 0, "Input", "--input", "string", IsRequired = true, IsFlag = false, IsList = false)]
            [assembly: global::SparkJobGen.Generated.GeneratedSparkJobParameter("load", 1, "Connection", "--connection", "string?", IsRequired = false, IsFlag = false, IsList = false)]
            """;

        var job = ReadManifest(GeneratorHarness.CreateCompilation(Old)).FindJob("load")!;

        Assert.Equal(
            [new ManifestParameter("Input", "--input", "string", true, false, false), new ManifestParameter("Connection", "--connection", "string?", false, false, false)],
            job.Parameters);
        Assert.All(job.Parameters, p => Assert.False(p.IsSensitive));
    }

    private static SparkJobManifest ReadManifest(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        return SparkJobManifest.Read(stream, "TestJobs.dll");
    }
}
