using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Enumeration;
using System.Linq;

namespace SparkJobGen.Packing;

/// <summary>One item found on disk under a prefix (a value: a walk makes tens of thousands).</summary>
/// <param name="RelativePath">Path relative to the walked root, '/'-separated (callers may re-base it with <c>with</c>).</param>
/// <param name="Kind">File, (empty) directory or symlink.</param>
/// <param name="Length">File size in bytes (0 otherwise).</param>
/// <param name="LastWriteTicks">Last write time, UTC ticks.</param>
/// <param name="Mode">Permission bits (files and directories; 0777 for symlinks).</param>
/// <param name="Root">The walked root.</param>
/// <param name="WalkPath">Path relative to <paramref name="Root"/> as found.</param>
internal readonly record struct DiskItem(string RelativePath, PackEntryKind Kind, long Length, long LastWriteTicks, int Mode, string Root, string WalkPath)
{
    /// <summary>The absolute path (made on each call).</summary>
    public string FullPath => string.Concat(Root, "/", WalkPath);
}

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
    /// <param name="native">Whether to list with <see cref="LinuxDirectory"/>; null uses it where it is available.</param>
    /// <returns>Every item, in no particular order.</returns>
    public static List<DiskItem> Walk(string root, bool skipCondaTopLevel, Func<string, bool>? prune = null, bool? native = null)
    {
        root = root.Length > 1 ? root.TrimEnd('/') : root;
        var useNative = native ?? LinuxDirectory.IsAvailable;

        // Every directory is a unit of work on a shared stack, so the workers stay balanced however lopsided the tree is
        // (one package folder often holds most of an environment's files).
        var pending = new Stack<(string Path, string Prefix, int Mode)>();
        pending.Push((root, "", -1));
        var busy = 0;
        Exception? failure = null;
        var parts = new List<DiskItem>[Math.Clamp(Environment.ProcessorCount, 1, 8)];
        void Work(int worker)
        {
            var items = parts[worker] = new List<DiskItem>();
            var entries = new List<DirectoryEntry>();
            while (true)
            {
                (string Path, string Prefix, int Mode) directory;
                lock (pending)
                {
                    while (pending.Count == 0 && busy > 0 && failure is null)
                    {
                        System.Threading.Monitor.Wait(pending);
                    }

                    if (pending.Count == 0 || failure is not null)
                    {
                        System.Threading.Monitor.PulseAll(pending);
                        return;
                    }

                    directory = pending.Pop();
                    busy++;
                }

                List<(string Path, string Prefix, int Mode)>? children = null;
                try
                {
                    children = ReadDirectory(directory, root, skipCondaTopLevel, prune, useNative, entries, items);
                }
#pragma warning disable CA1031 // The first failure is rethrown on the calling thread once every worker stopped.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    lock (pending)
                    {
                        failure ??= e;
                    }
                }

                lock (pending)
                {
                    busy--;
                    foreach (var child in children ?? [])
                    {
                        pending.Push(child);
                    }

                    System.Threading.Monitor.PulseAll(pending);
                }
            }
        }

        var threads = new System.Threading.Tasks.Task[parts.Length - 1];
        for (var i = 0; i < threads.Length; i++)
        {
            var worker = i + 1;
            threads[i] = System.Threading.Tasks.Task.Factory.StartNew(() => Work(worker), System.Threading.CancellationToken.None,
                System.Threading.Tasks.TaskCreationOptions.LongRunning, System.Threading.Tasks.TaskScheduler.Default);
        }

        Work(0);
        System.Threading.Tasks.Task.WaitAll(threads);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        var all = new List<DiskItem>(parts.Sum(p => p?.Count ?? 0));
        foreach (var part in parts)
        {
            all.AddRange(part ?? []);
        }

        return all;
    }

    /// <summary>Lists one directory into <paramref name="items"/> and returns its subdirectories (symlinked ones are items, never followed).</summary>
    private static List<(string Path, string Prefix, int Mode)> ReadDirectory(
        (string Path, string Prefix, int Mode) directory, string root, bool skipCondaTopLevel, Func<string, bool>? prune, bool native,
        List<DirectoryEntry> entries, List<DiskItem> items)
    {
        var subdirectories = new List<(string, string, int)>();
        var isTop = directory.Prefix.Length == 0;
        if (native)
        {
            LinuxDirectory.List(directory.Path, directory.Prefix, entries);
        }
        else
        {
            ListPortably(directory.Path, directory.Prefix, entries);
        }

        foreach (var entry in entries)
        {
            var relative = entry.RelativePath;
            if (isTop && skipCondaTopLevel && (s_ignoredTopLevel.Contains(relative) || relative.EndsWith('~') || relative.EndsWith(".DS_STORE", StringComparison.Ordinal)))
            {
                continue;
            }

            if (entry.IsLink)
            {
                items.Add(new DiskItem(relative, PackEntryKind.Symlink, 0, entry.Ticks, 0b111_111_111, root, relative));
            }
            else if (entry.IsDirectory)
            {
                if (prune is null || !prune(relative))
                {
                    subdirectories.Add((string.Concat(root, "/", relative), relative + "/", entry.Mode));
                }
            }
            else
            {
                items.Add(new DiskItem(relative, PackEntryKind.File, entry.Length, entry.Ticks, entry.Mode, root, relative));
            }
        }

        if (entries.Count == 0 && !isTop)
        {
            var relative = directory.Prefix[..^1];
            items.Add(new DiskItem(relative, PackEntryKind.Directory, 0, 0, directory.Mode >= 0 ? directory.Mode : Mode(directory.Path), root, relative));
        }

        return subdirectories;
    }

    /// <summary>The portable listing: one stat per entry, the mode from the entry's own status.</summary>
    private static void ListPortably(string directory, string relativePrefix, List<DirectoryEntry> entries)
    {
        entries.Clear();
        var enumerable = new FileSystemEnumerable<DirectoryEntry>(
            directory,
            (ref FileSystemEntry e) => new DirectoryEntry(string.Concat(relativePrefix.AsSpan(), e.FileName), e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0,
                (e.Attributes & FileAttributes.ReparsePoint) != 0, e.IsDirectory ? 0 : e.Length, e.LastWriteTimeUtc.UtcTicks,
                OperatingSystem.IsWindows() ? 0b110_100_100 : (int)e.ToFileSystemInfo().UnixFileMode),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false });
        entries.AddRange(enumerable);
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
