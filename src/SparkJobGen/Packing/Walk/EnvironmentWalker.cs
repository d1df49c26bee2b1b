using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Enumeration;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// One item found on disk under a prefix (a value: a walk makes tens or hundreds of thousands). Its path is UTF-8 bytes,
/// not a string: its folder's path, shared by every item of the folder, and its name in a chunk shared with other items.
/// The cache key hashes those bytes and the inventory copies them, so most items never need a string at all.
/// </summary>
internal readonly struct DiskItem
{
    private readonly byte[] _directory;
    private readonly byte[] _chunk;
    private readonly int _directoryLength;
    private readonly int _nameStart;
    private readonly ushort _nameLength;
    private readonly byte _kind;

    /// <summary>
    /// An item whose relative path is the first <paramref name="directoryLength"/> bytes of <paramref name="directory"/>
    /// followed by <paramref name="nameLength"/> bytes of <paramref name="chunk"/> from <paramref name="nameStart"/>.
    /// </summary>
    public DiskItem(
        byte[] directory, int directoryLength, byte[] chunk, int nameStart, int nameLength, PackEntryKind kind, long length, long lastWriteTicks, int mode, string root)
    {
        _directory = directory;
        _directoryLength = directoryLength;
        _chunk = chunk;
        _nameStart = nameStart;
        _nameLength = checked((ushort)nameLength);
        _kind = (byte)kind;
        Length = length;
        LastWriteTicks = lastWriteTicks;
        Mode = mode;
        Root = root;
    }

    /// <summary>The first part of the relative path, UTF-8: the folder with its trailing '/' (empty at the top).</summary>
    public ReadOnlySpan<byte> Directory => _directory.AsSpan(0, _directoryLength);

    /// <summary>The rest of the relative path, UTF-8: the name.</summary>
    public ReadOnlySpan<byte> Name => _chunk.AsSpan(_nameStart, _nameLength);

    /// <summary>Path relative to the walked root, '/'-separated, UTF-8, joined in <paramref name="buffer"/> (grown when too small).</summary>
    public ReadOnlySpan<byte> PathUtf8(ref byte[] buffer)
    {
        var length = _directoryLength + _nameLength;
        if (buffer.Length < length)
        {
            buffer = new byte[length * 2];
        }

        Directory.CopyTo(buffer);
        Name.CopyTo(buffer.AsSpan(_directoryLength));
        return buffer.AsSpan(0, length);
    }

    /// <summary>Path relative to the walked root, '/'-separated (made on each call).</summary>
    public string RelativePath
    {
        get
        {
            var length = _directoryLength + _nameLength;
            Span<byte> joined = length <= 1024 ? stackalloc byte[length] : new byte[length];
            Directory.CopyTo(joined);
            Name.CopyTo(joined[_directoryLength..]);
            return Encoding.UTF8.GetString(joined);
        }
    }

    /// <summary>File, (empty) directory or symlink.</summary>
    public PackEntryKind Kind => (PackEntryKind)_kind;

    /// <summary>File size in bytes (0 otherwise).</summary>
    public long Length { get; }

    /// <summary>Last write time, UTC ticks.</summary>
    public long LastWriteTicks { get; }

    /// <summary>Permission bits (files and directories; 0777 for symlinks).</summary>
    public int Mode { get; }

    /// <summary>The walked root.</summary>
    public string Root { get; }

    /// <summary>The absolute path (made on each call).</summary>
    public string FullPath => string.Concat(Root, "/", RelativePath);
}

/// <summary>Receives the items one worker of a walk finds (each worker has its own sink; no locking needed).</summary>
internal interface IDiskItemSink
{
    /// <summary>Takes one item; its name bytes stay valid only until the call returns unless the sink keeps the item whole.</summary>
    void Add(in DiskItem item);
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

