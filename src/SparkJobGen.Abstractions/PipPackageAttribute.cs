using System;

namespace SparkJobGen;

/// <summary>
/// A pip package installed into the environment after the conda packages, with an optional PEP 440 specifier set
/// (<c>==4.3.0</c>, <c>&gt;=2,&lt;3</c>, <c>~=1.4</c>). It is written under the <c>pip:</c> section of <c>environment.yaml</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class PipPackageAttribute : Attribute
{
    /// <summary>Declares a pip package.</summary>
    /// <param name="name">The distribution name, optionally with extras (<c>requests[socks]</c>).</param>
    /// <param name="specifier">A PEP 440 specifier set; <see langword="null"/> or empty for any version.</param>
    public PipPackageAttribute(string name, string? specifier = null)
    {
        Name = name;
        Specifier = specifier;
    }

    /// <summary>The distribution name.</summary>
    public string Name { get; }

    /// <summary>The PEP 440 specifier set, or <see langword="null"/> for any version.</summary>
    public string? Specifier { get; }
}
