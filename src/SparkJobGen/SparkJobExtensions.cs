using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using SparkJobGen;

/// <summary>
/// <c>ToJobArguments()</c> and <c>ToSubmission()</c> for every generated job class (<see cref="ISparkJob"/>), one definition for
/// all of them.
/// </summary>
/// <remarks>
/// <para>The class is in the global namespace on purpose: <c>job.ToSubmission()</c> works in every file, like a member of the
/// job class, without <c>using SparkJobGen;</c>. Its methods apply only to job classes (the <see cref="ISparkJob"/> constraint).</para>
/// <para>They are extension methods, defined once here, rather than two generated methods in every job class: compiling
/// those was the largest share of the generated code's cost to a consumer's build (bench/README.md, "Consumer build").</para>
/// </remarks>
[SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "In scope in every file, as members of the job classes were.")]
public static class SparkJobExtensions
{
    /// <summary>
    /// The script's arguments for the job's current parameter values, rendered culture-invariantly, one argv element per value;
    /// null values are omitted, <see langword="true"/> flags are present, lists repeat their flag.
    /// </summary>
    /// <typeparam name="TJob">The job class; its <see cref="ISparkJob.Definition"/> names the parameters.</typeparam>
    /// <param name="job">The job object.</param>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is null.</exception>
    /// <exception cref="FormatException">A parameter's format cannot render its value.</exception>
    public static IReadOnlyList<string> ToJobArguments<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties)] TJob>(this TJob job)
        where TJob : ISparkJob
    {
        if (job is null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        return JobArgumentList.Render(TJob.Definition, job);
    }

    /// <summary>
    /// Starts a submission of the job with its current parameter values; it runs in local mode until configured with
    /// <see cref="SparkSubmission.OnYarn"/>, <see cref="SparkSubmission.OnKubernetes"/> or <see cref="SparkSubmission.OnStandalone"/>.
    /// </summary>
    /// <typeparam name="TJob">The job class; its <see cref="ISparkJob.Definition"/> is the submitted job.</typeparam>
    /// <param name="job">The job object.</param>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is null.</exception>
    /// <exception cref="FormatException">A parameter's format cannot render its value.</exception>
    public static SparkSubmission ToSubmission<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties)] TJob>(this TJob job)
        where TJob : ISparkJob =>
        new(TJob.Definition, job.ToJobArguments());
}
