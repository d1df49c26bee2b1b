using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SparkJobGen.CodeFixes.Tests.Verifiers;

/// <summary>
/// The shape of the project every analyzer and code fix test compiles: references from the running runtime (no reference
/// package is downloaded, there is no internet), the SparkJobGen attributes, and the MSBuild properties and AdditionalFiles
/// the SparkJobGen package passes to the analyzers.
/// </summary>
public static class TestProject
{
    /// <summary>The project directory the test project pretends to live in (<c>build_property.ProjectDir</c>).</summary>
    public const string ProjectDir = "/proj/";

    private static readonly Lazy<ImmutableArray<MetadataReference>> RuntimeReferences = new(LoadRuntimeReferences);

    /// <summary>No reference assembly package: the runtime's own assemblies are added as references instead.</summary>
    public static ReferenceAssemblies ReferenceAssemblies { get; } = new("net10.0");

    /// <summary>The runtime's assemblies and SparkJobGen.Abstractions, for compilations built by hand.</summary>
    public static ImmutableArray<MetadataReference> References => RuntimeReferences.Value;

    /// <summary>Adds the runtime and SparkJobGen.Abstractions references to a test state.</summary>
    /// <param name="state">The test state.</param>
    public static void AddReferences(SolutionState state)
    {
        state.AdditionalReferences.AddRange(RuntimeReferences.Value);
    }

    /// <summary>
    /// Sets the global analyzer config the SparkJobGen package produces: <c>build_property.ProjectDir</c> and, when
    /// <paramref name="checkScripts"/> has a value, <c>build_property.SparkJobGenCheckScripts</c>.
    /// </summary>
    /// <param name="state">The test state.</param>
    /// <param name="checkScripts">The SparkJobGenCheckScripts value, or <see langword="null"/> to leave it unset.</param>
    public static void SetBuildProperties(SolutionState state, bool? checkScripts)
    {
        var config = "is_global = true\nbuild_property.ProjectDir = " + ProjectDir + "\n";
        if (checkScripts is { } value)
        {
            config += "build_property.SparkJobGenCheckScripts = " + (value ? "true" : "false") + "\n";
        }

        state.AnalyzerConfigFiles.Add(("/.globalconfig", config));
    }

    /// <summary>Adds Python scripts as AdditionalFiles at paths relative to <see cref="ProjectDir"/>.</summary>
    /// <param name="state">The test state.</param>
    /// <param name="relativePaths">Script paths such as <c>jobs/score.py</c>.</param>
    public static void AddScripts(SolutionState state, params string[] relativePaths)
    {
        foreach (var path in relativePaths)
        {
            state.AdditionalFiles.Add((ProjectDir + path, "print('hello')\n"));
        }
    }

    private static ImmutableArray<MetadataReference> LoadRuntimeReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(SparkJobAttribute).Assembly.Location);
        return paths.Distinct(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
