using System;

namespace SparkJobGen;

/// <summary>
/// The Python version of the job's environment, as a conda version spec (<c>3.11</c> means any 3.11.x).
/// Allowed on the job, a base class or the assembly; the nearest one wins.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class PythonVersionAttribute : Attribute
{
    /// <summary>Declares the Python version.</summary>
    /// <param name="version">A conda version spec such as <c>3.11</c> or <c>&gt;=3.10,&lt;3.13</c>.</param>
    public PythonVersionAttribute(string version) => Version = version;

    /// <summary>The conda version spec of the <c>python</c> package.</summary>
    public string Version { get; }
}
