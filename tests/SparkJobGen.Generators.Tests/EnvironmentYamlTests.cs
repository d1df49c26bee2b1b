using SparkJobGen.Generators.Environments;
using YamlDotNet.RepresentationModel;

namespace SparkJobGen.Generators.Tests;

/// <summary>environment.yaml read back with YamlDotNet: the structure conda expects, deterministic, every string intact.</summary>
public sealed class EnvironmentYamlTests
{
    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    [Fact]
    public void Generated_yaml_has_condas_environment_structure()
    {
        var (output, _) = GeneratorHarness.RunAndAssertClean(Sources.ScoreCustomers);
        var assembly = GeneratorHarness.EmitAndLoad(output);
        var yaml = System.Reflection.CustomAttributeExtensions.GetCustomAttributes<SparkJobGen.Generated.GeneratedSparkEnvironmentAttribute>(assembly).Single().EnvironmentYaml;
        var root = Load(yaml);

        Assert.Equal("analytics", ((YamlScalarNode)root["name"]).Value);
        Assert.Equal(["conda-forge"], ((YamlSequenceNode)root["channels"]).Select(n => ((YamlScalarNode)n).Value));
        var dependencies = (YamlSequenceNode)root["dependencies"];
        Assert.Equal(
            ["python 3.11.*", "pyspark 3.5.1.*", "numpy>=1.26,<2", "pandas 2.1.*", "pip"],
            dependencies.OfType<YamlScalarNode>().Select(n => n.Value));
        var pip = (YamlSequenceNode)dependencies.OfType<YamlMappingNode>().Single()["pip"];
        Assert.Equal(["lightgbm==4.3.0"], pip.Select(n => ((YamlScalarNode)n).Value));
    }

    public static TheoryData<string> HostileStrings => new()
    {
        "yes", "no", "null", "~", "3.11", "1e5", "0x1F", "- dash", "key: value", "a #comment", "trailing:", " lead", "tail ",
        "\"quoted\"", "back\\slash", "new\nline", "tab\there", "ünïcødé €", "[flow]", "{map}", "*alias", "&anchor", "!tag", "%directive",
        "@at", "`tick`", "|pipe", ">fold", "'single'", "=eq", "numpy[version='>=1.2',build=py*]", "\u0001control", "\u2028sep",
    };

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public void Every_scalar_reads_back_as_the_same_string(string value)
    {
        var yaml = EnvironmentYamlWriter.Write(value, [value], [value], [value], [value]);
        var root = Load(yaml);
        Assert.Equal(value, ((YamlScalarNode)root["name"]).Value);
        Assert.Equal(value, ((YamlScalarNode)((YamlSequenceNode)root["channels"]).Single()).Value);
        var dependencies = (YamlSequenceNode)root["dependencies"];
        Assert.Equal(value, ((YamlScalarNode)dependencies[0]).Value);
        Assert.Equal(value, ((YamlScalarNode)((YamlSequenceNode)((YamlMappingNode)dependencies[1])["pip"]).Single()).Value);
        var scalar = (YamlScalarNode)root["name"];
        Assert.True(scalar.Style != YamlDotNet.Core.ScalarStyle.Plain || !LooksTyped(value), $"'{value}' would be typed, not a string");
    }

    [Fact]
    public void Conda_constraints_merge_into_their_intersection_without_parentheses()
    {
        var lines = PackageLineBuilder.MergeConda(
        [
            new("numpy", ">=1.26", null), new("NumPy", "<2", null), new("pandas", "1.5.*|>=2,<3", null), new("pandas", "<2.2", null),
            new("scipy", "1.11", null), new("scipy", "==1.11.4", null), new("python", "3.11", null), new("pyarrow", "", "py311*"),
            new("conda-forge::arrow", "=1.3", null),
        ]).Select(p => p.Line).ToList();
        Assert.Equal(
            ["python 3.11.*", "conda-forge::arrow 1.3.*", "numpy>=1.26,<2", "pandas 1.5.*|>=2,<2.2", "pyarrow * py311*", "scipy==1.11.4"],
            lines);
    }

