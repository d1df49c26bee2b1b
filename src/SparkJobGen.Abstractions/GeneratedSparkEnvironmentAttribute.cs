using System;
using System.ComponentModel;

namespace SparkJobGen.Generated;

/// <summary>
/// Emitted by the SparkJobGen generator, one per environment: carries the environment's <c>environment.yaml</c>
/// in the compiled assembly so that MSBuild (and the <c>sparkjobgen</c> tool) can write it to disk without loading the assembly.
/// Not for use in user code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedSparkEnvironmentAttribute : Attribute
{
    /// <summary>Records one environment.</summary>
    /// <param name="name">The environment name.</param>
    /// <param name="environmentYaml">The exact text of its <c>environment.yaml</c>.</param>
    public GeneratedSparkEnvironmentAttribute(string name, string environmentYaml)
    {
        Name = name;
        EnvironmentYaml = environmentYaml;
    }

    /// <summary>The environment name.</summary>
    public string Name { get; }

    /// <summary>The exact text of the environment's <c>environment.yaml</c>.</summary>
    public string EnvironmentYaml { get; }
}

/// <summary>
/// Emitted by the SparkJobGen generator, one per job: everything the job's <c>SparkJobDefinition</c> holds except the
/// environment text (its name, environment, script, Python and PySpark versions, channels, merged requirements and Spark
/// configuration and typed parameters), readable from the compiled assembly's metadata by MSBuild and the <c>sparkjobgen</c>
/// tool, and the source of the job class's generated <c>Definition</c>. Not for use in user code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedSparkJobAttribute : Attribute
{
    /// <summary>Records one job.</summary>
    /// <param name="name">The job name.</param>
    /// <param name="environment">The environment name.</param>
    /// <param name="script">The script path relative to the project directory.</param>
    /// <param name="typeName">The fully qualified name of the job class.</param>
    public GeneratedSparkJobAttribute(string name, string environment, string script, string typeName)
    {
        Name = name;
        Environment = environment;
        Script = script;
        TypeName = typeName;
    }

    /// <summary>The job name.</summary>
    public string Name { get; }

    /// <summary>The environment name.</summary>
    public string Environment { get; }

    /// <summary>The script path relative to the project directory.</summary>
    public string Script { get; }

    /// <summary>The fully qualified name of the job class.</summary>
    public string TypeName { get; }

    /// <summary>The conda version spec of Python, if declared.</summary>
    public string? PythonVersion { get; set; }

    /// <summary>The conda version spec of PySpark, if declared.</summary>
    public string? PySparkVersion { get; set; }

    /// <summary>The conda channels, highest priority first.</summary>
    public string[]? Channels { get; set; }

    /// <summary>The merged conda requirements as alternating package names and constraints (<c>"numpy", "&gt;=1.26,&lt;2"</c>).</summary>
    public string[]? CondaPackages { get; set; }

    /// <summary>The merged pip requirements as alternating package names and specifiers (<c>"lightgbm", "==4.3.0"</c>).</summary>
    public string[]? PipPackages { get; set; }

    /// <summary>The job's Spark configuration (assembly, base classes and job merged, nearest wins) as alternating keys and values.</summary>
    public string[]? SparkConf { get; set; }

    /// <summary>
    /// The job's typed parameters in declaration order, four strings each: the C# property, the flag, the property type as
    /// displayed, and its traits as letters (<c>r</c> required, <c>f</c> boolean flag, <c>l</c> list, <c>s</c> sensitive;
    /// empty for none), for example <c>"Input", "--input", "Uri", "r"</c>.
    /// </summary>
    public string[]? Parameters { get; set; }

    /// <summary>
    /// <see cref="Channels"/>, <see cref="CondaPackages"/>, <see cref="PipPackages"/>, <see cref="SparkConf"/> and
    /// <see cref="Parameters"/> in one string, which is what the generator writes (one literal per job costs the consumer's
    /// compiler far less than arrays of them): each list is its element count and <c>;</c>, then each element as its length in
    /// UTF-16 code units, <c>:</c> and the text, for example <c>1;11:conda-forge</c>. The array properties are read when it is absent.
    /// </summary>
    public string? Data { get; set; }
}

/// <summary>
/// One typed parameter of a job as earlier SparkJobGen versions recorded it (one attribute per parameter); the generator now
/// writes <see cref="GeneratedSparkJobAttribute.Parameters"/> instead, and the manifest reader still reads both forms.
/// Not for use in user code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedSparkJobParameterAttribute : Attribute
{
    /// <summary>Records one parameter.</summary>
    /// <param name="job">The job name.</param>
    /// <param name="position">The parameter's position among the job's parameters, from 0.</param>
    /// <param name="propertyName">The C# property.</param>
    /// <param name="flag">The flag the script reads.</param>
    /// <param name="typeName">The property type as displayed.</param>
    public GeneratedSparkJobParameterAttribute(string job, int position, string propertyName, string flag, string typeName)
    {
        Job = job;
        Position = position;
        PropertyName = propertyName;
        Flag = flag;
        TypeName = typeName;
    }

    /// <summary>The job name.</summary>
    public string Job { get; }

    /// <summary>The parameter's position among the job's parameters, from 0.</summary>
    public int Position { get; }

    /// <summary>The C# property.</summary>
    public string PropertyName { get; }

    /// <summary>The flag the script reads.</summary>
    public string Flag { get; }

    /// <summary>The property type as displayed.</summary>
    public string TypeName { get; }

    /// <summary>Whether the property is <c>required</c>.</summary>
    public bool IsRequired { get; set; }

    /// <summary>Whether the parameter is a boolean flag.</summary>
    public bool IsFlag { get; set; }

    /// <summary>Whether the flag repeats for each element of a list.</summary>
    public bool IsList { get; set; }

    /// <summary>
    /// Whether <c>[JobParameter(Sensitive = true)]</c> marks the value as a secret. The generator writes it only when true, so an
    /// assembly built before this property existed reads as having no sensitive parameters.
    /// </summary>
    public bool IsSensitive { get; set; }
}
