using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Reports a diagnostic only the first time it is produced in one compilation. Declarations on a base class or the assembly
/// apply to many jobs; analysing each job must not repeat the same diagnostic at the same place.
/// </summary>
internal sealed class ReportedOnce
{
    private readonly ConcurrentDictionary<string, byte> _seen = new(System.StringComparer.Ordinal);

    /// <summary>Whether <paramref name="diagnostic"/> (by id, primary location and message) has not been reported yet; marks it reported.</summary>
    /// <param name="diagnostic">The diagnostic.</param>
    public bool IsFirst(Diagnostic diagnostic)
    {
        var location = diagnostic.Location;
        var key = diagnostic.Id + "|" + (location.SourceTree?.FilePath ?? string.Empty) + "|" + location.SourceSpan.Start + "|"
            + location.SourceSpan.Length + "|" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        return _seen.TryAdd(key, 0);
    }
}
