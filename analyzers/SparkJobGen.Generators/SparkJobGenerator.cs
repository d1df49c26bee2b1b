using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparkJobGen.Generators;

/// <summary>
/// Emits, for every <c>[SparkJob]</c> class, a static job definition and the <c>ISparkJob</c> interface (through which the
/// runtime's <c>ToSubmission()</c> builds a typed submission), and for every
/// environment its <c>environment.yaml</c> text (as an assembly attribute MSBuild writes to disk after compile).
/// Never reports diagnostics and never throws on user input: what it cannot model it skips, and the analyzers say why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class SparkJobGenerator : IIncrementalGenerator
{
    /// <summary>
    /// The oldest C# the generated code compiles under: a job's <c>Definition</c> implements a static abstract interface
    /// member. Under an older version nothing is generated, and SJG1017 says why.
    /// </summary>
    internal const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp11;

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Each [SparkJob] class becomes a plain JobModel, or null when it cannot be modelled.
        var jobs = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownAttributes.SparkJob, static (node, _) => Parser.IsCandidate(node), static (ctx, ct) => Parser.ParseJob(ctx, ct))
            .WithTrackingName(TrackingNames.JobModels)
            .Where(static job => job is not null)
            .Select(static (job, _) => job!)
            .WithTrackingName(TrackingNames.ValidJobModels);

        // 2. Job files need the runtime library (without it only the environment manifest is emitted), and nothing is
        //    emitted under a C# version older than the generated code needs.
        var languageSupported = context.ParseOptionsProvider
            .Select(static (options, _) => options is CSharpParseOptions { LanguageVersion: >= MinimumLanguageVersion })
            .WithTrackingName(TrackingNames.LanguageSupported);
        var runtimeAvailable = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(KnownAttributes.SparkJobInterface) is not null)
            .Combine(languageSupported)
            .Select(static (pair, _) => pair.Left && pair.Right)
            .WithTrackingName(TrackingNames.RuntimeAvailable);

        // 3. Hint names for the whole project at once: unique ignoring case (as Roslyn compares them) and bounded in length.
        var hintNames = jobs.Select(static (job, _) => job.TypeKey)
            .Collect()
            .Select(static (keys, _) => HintNameTable.Assign(keys, Emitter.EnvironmentsHintName))
            .WithTrackingName(TrackingNames.HintNames);

        // 4. One source file per job: the ISparkJob interface and its static Definition.
        context.RegisterSourceOutput(jobs.Combine(runtimeAvailable).Combine(hintNames), static (spc, pair) => Emitter.EmitJob(spc, pair.Left.Left, pair.Left.Right, pair.Right));

        // 5. Jobs grouped into merged environments: one file with the assembly's manifest (yaml texts and every job's data).
        var environments = jobs.Collect()
            .WithTrackingName(TrackingNames.AllJobs)
            .Select(static (all, _) => Environments.EnvironmentMerger.MergeAll(all))
            .WithTrackingName(TrackingNames.Environments);
        // Each job's manifest line is rendered in its own step, so an edit to one job renders one line again.
        var manifests = jobs.Select(static (job, _) => Emitter.RenderJobManifest(job))
            .WithTrackingName(TrackingNames.JobManifests)
            .Collect();
        context.RegisterSourceOutput(
            environments.Combine(manifests).Combine(languageSupported),
            static (spc, pair) => Emitter.EmitEnvironments(spc, pair.Right ? pair.Left.Left : Model.EquatableArray<Model.EnvironmentModel>.Empty, pair.Left.Right));
    }
}
