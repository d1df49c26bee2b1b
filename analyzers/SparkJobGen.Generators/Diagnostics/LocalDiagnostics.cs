using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Keeps every diagnostic inside the compilation being analysed. A job may inherit declarations from a base class in another
/// project; in the IDE that project is a compilation reference, so the inherited attributes keep their syntax, in a tree of
/// the other project, and Roslyn refuses a diagnostic located there (an <see cref="System.ArgumentException"/> that surfaces
/// as AD0001 and loses the analyzer's other diagnostics). In a command-line build the same base class is metadata, whose
/// attributes have no syntax at all (<see cref="Location.None"/>), which Roslyn accepts.
/// </summary>
internal static class LocalDiagnostics
{
    /// <summary>
    /// <paramref name="diagnostic"/> itself when all its locations are in <paramref name="compilation"/> (or not in source);
    /// otherwise the same diagnostic at its first location in this compilation, primary or additional (the others it has here
    /// stay additional), else at <paramref name="fallback"/>; <see langword="null"/> when it has no place here (what it says
    /// concerns the other project alone, whose own analysis reports it). A moved diagnostic keeps its message and loses its
    /// properties, which code fixes read as a description of the primary location.
    /// </summary>
    /// <param name="diagnostic">The diagnostic as created.</param>
    /// <param name="compilation">The compilation being analysed.</param>
    /// <param name="fallback">Where to report it when none of its own locations is here (the job's name), or <see langword="null"/>.</param>
    public static Diagnostic? Within(Diagnostic diagnostic, Compilation compilation, Location? fallback)
    {
        if (IsAllowed(diagnostic.Location, compilation) && AllAllowed(diagnostic.AdditionalLocations, compilation))
        {
            return diagnostic;
        }

        var local = new List<Location>();
        if (IsHere(diagnostic.Location, compilation))
        {
            local.Add(diagnostic.Location);
        }

        foreach (var location in diagnostic.AdditionalLocations)
        {
            if (IsHere(location, compilation) && !local.Contains(location))
            {
                local.Add(location);
            }
        }

        if (local.Count == 0)
        {
            if (fallback is null || !IsHere(fallback, compilation))
            {
                return null;
            }

            local.Add(fallback);
        }

        var descriptor = diagnostic.Descriptor;
        return Diagnostic.Create(
            diagnostic.Id,
            descriptor.Category,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            diagnostic.Severity,
            diagnostic.DefaultSeverity,
            descriptor.IsEnabledByDefault,
            diagnostic.WarningLevel,
            descriptor.Title,
            descriptor.Description,
            descriptor.HelpLinkUri,
            local[0],
            local.GetRange(1, local.Count - 1),
            descriptor.CustomTags,
            local[0] == diagnostic.Location ? diagnostic.Properties : ImmutableDictionary<string, string?>.Empty);
    }

    /// <summary>The first location of <paramref name="symbol"/> in source (a job class's name), or <see langword="null"/>.</summary>
    /// <param name="symbol">A symbol of the compilation being analysed.</param>
    public static Location? NameOf(ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource)
            {
                return location;
            }
        }

        return null;
    }

    private static bool AllAllowed(IReadOnlyList<Location> locations, Compilation compilation)
    {
        for (var i = 0; i < locations.Count; i++)
        {
            if (!IsAllowed(locations[i], compilation))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllowed(Location location, Compilation compilation) =>
        location.SourceTree is not { } tree || compilation.ContainsSyntaxTree(tree);

    private static bool IsHere(Location location, Compilation compilation) =>
        location.SourceTree is { } tree && compilation.ContainsSyntaxTree(tree);
}
