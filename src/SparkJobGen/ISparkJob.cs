namespace SparkJobGen;

/// <summary>
/// A job class: the generator adds this interface to every <c>[SparkJob]</c> class, with its static <see cref="Definition"/>.
/// <see cref="SparkJobExtensions.ToSubmission{TJob}"/> and <see cref="SparkJobExtensions.ToJobArguments{TJob}"/> work on any job
/// object through it.
/// </summary>
/// <remarks>
/// A job derived from another job declares its own <c>Definition</c> (<c>new</c>) and lists the interface again, so a
/// variable of the derived type submits the derived job. As with any static member, the variable's type decides: a derived
/// job object held in a variable of the base job's type submits the base job.
/// </remarks>
public interface ISparkJob
{
    /// <summary>The job's name, script, environment, merged Python requirements, Spark configuration and parameters.</summary>
    static abstract SparkJobDefinition Definition { get; }
}
