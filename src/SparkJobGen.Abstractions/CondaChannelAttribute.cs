using System;

namespace SparkJobGen;

/// <summary>
/// A conda channel the environment is solved from, for example <c>conda-forge</c>. Channels accumulate from the job,
/// its base classes and the assembly, nearest first (the job's own channels take priority).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class CondaChannelAttribute : Attribute
{
    /// <summary>Declares a channel.</summary>
    /// <param name="name">A channel name (<c>conda-forge</c>) or URL.</param>
    public CondaChannelAttribute(string name) => Name = name;

    /// <summary>The channel name or URL.</summary>
    public string Name { get; }
}
