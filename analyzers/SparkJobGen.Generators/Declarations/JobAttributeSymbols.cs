using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Declarations;

/// <summary>The SparkJobGen attribute types of one compilation, resolved once and compared by symbol.</summary>
internal sealed class JobAttributeSymbols
{
    private JobAttributeSymbols(Compilation compilation, INamedTypeSymbol sparkJob)
    {
        SparkJob = sparkJob;
        PythonVersion = compilation.GetTypeByMetadataName(KnownAttributes.PythonVersion);
        PySpark = compilation.GetTypeByMetadataName(KnownAttributes.PySpark);
        CondaChannel = compilation.GetTypeByMetadataName(KnownAttributes.CondaChannel);
        CondaPackage = compilation.GetTypeByMetadataName(KnownAttributes.CondaPackage);
        PipPackage = compilation.GetTypeByMetadataName(KnownAttributes.PipPackage);
        SparkConf = compilation.GetTypeByMetadataName(KnownAttributes.SparkConf);
        JobParameter = compilation.GetTypeByMetadataName(KnownAttributes.JobParameter);
    }

    /// <summary><c>SparkJobAttribute</c>.</summary>
    public INamedTypeSymbol SparkJob { get; }

    /// <summary><c>PythonVersionAttribute</c>, if present.</summary>
    public INamedTypeSymbol? PythonVersion { get; }

    /// <summary><c>PySparkAttribute</c>, if present.</summary>
    public INamedTypeSymbol? PySpark { get; }

    /// <summary><c>CondaChannelAttribute</c>, if present.</summary>
    public INamedTypeSymbol? CondaChannel { get; }

    /// <summary><c>CondaPackageAttribute</c>, if present.</summary>
    public INamedTypeSymbol? CondaPackage { get; }

    /// <summary><c>PipPackageAttribute</c>, if present.</summary>
    public INamedTypeSymbol? PipPackage { get; }

    /// <summary><c>SparkConfAttribute</c>, if present.</summary>
    public INamedTypeSymbol? SparkConf { get; }

    /// <summary><c>JobParameterAttribute</c>, if present.</summary>
    public INamedTypeSymbol? JobParameter { get; }

    /// <summary>Resolves the attribute types, or returns <see langword="null"/> when the compilation does not reference SparkJobGen.</summary>
    /// <param name="compilation">The compilation.</param>
    public static JobAttributeSymbols? Create(Compilation compilation)
    {
        var sparkJob = compilation.GetTypeByMetadataName(KnownAttributes.SparkJob);
        return sparkJob is null ? null : new JobAttributeSymbols(compilation, sparkJob);
    }

    /// <summary>Classifies an attribute application as one of the requirement attributes.</summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="kind">The requirement kind, when it is one.</param>
    public bool TryGetRequirementKind(AttributeData attribute, out RequirementKind kind)
    {
        var type = attribute.AttributeClass;
        kind = default;
        if (type is null)
        {
            return false;
        }

        // The compilation hands out one symbol object per attribute type, so identity decides the usual case without the
        // comparer; the comparer below stays the rule.
        if (TryGetByReference(type, out kind))
        {
            return true;
        }

        if (Is(type, CondaPackage))
        {
            kind = RequirementKind.CondaPackage;
        }
        else if (Is(type, PipPackage))
        {
            kind = RequirementKind.PipPackage;
        }
        else if (Is(type, SparkConf))
        {
            kind = RequirementKind.SparkConf;
        }
        else if (Is(type, CondaChannel))
        {
            kind = RequirementKind.CondaChannel;
        }
        else if (Is(type, PythonVersion))
        {
            kind = RequirementKind.PythonVersion;
        }
        else if (Is(type, PySpark))
        {
            kind = RequirementKind.PySpark;
        }
        else
        {
            return false;
        }

        return true;
    }

    private bool TryGetByReference(INamedTypeSymbol type, out RequirementKind kind)
    {
        kind = ReferenceEquals(type, CondaPackage) ? RequirementKind.CondaPackage
            : ReferenceEquals(type, PipPackage) ? RequirementKind.PipPackage
            : ReferenceEquals(type, SparkConf) ? RequirementKind.SparkConf
            : ReferenceEquals(type, CondaChannel) ? RequirementKind.CondaChannel
            : ReferenceEquals(type, PythonVersion) ? RequirementKind.PythonVersion
            : ReferenceEquals(type, PySpark) ? RequirementKind.PySpark
            : (RequirementKind)(-1);
        if (kind == (RequirementKind)(-1))
        {
            kind = default;
            return false;
        }

        return true;
    }

    /// <summary>Whether <paramref name="attribute"/> is a <c>[SparkJob]</c> application.</summary>
    /// <param name="attribute">The attribute application.</param>
    public bool IsSparkJob(AttributeData attribute) => ReferenceEquals(attribute.AttributeClass, SparkJob) || Is(attribute.AttributeClass, SparkJob);

    /// <summary>The <c>[SparkJob]</c> application on <paramref name="type"/> itself, or null when it is not a job.</summary>
    /// <param name="type">The type.</param>
    public AttributeData? FindSparkJob(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (IsSparkJob(attribute))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="attribute"/> is a <c>[JobParameter]</c> application.</summary>
    /// <param name="attribute">The attribute application.</param>
    public bool IsJobParameter(AttributeData attribute) => Is(attribute.AttributeClass, JobParameter);

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
