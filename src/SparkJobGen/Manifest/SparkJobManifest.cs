using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SparkJobGen.Manifest;

/// <summary>An environment recorded in a compiled assembly by the generator.</summary>
/// <param name="Name">The environment name.</param>
/// <param name="EnvironmentYaml">The exact environment.yaml text.</param>
public sealed record ManifestEnvironment(string Name, string EnvironmentYaml);

/// <summary>A job parameter recorded in a compiled assembly by the generator (the runtime's <c>JobParameterInfo</c>).</summary>
/// <param name="PropertyName">The C# property.</param>
/// <param name="Flag">The flag the script reads.</param>
/// <param name="TypeName">The property type as displayed.</param>
/// <param name="IsRequired">Whether the property is <c>required</c>.</param>
/// <param name="IsFlag">Whether the parameter is a boolean flag.</param>
/// <param name="IsList">Whether the flag repeats for each element.</param>
/// <param name="IsSensitive">Whether <c>[JobParameter(Sensitive = true)]</c> marks its value as a secret (false for assemblies built before the manifest recorded it).</param>
/// <param name="Format">The format string of <c>[JobParameter(Format = ...)]</c>, or <see langword="null"/>.</param>
public sealed record ManifestParameter(string PropertyName, string Flag, string TypeName, bool IsRequired, bool IsFlag, bool IsList, bool IsSensitive = false, string? Format = null);

/// <summary>A job recorded in a compiled assembly by the generator: everything its generated <c>Definition</c> holds but the environment text.</summary>
/// <param name="Name">The job name.</param>
/// <param name="Environment">Its environment.</param>
/// <param name="Script">Its script, relative to the project directory.</param>
/// <param name="TypeName">The job class.</param>
public sealed partial record ManifestJob(string Name, string Environment, string Script, string TypeName)
{
    /// <summary>The conda version spec of Python, if declared.</summary>
    public string? PythonVersion { get; init; }

    /// <summary>The conda version spec of PySpark, if declared.</summary>
    public string? PySparkVersion { get; init; }

    /// <summary>The conda channels, highest priority first.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>The conda packages with merged constraints, as (name, constraint) pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CondaPackages { get; init; } = [];

    /// <summary>The pip packages with merged specifiers, as (name, specifier) pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PipPackages { get; init; } = [];

    /// <summary>The Spark configuration declared on the job, its base classes and the assembly (nearest wins), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SparkConf { get; init; } = [];

    /// <summary>The job's typed parameters, in declaration order.</summary>
    public IReadOnlyList<ManifestParameter> Parameters { get; init; } = [];
}

