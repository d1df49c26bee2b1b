using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Enumeration;

namespace SparkJobGen.Packing;

/// <summary>One item found on disk under a prefix.</summary>
/// <param name="RelativePath">Path relative to the walked root, '/'-separated.</param>
/// <param name="FullPath">Absolute path.</param>
/// <param name="Kind">File, (empty) directory or symlink.</param>
/// <param name="Length">File size in bytes (0 otherwise).</param>
/// <param name="LastWriteTicks">Last write time, UTC ticks.</param>
/// <param name="Mode">Permission bits (files and directories; 0777 for symlinks).</param>
internal sealed record DiskItem(string RelativePath, string FullPath, PackEntryKind Kind, long Length, long LastWriteTicks, int Mode);

/// <summary>
/// Lists what is under a directory the way conda-pack's <c>load_files</c> does: regular files, symlinks (to files or
/// directories, never followed) and empty directories, skipping the top-level folders that belong to a conda installation
/// rather than an environment (<c>pkgs</c>, <c>envs</c>, <c>conda-bld</c>, ...).
/// </summary>
internal static class EnvironmentWalker
{
    private static readonly HashSet<string> s_ignoredTopLevel = new(StringComparer.Ordinal)
    {
        "pkgs", "envs", "conda-bld", ".conda_lock", "users", "conda-recipes", ".index", ".unionfs", ".nonadmin",
        "python.app", "Launcher.app",
    };

    /// <summary>Walks <paramref name="root"/>, several directories at a time (metadata calls dominate; they overlap well).</summary>
    /// <param name="root">An absolute directory.</param>
    /// <param name="skipCondaTopLevel">Whether to skip conda-installation folders at the top level.</param>
    /// <param name="prune">Directories (relative paths) not to descend into; null descends everywhere.</param>
    /// <returns>Every item, in no particular order.</returns>
    public static List<DiskItem> Walk(string root, bool skipCondaTopLevel, Func<string, bool>? prune = null)
    {
        var rootLength = root.TrimEnd('/').Length + 1;

        // Breadth-first on this thread until there is enough independent work, then the subtrees in parallel.
        var items = new List<DiskItem>();
        var frontier = new Queue<string>();
        frontier.Enqueue(root);
        while (frontier.Count is > 0 and < 64)
        {
            foreach (var directory in ReadDirectory(frontier.Dequeue(), rootLength, skipCondaTopLevel, prune, items))
            {
                frontier.Enqueue(directory);
            }
        }

        if (frontier.Count == 0)
        {
            return items;
        }

        var parts = new System.Collections.Concurrent.ConcurrentBag<List<DiskItem>>();
        System.Threading.Tasks.Parallel.ForEach(
            frontier,
            () => new List<DiskItem>(),
            (directory, _, local) =>
            {
                var pending = new Stack<string>();
                pending.Push(directory);
                while (pending.Count > 0)
                {
                    foreach (var child in ReadDirectory(pending.Pop(), rootLength, skipCondaTopLevel, prune, local))
                    {
                        pending.Push(child);
                    }
                }

                return local;
            },
            parts.Add);
        foreach (var part in parts)
        {
            items.AddRange(part);
        }

        return items;
    }

    /// <summary>Lists one directory into <paramref name="items"/> and returns its subdirectories (symlinked ones are items, never followed).</summary>
    private static List<string> ReadDirectory(string directory, int rootLength, bool skipCondaTopLevel, Func<string, bool>? prune, List<DiskItem> items)
    {
        var subdirectories = new List<string>();
        var empty = true;
        var isTop = directory.Length < rootLength;
        // One stat per entry: the FileSystemInfo made from the entry reuses the enumerator's status (mode included).
        var entries = new FileSystemEnumerable<(string Name, string Full, bool IsDirectory, bool IsLink, long Length, long Ticks, int Mode)>(
            directory,
            static (ref FileSystemEntry e) => (e.FileName.ToString(), e.ToFullPath(), e.IsDirectory,
                (e.Attributes & FileAttributes.ReparsePoint) != 0, e.IsDirectory ? 0 : e.Length, e.LastWriteTimeUtc.UtcTicks,
                OperatingSystem.IsWindows() ? 0b110_100_100 : (int)e.ToFileSystemInfo().UnixFileMode),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false });
        foreach (var entry in entries)
        {
            empty = false;
            if (isTop && skipCondaTopLevel && (s_ignoredTopLevel.Contains(entry.Name) || entry.Name.EndsWith('~') || entry.Name.EndsWith(".DS_STORE", StringComparison.Ordinal)))
            {
                continue;
            }

            var relative = entry.Full[rootLength..];
            if (entry.IsLink)
            {
                items.Add(new DiskItem(relative, entry.Full, PackEntryKind.Symlink, 0, entry.Ticks, 0b111_111_111));
            }
            else if (entry.IsDirectory)
            {
                if (prune is null || !prune(relative))
                {
                    subdirectories.Add(entry.Full);
                }
            }
            else
            {
                items.Add(new DiskItem(relative, entry.Full, PackEntryKind.File, entry.Length, entry.Ticks, entry.Mode));
            }
        }

        if (empty && !isTop)
        {
            items.Add(new DiskItem(directory[rootLength..], directory, PackEntryKind.Directory, 0, 0, Mode(directory)));
        }

        return subdirectories;
    }

    /// <summary>The permission bits of a path (0644 where the platform has none).</summary>
    internal static int Mode(string path) => OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(path);
}

/// <summary>
/// Remembers walks within one pack, so the cache check's metadata walk is not repeated by the inventory on a cache miss.
/// Only for the duration of one call: the disk may change afterwards.
/// </summary>
internal sealed class WalkCache
{
    private readonly Dictionary<(string Root, bool Skip, string? PruneId), List<DiskItem>> _walks = new();

    /// <summary>Walks <paramref name="root"/> once (see <see cref="EnvironmentWalker.Walk"/>).</summary>
    /// <param name="root">The folder.</param>
    /// <param name="skipCondaTopLevel">Whether to skip conda-installation folders at the top level.</param>
    /// <param name="prune">Directories not to descend into, or null.</param>
    /// <param name="pruneId">Names <paramref name="prune"/> for reuse: equal ids mean equal predicates.</param>
    public List<DiskItem> Walk(string root, bool skipCondaTopLevel, Func<string, bool>? prune = null, string? pruneId = null)
    {
        if (!_walks.TryGetValue((root, skipCondaTopLevel, pruneId), out var items))
        {
            items = EnvironmentWalker.Walk(root, skipCondaTopLevel, prune);
            _walks[(root, skipCondaTopLevel, pruneId)] = items;
        }

        return items;
    }
}
