using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// What a conda prefix holds beyond its files (its entries, with conda-pack's checks: <see cref="EnvironmentEntries"/>).
/// </summary>
internal static class CondaInventory
{
    /// <summary>Whether the prefix holds the <c>conda</c> package itself.</summary>
    public static bool HasCondaPackage(string prefix) =>
        Directory.EnumerateFiles(Path.Combine(prefix, "conda-meta"), "conda-*.json")
            .Any(f => Path.GetFileName(f).Split('-').Length == 3);
}
