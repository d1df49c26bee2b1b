using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using SparkJobGen.Generators.Model;

namespace SparkJobGen.Generators.Environments;

/// <summary>Groups jobs by environment name and merges their requirements into one environment each.</summary>
internal static class EnvironmentMerger
{
    /// <summary>Builds every environment of the compilation, ordered by name; jobs inside ordered by metadata name.</summary>
    /// <param name="jobs">All job models.</param>
    public static EquatableArray<EnvironmentModel> MergeAll(ImmutableArray<JobModel> jobs)
    {
        var byEnvironment = new SortedDictionary<string, List<JobModel>>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!byEnvironment.TryGetValue(job.Identity.Environment, out var list))
            {
                list = new List<JobModel>();
                byEnvironment[job.Identity.Environment] = list;
            }

            list.Add(job);
        }

        var result = new List<EnvironmentModel>(byEnvironment.Count);
        foreach (var pair in byEnvironment)
        {
            pair.Value.Sort(static (a, b) => string.CompareOrdinal(a.MetadataName, b.MetadataName));
            result.Add(Merge(pair.Key, pair.Value));
        }

        return EquatableArray.From(result);
    }

    /// <summary>Merges the jobs of one environment.</summary>
    /// <param name="name">The environment name.</param>
    /// <param name="jobs">Its jobs, in a deterministic order.</param>
    public static EnvironmentModel Merge(string name, IReadOnlyList<JobModel> jobs)
    {
        var jobChannels = new List<IReadOnlyList<string>>(jobs.Count);
        var conda = new List<RequirementModel>();
        var pip = new List<RequirementModel>();
        var jobNames = new List<string>(jobs.Count);
        var references = new List<JobReferenceModel>(jobs.Count);
        foreach (var job in jobs)
        {
            jobNames.Add(job.Identity.Name);
            references.Add(new JobReferenceModel(job.Identity.Name, job.Identity.Environment, job.Identity.Script, job.MetadataName, job));
            jobChannels.Add(job.Channels);
            conda.AddRange(job.CondaPackages);
            pip.AddRange(job.PipPackages);
        }

        var yaml = Render(name, jobNames, MergeChannels(jobChannels), conda, pip);
        return new EnvironmentModel(name, yaml, EquatableArray.From(references));
    }

    /// <summary>
    /// The channel order of an environment shared by several jobs, each listing its channels nearest declaration first
    /// (docs/diagnostics/SJG2009.md, "The merge rule"). Every order a job states is kept, unless the jobs' orders together
    /// form a cycle: the channels of a cycle (two jobs ordering two channels oppositely, SJG2009, or a longer cycle through
    /// three or more jobs, SJG2010) are kept together and among themselves come by earliest position, then name. Channels and
    /// cycles that no job orders relative to each other come in the order of the earliest position any job gives them, then
    /// by name. The result depends only on what the jobs declare, never on their class names or the order they are merged in.
    /// </summary>
    /// <param name="jobChannels">Each job's channels in priority order.</param>
    /// <returns>The merged channels in priority order.</returns>
    public static List<string> MergeChannels(IReadOnlyList<IReadOnlyList<string>> jobChannels) =>
        ChannelOrderGraph.Create(jobChannels).MergedOrder();

    /// <summary>Renders an environment.yaml from requirements (used for a single job's own view as well).</summary>
    /// <param name="name">The environment name.</param>
    /// <param name="jobNames">The jobs named in the header.</param>
    /// <param name="channels">Channels in priority order.</param>
    /// <param name="conda">Conda constraints in precedence order.</param>
    /// <param name="pip">Pip constraints in precedence order.</param>
    public static string Render(
        string name,
        IReadOnlyList<string> jobNames,
        IReadOnlyList<string> channels,
        IEnumerable<RequirementModel> conda,
        IEnumerable<RequirementModel> pip)
    {
        var condaLines = new List<string>();
        var hasPip = false;
        foreach (var package in PackageLineBuilder.MergeConda(conda))
        {
            condaLines.Add(package.Line);
            hasPip |= package.Key == "pip";
        }

        var pipLines = new List<string>();
        foreach (var package in PackageLineBuilder.MergePip(pip))
        {
            pipLines.Add(package.Line);
        }

        if (pipLines.Count > 0 && !hasPip)
        {
            // conda installs the pip section with the environment's own pip, which must therefore be a dependency.
            condaLines.Add("pip");
        }

        return EnvironmentYamlWriter.Write(name, jobNames, channels, condaLines, pipLines);
    }
}
