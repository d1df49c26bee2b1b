using System;

namespace SparkJobGen;

/// <summary>
/// Declares a PySpark job. Put it on a <c>partial</c> class; the SparkJobGen generator then emits the job's
/// <c>environment.yaml</c>, a static <c>Definition</c> and the <c>ISparkJob</c> interface, whose <c>job.ToSubmission()</c> builds a typed submission.
/// </summary>
/// <remarks>
/// Requirements (<see cref="PythonVersionAttribute"/>, <see cref="PySparkAttribute"/>, <see cref="CondaChannelAttribute"/>,
/// <see cref="CondaPackageAttribute"/>, <see cref="PipPackageAttribute"/>, <see cref="SparkConfAttribute"/>) can sit on the job,
/// on any base class, or on the assembly; the nearest declaration of a single-valued setting wins and package constraints accumulate.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SparkJobAttribute : Attribute
{
    /// <summary>Declares a job whose entry point is <paramref name="script"/>.</summary>
    /// <param name="script">The Python script, relative to the project directory, for example <c>jobs/score_customers.py</c>.</param>
    public SparkJobAttribute(string script) => Script = script;

    /// <summary>The Python script, relative to the project directory.</summary>
    public string Script { get; }

    /// <summary>The job name passed to Spark as <c>--name</c>. Defaults to the class name in kebab-case.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The name of the Python environment the job runs in. Jobs naming the same environment share one merged
    /// <c>environment.yaml</c> and one packed archive. Defaults to the job name.
    /// </summary>
    public string? Environment { get; set; }
}
