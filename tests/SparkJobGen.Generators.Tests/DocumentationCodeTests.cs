using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// The README and docs as code: every <c>```csharp</c> block compiles against the SparkJobGen assemblies with the real
/// generator and analyzers (no error, no warning), and every API name the prose puts in backticks (<c>`LivyBatchSubmitter`</c>,
/// <c>`SparkJobRunner.RunAsync`</c>, MSBuild properties, namespaces) exists, in the namespace the prose gives it.
/// </summary>
public sealed partial class DocumentationCodeTests
{
    /// <summary>What a statement block may use without declaring it: the reader's own token, progress sink or archiver.</summary>
    private static readonly (string Type, string Name)[] FreeVariables =
    [
        ("global::System.Threading.CancellationToken", "cancellationToken"),
        ("global::System.Threading.CancellationToken", "ct"),
        ("string", "token"),
        ("global::SparkJobGen.SparkSubmission", "submission"),
        ("global::SparkJobGen.Submission.IEnvironmentArchiver", "packer"),
        ("global::System.IProgress<global::SparkJobGen.Packing.PackProgress>", "progress"),
    ];

    private static readonly string[] Namespaces =
    [
        "System", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks", "SparkJobGen",
    ];

    public static TheoryData<string> Documents => new() { "README.md", "docs/submission.md", "docs/versions.md", "docs/packing.md" };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Csharp_blocks_compile_with_the_generator_and_analyzers_without_warnings(string document)
    {
        var blocks = CodeBlocks(Read(document)).ToList();
        Assert.NotEmpty(blocks);
        var sources = new List<string> { string.Join("\n", Namespaces.Select(n => $"global using {n};")) };
        if (document != "README.md")
        {
            // Other pages use the README's job class.
            sources.AddRange(CodeBlocks(Read("README.md")).Where(IsCompilationUnit));
        }

        sources.AddRange(blocks.Select((block, i) => IsCompilationUnit(block) ? block : WrapStatements(block, i)));
        var compilation = Compile("Documentation", document, sources);

        var (output, generatorDiagnostics, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(generatorDiagnostics);
        var analyzers = typeof(SparkJobGenerator).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t, nonPublic: true)!)
            .ToImmutableArray();
        Assert.NotEmpty(analyzers);
        var diagnostics = (await output.WithAnalyzers(analyzers).GetAllDiagnosticsAsync())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        Assert.True(diagnostics.Count == 0, document + " does not compile cleanly:\n" + string.Join("\n", diagnostics));
    }

    [Fact]
    public void Readme_names_only_apis_properties_and_namespaces_that_exist_and_namespaces_it_gives_are_right()
    {
        var text = Read("README.md");
        var buildProperties = string.Concat(
            new[] { "src/SparkJobGen/build/SparkJobGen.props", "src/SparkJobGen/build/SparkJobGen.targets", "samples/Directory.Build.props" }.Select(Read));
        var namespaces = PublicTypes.Value.Select(t => t.Namespace).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (Match match in InlineApiName().Matches(text))
        {
            var name = match.Groups["name"].Value;
            var parts = name.Split('.');
            var types = PublicTypes.Value.Where(t => t.Name == parts[0] || t.Name == parts[0] + "Attribute").ToList();
            var resolves = PublicTypes.Value.Any(t => t.FullName == name) || (parts.Length == 1
                ? types.Count > 0 || PublicMemberNames.Value.Contains(name) || Type.GetType("System." + name + ", System.Runtime") is not null
                : types.Any(t => t.GetMember(parts[1], BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Length > 0));
            resolves = resolves || (parts.Length == 1 && (GeneratedMemberNames.Value.Contains(name) || SdkProperties.Contains(name) || TestTypeNames.Value.Contains(name)));
            if (!resolves && !namespaces.Contains(name) && !(name.StartsWith("SparkJobGen", StringComparison.Ordinal) && (buildProperties.Contains("<" + name + " ", StringComparison.Ordinal) || buildProperties.Contains("$(" + name + ")", StringComparison.Ordinal))))
            {
                missing.Add(name);
            }
        }

        foreach (Match match in NamespaceClaim().Matches(text))
        {
            var typeName = match.Groups["type"].Value.Split('.')[0];
            var ns = match.Groups["ns"].Value;
            if (!PublicTypes.Value.Any(t => t.Namespace == ns && (t.Name == typeName || t.Name == typeName + "Attribute")))
            {
                missing.Add($"{typeName} in namespace {ns}");
            }
        }

        Assert.True(missing.Count == 0, "README.md names what does not exist: " + string.Join(", ", missing.Distinct()));
    }

    /// <summary>What a console project's <c>ImplicitUsings</c> gives a file (the .NET SDK's list for Microsoft.NET.Sdk).</summary>
    private static readonly string[] SdkImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Blocks_with_their_own_usings_compile_with_only_the_sdks_implicit_usings(string document)
    {
        // A block that writes using directives is meant to be pasted as a file: it must name every namespace it needs.
        var blocks = CodeBlocks(Read(document)).Where(b => CSharpSyntaxTree.ParseText(b, GeneratorHarness.ParseOptions).GetCompilationUnitRoot().Usings.Count > 0).ToList();
        if (blocks.Count == 0)
        {
            return;
        }

        var sources = new List<string> { string.Join("\n", SdkImplicitUsings.Select(n => $"global using {n};")) };
        if (document != "README.md")
        {
            sources.AddRange(CodeBlocks(Read("README.md")).Where(IsCompilationUnit));
        }

        sources.AddRange(blocks.Where(b => !sources.Contains(b)).Select((block, i) => IsCompilationUnit(block) ? block : WrapStatements(block, 1000 + i)));
        var compilation = Compile("DocumentationFiles", document, sources);
        var (output, _, _) = GeneratorHarness.Run(compilation);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, document + ": a block with its own usings does not compile as a file:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void Readme_environment_yaml_is_what_the_generator_writes_for_the_readme_job()
    {
        // The yaml block under "### environment.yaml" against the manifest of the README's own job classes, compiled with the
        // real generator and read back from the emitted assembly the way the build step reads it.
        var readme = Read("README.md");
        var section = readme[readme.IndexOf("### environment.yaml", StringComparison.Ordinal)..];
        var documented = Regex.Match(section, "```yaml\n(?<body>.*?)```", RegexOptions.Singleline).Groups["body"].Value;
        Assert.NotEmpty(documented);
        var sources = new List<string> { string.Join("\n", Namespaces.Select(n => $"global using {n};")) };
        sources.AddRange(CodeBlocks(readme).Where(IsCompilationUnit));
        var compilation = Compile("ReadmeJobs", "README.md", sources);
        var (output, _, _) = GeneratorHarness.Run(compilation);
        using var assembly = new MemoryStream();
        var emitted = output.Emit(assembly);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        assembly.Position = 0;
        var manifest = global::SparkJobGen.Manifest.SparkJobManifest.Read(assembly, "ReadmeJobs");
        var job = Assert.Single(manifest.Jobs, j => j.Name == "score-customers");
        Assert.Equal(documented, manifest.FindEnvironment(job.Environment)!.EnvironmentYaml);
    }

    /// <summary>A library of <paramref name="sources"/> (files named after <paramref name="document"/>) with the SparkJobGen references.</summary>
    private static CSharpCompilation Compile(string name, string document, IEnumerable<string> sources) =>
        CSharpCompilation.Create(
            name,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, GeneratorHarness.ParseOptions, path: $"{document}#{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static string Read(string document) => File.ReadAllText(Path.Combine(RepositoryRoot(), document));

    private static IEnumerable<string> CodeBlocks(string markdown) =>
        CsharpBlock().Matches(markdown).Select(m => m.Groups["code"].Value);

    private static bool IsCompilationUnit(string block) =>
        CSharpSyntaxTree.ParseText(block, GeneratorHarness.ParseOptions).GetCompilationUnitRoot().Members.Any(m => m is not GlobalStatementSyntax);

    /// <summary>A statement block becomes the body of an async method whose parameters are the free variables it does not declare.</summary>
    private static string WrapStatements(string block, int index)
    {
        var root = CSharpSyntaxTree.ParseText(block, GeneratorHarness.ParseOptions).GetCompilationUnitRoot();
        var declared = root.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.ValueText)
            .Concat(root.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Select(v => v.Identifier.ValueText))
            .ToHashSet(StringComparer.Ordinal);
        var parameters = string.Join(", ", FreeVariables.Where(v => !declared.Contains(v.Name)).Select(v => $"{v.Type} {v.Name}"));
        var usings = string.Concat(root.Usings.Select(u => u.ToFullString()));
        var body = string.Concat(root.Members.Select(m => m.ToFullString()));
        return $$"""
            {{usings}}
            internal static class DocumentationBlock{{index}}
            {
                internal static async global::System.Threading.Tasks.Task RunAsync({{parameters}})
                {
                    await global::System.Threading.Tasks.Task.CompletedTask;
            {{body}}
                }
            }
            """;
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The framework's assemblies (not the test's own dependencies, which include the generator and its copy of the version model).
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal))
            .ToList();
        paths.AddRange(SparkJobGenAssemblies().Select(a => a.Location));
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    /// <summary>
    /// Members the generator adds to the README's own job classes (<c>Definition</c>), read from the
    /// generated sources of a real generator run, so a member the generator stops emitting fails the test.
    /// </summary>
    private static readonly Lazy<HashSet<string>> GeneratedMemberNames = new(() =>
    {
        var units = CodeBlocks(Read("README.md")).Where(IsCompilationUnit).Prepend(string.Join("\n", Namespaces.Select(n => $"global using {n};")));
        var compilation = CSharpCompilation.Create(
            "ReadmeJobs",
            units.Select((s, i) => CSharpSyntaxTree.ParseText(s, GeneratorHarness.ParseOptions, path: $"README.md#{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var (_, _, result) = GeneratorHarness.Run(compilation);
        return result.GeneratedTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
            .Select(member => member switch
            {
                MethodDeclarationSyntax method => method.Identifier.Text,
                PropertyDeclarationSyntax property => property.Identifier.Text,
                _ => null,
            })
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    });

    /// <summary>MSBuild properties of the .NET SDK itself that the README names (documented by the SDK, not by this project).</summary>
    private static readonly HashSet<string> SdkProperties = new(StringComparer.Ordinal) { "EmitCompilerGeneratedFiles", "ErrorLog" };

    /// <summary>Test classes the README names as where a guarantee is checked.</summary>
    private static readonly Lazy<HashSet<string>> TestTypeNames = new(() =>
        typeof(DocumentationCodeTests).Assembly.GetTypes().Select(t => t.Name).ToHashSet(StringComparer.Ordinal));

    private static readonly Lazy<List<Type>> PublicTypes = new(() => SparkJobGenAssemblies().SelectMany(a => a.GetExportedTypes()).ToList());

    private static readonly Lazy<HashSet<string>> PublicMemberNames = new(() => PublicTypes.Value
        .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => m.Name)
        .ToHashSet(StringComparer.Ordinal));

    private static IEnumerable<Assembly> SparkJobGenAssemblies() =>
    [
        typeof(SparkJobAttribute).Assembly,
        typeof(SparkSubmission).Assembly,
        Assembly.Load("SparkJobGen.Versions"),
    ];

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SparkJobGen.sln")))
            {
                return directory.FullName;
            }
        }

        return Path.GetFullPath(Path.Combine(SourceDirectory(), "..", ".."));
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CsharpBlock();

    /// <summary>`Name` or `Type.Member` (optionally with an argument list) in backticks, starting with an upper-case letter.</summary>
    [GeneratedRegex(@"(?<!`)`(?<name>[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)?)(\([^`]*\))?`(?!`)")]
    private static partial Regex InlineApiName();

    /// <summary>"`Type` (namespace `Ns`" or "`Type`, namespace `Ns`" or "`Type` from `Ns`" in prose.</summary>
    [GeneratedRegex(@"`(?<type>[A-Z]\w*(\.\w+)?)`[^`]{0,20}?(namespace|from) `(?<ns>SparkJobGen(\.[A-Z]\w*)*)`")]
    private static partial Regex NamespaceClaim();
}
