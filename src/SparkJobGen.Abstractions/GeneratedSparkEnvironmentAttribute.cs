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
/// Emitted by the SparkJobGen generator, one per job: the job's name, environment, script and parameter flags,
/// readable from the compiled assembly's metadata by MSBuild and the <c>sparkjobgen</c> tool. Not for use in user code.
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
}
