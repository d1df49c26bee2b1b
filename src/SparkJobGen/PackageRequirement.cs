namespace SparkJobGen;

/// <summary>One package of a job's environment with its merged version constraint.</summary>
/// <param name="Name">The package name (pip names keep their extras, for example <c>requests[socks]</c>; conda names may carry <c>channel::</c>).</param>
/// <param name="Specifier">
/// The merged constraint alone: a conda version spec (<c>&gt;=1.26,&lt;2</c>, <c>3.11.*</c>, <c>1.5.*|&gt;=2,&lt;3</c>) or a PEP 440
/// specifier set (<c>&gt;=2.31,&lt;3</c>); a pip URL or marker requirement keeps its <c>@ url</c> or <c>; marker</c>. Empty for any version.
/// </param>
public sealed record PackageRequirement(string Name, string Specifier)
{
    /// <summary>The conda build string (<c>py311*</c>), or null.</summary>
    public string? Build { get; init; }

    /// <summary>
    /// The requirement as one line of <c>environment.yaml</c>: <c>numpy&gt;=1.26,&lt;2</c>, <c>python 3.11.*</c>,
    /// <c>numpy &gt;=1.26 py311*</c>, <c>rich</c>.
    /// </summary>
    public override string ToString()
    {
        if (Build is not null)
        {
            return Name + " " + (Specifier.Length == 0 ? "*" : Specifier) + " " + Build;
        }

        if (Specifier.Length == 0)
        {
            return Name;
        }

        return Specifier[0] is '<' or '>' or '=' or '!' or '~' ? Name + Specifier : Name + " " + Specifier;
    }
}

/// <summary>Describes one typed parameter of a job, as declared with <see cref="JobParameterAttribute"/>.</summary>
/// <param name="PropertyName">The C# property.</param>
/// <param name="Flag">The flag the script reads, for example <c>--run-date</c>.</param>
/// <param name="TypeName">The C# type as written in the declaration, for example <c>System.DateOnly</c>.</param>
/// <param name="IsRequired">Whether the property is <c>required</c>.</param>
/// <param name="IsFlag">Whether the parameter is a boolean flag (present when true, no value).</param>
/// <param name="IsList">Whether the parameter is a list (the flag repeats for each element).</param>
/// <param name="IsSensitive">Whether <c>[JobParameter(Sensitive = true)]</c> marks its value as a secret, masked in every output.</param>
/// <param name="Format">The invariant-culture format string of <c>[JobParameter(Format = ...)]</c>, or <see langword="null"/>.</param>
public sealed record JobParameterInfo(string PropertyName, string Flag, string TypeName, bool IsRequired, bool IsFlag, bool IsList, bool IsSensitive = false, string? Format = null);
