using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes.Tests.Catalog;

/// <summary>
/// Every descriptor is reported by exactly one analyzer, documented in docs/diagnostics, tracked in the release file with its
/// category and severity, and every code fix fixes a known id.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    private static readonly DiagnosticAnalyzer[] Analyzers = typeof(DiagnosticDescriptors).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToArray();

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Ids_are_unique_in_bands_and_have_matching_constants()
    {
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        var constants = typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.Equal(constants, Descriptors.Select(d => d.Id).ToHashSet());
        Assert.All(Descriptors, d => Assert.Matches(@"^SJG[12]\d{3}$", d.Id));
        Assert.All(Descriptors, d => Assert.Equal(d.Id[3] == '1' ? DiagnosticDescriptors.DeclarationCategory : DiagnosticDescriptors.VersionsCategory, d.Category));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Reported_by_exactly_one_analyzer(string id) =>
        Assert.Single(Analyzers, a => a.SupportedDiagnostics.Any(d => d.Id == id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Documented_with_severity_and_editorconfig_line(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        // Loaded from a test's bin folder (not a package's analyzers/dotnet/cs), the link is the repository's page; from an
        // installed package it is the page the package ships (DiagnosticHelpLinkTests builds a consumer project to show it).
        Assert.Equal("https://github.com/sparkjobgen/sparkjobgen/blob/main/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri);
        // The description also says where the page is in the package (Packaging.targets ships docs/diagnostics/).
        Assert.EndsWith("Documentation: docs/diagnostics/" + id + ".md in the SparkJobGen package (~/.nuget/packages/sparkjobgen/<version>/docs/diagnostics/" + id + ".md).", descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics", id + ".md"));
        Assert.StartsWith("# " + id + ": " + descriptor.Title, page, StringComparison.Ordinal);
        Assert.Contains("| Severity | " + descriptor.DefaultSeverity + " |", page, StringComparison.Ordinal);
        Assert.Contains("dotnet_diagnostic." + id + ".severity", page, StringComparison.Ordinal);
        Assert.Contains("[" + id + "](" + id + ".md)", File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics", "README.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/home/u/.nuget/packages/sparkjobgen/1.2.0/analyzers/dotnet/cs/SparkJobGen.Generators.dll", "file:///home/u/.nuget/packages/sparkjobgen/1.2.0/docs/diagnostics/SJG2001.md")]
    [InlineData("/opt/nuget cache/sparkjobgen/1.2.0-rc.1/analyzers/dotnet/cs/SparkJobGen.Generators.dll", "file:///opt/nuget%20cache/sparkjobgen/1.2.0-rc.1/docs/diagnostics/SJG2001.md")]
    [InlineData("/tmp/VBCSCompiler/AnalyzerAssemblyLoader/5f2c/1/SparkJobGen.Generators.dll", "https://github.com/sparkjobgen/sparkjobgen/blob/main/docs/diagnostics/SJG2001.md")]
    [InlineData("", "https://github.com/sparkjobgen/sparkjobgen/blob/main/docs/diagnostics/SJG2001.md")]
    [InlineData(null, "https://github.com/sparkjobgen/sparkjobgen/blob/main/docs/diagnostics/SJG2001.md")]
    public void Help_link_is_the_page_in_the_package_the_analyzer_was_loaded_from(string? analyzerPath, string expected) =>
        Assert.Equal(expected, DiagnosticDescriptors.HelpLink("SJG2001", analyzerPath));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Tracked_in_the_unshipped_release_file(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        var rows = File.ReadAllLines(Path.Combine(RepoRoot(), "analyzers", "SparkJobGen.Generators", "AnalyzerReleases.Unshipped.md"));
        var row = Assert.Single(rows, r => r.StartsWith(id + " ", StringComparison.Ordinal));
        var cells = row.Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    [Fact]
    public void Every_code_fix_fixes_known_ids()
    {
        var fixes = typeof(NormalizeSpecifierCodeFix).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToArray();
        Assert.NotEmpty(fixes);
        var ids = Descriptors.Select(d => d.Id).ToHashSet();
        Assert.All(fixes, f => Assert.All(f.FixableDiagnosticIds, id => Assert.Contains(id, ids)));
    }

    private static string RepoRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
