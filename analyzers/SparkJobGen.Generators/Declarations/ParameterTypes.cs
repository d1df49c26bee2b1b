using System;
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
    /// <summary>
    /// Why <paramref name="format"/> cannot render a value of <paramref name="kind"/>, or <see langword="null"/> when it can:
    /// formatting two different values of the kind (culture-invariantly, as <c>ToJobArguments()</c> does) throws, or gives
    /// the same text for both, so the script would get the format's text instead of the value (<c>"yyyy-MM-dd"</c> on an
    /// <c>int</c>, <c>"N2"</c> on a date). netstandard2.0 has no <c>DateOnly</c>: its formats are tried on a <c>DateTime</c> at
    /// midnight, after the time specifiers a <c>DateOnly</c> refuses.
    /// </summary>
    /// <param name="kind">A formattable kind (<see cref="ParameterTypeInfo.IsFormattable"/>).</param>
    /// <param name="format">The format string.</param>
    public static string? FormatProblem(ParameterKind kind, string format)
    {
        var (first, second) = kind switch
        {
            ParameterKind.Int32 => ((IFormattable)12, (IFormattable)3456),
            ParameterKind.Int64 => (12L, 3456789012345L),
            ParameterKind.Double => (1.5, -27.25),
            ParameterKind.Decimal => (1.5m, -27.25m),
            ParameterKind.DateOnly => (new DateTime(2001, 2, 3), new DateTime(2017, 8, 21)),
            ParameterKind.DateTime => (new DateTime(2001, 2, 3, 4, 5, 6, 7), new DateTime(2017, 8, 21, 22, 11, 12, 345)),
            ParameterKind.DateTimeOffset => (new DateTimeOffset(2001, 2, 3, 4, 5, 6, 7, TimeSpan.Zero), new DateTimeOffset(2017, 8, 21, 22, 11, 12, 345, TimeSpan.FromHours(5.5))),
            ParameterKind.TimeSpan => (new TimeSpan(0, 1, 2, 3, 4), new TimeSpan(12, 22, 33, 44, 567)),
            _ => ((IFormattable?)null, (IFormattable?)null),
        };
        if (first is null || second is null)
        {
            return null;
        }

        if (kind == ParameterKind.DateOnly && DateOnlyRefuses(format))
        {
            return "is not a format of the type: a DateOnly has no time of day, so it refuses time specifiers (h, H, m, s, f, F, t, z, K, :) and the standard formats other than d, D, M, O, R and Y";
        }

        try
        {
            var one = first.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            var other = second.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            return one == other ? $"gives '{one}' for every value, so the script would get that text instead of the value" : null;
        }
        catch (FormatException exception)
        {
            return "is not a format of the type: " + exception.Message;
        }
    }

    /// <summary>
    /// Whether <c>DateOnly.ToString(format)</c> throws: a one-letter standard format other than the date ones, or a custom
    /// format with a time-of-day specifier outside its quoted and escaped literals.
    /// </summary>
    private static bool DateOnlyRefuses(string format)
    {
        if (format.Length == 1)
        {
            return "dDmMoOrRyY".IndexOf(format[0]) < 0;
        }

        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c is '\'' or '"')
            {
                var close = format.IndexOf(c, i + 1);
                i = close < 0 ? format.Length : close;
            }
            else if (c == '\\')
            {
                i++;
            }
            else if ("hHmsfFtzK:".IndexOf(c) >= 0)
            {
                return true;
            }
        }

        return false;
    }

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
