using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparkJobGen.Generators.Tests;

/// <summary>The pipeline caches: a rerun or an unrelated edit regenerates nothing, and no model holds a symbol, node or compilation.</summary>
public sealed class CacheabilityTests
{
    private static readonly string[] TrackedSteps =
    [
        TrackingNames.JobModels, TrackingNames.ValidJobModels, TrackingNames.RuntimeAvailable, TrackingNames.HintNames, TrackingNames.AllJobs, TrackingNames.Environments,
    ];

    [Fact]
    public void Second_run_on_a_cloned_compilation_is_all_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Sources.ScoreCustomers);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        driver = driver.RunGenerators(compilation.Clone());
        var second = driver.GetRunResult().Results.Single();

        AssertTrackedStepsExist(first);
        foreach (var step in TrackedSteps)
        {
            foreach (var output in second.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {output.Reason}");
            }
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Adding_an_unrelated_type_regenerates_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation(Sources.ScoreCustomers);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X { get; set; } }", GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.ValidJobModels].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void Editing_a_method_body_in_the_job_file_keeps_the_outputs_cached()
    {
        var withMethod = Sources.ScoreCustomers.Replace("public bool DryRun { get; init; }", "public bool DryRun { get; init; }\n    public int Helper() => 1;", StringComparison.Ordinal);
        var compilation = GeneratorHarness.CreateCompilation(withMethod);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var newTree = tree.WithChangedText(tree.GetText().Replace(tree.GetText().ToString().IndexOf("=> 1;", StringComparison.Ordinal), 5, "=> 2;"));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, newTree)).GetRunResult().Results.Single();

        // The job's transform reruns (its tree changed) but produces an equal model, so nothing downstream is regenerated.
        Assert.All(result.TrackedSteps[TrackingNames.JobModels].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Changing_a_package_constraint_regenerates_the_job_and_environment()
    {
        var compilation = GeneratorHarness.CreateCompilation(Sources.ScoreCustomers);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var text = tree.GetText().ToString();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().Replace(text.IndexOf(">=1.26,<2", StringComparison.Ordinal), 9, ">=1.26,<3")));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Environments].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("numpy>=1.26,<3", result.GeneratedSources.Single(s => s.HintName == "SparkJobGen.Environments.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Models_hold_no_symbols_nodes_or_compilations()
    {
        var compilation = GeneratorHarness.CreateCompilation(Sources.ScoreCustomers);
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
        foreach (var step in TrackedSteps)
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                AssertNoRoslynObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertTrackedStepsExist(GeneratorRunResult result)
    {
        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"Step {step} is not tracked");
        }
    }

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        Assert.False(value is Compilation or ISymbol or SyntaxNode or SemanticModel or Location or SyntaxTree, $"{path} holds a {value.GetType().Name}");
        if (value is IEnumerable enumerable)
        {
            var i = 0;
            foreach (var item in enumerable)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }
}
