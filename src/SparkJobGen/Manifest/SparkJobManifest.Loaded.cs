using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using SparkJobGen.Generated;

namespace SparkJobGen.Manifest;

/// <content>The runtime's side of a job's manifest entry (not compiled into the MSBuild task).</content>
public sealed partial record ManifestJob
{
    /// <summary>The job's definition: the same Spark conf, requirements and parameters as the job class's generated <c>Definition</c>.</summary>
    /// <param name="environmentYaml">The environment's environment.yaml text.</param>
    public SparkJobDefinition ToDefinition(string environmentYaml) =>
        new(
            Name,
            Script,
            Environment,
            environmentYaml,
            PythonVersion,
            PySparkVersion,
            Channels,
            CondaPackages.Select(static p => CondaRequirement(p.Key, p.Value)).ToArray(),
            PipPackages.Select(static p => new PackageRequirement(p.Key, p.Value)).ToArray(),
            SparkConf,
            Parameters.Select(static p => new JobParameterInfo(p.PropertyName, p.Flag, p.TypeName, p.IsRequired, p.IsFlag, p.IsList, p.IsSensitive, p.Format)).ToArray());

    /// <summary>A conda requirement as the manifest records it: the specifier, then the build string after one space when there is one.</summary>
    private static PackageRequirement CondaRequirement(string name, string recorded)
    {
        var space = recorded.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? new PackageRequirement(name, recorded)
            : new PackageRequirement(name, recorded.Substring(0, space)) { Build = recorded.Substring(space + 1) };
    }
}

/// <content>Reading the manifest of a loaded assembly, for the jobs' generated <c>Definition</c> (not compiled into the MSBuild task).</content>
public sealed partial class SparkJobManifest
{
    private static readonly ConditionalWeakTable<Assembly, SparkJobManifest> LoadedManifests = new();

    // A job class's definition, built once: the generated Definition property reads it on every access.
    private static readonly ConditionalWeakTable<Type, SparkJobDefinition> LoadedDefinitions = new();

    /// <summary>
    /// The definition the generator recorded for a job class in its own, loaded assembly: what the job's generated
    /// <c>Definition</c> returns. The assembly's manifest is read once (from its attribute objects) and each job class's definition is built once, both kept while the assembly lives.
    /// </summary>
    /// <param name="jobType">The job class.</param>
    /// <param name="jobName">The job name.</param>
    /// <exception cref="InvalidOperationException">The assembly records no such job: it was not built by the generator that emitted the caller.</exception>
    internal static SparkJobDefinition LoadedDefinition(Type jobType, string jobName)
    {
        if (LoadedDefinitions.TryGetValue(jobType, out var known) && known.Name == jobName)
        {
            return known;
        }

        var definition = BuildLoadedDefinition(jobType, jobName);
        var stored = LoadedDefinitions.GetValue(jobType, _ => definition);
        return stored.Name == jobName ? stored : definition;
    }

    private static SparkJobDefinition BuildLoadedDefinition(Type jobType, string jobName)
    {
        var manifest = LoadedManifests.GetValue(jobType.Assembly, static assembly => FromLoadedAssembly(assembly));
        var typeName = (jobType.FullName ?? jobType.Name).Replace('+', '.');
        foreach (var job in manifest.Jobs)
        {
            if (job.Name == jobName && job.TypeName == typeName && manifest.FindEnvironment(job.Environment) is { } environment)
            {
                return job.ToDefinition(environment.EnvironmentYaml);
            }
        }

        throw new InvalidOperationException(
            $"The assembly '{jobType.Assembly.GetName().Name}' records no SparkJobGen job '{jobName}' for class '{typeName}' with its environment; rebuild the project.");
    }

    /// <summary>Reads the manifest of a loaded assembly from its attribute objects (the same attributes <see cref="Read(System.IO.Stream, string)"/> decodes).</summary>
    private static SparkJobManifest FromLoadedAssembly(Assembly assembly)
    {
        var displayName = assembly.GetName().Name ?? "assembly";
        var environments = assembly.GetCustomAttributes<GeneratedSparkEnvironmentAttribute>()
            .Select(static e => new ManifestEnvironment(e.Name, e.EnvironmentYaml))
            .ToArray();
        var jobs = assembly.GetCustomAttributes<GeneratedSparkJobAttribute>()
            .Select(j => FromAttribute(j, displayName))
            .ToArray();
        return new SparkJobManifest(environments, jobs);
    }

    /// <summary>A job's entry from its attribute object: the lists from <c>Data</c>, or from the arrays earlier versions wrote.</summary>
    private static ManifestJob FromAttribute(GeneratedSparkJobAttribute j, string displayName)
    {
        var job = new ManifestJob(j.Name, j.Environment, j.Script, j.TypeName) { PythonVersion = j.PythonVersion, PySparkVersion = j.PySparkVersion };
        if (j.Data is { } data)
        {
            return WithData(job, data, displayName);
        }

        return job with
        {
            Channels = j.Channels ?? [],
            CondaPackages = Pairs(j.CondaPackages ?? [], j.Name, displayName),
            PipPackages = Pairs(j.PipPackages ?? [], j.Name, displayName),
            SparkConf = Pairs(j.SparkConf ?? [], j.Name, displayName),
            Parameters = ParseParameters(j.Parameters ?? [], j.Name, displayName),
        };
    }
}
