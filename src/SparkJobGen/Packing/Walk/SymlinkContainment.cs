using System;
using System.Collections.Generic;
using System.Linq;

namespace SparkJobGen.Packing;

/// <summary>Thrown when symbolic links in the environment point outside it, so the archive would not be self-contained.</summary>
public sealed class EscapingSymlinkException : PackingException
{
    /// <summary>How many links the message lists by name; the rest are counted.</summary>
    private const int Listed = 20;

    /// <summary>Creates the exception for one link.</summary>
    /// <param name="linkPath">The link, relative to the prefix.</param>
    /// <param name="target">Its target as stored.</param>
    public EscapingSymlinkException(string linkPath, string target)
        : this([(linkPath, target)], 1)
    {
    }

    /// <summary>Creates the exception for every escaping link the checking pass found.</summary>
    /// <param name="links">The links (relative to the prefix) and their targets as stored, in archive order; at least one.</param>
    /// <param name="count">How many there are in all (<paramref name="links"/> may hold only the first ones).</param>
    public EscapingSymlinkException(IReadOnlyList<(string LinkPath, string Target)> links, int count)
        : base(Describe(links, count))
    {
        ArgumentOutOfRangeException.ThrowIfZero(links.Count);
        Links = links;
        Count = count;
    }

    /// <summary>The first link, relative to the prefix.</summary>
    public string LinkPath => Links[0].LinkPath;

    /// <summary>The first link's target as stored.</summary>
    public string Target => Links[0].Target;

    /// <summary>The escaping links (the first ones when there are very many), relative to the prefix, with their targets.</summary>
    public IReadOnlyList<(string LinkPath, string Target)> Links { get; }

    /// <summary>How many links escape in all.</summary>
    public int Count { get; }

    private static string Describe(IReadOnlyList<(string LinkPath, string Target)> links, int count)
    {
        var lines = links.Take(Listed).Select(l => $"- '{l.LinkPath}' -> '{l.Target}'").ToList();
        if (count > lines.Count)
        {
            lines.Add($"- and {count - lines.Count} more");
        }

        var what = count == 1 ? "A symlink points" : $"{count} symlinks point";
        return $"{what} outside the environment; the packed archive would break on the cluster:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}{Environment.NewLine}"
            + "Replace each with a copy of its target or exclude it (--exclude).";
    }
}

/// <summary>Decides whether a symbolic link stays inside the environment and, if so, how to store it relocatably.</summary>
public static class SymlinkContainment
{
    /// <summary>
    /// Returns the link target to store in the archive: relative targets that stay inside are kept as they are,
    /// absolute targets inside <paramref name="prefix"/> are made relative.
    /// </summary>
    /// <param name="prefix">The absolute environment prefix.</param>
    /// <param name="linkPath">The link's path relative to the prefix, forward slashes.</param>
    /// <param name="target">The link's target as read from disk.</param>
    /// <returns>A relative target that resolves inside the environment.</returns>
    /// <exception cref="EscapingSymlinkException">The target resolves outside the environment.</exception>
    public static string RelativeTarget(string prefix, string linkPath, string target)
    {
        var root = prefix.TrimEnd('/');
        var linkDirectory = Split(linkPath);
        linkDirectory.RemoveAt(linkDirectory.Count - 1);
        List<string> resolved;
        if (target.StartsWith('/'))
        {
            if (target != root && !target.StartsWith(root + "/", StringComparison.Ordinal))
            {
                throw new EscapingSymlinkException(linkPath, target);
            }

            resolved = Normalise(Split(target[root.Length..]), linkPath, target);
            var common = 0;
            while (common < linkDirectory.Count && common < resolved.Count && linkDirectory[common] == resolved[common])
            {
                common++;
            }

            var parts = new List<string>();
            for (var i = common; i < linkDirectory.Count; i++)
            {
                parts.Add("..");
            }

            parts.AddRange(resolved.GetRange(common, resolved.Count - common));
            return parts.Count == 0 ? "." : string.Join('/', parts);
        }

        var combined = new List<string>(linkDirectory);
        combined.AddRange(Split(target));
        Normalise(combined, linkPath, target);
        return target;
    }

    private static List<string> Split(string path) => new(path.Split('/', StringSplitOptions.RemoveEmptyEntries));

    private static List<string> Normalise(List<string> parts, string linkPath, string target)
    {
        var stack = new List<string>();
        foreach (var part in parts)
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (stack.Count == 0)
                {
                    throw new EscapingSymlinkException(linkPath, target);
                }

                stack.RemoveAt(stack.Count - 1);
            }
            else
            {
                stack.Add(part);
            }
        }

        return stack;
    }
}
