using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators;

/// <summary>
/// Emits, for every <c>[SparkJob]</c> class, a static job definition and a typed submission builder, and for every
/// environment its <c>environment.yaml</c> text (as an assembly attribute MSBuild writes to disk after compile).
/// Never reports diagnostics and never throws on user input: what it cannot model it skips, and the analyzers say why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class SparkJobGenerator : IIncrementalGenerator
{
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

        // 2. Builders need the runtime library; without it only the environment manifest is emitted.
        var runtimeAvailable = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(KnownAttributes.SparkSubmission) is not null)
            .WithTrackingName(TrackingNames.RuntimeAvailable);

        // 3. Each job's partial declaration, rendered in its own step: an edit to one job renders only its text again.
        var jobSources = jobs.Select(static (job, _) => Emitter.RenderJobSource(job))
            .WithTrackingName(TrackingNames.JobSources);

        // 4. One file per namespace with its jobs' Definition, ToJobArguments() and ToSubmission() (each file costs the consumer's build).
        context.RegisterSourceOutput(jobSources.Collect().Combine(runtimeAvailable), static (spc, pair) => Emitter.EmitJobs(spc, pair.Left, pair.Right));

        // 5. Jobs grouped into merged environments: one file with the assembly's manifest (yaml texts and every job's data).
        var environments = jobs.Collect()
            .WithTrackingName(TrackingNames.AllJobs)
            .Select(static (all, _) => Environments.EnvironmentMerger.MergeAll(all))
            .WithTrackingName(TrackingNames.Environments);
        // Each job's manifest line is rendered in its own step, so an edit to one job renders one line again.
        var manifests = jobs.Select(static (job, _) => Emitter.RenderJobManifest(job))
            .WithTrackingName(TrackingNames.JobManifests)
            .Collect();
        context.RegisterSourceOutput(environments.Combine(manifests), static (spc, pair) => Emitter.EmitEnvironments(spc, pair.Left, pair.Right));
    }
}
