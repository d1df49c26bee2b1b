using System.Reflection;
using SparkJobGen.Manifest;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// Each job's <c>Definition</c> is built at run time from the assembly's manifest attributes, the one copy of the jobs' data in
/// the compiled assembly: the job files carry no requirements, conf or parameter tables of their own.
/// </summary>
public sealed class ManifestDefinitionTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using SparkJobGen;

        [assembly: CondaChannel("conda-forge")]

        namespace Contoso.Jobs
        {
            public enum Mode { Full, Incremental }

            [SparkJob("jobs/load.py", Name = "load", Environment = "etl")]
            [PythonVersion("3.11")]
            [PySpark("3.5.1")]
            [CondaPackage("numpy", ">=1.26,<2", Build = "py311*")]
            [CondaPackage("numpy", ">=1.24,<2")]
            [PipPackage("lightgbm", "==4.3.0")]
            [SparkConf("spark.sql.shuffle.partitions", "400")]
            public partial class Load
            {
                [JobParameter("--input")] public required Uri Input { get; init; }
                [JobParameter("--token", Sensitive = true)] public IReadOnlyList<string> Tokens { get; init; } = [];
                [JobParameter("--dry-run")] public bool DryRun { get; init; }
                [JobParameter("--mode")] public Mode? RunMode { get; init; }
            }

            [SparkJob("jobs/report.py", Name = "report", Environment = "etl")]
            [CondaChannel("bioconda")]
            public partial class Report
            {
            }
        }

        public partial class Pipelines
        {
            [SparkJob("jobs/nightly.py", Name = "nightly-etl")]
            public partial class NightlyETL
            {
                [JobParameter("--limit")] public long? Limit { get; init; }
            }
        }
        """;

    [Fact]
    public void Every_jobs_Definition_equals_the_manifest_the_tool_reads_from_the_file()
    {
        var (output, _) = GeneratorHarness.RunAndAssertClean(Source);
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        image.Position = 0;
        var manifest = SparkJobManifest.Read(image, "Jobs.dll");
        var assembly = GeneratorHarness.EmitAndLoad(output);

        foreach (var (typeName, jobName) in new[] { ("Contoso.Jobs.Load", "load"), ("Contoso.Jobs.Report", "report"), ("Pipelines+NightlyETL", "nightly-etl") })
        {
            var definition = Definition(assembly, typeName);
            Assert.Same(definition, Definition(assembly, typeName)); // built once per class, not on every access
            var recorded = manifest.FindJob(jobName)!;
            var expected = recorded.ToDefinition(manifest.FindEnvironment(recorded.Environment)!.EnvironmentYaml);
            Assert.Equal(expected.Name, definition.Name);
            Assert.Equal(expected.Script, definition.Script);
            Assert.Equal(expected.Environment, definition.Environment);
            Assert.Equal(expected.EnvironmentYaml, definition.EnvironmentYaml);
            Assert.Equal(expected.PythonVersion, definition.PythonVersion);
            Assert.Equal(expected.PySparkVersion, definition.PySparkVersion);
            Assert.Equal(expected.Channels, definition.Channels);
            Assert.Equal(expected.CondaPackages, definition.CondaPackages);
            Assert.Equal(expected.PipPackages, definition.PipPackages);
            Assert.Equal(expected.SparkConf, definition.SparkConf);
            Assert.Equal(expected.Parameters, definition.Parameters);
        }

        // What the attributes declare, written out: merged requirements with the build string, traits of each parameter.
        var load = Definition(assembly, "Contoso.Jobs.Load");
        Assert.Equal(
            [new PackageRequirement("python", "3.11.*"), new PackageRequirement("pyspark", "3.5.1.*"), new PackageRequirement("numpy", ">=1.26,<2") { Build = "py311*" }],
            load.CondaPackages);
        Assert.Equal([new PackageRequirement("lightgbm", "==4.3.0")], load.PipPackages);
        Assert.Equal([new KeyValuePair<string, string>("spark.sql.shuffle.partitions", "400")], load.SparkConf);
        Assert.Equal(
            [
                new JobParameterInfo("Input", "--input", "Uri", IsRequired: true, IsFlag: false, IsList: false),
                new JobParameterInfo("Tokens", "--token", "IReadOnlyList<string>", IsRequired: false, IsFlag: false, IsList: true, IsSensitive: true),
                new JobParameterInfo("DryRun", "--dry-run", "bool", IsRequired: false, IsFlag: true, IsList: false),
                new JobParameterInfo("RunMode", "--mode", "Mode?", IsRequired: false, IsFlag: false, IsList: false),
            ],
            load.Parameters);
        Assert.Equal(["bioconda", "conda-forge"], Definition(assembly, "Contoso.Jobs.Report").Channels);
        Assert.Contains("  - numpy >=1.26,<2 py311*\n", load.EnvironmentYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_jobs_data_is_compiled_once_as_one_attribute_per_job_and_per_environment()
    {
        var (_, result) = GeneratorHarness.RunAndAssertClean(Source);

        var job = GeneratorHarness.GeneratedSource(result, "Contoso.Jobs.Load.g.cs");
        Assert.Contains("Definition => global::SparkJobGen.SparkJobDefinition.FromManifest(typeof(Load), \"load\");", job, StringComparison.Ordinal);
        Assert.DoesNotContain("numpy", job, StringComparison.Ordinal);
        Assert.DoesNotContain("spark.sql.shuffle.partitions", job, StringComparison.Ordinal);
        Assert.DoesNotContain("JobParameterInfo", job, StringComparison.Ordinal);

        var lines = GeneratorHarness.GeneratedSource(result, "SparkJobGen.Environments.g.cs").Split('\n');
        Assert.Equal(2, lines.Count(l => l.StartsWith("[assembly: global::SparkJobGen.Generated.GeneratedSparkEnvironmentAttribute(", StringComparison.Ordinal)));
        Assert.Equal(3, lines.Count(l => l.StartsWith("[assembly: global::SparkJobGen.Generated.GeneratedSparkJobAttribute(", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("GeneratedSparkJobParameter", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("class ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_class_whose_assembly_records_no_such_job_gets_an_error_that_says_to_rebuild()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SparkJobDefinition.FromManifest(typeof(ManifestDefinitionTests), "missing"));

        Assert.Contains("records no SparkJobGen job 'missing' for class 'SparkJobGen.Generators.Tests.ManifestDefinitionTests'", error.Message, StringComparison.Ordinal);
        Assert.Contains("rebuild the project", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The lists travel as one length-prefixed string (<c>GeneratedSparkJobAttribute.Data</c>): texts full of the format's own
    /// digits, <c>:</c> and <c>;</c>, empty values, newlines and characters outside the BMP come back exactly, through the
    /// metadata reader MSBuild and the tool use and through the loaded assembly's <c>Definition</c>.
    /// </summary>
    [Fact]
    public void Hostile_texts_round_trip_through_both_manifest_readers()
    {
        const string source = """
            using SparkJobGen;
            namespace Contoso.Jobs;
            [SparkJob("jobs/x.py", Name = "x")]
            [CondaChannel("12:ab;3:")]
            [SparkConf("spark.a", "1;2:3")]
            [SparkConf("spark.b", "")]
            [SparkConf("spark.c", "line1\nline2 \U0001D11E ü 0:")]
            [SparkConf("9;", ";;::")]
            public partial class X
            {
                [JobParameter("--w:1;")] public string? W { get; init; }
            }
            """;
        var (output, _) = GeneratorHarness.RunAndAssertClean(source);
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        image.Position = 0;
        var recorded = SparkJobManifest.Read(image, "Jobs.dll").FindJob("x")!;
        var loaded = Definition(GeneratorHarness.EmitAndLoad(output), "Contoso.Jobs.X");

        KeyValuePair<string, string>[] conf = [new("spark.a", "1;2:3"), new("spark.b", ""), new("spark.c", "line1\nline2 \U0001D11E ü 0:"), new("9;", ";;::")];
        Assert.Equal(conf, recorded.SparkConf);
        Assert.Equal(conf, loaded.SparkConf);
        Assert.Equal(["12:ab;3:"], recorded.Channels);
        Assert.Equal(["12:ab;3:"], loaded.Channels);
        Assert.Equal("--w:1;", Assert.Single(recorded.Parameters).Flag);
        Assert.Equal("--w:1;", Assert.Single(loaded.Parameters).Flag);
    }

    /// <summary>An assembly built by an earlier version, with the lists as string arrays, still reads the same.</summary>
    [Fact]
    public void The_earlier_array_form_is_still_read()
    {
        const string source = """
            [assembly: SparkJobGen.Generated.GeneratedSparkEnvironment("etl", "name: etl\n")]
            [assembly: SparkJobGen.Generated.GeneratedSparkJob("old", "etl", "jobs/old.py", "Old", PythonVersion = "3.11",
                Channels = new string[] { "conda-forge" }, CondaPackages = new string[] { "numpy", ">=1.26,<2" },
                PipPackages = new string[] { "lightgbm", "==4.3.0" }, SparkConf = new string[] { "spark.a", "1" },
                Parameters = new string[] { "Input", "--input", "Uri", "rs" })]
            public class Old { }
            """;
        var compilation = GeneratorHarness.CreateCompilation(source);
        using var image = new MemoryStream();
        Assert.True(compilation.Emit(image).Success);
        image.Position = 0;
        var job = SparkJobManifest.Read(image, "Old.dll").FindJob("old")!;
        var loaded = SparkJobDefinition.FromManifest(GeneratorHarness.EmitAndLoad(compilation).GetType("Old", throwOnError: true)!, "old");

        foreach (var (channels, conda, pip, conf, parameter) in new[]
        {
            (job.Channels, job.CondaPackages, job.PipPackages, job.SparkConf, (job.Parameters[0].Flag, job.Parameters[0].IsRequired, job.Parameters[0].IsSensitive)),
            (loaded.Channels, loaded.CondaPackages.Select(p => new KeyValuePair<string, string>(p.Name, p.Specifier)).ToArray(),
                loaded.PipPackages.Select(p => new KeyValuePair<string, string>(p.Name, p.Specifier)).ToArray(), loaded.SparkConf,
                (loaded.Parameters[0].Flag, loaded.Parameters[0].IsRequired, loaded.Parameters[0].IsSensitive)),
        })
        {
            Assert.Equal(["conda-forge"], channels);
            Assert.Equal([new KeyValuePair<string, string>("numpy", ">=1.26,<2")], conda);
            Assert.Equal([new KeyValuePair<string, string>("lightgbm", "==4.3.0")], pip);
            Assert.Equal([new KeyValuePair<string, string>("spark.a", "1")], conf);
            Assert.Equal(("--input", true, true), parameter);
        }
    }

    private static SparkJobDefinition Definition(Assembly assembly, string typeName) =>
        (SparkJobDefinition)assembly.GetType(typeName, throwOnError: true)!.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    [Fact]
    public void A_name_two_jobs_answer_to_is_listed_as_ambiguous_not_resolved_to_one_silently()
    {
        const string source = """
            using SparkJobGen;
            namespace A { [SparkJob("jobs/a.py")] public partial class Job { } }
            namespace B { [SparkJob("jobs/b.py")] public partial class Job { } }
            namespace C { [SparkJob("jobs/c.py", Name = "other")] public partial class Job2 { } }
            """;
        var (output, _) = GeneratorHarness.RunAndAssertClean(source);
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        image.Position = 0;
        var manifest = SparkJobManifest.Read(image, "Jobs.dll");

        Assert.Equal(["A.Job", "B.Job"], manifest.FindJobs("job").Select(static j => j.TypeName));
        Assert.Equal(["A.Job", "B.Job"], manifest.FindJobs("Job").Select(static j => j.TypeName));
        Assert.Equal(["B.Job"], manifest.FindJobs("B.Job").Select(static j => j.TypeName));
        Assert.Equal(["C.Job2"], manifest.FindJobs("other").Select(static j => j.TypeName));
        Assert.Empty(manifest.FindJobs("nothing"));
        Assert.Equal("A.Job", manifest.FindJob("job")!.TypeName);
    }
}
