using System;

namespace SparkJobGen;

/// <summary>
/// A conda package of the environment with an optional version constraint in conda MatchSpec syntax
/// (<c>&gt;=1.26,&lt;2</c>, <c>2.1.*</c>, <c>1.5.*|&gt;=2,&lt;3</c>). Constraints on the same package from the job, its base classes,
/// the assembly and other jobs sharing the environment must all hold.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class CondaPackageAttribute : Attribute
{
    /// <summary>Declares a conda package.</summary>
    /// <param name="name">The package name, optionally channel-qualified (<c>conda-forge::numpy</c>).</param>
    /// <param name="version">The version part of a MatchSpec; <see langword="null"/> or empty for any version.</param>
    public CondaPackageAttribute(string name, string? version = null)
    {
        Name = name;
        Version = version;
    }

    /// <summary>The package name.</summary>
    public string Name { get; }

    /// <summary>The version constraint, or <see langword="null"/> for any version.</summary>
    public string? Version { get; }

    /// <summary>An optional build string constraint, for example <c>py311*</c>.</summary>
    public string? Build { get; set; }
}
