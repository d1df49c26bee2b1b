using System;

namespace SparkJobGen.Packing.Archives;

/// <summary>Checks archive paths and applies the arc root.</summary>
internal static class ArchivePaths
{
    /// <summary>The arc root as a prefix: empty, or a relative path ending in <c>/</c>.</summary>
    /// <param name="arcRoot">conda-pack's <c>--arcroot</c>; leading and trailing slashes are dropped as conda-pack does.</param>
    /// <returns>The prefix.</returns>
    /// <exception cref="ArgumentException">The arc root climbs out of the archive (<c>..</c>).</exception>
    public static string Root(string? arcRoot)
    {
        var root = (arcRoot ?? string.Empty).Trim('/');
        if (root.Length == 0)
        {
            return string.Empty;
        }

        Validate(root, nameof(arcRoot));
        return root + "/";
    }

    /// <summary>Validates <paramref name="archivePath"/> and prefixes the root.</summary>
    /// <param name="root">From <see cref="Root"/>.</param>
    /// <param name="archivePath">A relative path with <c>/</c> separators.</param>
    /// <returns>The path inside the archive.</returns>
    public static string Full(string root, string archivePath)
    {
        Validate(archivePath, nameof(archivePath));
        return root + archivePath;
    }

    private static void Validate(string path, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(path, parameter);
        if (path[0] == '/' || path[^1] == '/' || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Archive path '{path}' must be relative, use '/' separators, and have no leading or trailing '/'.", parameter);
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw new ArgumentException($"Archive path '{path}' has an empty, '.' or '..' segment.", parameter);
            }
        }
    }
}
