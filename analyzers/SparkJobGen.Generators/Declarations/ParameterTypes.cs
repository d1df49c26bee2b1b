using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Declarations;

/// <summary>The scalar kinds a job parameter can have.</summary>
internal enum ParameterKind
{
    /// <summary>Not a supported parameter type.</summary>
    Unsupported,

    /// <summary><see cref="string"/>.</summary>
    String,

    /// <summary><see cref="bool"/>: a flag present when true.</summary>
    Boolean,

    /// <summary><see cref="int"/>.</summary>
    Int32,

    /// <summary><see cref="long"/>.</summary>
    Int64,

    /// <summary><see cref="double"/>.</summary>
    Double,

    /// <summary><see cref="decimal"/>.</summary>
    Decimal,

    /// <summary><c>System.DateOnly</c>.</summary>
    DateOnly,

    /// <summary><see cref="System.DateTime"/>.</summary>
    DateTime,

    /// <summary><see cref="System.DateTimeOffset"/>.</summary>
    DateTimeOffset,

    /// <summary><see cref="System.TimeSpan"/>.</summary>
    TimeSpan,

    /// <summary><see cref="System.Uri"/>.</summary>
    Uri,

    /// <summary>Any enum type.</summary>
    Enum,
}

/// <summary>A classified parameter type.</summary>
/// <param name="Kind">The scalar kind (of the element, for lists).</param>
/// <param name="IsList">Whether the parameter is a list whose flag repeats per element.</param>
internal readonly record struct ParameterTypeInfo(ParameterKind Kind, bool IsList)
{
    /// <summary>Whether the type is supported.</summary>
    public bool IsSupported => Kind != ParameterKind.Unsupported;

    /// <summary>Whether a <c>Format</c> string applies (the scalar is <c>IFormattable</c>).</summary>
    public bool IsFormattable => Kind is ParameterKind.Int32 or ParameterKind.Int64 or ParameterKind.Double or ParameterKind.Decimal
        or ParameterKind.DateOnly or ParameterKind.DateTime or ParameterKind.DateTimeOffset or ParameterKind.TimeSpan;
}

/// <summary>Classifies property types into the parameter kinds the generator can render.</summary>
internal static class ParameterTypes
{
    /// <summary>Classifies <paramref name="type"/>: a supported scalar, its nullable form, or an array or
    /// <c>IEnumerable&lt;T&gt;</c>-implementing reference type of one.</summary>
    /// <param name="type">The property type.</param>
    public static ParameterTypeInfo Classify(ITypeSymbol type)
    {
        var scalar = ClassifyScalar(type);
        if (scalar.IsSupported)
        {
            return scalar;
        }

        ITypeSymbol? element = null;
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            element = array.ElementType;
        }
        else if (type is INamedTypeSymbol { IsReferenceType: true } named)
        {
            element = FindEnumerableElement(named);
        }

        if (element is not null)
        {
            var elementInfo = ClassifyScalar(element);
            if (elementInfo.IsSupported && elementInfo.Kind != ParameterKind.Boolean)
            {
                return elementInfo with { IsList = true };
            }
        }

        return new ParameterTypeInfo(ParameterKind.Unsupported, false);
    }

    private static ParameterTypeInfo ClassifyScalar(ITypeSymbol type)
    {
        // Nullable<T> of a supported value type is the same kind; null renders as an omitted parameter.
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        var kind = type.SpecialType switch
        {
            SpecialType.System_String => ParameterKind.String,
            SpecialType.System_Boolean => ParameterKind.Boolean,
            SpecialType.System_Int32 => ParameterKind.Int32,
            SpecialType.System_Int64 => ParameterKind.Int64,
            SpecialType.System_Double => ParameterKind.Double,
            SpecialType.System_Decimal => ParameterKind.Decimal,
            SpecialType.System_DateTime => ParameterKind.DateTime,
            _ => ParameterKind.Unsupported,
        };

        if (kind == ParameterKind.Unsupported)
        {
            if (type.TypeKind == TypeKind.Enum)
            {
                // A [Flags] value can combine members ("Read, Write" as one argument): refused, see WhyUnsupported.
                kind = IsFlagsEnum(type) ? ParameterKind.Unsupported : ParameterKind.Enum;
            }
            else if (type is INamedTypeSymbol { Arity: 0, ContainingType: null, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                // Compared by name and namespace rather than by display string: one classification per parameter per compilation.
                kind = type.Name switch
                {
                    "DateOnly" => ParameterKind.DateOnly,
                    "DateTimeOffset" => ParameterKind.DateTimeOffset,
                    "TimeSpan" => ParameterKind.TimeSpan,
                    "Uri" => ParameterKind.Uri,
                    _ => ParameterKind.Unsupported,
                };
            }
        }

        return new ParameterTypeInfo(kind, false);
    }

    /// <summary>Why <paramref name="type"/> (which <see cref="Classify"/> refused) cannot be a parameter, and what to use instead.</summary>
    /// <param name="type">The property type.</param>
    public static string WhyUnsupported(ITypeSymbol type)
    {
        var element = type is IArrayTypeSymbol { Rank: 1 } array ? array.ElementType
            : type is INamedTypeSymbol { IsReferenceType: true } named ? FindEnumerableElement(named)
            : null;
        var scalar = element ?? type;
        if (scalar is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            scalar = nullable.TypeArguments[0];
        }

        if (IsFlagsEnum(scalar))
        {
            return "a [Flags] enum value can combine several members, which would reach the script as one argument such as 'Read, Write'; "
                + "use an enum without [Flags] in a list or array, whose flag repeats per member";
        }

        if (element is not null && scalar.SpecialType == SpecialType.System_Boolean)
        {
            return "a bool parameter is a flag that is present when true, so a list of them has no argument form; "
                + "use one bool property per switch, or a list of strings or of an enum";
        }

        return "use string, bool, int, long, double, decimal, DateOnly, DateTime, DateTimeOffset, TimeSpan, Uri, an enum without [Flags], "
            + "their nullable forms, or an array or list of them (not of bool)";
    }

    private static bool IsFlagsEnum(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Enum)
        {
            return false;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == "System.FlagsAttribute")
            {
                return true;
            }
        }

        return false;
    }

    private static ITypeSymbol? FindEnumerableElement(INamedTypeSymbol type)
    {
        if (IsGenericEnumerable(type))
        {
            return type.TypeArguments[0];
        }

        ITypeSymbol? found = null;
        foreach (var candidate in type.AllInterfaces)
        {
            if (IsGenericEnumerable(candidate))
            {
                if (found is not null)
                {
                    // Several IEnumerable<T> implementations: ambiguous, not a list parameter.
                    return null;
                }

                found = candidate.TypeArguments[0];
            }
        }

        return found;
    }

    private static bool IsGenericEnumerable(INamedTypeSymbol type) =>
        type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T;
}
