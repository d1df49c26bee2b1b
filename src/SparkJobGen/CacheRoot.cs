using System;
using System.Collections.Generic;
using System.IO;

namespace SparkJobGen;

/// <summary>
/// The one place that decides SparkJobGen's cache folder and the folders under it, for every part that caches: created
/// environments (<c>envs</c>), packed archives and their records (<c>packs</c>), environment-store digests (<c>store-digests</c>)
/// and the preflight's facts about packed archives (<c>preflight</c>).
/// </summary>
internal static class CacheRoot
{
    /// <summary>The environment variable that sets the cache root.</summary>
    public const string Variable = "SPARKJOBGEN_CACHE";

    /// <summary>The folder of created environments.</summary>
    public const string Environments = "envs";

    /// <summary>The folder of packed archives and the pack cache's records.</summary>
    public const string Packs = "packs";

    /// <summary>The folder of environment-store digests.</summary>
    public const string StoreDigests = "store-digests";

    /// <summary>The folder of the preflight's facts about packed archives.</summary>
    public const string Preflight = "preflight";

    /// <summary>
    /// <c>$SPARKJOBGEN_CACHE</c> (as a full path), else <c>$XDG_CACHE_HOME/sparkjobgen</c>, else <c>$HOME/.cache/sparkjobgen</c>
    /// (the user profile when HOME is unset). An empty variable counts as unset.
    /// </summary>
    /// <param name="overrides">Variables that replace the process environment's (a null value unsets one); may be null.</param>
    public static string Resolve(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (Lookup(overrides, Variable) is { } explicitRoot)
        {
            return Path.GetFullPath(explicitRoot);
        }

        var home = Lookup(overrides, "HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        return Path.Combine(Lookup(overrides, "XDG_CACHE_HOME") ?? Path.Combine(home, ".cache"), "sparkjobgen");
    }

    /// <summary>A folder under <see cref="Resolve"/>.</summary>
    /// <param name="folder">One of <see cref="Environments"/>, <see cref="Packs"/>, <see cref="StoreDigests"/>, <see cref="Preflight"/>.</param>
    /// <param name="overrides">See <see cref="Resolve"/>.</param>
    public static string Folder(string folder, IReadOnlyDictionary<string, string?>? overrides = null) => Path.Combine(Resolve(overrides), folder);

    private static string? Lookup(IReadOnlyDictionary<string, string?>? overrides, string name)
    {
        var value = overrides is not null && overrides.TryGetValue(name, out var given) ? given : System.Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