    // Each row failed on e618d5d: "=2.1,<3" lost its '=' (2.1 became the exact version), a leading "==2.1.*" meant the prefix
    // on the line and exactly 2.1 to the analyzer, a parenthesised group made conda's MatchSpec parser fail ("cannot join
    // single expression"), and merged lines repeated clauses. The written line is the intersection in normal form.
    [Theory]
    [InlineData("=2.1,<3", "!=2.1", "numpy 2.1.*,!=2.1")]
    [InlineData("=2.1|>=3", "!=2.1", "numpy 2.1.*,!=2.1|>=3")]
    [InlineData("==2.1.*", "!=2.1", "numpy 2.1.*,!=2.1")]
    [InlineData("1.5.*|>=2,<3", ">=2.2", "numpy>=2.2,<3")]
    [InlineData("1.5.*|>=2,<3", "<2.2", "numpy 1.5.*|>=2,<2.2")]
    [InlineData(">=1.26,<2", ">=1.24,<2", "numpy>=1.26,<2")]
    [InlineData("==1.26.4", "1.26", "numpy==1.26.4")]
    [InlineData("1.26", "", "numpy 1.26.*")]
    [InlineData("*", ">=1", "numpy>=1")]
    public void Merged_conda_lines_are_the_intersection_in_normal_form(string first, string second, string line)
    {
        var merged = PackageLineBuilder.MergeConda([new("numpy", first, null), new("numpy", second, null)]).Single();
        Assert.Equal(line, merged.Line);
        Assert.DoesNotContain("(", merged.Specifier, StringComparison.Ordinal);
        // A MatchSpec rewrites a leading '=' or '==' (conda's _parse_spec_str): only a lone exact term may start with one.
        Assert.False(merged.Specifier.StartsWith(' ') || (merged.Specifier.StartsWith('=') && (merged.Specifier.IndexOfAny([',', '|']) >= 0 || !merged.Specifier.StartsWith("==", StringComparison.Ordinal))), merged.Specifier);
    }

    [Theory]
    [InlineData(">=1.26,<2", ">=1.24,<2", "numpy>=1.26,<2")]
    [InlineData(">=2.31", ">=2.31,<3", "numpy>=2.31,<3")]
    [InlineData("~=1.4.2", ">=1.4", "numpy~=1.4.2")]
    [InlineData(">=1.0a1", "<2", "numpy>=1.0a1,<2")]
    public void Merged_pip_lines_are_the_intersection_in_normal_form(string first, string second, string line) =>
        Assert.Equal(line, PackageLineBuilder.MergePip([new("numpy", first, null), new("numpy", second, null)]).Single().Line);

    // PEP 503 name normalisation exists once (VersionConstraint.NormalizePackageName): the generator's merge key, the
    // analyzers' package key and the solver's grouping agree, padding included (on e618d5d the generator did not trim).
    [Theory]
    [InlineData(" Zope_Interface ", "zope.interface")]
    [InlineData("Requests", "requests")]
    [InlineData("a--b__c..d", "A-B-C-D")]
    public void One_pep503_normalisation_for_generator_and_analyzers(string first, string second)
    {
        Assert.Single(PackageLineBuilder.MergePip([new(first, ">=1", null), new(second, "<2", null)]));
        Assert.Equal(PackageLineBuilder.NormalizePipName(first), Diagnostics.DeclaredConstraint.PipKey(first));
        Assert.Equal(Diagnostics.DeclaredConstraint.PipKey(first), Diagnostics.DeclaredConstraint.PipKey(second));
    }

    [Fact]
    public void Pip_requirements_merge_by_normalized_name_and_union_extras()
    {
        var lines = PackageLineBuilder.MergePip(
        [
            new("Requests[socks]", ">=2.31", null), new("requests[security]", "<3", null), new("zope.interface", "", null),
            new("Zope_Interface", ">=6", null), new("mypkg", "@ https://example.com/mypkg-1.0.whl", null),
        ]).Select(p => p.Line).ToList();
        Assert.Equal(["mypkg @ https://example.com/mypkg-1.0.whl", "Requests[security,socks]>=2.31,<3", "zope.interface>=6"], lines);
    }

    [Fact]
    public void Output_is_deterministic_for_any_declaration_order()
    {
        const string a = """
            using SparkJobGen;
            [SparkJob("a.py", Environment = "shared")][CondaPackage("b")][CondaPackage("a")] public partial class A { }
            [SparkJob("b.py", Environment = "shared")][PipPackage("z")][PipPackage("y")] public partial class B { }
            """;
        const string b = """
            using SparkJobGen;
            [SparkJob("b.py", Environment = "shared")][PipPackage("y")][PipPackage("z")] public partial class B { }
            [SparkJob("a.py", Environment = "shared")][CondaPackage("a")][CondaPackage("b")] public partial class A { }
            """;
        var first = GeneratorHarness.GeneratedSource(GeneratorHarness.RunAndAssertClean(a).Result, "SparkJobGen.Environments.g.cs");
        var second = GeneratorHarness.GeneratedSource(GeneratorHarness.RunAndAssertClean(b).Result, "SparkJobGen.Environments.g.cs");
        Assert.Equal(first, second);
    }

    private static bool LooksTyped(string value) =>
        value is "yes" or "no" or "null" or "~" or "3.11" or "1e5" or "0x1F";
}
