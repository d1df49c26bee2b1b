using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;
using SparkJobGen.Generators.Environments;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Reports conflicting channel orders among the jobs of one environment (each job's channels nearest declaration first: its
/// own, its base classes', the assembly's). The merged environment keeps every order a job states
/// (<see cref="EnvironmentMerger.MergeChannels"/>) unless the orders form a cycle. SJG2009: two jobs order the same two
/// channels oppositely, once per pair of jobs, at the first job's channel attribute with the other job's as additional
/// location. SJG2010: the orders of three or more jobs, no two of which disagree directly, form a cycle, once per group of
/// channels so chained, naming every job and channel of one shortest cycle, at each step's channel attribute. Both are
/// reported at the end of the compilation, computed from the jobs sorted by metadata name (<see cref="ChannelOrderConflicts"/>),
/// so the same declarations always give the same diagnostics whatever order the jobs were analyzed in.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChannelOrderAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ConflictingChannelOrder, DiagnosticDescriptors.ChannelOrderCycle);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (JobAttributeSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var jobs = new ConcurrentBag<JobChannels>();
            start.RegisterSymbolAction(symbolContext => Collect(symbolContext, symbols, jobs), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => Report(end, jobs));
        });
    }

    /// <summary>A job's environment and its channels in priority order, each with the attribute that declared it.</summary>
    private sealed record JobChannels(string Job, string MetadataName, string Environment, ImmutableArray<(string Channel, AttributeData Attribute)> Channels, Location? NameLocation);

    private static void Collect(SymbolAnalysisContext context, JobAttributeSymbols symbols, ConcurrentBag<JobChannels> jobs)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type)
        {
            return;
        }

        if (symbols.FindSparkJob(type) is not { } sparkJob || JobDeclarationReader.ReadIdentity(type, sparkJob) is not { } job)
        {
            return;
        }

        var channels = ImmutableArray.CreateBuilder<(string, AttributeData)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var requirement in JobRequirementsCache.Read(context.Compilation, type, symbols, context.CancellationToken))
        {
            var channel = requirement.Name.Trim();
            if (requirement.Kind == RequirementKind.CondaChannel && channel.Length > 0 && seen.Add(channel))
            {
                channels.Add((channel, requirement.Attribute));
            }
        }

        if (channels.Count > 0)
        {
            jobs.Add(new JobChannels(job.Name, type.ToDisplayString(), job.Environment, channels.ToImmutable(), LocalDiagnostics.NameOf(type)));
        }
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentBag<JobChannels> collected)
    {
        var byEnvironment = new SortedDictionary<string, List<JobChannels>>(StringComparer.Ordinal);
        foreach (var job in collected)
        {
            if (!byEnvironment.TryGetValue(job.Environment, out var list))
            {
                byEnvironment[job.Environment] = list = new List<JobChannels>();
            }

            list.Add(job);
        }

        foreach (var pair in byEnvironment)
        {
            // Jobs by metadata name, so which job a diagnostic names first never depends on the order they were analyzed in.
            var jobs = pair.Value;
            jobs.Sort(static (a, b) => string.CompareOrdinal(a.MetadataName, b.MetadataName));
            var names = jobs.ConvertAll(Names);
            var graph = ChannelOrderGraph.Create(names);
            if (!graph.HasCycle)
            {
                continue;
            }

            var conflicts = ChannelOrderConflicts.Find(names, graph, context.CancellationToken);
            var merged = graph.MergedOrder();
            foreach (var opposite in conflicts.Opposite)
            {
                var first = jobs[opposite.First];
                var second = jobs[opposite.Second];
                var a = first.Channels[opposite.EarlierInFirst];
                var b = first.Channels[opposite.LaterInFirst];
                ReportHere(context, first.NameLocation, Diagnostic.Create(
                    DiagnosticDescriptors.ConflictingChannelOrder,
                    ChannelLocation(a.Attribute, context.CancellationToken),
                    new[] { ChannelLocation(second.Channels[opposite.LaterInSecond].Attribute, context.CancellationToken) },
                    first.Job,
                    second.Job,
                    pair.Key,
                    a.Channel,
                    b.Channel,
                    merged.IndexOf(a.Channel) < merged.IndexOf(b.Channel) ? a.Channel : b.Channel));
            }

            foreach (var cycle in conflicts.Cycles)
            {
                ReportCycle(context, pair.Key, jobs, cycle, merged);
            }
        }
    }

    /// <summary>SJG2010 at the first step's channel attribute, with each further step's as an additional location.</summary>
    private static void ReportCycle(CompilationAnalysisContext context, string environment, List<JobChannels> jobs, ChannelOrderStep[] cycle, List<string> merged)
    {
        var jobIndexes = new List<int>();
        var jobNames = new List<string>();
        var steps = new List<string>(cycle.Length);
        var locations = new List<Location>(cycle.Length);
        var channels = new List<string>(cycle.Length);
        foreach (var step in cycle)
        {
            var job = jobs[step.Job];
            if (!jobIndexes.Contains(step.Job))
            {
                jobIndexes.Add(step.Job);
                jobNames.Add(job.Job);
            }

            steps.Add("'" + job.Job + "' puts '" + step.Before + "' before '" + step.After + "'");
            channels.Add(step.Before);
            foreach (var (channel, attribute) in job.Channels)
            {
                if (channel == step.Before)
                {
                    // Steps whose channels have no syntax (metadata) share Location.None: list a place once.
                    var location = ChannelLocation(attribute, context.CancellationToken);
                    if (!locations.Contains(location))
                    {
                        locations.Add(location);
                    }

                    break;
                }
            }
        }

        channels.Sort((a, b) => merged.IndexOf(a).CompareTo(merged.IndexOf(b)));
        ReportHere(context, jobs[cycle[0].Job].NameLocation, Diagnostic.Create(
            DiagnosticDescriptors.ChannelOrderCycle,
            locations[0],
            locations.GetRange(1, locations.Count - 1),
            Quoted(jobNames, " and "),
            environment,
            string.Join(", ", steps),
            Quoted(channels, ", ")));
    }

    /// <summary>Reports <paramref name="diagnostic"/> inside this compilation (<see cref="LocalDiagnostics"/>), at the job's name when none of its channels is declared here.</summary>
    private static void ReportHere(CompilationAnalysisContext context, Location? jobName, Diagnostic diagnostic)
    {
        if (LocalDiagnostics.Within(diagnostic, context.Compilation, jobName) is { } local)
        {
            context.ReportDiagnostic(local);
        }
    }

    /// <summary><c>'a', 'b' and 'c'</c> (or with <paramref name="last"/> as the final separator).</summary>
    private static string Quoted(List<string> items, string last)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : i == items.Count - 1 ? last : ", ").Append('\'').Append(items[i]).Append('\'');
        }

        return text.ToString();
    }

    private static Location ChannelLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        AttributeArguments.ConstructorLocation(attribute, 0, "name", cancellationToken);

    private static IReadOnlyList<string> Names(JobChannels job)
    {
        var names = new string[job.Channels.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = job.Channels[i].Channel;
        }

        return names;
    }
}