    /// <summary>
    /// Walks <paramref name="root"/>, several directories at a time (metadata calls dominate; they overlap well), giving each
    /// worker's items to its own sink as they are found (nothing is kept unless a sink keeps it: the cache's metadata key
    /// hashes items this way).
    /// </summary>
    /// <param name="root">An absolute directory.</param>
    /// <param name="skipCondaTopLevel">Whether to skip conda-installation folders at the top level.</param>
    /// <param name="prune">Directories (relative paths) not to descend into; null descends everywhere.</param>
    /// <param name="native">Whether to list with <see cref="LinuxDirectory"/>; null uses it where it is available.</param>
    /// <param name="newSink">Makes one worker's sink.</param>
    /// <returns>The workers' sinks.</returns>
    public static TSink[] Visit<TSink>(string root, bool skipCondaTopLevel, Func<string, bool>? prune, bool? native, Func<TSink> newSink)
        where TSink : IDiskItemSink
    {
        root = root.Length > 1 ? root.TrimEnd('/') : root;
        var useNative = native ?? LinuxDirectory.IsAvailable;
        var rootUtf8 = Encoding.UTF8.GetBytes(root == "/" ? "" : root);

        // Every directory is a unit of work on a shared stack, so the workers stay balanced however lopsided the tree is
        // (one package folder often holds most of an environment's files). A directory is its relative path in UTF-8
        // ("" for the root) and its mode when known.
        var pending = new Stack<(byte[] Relative, int Mode)>();
        pending.Push(([], -1));
        var busy = 0;
        Exception? failure = null;
        var parts = new TSink[Math.Clamp(Environment.ProcessorCount, 1, 8)];
        void Work(int worker)
        {
            var items = parts[worker] = newSink();
            var state = new WalkState(root, rootUtf8, skipCondaTopLevel, prune, useNative, items);
            while (true)
            {
                (byte[] Relative, int Mode) directory;
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

                List<(byte[] Relative, int Mode)>? children = null;
                try
                {
                    children = state.ReadDirectory(directory.Relative, directory.Mode);
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

        return parts;
    }

    /// <summary>One worker's reusable buffers and the chunk its items' names are stored in.</summary>
    private sealed class WalkState(string root, byte[] rootUtf8, bool skipCondaTopLevel, Func<string, bool>? prune, bool native, IDiskItemSink items)
    {
        private const int ChunkSize = 64 * 1024;
        private readonly DirectoryListing _listing = new();
        private Action? _drain;
        private byte[]? _drainRelative;
        private List<(byte[] Relative, int Mode)>? _drainSubdirectories;
        private byte[] _path = new byte[4096];
        private byte[] _chunk = new byte[ChunkSize];
        private int _chunkUsed;

        /// <summary>Lists one directory into the items and returns its subdirectories (symlinked ones are items, never followed).</summary>
        /// <param name="relative">The directory's path relative to the root with a trailing '/', UTF-8; empty for the root.</param>
        /// <param name="directoryMode">Its permission bits, or -1 when not known yet.</param>
        public List<(byte[] Relative, int Mode)> ReadDirectory(byte[] relative, int directoryMode)
        {
            var subdirectories = new List<(byte[], int)>();
            var isTop = relative.Length == 0;

            // The absolute path (the root, or root/relative; "/" for the file system root), NUL-terminated for the native listing.
            if (_path.Length < rootUtf8.Length + relative.Length + 2)
            {
                _path = new byte[(rootUtf8.Length + relative.Length + 2) * 2];
            }

            rootUtf8.CopyTo(_path, 0);
            var pathLength = rootUtf8.Length;
            if (!isTop || pathLength == 0)
            {
                _path[pathLength++] = (byte)'/';
                relative.AsSpan(0, Math.Max(relative.Length - 1, 0)).CopyTo(_path.AsSpan(pathLength));
                pathLength += Math.Max(relative.Length - 1, 0);
            }

            _path[pathLength] = 0;
            var absolute = _path.AsSpan(0, pathLength);
            (_drainRelative, _drainSubdirectories) = (relative, subdirectories);
            _listing.Drain = _drain ??= DrainListing;
            try
            {
                if (native)
                {
                    LinuxDirectory.List(_path.AsSpan(0, pathLength + 1), _listing);
                }
                else
                {
                    ListPortably(isTop ? root : Encoding.UTF8.GetString(absolute), _listing);
                }
            }
            finally
            {
                _listing.Drain = null;
                (_drainRelative, _drainSubdirectories) = (null, null);
            }

            AddListed(relative, subdirectories);
            if (_listing.Total == 0 && !isTop)
            {
                // An empty folder is an item itself: its path without the trailing '/'.
                items.Add(new DiskItem(relative, relative.Length - 1, [], 0, 0, PackEntryKind.Directory, 0, 0,
                    directoryMode >= 0 ? directoryMode : Mode(Encoding.UTF8.GetString(absolute)), root));
            }

            return subdirectories;
        }

        /// <summary>Takes the entries a large folder's listing hands over while it is read.</summary>
        private void DrainListing() => AddListed(_drainRelative!, _drainSubdirectories!);

        /// <summary>Turns the listed entries into items and subdirectories.</summary>
        private void AddListed(byte[] relative, List<(byte[] Relative, int Mode)> subdirectories)
        {
            var isTop = relative.Length == 0;
            foreach (var entry in _listing.Entries)
            {
                var name = _listing.Name(entry);
                if (isTop && skipCondaTopLevel && IsIgnoredTopLevel(name))
                {
                    continue;
                }

                if (entry.IsDirectory)
                {
                    // The child's relative path with its trailing '/': its own items share it as their folder.
                    var child = new byte[relative.Length + name.Length + 1];
                    relative.CopyTo(child, 0);
                    name.CopyTo(child.AsSpan(relative.Length));
                    child[^1] = (byte)'/';
                    if (prune is null || !prune(Encoding.UTF8.GetString(child.AsSpan(0, child.Length - 1))))
                    {
                        subdirectories.Add((child, entry.Mode));
                    }

                    continue;
                }

                var start = Store(name);
                items.Add(entry.IsLink
                    ? new DiskItem(relative, relative.Length, _chunk, start, name.Length, PackEntryKind.Symlink, 0, entry.Ticks, 0b111_111_111, root)
                    : new DiskItem(relative, relative.Length, _chunk, start, name.Length, PackEntryKind.File, entry.Length, entry.Ticks, entry.Mode, root));
            }

        }

        /// <summary>Stores a name in the current chunk and returns where it starts (in <see cref="_chunk"/> as it is after the call).</summary>
        private int Store(ReadOnlySpan<byte> name)
        {
            if (_chunkUsed + name.Length > _chunk.Length)
            {
                _chunk = new byte[Math.Max(ChunkSize, name.Length)];
                _chunkUsed = 0;
            }

            name.CopyTo(_chunk.AsSpan(_chunkUsed));
            var start = _chunkUsed;
            _chunkUsed += name.Length;
            return start;
        }

    }

    /// <summary>Whether a top-level name belongs to a conda installation or an editor rather than to an environment.</summary>
    internal static bool IsIgnoredTopLevel(ReadOnlySpan<byte> name) =>
        name.EndsWith("~"u8) || name.EndsWith(".DS_STORE"u8) || s_ignoredTopLevel.Contains(Encoding.UTF8.GetString(name));

    /// <summary>The portable listing: one stat per entry, the mode from the entry's own status.</summary>
    internal static void ListPortably(string directory, DirectoryListing listing)
    {
        listing.Clear();
        var enumerable = new FileSystemEnumerable<(string Name, bool IsDirectory, bool IsLink, long Length, long Ticks, int Mode)>(
            directory,
            (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0,
                (e.Attributes & FileAttributes.ReparsePoint) != 0, e.IsDirectory ? 0 : e.Length, e.LastWriteTimeUtc.UtcTicks,
                OperatingSystem.IsWindows() ? 0b110_100_100 : (int)e.ToFileSystemInfo().UnixFileMode),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false });
        foreach (var (name, isDirectory, isLink, length, ticks, mode) in enumerable)
        {
            listing.Add(Encoding.UTF8.GetBytes(name), isDirectory, isLink, length, ticks, mode);
        }
    }

    /// <summary>The permission bits of a path (0644 where the platform has none).</summary>
    internal static int Mode(string path) => OperatingSystem.IsWindows() ? 0b110_100_100
        : PathBytes.HasEscapes(path) ? 0b111_101_101 // a folder whose name is not UTF-8: .NET cannot stat it by name; the usual mode
        : (int)File.GetUnixFileMode(path);
}
