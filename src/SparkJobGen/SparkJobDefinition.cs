using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace SparkJobGen;

/// <summary>
/// The static description of one job: its name, script, environment and merged requirements.
/// The generator emits one per <see cref="SparkJobAttribute"/> class as <c>public static SparkJobDefinition Definition</c>.
/// </summary>
public sealed class SparkJobDefinition
{
    /// <summary>Creates a definition. Called by generated code.</summary>
    /// <param name="name">The job name, passed to Spark as <c>--name</c>.</param>
    /// <param name="script">The Python script relative to the project directory.</param>
    /// <param name="environment">The name of the job's environment.</param>
    /// <param name="environmentYaml">The exact text of the environment's <c>environment.yaml</c>.</param>
    /// <param name="pythonVersion">The conda version spec of Python, if declared.</param>
    /// <param name="pySparkVersion">The conda version spec of PySpark, if declared.</param>
    /// <param name="channels">The conda channels, highest priority first.</param>
    /// <param name="condaPackages">The conda packages with merged constraints.</param>
    /// <param name="pipPackages">The pip packages with merged constraints.</param>
    /// <param name="sparkConf">The Spark configuration declared on the job, its base classes and the assembly (nearest wins).</param>
    /// <param name="parameters">The job's typed parameters.</param>
    public SparkJobDefinition(
        string name,
        string script,
        string environment,
        string environmentYaml,
        string? pythonVersion,
        string? pySparkVersion,
        IReadOnlyList<string> channels,
        IReadOnlyList<PackageRequirement> condaPackages,
        IReadOnlyList<PackageRequirement> pipPackages,
        IReadOnlyList<KeyValuePair<string, string>> sparkConf,
        IReadOnlyList<JobParameterInfo> parameters)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Script = script ?? throw new ArgumentNullException(nameof(script));
        Environment = environment ?? throw new ArgumentNullException(nameof(environment));
        EnvironmentYaml = environmentYaml ?? throw new ArgumentNullException(nameof(environmentYaml));
        PythonVersion = pythonVersion;
        PySparkVersion = pySparkVersion;
        Channels = channels ?? throw new ArgumentNullException(nameof(channels));
        CondaPackages = condaPackages ?? throw new ArgumentNullException(nameof(condaPackages));
        PipPackages = pipPackages ?? throw new ArgumentNullException(nameof(pipPackages));
        SparkConf = sparkConf ?? throw new ArgumentNullException(nameof(sparkConf));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
    }

    /// <summary>
    /// The definition the generator recorded for a job class in its assembly's manifest (the <c>GeneratedSparkJob</c> and
    /// <c>GeneratedSparkEnvironment</c> attributes MSBuild and the <c>sparkjobgen</c> tool read), so the data is compiled once
    /// per assembly rather than again in each job. Called by each job's generated <c>Definition</c>.
    /// </summary>
    /// <param name="jobType">The job class.</param>
    /// <param name="jobName">The job name.</param>
    /// <exception cref="InvalidOperationException">The class's assembly records no such job.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static SparkJobDefinition FromManifest(Type jobType, string jobName) =>
        Manifest.SparkJobManifest.LoadedDefinition(jobType ?? throw new ArgumentNullException(nameof(jobType)), jobName ?? throw new ArgumentNullException(nameof(jobName)));

    /// <summary>The job name, passed to Spark as <c>--name</c>.</summary>
    public string Name { get; }

    /// <summary>The Python script relative to the project directory (forward slashes).</summary>
    public string Script { get; }

    /// <summary>The name of the job's environment; jobs with the same name share one environment.</summary>
    public string Environment { get; }

    /// <summary>The exact text of the environment's <c>environment.yaml</c>, as written to the build output.</summary>
    public string EnvironmentYaml { get; }

    /// <summary>The conda version spec of Python, if declared.</summary>
    public string? PythonVersion { get; }

    /// <summary>The conda version spec of PySpark, if declared.</summary>
    public string? PySparkVersion { get; }

    /// <summary>The conda channels, highest priority first.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>The conda packages of the environment with merged constraints.</summary>
    public IReadOnlyList<PackageRequirement> CondaPackages { get; }

    /// <summary>The pip packages of the environment with merged constraints.</summary>
    public IReadOnlyList<PackageRequirement> PipPackages { get; }

    /// <summary>The Spark configuration declared by attributes, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SparkConf { get; }

    /// <summary>The job's typed parameters.</summary>
    public IReadOnlyList<JobParameterInfo> Parameters { get; }

    /// <summary>
    /// The folder of the environment in a build output: <c>&lt;baseDirectory&gt;/sparkjobs/&lt;environment&gt;</c>.
    /// It holds <c>environment.yaml</c> and the environment's job scripts.
    /// </summary>
    /// <param name="baseDirectory">The application's output folder; defaults to <see cref="AppContext.BaseDirectory"/>.</param>
    public string GetOutputDirectory(string? baseDirectory = null) =>
        System.IO.Path.Combine(baseDirectory ?? AppContext.BaseDirectory, "sparkjobs", Environment);

    /// <summary>The path of the job's script as copied to the build output (see <see cref="Manifest.ScriptOutputPath"/>).</summary>
    /// <param name="baseDirectory">The application's output folder; defaults to <see cref="AppContext.BaseDirectory"/>.</param>
    public string GetScriptPath(string? baseDirectory = null) =>
        System.IO.Path.Combine(GetOutputDirectory(baseDirectory), Manifest.ScriptOutputPath.ForScript(Script).Replace('/', System.IO.Path.DirectorySeparatorChar));

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Script}, environment {Environment})";
}
