using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SparkJobGen.Manifest;

/// <summary>An environment recorded in a compiled assembly by the generator.</summary>
/// <param name="Name">The environment name.</param>
/// <param name="EnvironmentYaml">The exact environment.yaml text.</param>
public sealed record ManifestEnvironment(string Name, string EnvironmentYaml);

/// <summary>A job recorded in a compiled assembly by the generator.</summary>
/// <param name="Name">The job name.</param>
/// <param name="Environment">Its environment.</param>
/// <param name="Script">Its script, relative to the project directory.</param>
/// <param name="TypeName">The job class.</param>
public sealed record ManifestJob(string Name, string Environment, string Script, string TypeName);

/// <summary>
/// The jobs and environments a compiled assembly declares, read from the generator's assembly attributes with
/// System.Reflection.Metadata: the assembly is never loaded or executed, so this works from MSBuild and any tool.
/// </summary>
public sealed class SparkJobManifest
{
    private const string GeneratedNamespace = "SparkJobGen.Generated";

    private SparkJobManifest(IReadOnlyList<ManifestEnvironment> environments, IReadOnlyList<ManifestJob> jobs)
    {
        Environments = environments;
        Jobs = jobs;
    }

    /// <summary>The environments, in the order the generator emitted them (by name).</summary>
    public IReadOnlyList<ManifestEnvironment> Environments { get; }

    /// <summary>The jobs, grouped by environment.</summary>
    public IReadOnlyList<ManifestJob> Jobs { get; }

    /// <summary>Reads the manifest of the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <param name="assemblyPath">A .NET assembly built with the SparkJobGen generator.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable .NET assembly.</exception>
    public static SparkJobManifest Read(string assemblyPath)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"The assembly '{assemblyPath}' does not exist; build the project first.", assemblyPath);
        }

        using var stream = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Read(stream, assemblyPath);
    }

    /// <summary>Reads the manifest of an assembly image.</summary>
    /// <param name="stream">The assembly bytes.</param>
    /// <param name="displayName">The name used in error messages.</param>
    /// <exception cref="InvalidDataException">The stream is not a readable .NET assembly.</exception>
    public static SparkJobManifest Read(Stream stream, string displayName)
    {
        var environments = new List<ManifestEnvironment>();
        var jobs = new List<ManifestJob>();
        try
        {
            using var pe = new PEReader(stream, PEStreamOptions.LeaveOpen);
            if (!pe.HasMetadata)
            {
                throw new InvalidDataException($"'{displayName}' is not a .NET assembly.");
            }

            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = reader.GetCustomAttribute(handle);
                var typeName = AttributeTypeName(reader, attribute);
                if (typeName == "GeneratedSparkEnvironmentAttribute")
                {
                    var values = ReadStrings(reader, attribute, 2);
                    environments.Add(new ManifestEnvironment(values[0], values[1]));
                }
                else if (typeName == "GeneratedSparkJobAttribute")
                {
                    var values = ReadStrings(reader, attribute, 4);
                    jobs.Add(new ManifestJob(values[0], values[1], values[2], values[3]));
                }
            }
        }
        catch (BadImageFormatException exception)
        {
            throw new InvalidDataException($"'{displayName}' is not a readable .NET assembly: {exception.Message}", exception);
        }

        return new SparkJobManifest(environments, jobs);
    }

    /// <summary>Finds a job by name (ordinal) or by class name (full or simple, ordinal).</summary>
    /// <param name="nameOrType">The job name, <c>Namespace.Class</c> or <c>Class</c>.</param>
    /// <returns>The job, or <see langword="null"/> when none matches.</returns>
    public ManifestJob? FindJob(string nameOrType)
    {
        foreach (var job in Jobs)
        {
            if (job.Name == nameOrType || job.TypeName == nameOrType)
            {
                return job;
            }
        }

        foreach (var job in Jobs)
        {
            if (job.TypeName.EndsWith("." + nameOrType, StringComparison.Ordinal))
            {
                return job;
            }
        }

        return null;
    }

    /// <summary>Finds an environment by name.</summary>
    /// <param name="name">The environment name.</param>
    /// <returns>The environment, or <see langword="null"/>.</returns>
    public ManifestEnvironment? FindEnvironment(string name)
    {
        foreach (var environment in Environments)
        {
            if (environment.Name == name)
            {
                return environment;
            }
        }

        return null;
    }

    private static string? AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        EntityHandle type;
        if (attribute.Constructor.Kind == HandleKind.MemberReference)
        {
            type = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        }
        else if (attribute.Constructor.Kind == HandleKind.MethodDefinition)
        {
            type = reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        }
        else
        {
            return null;
        }

        if (type.Kind == HandleKind.TypeReference)
        {
            var reference = reader.GetTypeReference((TypeReferenceHandle)type);
            return reader.GetString(reference.Namespace) == GeneratedNamespace ? reader.GetString(reference.Name) : null;
        }

        if (type.Kind == HandleKind.TypeDefinition)
        {
            var definition = reader.GetTypeDefinition((TypeDefinitionHandle)type);
            return reader.GetString(definition.Namespace) == GeneratedNamespace ? reader.GetString(definition.Name) : null;
        }

        return null;
    }

    private static string[] ReadStrings(MetadataReader reader, CustomAttribute attribute, int count)
    {
        var blob = reader.GetBlobReader(attribute.Value);
        if (blob.ReadUInt16() != 0x0001)
        {
            throw new BadImageFormatException("Custom attribute blob without prolog.");
        }

        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = blob.ReadSerializedString() ?? string.Empty;
        }

        return values;
    }
}
