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
/// Reports SJG2009 when two jobs of one environment order the same two channels oppositely (each job's channels nearest
/// declaration first: its own, its base classes', the assembly's). The merged environment keeps every order a job states
/// (<see cref="EnvironmentMerger.MergeChannels"/>), so two opposite orders cannot both hold. Reported at the end of the
/// compilation, once per pair of jobs, at the first job's channel attribute with the other job's as additional location.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChannelOrderAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ConflictingChannelOrder);

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
    private sealed record JobChannels(string Job, string MetadataName, string Environment, ImmutableArray<(string Channel, AttributeData Attribute)> Channels);

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
            jobs.Add(new JobChannels(job.Name, type.ToDisplayString(), job.Environment, channels.ToImmutable()));
        }
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentBag<JobChannels> collected)
    {
        var byEnvironment = new Dictionary<string, List<JobChannels>>(StringComparer.Ordinal);
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
            var jobs = pair.Value;
            jobs.Sort(static (a, b) => string.CompareOrdinal(a.MetadataName, b.MetadataName));
            List<string>? merged = null;
            for (var i = 0; i < jobs.Count; i++)
            {
                for (var j = i + 1; j < jobs.Count; j++)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    if (FirstOppositePair(jobs[i], jobs[j]) is { } conflict)
                    {
                        merged ??= EnvironmentMerger.MergeChannels(jobs.ConvertAll(Names));
                        var first = merged.IndexOf(conflict.A) < merged.IndexOf(conflict.B) ? conflict.A : conflict.B;
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.ConflictingChannelOrder,
                            AttributeArguments.ConstructorLocation(conflict.AttributeInFirst, 0, "name", context.CancellationToken),
                            new[] { AttributeArguments.ConstructorLocation(conflict.AttributeInSecond, 0, "name", context.CancellationToken) },
                            jobs[i].Job,
                            jobs[j].Job,
                            pair.Key,
                            conflict.A,
                            conflict.B,
                            first));
                    }
                }
            }
        }
    }

    private static IReadOnlyList<string> Names(JobChannels job)
    {
        var names = new string[job.Channels.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = job.Channels[i].Channel;
        }

        return names;
    }

    /// <summary>The first two channels (in <paramref name="first"/>'s order) that <paramref name="second"/> lists the other way round.</summary>
    private static (string A, string B, AttributeData AttributeInFirst, AttributeData AttributeInSecond)? FirstOppositePair(JobChannels first, JobChannels second)
    {
        var positionInSecond = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < second.Channels.Length; k++)
        {
            positionInSecond[second.Channels[k].Channel] = k;
        }

        for (var x = 0; x < first.Channels.Length; x++)
        {
            for (var y = x + 1; y < first.Channels.Length; y++)
            {
                if (positionInSecond.TryGetValue(first.Channels[x].Channel, out var px)
                    && positionInSecond.TryGetValue(first.Channels[y].Channel, out var py)
                    && py < px)
                {
                    return (first.Channels[x].Channel, first.Channels[y].Channel, first.Channels[x].Attribute, second.Channels[py].Attribute);
                }
            }
        }

        return null;
    }
}
