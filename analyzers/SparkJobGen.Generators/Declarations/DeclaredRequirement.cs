using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Declarations;

/// <summary>What an environment attribute declares.</summary>
internal enum RequirementKind
{
    /// <summary><c>[PythonVersion]</c>: a constraint on the <c>python</c> conda package.</summary>
    PythonVersion,

    /// <summary><c>[PySpark]</c>: a constraint on the <c>pyspark</c> conda package.</summary>
    PySpark,

    /// <summary><c>[CondaChannel]</c>.</summary>
    CondaChannel,

    /// <summary><c>[CondaPackage]</c>.</summary>
    CondaPackage,

    /// <summary><c>[PipPackage]</c>.</summary>
    PipPackage,

    /// <summary><c>[SparkConf]</c>.</summary>
    SparkConf,
}

/// <summary>Where a requirement was declared relative to the job it applies to.</summary>
internal enum DeclarationScope
{
    /// <summary>On the job class itself.</summary>
    Job,

    /// <summary>On a base class of the job.</summary>
    BaseClass,

    /// <summary>On the job's assembly.</summary>
    Assembly,
}

/// <summary>
/// One attribute application that contributes to a job's environment or configuration, with the attribute kept so that
/// analyzers can point at it. Never stored in a generator model (it holds symbols); the generator maps it to plain records.
/// </summary>
/// <param name="Kind">What it declares.</param>
/// <param name="Name">The package, channel or configuration key; <c>python</c> / <c>pyspark</c> for the version attributes.</param>
/// <param name="Value">The version constraint or configuration value; <see langword="null"/> for none.</param>
/// <param name="Build">The conda build string constraint, if any.</param>
/// <param name="Scope">Where it was declared.</param>
/// <param name="DeclaringSymbol">The class or assembly carrying the attribute.</param>
/// <param name="Attribute">The attribute application.</param>
internal readonly record struct DeclaredRequirement(
    RequirementKind Kind,
    string Name,
    string? Value,
    string? Build,
    DeclarationScope Scope,
    ISymbol DeclaringSymbol,
    AttributeData Attribute);

/// <summary>A job's identity as declared by <c>[SparkJob]</c>, with defaults applied.</summary>
/// <param name="Name">The job name (kebab-case class name by default).</param>
/// <param name="Script">The script path relative to the project, with forward slashes.</param>
/// <param name="Environment">The environment name (the job name by default).</param>
internal readonly record struct JobIdentity(string Name, string Script, string Environment);

/// <summary>A property marked <c>[JobParameter]</c>.</summary>
/// <param name="Property">The property.</param>
/// <param name="Attribute">The attribute application.</param>
/// <param name="Flag">The flag (explicit or kebab-case property name).</param>
/// <param name="Format">The optional format string.</param>
/// <param name="Type">The classified parameter type.</param>
/// <param name="IsSensitive">Whether <c>Sensitive = true</c> marks the value as a secret.</param>
internal readonly record struct DeclaredParameter(
    IPropertySymbol Property,
    AttributeData Attribute,
    string Flag,
    string? Format,
    ParameterTypeInfo Type,
    bool IsSensitive = false);
