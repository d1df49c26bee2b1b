using System;
using System.Linq;
using SparkJobGen.Generators.Declarations;

namespace SparkJobGen.Generators.Model;

/// <summary>
/// Everything the generator needs to emit one job, as plain equatable data: no symbols, nodes or locations, so the
/// incremental pipeline can cache it across edits that do not change the job.
/// </summary>
/// <param name="Namespace">The job's namespace, empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="TypeName">The class name.</param>
/// <param name="TypeKeyword"><c>class</c> or <c>record</c>.</param>
/// <param name="MetadataName">The dotted metadata name (<c>Ns.Outer.Job</c>), used for hint names and the job manifest.</param>
/// <param name="Identity">Name, script and environment.</param>
/// <param name="PythonVersion">The nearest <c>[PythonVersion]</c>.</param>
/// <param name="PySparkVersion">The nearest <c>[PySpark]</c>.</param>
/// <param name="Channels">Channels, nearest declaration first, without duplicates.</param>
/// <param name="CondaPackages">Conda requirements in precedence order, python and pyspark first.</param>
/// <param name="PipPackages">Pip requirements in precedence order.</param>
/// <param name="SparkConf">Spark configuration, nearest value per key.</param>
/// <param name="Parameters">The job's parameters.</param>
/// <param name="HidesDefinition">Whether a base class already has a <c>Definition</c> (a base job's, or a member of that name), so the generated one is declared <c>new</c>.</param>
internal sealed record JobModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string TypeName,
    string TypeKeyword,
    string MetadataName,
    JobIdentity Identity,
    string? PythonVersion,
    string? PySparkVersion,
    EquatableArray<string> Channels,
    EquatableArray<RequirementModel> CondaPackages,
    EquatableArray<RequirementModel> PipPackages,
    EquatableArray<ConfEntryModel> SparkConf,
    EquatableArray<ParameterModel> Parameters,
    bool HidesDefinition)
{
    /// <summary>
    /// The job's exact identity within the compilation, <c>Namespace|Outer+Job</c>: unlike <see cref="MetadataName"/> it
    /// tells a nested type from a namespace of the same dotted name. Hint names are assigned from it (<see cref="HintNameTable"/>).
    /// </summary>
    public string TypeKey => Namespace + "|" + string.Concat(ContainingTypes.Select(static c => c.Name + "+")) + TypeName;

    /// <summary>The dotted form (<c>Namespace.Outer.Job</c>) of a <see cref="TypeKey"/>.</summary>
    /// <param name="typeKey">A type key.</param>
    public static string DottedName(string typeKey) => typeKey.TrimStart('|').Replace('|', '.').Replace('+', '.');
}

/// <summary>An enclosing type of a nested job.</summary>
/// <param name="Keyword">Its declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">Its name.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>One declared package constraint.</summary>
/// <param name="Name">The package name as declared (conda names may carry <c>channel::</c>, pip names extras).</param>
/// <param name="Spec">The declared constraint, trimmed; empty for any version.</param>
/// <param name="Build">The conda build string constraint, if any.</param>
internal sealed record RequirementModel(string Name, string Spec, string? Build);

/// <summary>One Spark configuration entry.</summary>
/// <param name="Key">The property.</param>
/// <param name="Value">Its value.</param>
internal sealed record ConfEntryModel(string Key, string Value);

/// <summary>One job parameter.</summary>
/// <param name="PropertyName">The C# property.</param>
/// <param name="Flag">The flag.</param>
/// <param name="Kind">The scalar kind.</param>
/// <param name="IsList">Whether the flag repeats per element.</param>
/// <param name="Format">The optional format string.</param>
/// <param name="IsRequired">Whether the property is <c>required</c>.</param>
/// <param name="TypeDisplay">The property type as displayed in docs and the definition.</param>
/// <param name="IsSensitive">Whether the value is a secret, masked in every output.</param>
internal sealed record ParameterModel(
    string PropertyName,
    string Flag,
    ParameterKind Kind,
    bool IsList,
    string? Format,
    bool IsRequired,
    string TypeDisplay,
    bool IsSensitive = false);

/// <summary>A merged environment: the jobs sharing it and its environment.yaml text.</summary>
/// <param name="Name">The environment name.</param>
/// <param name="Yaml">The exact environment.yaml text.</param>
/// <param name="Jobs">The jobs in it, ordered by metadata name.</param>
internal sealed record EnvironmentModel(string Name, string Yaml, EquatableArray<JobReferenceModel> Jobs);

/// <summary>A job as listed in the assembly's job manifest.</summary>
/// <param name="Name">The job name.</param>
/// <param name="Environment">Its environment.</param>
/// <param name="Script">Its script.</param>
/// <param name="MetadataName">The class's metadata name.</param>
/// <param name="Job">The whole job, for the rest of the manifest (versions, requirements, Spark conf, parameters).</param>
internal sealed record JobReferenceModel(string Name, string Environment, string Script, string MetadataName, JobModel Job) : IComparable<JobReferenceModel>
{
    /// <inheritdoc />
    public int CompareTo(JobReferenceModel? other) => string.CompareOrdinal(MetadataName, other?.MetadataName);
}

/// <summary>A job's manifest attribute line in the environments file, rendered in the job's own incremental step.</summary>
/// <param name="Job">The job.</param>
/// <param name="Text">The rendered line, with its line end.</param>
internal sealed record JobManifestLine(JobModel Job, string Text);