/// <summary>
/// The jobs and environments a compiled assembly declares, read from the generator's assembly attributes with
/// System.Reflection.Metadata: the assembly is never loaded or executed, so this works from MSBuild and any tool.
/// </summary>
public sealed partial class SparkJobManifest
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
        var parameters = new List<(string Job, int Position, ManifestParameter Parameter)>();
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
                    jobs.Add(ReadJob(attribute.DecodeValue(ArgumentTypes.Instance), displayName));
                }
                else if (typeName == "GeneratedSparkJobParameterAttribute")
                {
                    parameters.Add(ReadParameter(attribute.DecodeValue(ArgumentTypes.Instance), displayName));
                }
            }
        }
        catch (BadImageFormatException exception)
        {
            throw new InvalidDataException($"'{displayName}' is not a readable .NET assembly: {exception.Message}", exception);
        }

        for (var i = 0; i < jobs.Count; i++)
        {
            var name = jobs[i].Name;
            var own = parameters.Where(p => p.Job == name).OrderBy(static p => p.Position).ToList();
            for (var position = 0; position < own.Count; position++)
            {
                if (own[position].Position != position)
                {
                    throw new InvalidDataException($"'{displayName}' records the parameters of job '{name}' incompletely (no parameter at position {position}); rebuild the project.");
                }
            }

            // Assemblies built by earlier versions record parameters as separate attributes; newer ones inside the job's attribute.
            if (own.Count > 0)
            {
                jobs[i] = jobs[i] with { Parameters = own.Select(static p => p.Parameter).ToArray() };
            }
        }

        return new SparkJobManifest(environments, jobs);
    }

    /// <summary>Finds a job by name (ordinal) or by class name (full or simple, ordinal).</summary>
    /// <param name="nameOrType">The job name, <c>Namespace.Class</c> or <c>Class</c>.</param>
    /// <returns>The job, or <see langword="null"/> when none matches; the first by class name when several do (<see cref="FindJobs"/> lists them).</returns>
    public ManifestJob? FindJob(string nameOrType) => FindJobs(nameOrType) is { Count: > 0 } found ? found[0] : null;

    /// <summary>
    /// Every job <paramref name="nameOrType"/> names, by class name: the jobs of that name or class name (full), else those
    /// whose class's simple name it is. More than one means it is ambiguous (two classes of one job name, which SJG1015
    /// reports, or one simple class name in two namespaces).
    /// </summary>
    /// <param name="nameOrType">The job name, <c>Namespace.Class</c> or <c>Class</c>.</param>
    public IReadOnlyList<ManifestJob> FindJobs(string nameOrType)
    {
        var exact = Jobs.Where(job => job.Name == nameOrType || job.TypeName == nameOrType).ToList();
        var found = exact.Count > 0 ? exact : Jobs.Where(job => job.TypeName.EndsWith("." + nameOrType, StringComparison.Ordinal)).ToList();
        found.Sort(static (a, b) => string.CompareOrdinal(a.TypeName, b.TypeName));
        return found;
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

    private static ManifestJob ReadJob(CustomAttributeValue<string> value, string displayName)
    {
        var fixedArguments = FixedStrings(value, 4, "GeneratedSparkJob", displayName);
        var job = new ManifestJob(fixedArguments[0], fixedArguments[1], fixedArguments[2], fixedArguments[3]);
        foreach (var named in value.NamedArguments)
        {
            job = named.Name switch
            {
                "PythonVersion" => job with { PythonVersion = named.Value as string },
                "PySparkVersion" => job with { PySparkVersion = named.Value as string },
                "Channels" => job with { Channels = Strings(named.Value) },
                "CondaPackages" => job with { CondaPackages = Pairs(Strings(named.Value), job.Name, displayName) },
                "PipPackages" => job with { PipPackages = Pairs(Strings(named.Value), job.Name, displayName) },
                "SparkConf" => job with { SparkConf = Pairs(Strings(named.Value), job.Name, displayName) },
                "Parameters" => job with { Parameters = ParseParameters(Strings(named.Value), job.Name, displayName) },
                "Data" when named.Value is string data => WithData(job, data, displayName),
                _ => job,
            };
        }

        return job;
    }

    /// <summary>The job with the lists of <c>GeneratedSparkJobAttribute.Data</c> (see <see cref="ManifestData"/>).</summary>
    internal static ManifestJob WithData(ManifestJob job, string data, string displayName)
    {
        var lists = ManifestData.Decode(data, job.Name, displayName);
        return job with
        {
            Channels = lists[0],
            CondaPackages = Pairs(lists[1], job.Name, displayName),
            PipPackages = Pairs(lists[2], job.Name, displayName),
            SparkConf = Pairs(lists[3], job.Name, displayName),
            Parameters = WithFormats(ParseParameters(lists[4], job.Name, displayName), lists[5], job.Name, displayName),
        };
    }

    /// <summary>The parameters with the format strings <c>Data</c> records after them: one per parameter, empty for none.</summary>
    private static ManifestParameter[] WithFormats(ManifestParameter[] parameters, string[] formats, string job, string displayName)
    {
        if (formats.Length != parameters.Length)
        {
            throw new InvalidDataException($"'{displayName}' records {formats.Length} parameter format(s) for the {parameters.Length} parameter(s) of job '{job}'; rebuild it with this version of SparkJobGen.");
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (formats[i].Length > 0)
            {
                parameters[i] = parameters[i] with { Format = formats[i] };
            }
        }

        return parameters;
    }

    private static (string Job, int Position, ManifestParameter Parameter) ReadParameter(CustomAttributeValue<string> value, string displayName)
    {
        var arguments = value.FixedArguments;
        if (arguments.Length != 5 || arguments[0].Value is not string job || arguments[1].Value is not int position ||
            arguments[2].Value is not string property || arguments[3].Value is not string flag || arguments[4].Value is not string type)
        {
            throw new InvalidDataException($"'{displayName}' has a GeneratedSparkJobParameter attribute of an unknown shape; rebuild it with this version of SparkJobGen.");
        }

        bool Named(string name) => value.NamedArguments.Any(a => a.Name == name && a.Value is true);
        return (job, position, new ManifestParameter(property, flag, type, Named("IsRequired"), Named("IsFlag"), Named("IsList"), Named("IsSensitive")));
    }

    /// <summary>
    /// Reads <c>GeneratedSparkJobAttribute.Parameters</c>: four strings per parameter (property, flag, type, traits as the
    /// letters <c>r</c> required, <c>f</c> flag, <c>l</c> list, <c>s</c> sensitive).
    /// </summary>
    /// <param name="values">The recorded strings.</param>
    /// <param name="job">The job name, for the error message.</param>
    /// <param name="displayName">The assembly, for the error message.</param>
    /// <exception cref="InvalidDataException">The strings do not have that shape.</exception>
    internal static ManifestParameter[] ParseParameters(IReadOnlyList<string> values, string job, string displayName)
    {
        if (values.Count % 4 != 0)
        {
            throw new InvalidDataException($"'{displayName}' records the parameters of job '{job}' in an unknown shape; rebuild it with this version of SparkJobGen.");
        }

        var parameters = new ManifestParameter[values.Count / 4];
        for (var i = 0; i < parameters.Length; i++)
        {
            var traits = values[(4 * i) + 3];
            if (traits.Any(static c => c is not ('r' or 'f' or 'l' or 's')))
            {
                throw new InvalidDataException($"'{displayName}' records an unknown parameter trait '{traits}' for job '{job}'; rebuild it with this version of SparkJobGen.");
            }

            parameters[i] = new ManifestParameter(
                values[4 * i], values[(4 * i) + 1], values[(4 * i) + 2], traits.Contains('r'), traits.Contains('f'), traits.Contains('l'), traits.Contains('s'));
        }

        return parameters;
    }

    private static string[] FixedStrings(CustomAttributeValue<string> value, int count, string attribute, string displayName)
    {
        if (value.FixedArguments.Length != count)
        {
            throw new InvalidDataException($"'{displayName}' has a {attribute} attribute of an unknown shape; rebuild it with this version of SparkJobGen.");
        }

        return value.FixedArguments.Select(static a => a.Value as string ?? string.Empty).ToArray();
    }

    private static string[] Strings(object? value) =>
        value is IEnumerable<CustomAttributeTypedArgument<string>> items ? items.Select(static i => i.Value as string ?? string.Empty).ToArray() : [];

    internal static KeyValuePair<string, string>[] Pairs(string[] values, string job, string displayName)
    {
        if (values.Length % 2 != 0)
        {
            throw new InvalidDataException($"'{displayName}' records an odd number of key/value strings for job '{job}'; rebuild the project.");
        }

        var pairs = new KeyValuePair<string, string>[values.Length / 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new(values[2 * i], values[(2 * i) + 1]);
        }

        return pairs;
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

    /// <summary>Names the types of attribute arguments; the manifest attributes use strings, string arrays, integers and booleans.</summary>
    private sealed class ArgumentTypes : ICustomAttributeTypeProvider<string>
    {
        public static readonly ArgumentTypes Instance = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) =>
            throw new BadImageFormatException($"Unexpected enum argument of type '{type}' in a SparkJobGen manifest attribute.");

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
