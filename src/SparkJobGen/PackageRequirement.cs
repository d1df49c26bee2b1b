namespace SparkJobGen;

/// <summary>One package of a job's environment with its merged version constraint.</summary>
/// <param name="Name">The package name (pip names keep their extras, for example <c>requests[socks]</c>).</param>
/// <param name="Specifier">The merged constraint (conda MatchSpec version part or PEP 440 specifier set); empty for any version.</param>
public sealed record PackageRequirement(string Name, string Specifier)
{
    /// <summary>The requirement as one line of <c>environment.yaml</c>, for example <c>numpy&gt;=1.26,&lt;2</c>.</summary>
    public override string ToString() => Name + Specifier;
}

/// <summary>Describes one typed parameter of a job, as declared with <see cref="JobParameterAttribute"/>.</summary>
/// <param name="PropertyName">The C# property.</param>
/// <param name="Flag">The flag the script reads, for example <c>--run-date</c>.</param>
/// <param name="TypeName">The C# type as written in the declaration, for example <c>System.DateOnly</c>.</param>
/// <param name="IsRequired">Whether the property is <c>required</c>.</param>
/// <param name="IsFlag">Whether the parameter is a boolean flag (present when true, no value).</param>
/// <param name="IsList">Whether the parameter is a list (the flag repeats for each element).</param>
/// <param name="IsSensitive">Whether <c>[JobParameter(Sensitive = true)]</c> marks its value as a secret, masked in every output.</param>
public sealed record JobParameterInfo(string PropertyName, string Flag, string TypeName, bool IsRequired, bool IsFlag, bool IsList, bool IsSensitive = false);
