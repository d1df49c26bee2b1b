using System;

namespace SparkJobGen;

/// <summary>
/// The PySpark release the job is written for, as a conda version spec (<c>3.5.1</c>, <c>3.5.*</c>, <c>&gt;=3.4,&lt;4</c>).
/// It becomes the <c>pyspark</c> dependency of the environment and drives the compatibility checks for Python, pandas, pyarrow and numpy.
/// Allowed on the job, a base class or the assembly; the nearest one wins.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class PySparkAttribute : Attribute
{
    /// <summary>Declares the PySpark version.</summary>
    /// <param name="version">A conda version spec.</param>
    public PySparkAttribute(string version) => Version = version;

    /// <summary>The conda version spec of the <c>pyspark</c> package.</summary>
    public string Version { get; }
}
