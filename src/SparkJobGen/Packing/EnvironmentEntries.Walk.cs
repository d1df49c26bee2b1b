using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace SparkJobGen.Packing;

internal sealed partial class EnvironmentEntries
{
    /// <summary>
    /// The walk: a stack of folders from the top to the current one, each listed once, its children merged from every source
    /// and sorted, joined with the conda rows for its files, and decided (packed, dropped, filtered) before any is given out.
    /// A folder's decisions can look at its parent's children (a <c>__pycache__</c> file's source), which are still on the stack.
    /// </summary>
    private IEnumerable<PackEntry> Walk(ScanReport? report)
    {
        using var claims = _conda?.Claims.Read();
        claims?.MoveNext();

        // The folders' arrays and the listing are kept for the next pass: a folder of a million files then costs its arrays
        // once, instead of once per pass plus every array left behind while they grew (large-object garbage until a full GC).
        var buffers = Interlocked.Exchange(ref _walkBuffers, null) ?? new WalkBuffers();
        try
        {
            foreach (var entry in Walk(report, claims, buffers))
            {
                yield return entry;
            }
        }
        finally
        {
            _walkBuffers = buffers;
        }
    }

    private IEnumerable<PackEntry> Walk(ScanReport? report, ClaimSet.ClaimReader? claims, WalkBuffers buffers)
    {
        var state = new WalkState(this, claims, report, buffers.Listing);
        var frames = buffers.Frames;
        frames[0].SetRoot();
        state.Build(frames, 0);
        var depth = 0;
        while (depth >= 0)
        {
            var frame = frames[depth];
            if (frame.Next == frame.Count)
            {
                depth--;
                continue;
            }

            var index = frame.Next++;
            var child = frame.Children[index];
            if (child.Kind == ChildKind.Folder)
            {
                if (frames.Count == depth + 1)
                {
                    frames.Add(new Frame());
                }

                frames[depth + 1].SetFolder(frame.Path, frame.Name(child));
                frames[depth + 1].Sources = child.Sources;
                if (state.Build(frames, depth + 1) is { } emptyFolder)
                {
                    yield return emptyFolder;
                }

                if (frames[depth + 1].Count > 0)
                {
                    depth++;
                }

                continue;
            }

            if (child.Packed)
            {
                yield return state.Make(frames, depth, index);
            }
        }

        state.Finish();
    }

    /// <summary>What a child of a folder is.</summary>
    private enum ChildKind : byte
    {
        File,
        Symlink,
        Folder,
        Synthetic,
    }

    /// <summary>One child of a folder, as listed and decided.</summary>
    private struct Child
    {
        public int NameStart;
        public int NameLength;
        public long Length;
        public long Ticks;
        public int Mode;
        public int Synthetic;
        public int Owner;
        public int Prefix;

        /// <summary>For a file with several names: its inode and device (see <see cref="DirectoryEntry.Inode"/>); else 0.</summary>
        public ulong Inode;
        public ulong Device;

        /// <summary>For a folder: the sources that have it (bit per source index).</summary>
        public int Sources;
        public sbyte Source;
        public ChildKind Kind;
        public bool Packed;
        public bool Claimed;
        public bool CondaRecord;
        public bool NoPrefixes;

        /// <summary>The child's sort key length: its name, plus the '/' stored after a folder's name.</summary>
        public readonly int KeyLength => NameLength + (Kind == ChildKind.Folder ? 1 : 0);
    }

    /// <summary>A walk's reusable arrays: the folders on the stack (the first is the top) and the listing of one folder.</summary>
    private sealed class WalkBuffers
    {
        public List<Frame> Frames { get; } = [new Frame()];

        public DirectoryListing Listing { get; } = new();
    }

    /// <summary>One folder of the walk: its archive path and its children.</summary>
    private sealed class Frame
    {
        public byte[] Folder = new byte[256];
        public int FolderLength;
        public Child[] Children = new Child[64];
        public int Count;
        public int Next;
        public byte[] Names = new byte[4096];
        public int NamesUsed;

        /// <summary>The sources that have this folder (bit per source index).</summary>
        public int Sources;

        public ReadOnlySpan<byte> Path => Folder.AsSpan(0, FolderLength);

        public ReadOnlySpan<byte> Name(in Child child) => Names.AsSpan(child.NameStart, child.NameLength);

        public ReadOnlySpan<byte> Key(in Child child) => Names.AsSpan(child.NameStart, child.KeyLength);

        public void SetFolder(ReadOnlySpan<byte> parent, ReadOnlySpan<byte> name)
        {
            var length = parent.Length + name.Length + 1;
            if (Folder.Length < length)
            {
                Folder = new byte[length * 2];
            }

            parent.CopyTo(Folder);
            name.CopyTo(Folder.AsSpan(parent.Length));
            Folder[length - 1] = (byte)'/';
            FolderLength = length;
        }

        /// <summary>Makes this the top folder, which every source has.</summary>
        public void SetRoot()
        {
            FolderLength = 0;
            Sources = -1;
        }

        /// <summary>Room for <paramref name="children"/> children with <paramref name="nameBytes"/> bytes of names (at least doubling).</summary>
        public void EnsureCapacity(int children, int nameBytes)
        {
            if (Children.Length < children)
            {
                Array.Resize(ref Children, Math.Max(children, Children.Length * 2));
            }

            if (Names.Length < nameBytes)
            {
                Array.Resize(ref Names, Math.Max(nameBytes, Names.Length * 2));
            }
        }

        public void Reset()
        {
            Count = 0;
            Next = 0;
            NamesUsed = 0;
        }

        public ref Child Add(ReadOnlySpan<byte> name, ChildKind kind, int source)
        {
            if (Count == Children.Length)
            {
                Array.Resize(ref Children, Children.Length * 2);
            }

            var stored = name.Length + (kind == ChildKind.Folder ? 1 : 0);
            if (NamesUsed + stored > Names.Length)
            {
                Array.Resize(ref Names, Math.Max(Names.Length * 2, NamesUsed + stored));
            }

            name.CopyTo(Names.AsSpan(NamesUsed));
            if (kind == ChildKind.Folder)
            {
                Names[NamesUsed + name.Length] = (byte)'/';
            }

            ref var child = ref Children[Count++];
            child = new Child
            {
                NameStart = NamesUsed, NameLength = name.Length, Kind = kind, Source = (sbyte)source, Owner = -1, Prefix = ClaimPrefix.Keep, Synthetic = -1,
                Sources = source >= 0 ? 1 << source : 0,
            };
            NamesUsed += stored;
            return ref child;
        }

        /// <summary>The index of the non-folder child named <paramref name="name"/>, or -1 (children are sorted by key).</summary>
        public int IndexOfFile(ReadOnlySpan<byte> name)
        {
            int low = 0, high = Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                var comparison = Key(Children[middle]).SequenceCompareTo(name);
                if (comparison == 0)
                {
                    return Children[middle].Kind == ChildKind.Folder ? -1 : middle;
                }

                if (comparison < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return -1;
        }
    }

    /// <summary>The reusable buffers and the per-pass state of one walk.</summary>
    private sealed class WalkState(EnvironmentEntries owner, ClaimSet.ClaimReader? claims, ScanReport? report, DirectoryListing listing)
    {
        private readonly DirectoryListing _listing = listing;
        private Action? _drain;
        private Frame? _drainFrame;
        private int _drainSource;
        private readonly List<(ClaimKind Kind, int Value)> _group = [];
        private byte[] _path = new byte[4096];
        private byte[] _scratch = new byte[1024];

        /// <summary>
        /// Lists the folder of <c>frames[depth]</c> from every source and decides its children. Returns the folder's own entry
        /// when a source's folder is empty on disk (an empty folder is an entry; others are implied by their files).
        /// </summary>
        public PackEntry? Build(List<Frame> frames, int depth)
        {
            var frame = frames[depth];
            frame.Reset();
            var folder = frame.Path;
            var emptySource = -1;
            string? emptyPath = null;
            for (var s = 0; s < owner._sources.Length; s++)
            {
                var source = owner._sources[s];
                if ((frame.Sources & (1 << s)) == 0)
                {
                    continue;
                }

                if (folder.StartsWith(source.Head))
                {
                    var relative = folder[source.Head.Length..];
                    (_drainFrame, _drainSource) = (frame, s);
                    _listing.Drain = _drain ??= DrainListing;
                    string absolute;
                    try
                    {
                        absolute = List(source, relative);
                    }
                    finally
                    {
                        _listing.Drain = null;
                        _drainFrame = null;
                    }

                    if (_listing.Total == 0 && relative.Length > 0)
                    {
                        emptySource = s;
                        emptyPath = absolute;
                    }

                    AddListed(frame, s);
                }
                else if (source.Head.AsSpan().StartsWith(folder))
                {
                    // A source mounted further down: the next folder on its way is a child here.
                    var rest = source.Head.AsSpan(folder.Length);
                    frame.Add(rest[..rest.IndexOf((byte)'/')], ChildKind.Folder, s).Mode = -1;
                }
            }

            for (var i = 0; i < owner._synthetic.Count; i++)
            {
                var (syntheticFolder, syntheticName) = owner._syntheticPaths[i];
                if (folder.SequenceEqual(syntheticFolder))
                {
                    frame.Add(syntheticName, ChildKind.Synthetic, -1).Synthetic = i;
                }
            }

            SortAndMerge(frame);
            if (claims is not null)
            {
                Join(frame);
            }

            Decide(frames, depth);
            // A source whose folder is empty gives the folder as an entry, even where another source has files in it (a venv's empty
            // site-packages over the base's): the archive then says the folder exists whoever packed it.
            return emptySource >= 0 ? EmptyFolder(frame, emptySource, emptyPath!) : null;
        }

        /// <summary>Ends the pass: rows for folders the walk never reached are recorded files that are missing.</summary>
        public void Finish()
        {
            while (claims is { HasCurrent: true })
            {
                Group(null, -1);
            }
        }

        /// <summary>Makes the entry of <c>frame.Children[index]</c>.</summary>
        public PackEntry Make(List<Frame> frames, int depth, int index)
        {
            var frame = frames[depth];
            ref readonly var child = ref frame.Children[index];
            if (child.Kind == ChildKind.Synthetic)
            {
                return owner._synthetic[child.Synthetic];
            }

            var source = owner._sources[child.Source];
            var path = ArchivePath(frame, child);
            if (child.Kind == ChildKind.Symlink)
            {
                var full = source.SourceRoot + path;
                var target = PathBytes.ReadLink(full) ?? throw new PackingException($"Cannot read the symlink '{PathBytes.Printable(full)}'.");

                // A link that leaves the environment (and no --exclude removed) is noted in the checking pass, which reports them
                // all at its end; the writing pass never gets that far.
                string stored;
                try
                {
                    stored = SymlinkContainment.RelativeTarget(source.ContainmentPrefix, path, target);
                }
                catch (EscapingSymlinkException) when (report is not null)
                {
                    if (report.EscapingCount++ < 1000)
                    {
                        report.Escaping.Add((path, target));
                    }

                    stored = target;
                }

                return new PackEntry(path, PackEntryKind.Symlink, full, 0b111_111_111, 0, child.Ticks, stored);
            }

            var pyc = depth > 0 ? PycSource(frame, frames[depth - 1], child) : null;
            IReadOnlyList<PrefixOnDisk>? prefixes = child.NoPrefixes ? null
                : child.Prefix >= 0 ? owner._conda!.Placeholders[child.Prefix]
                : source.Text;
            var fixShebang = source.Kind != SourceKind.VenvBase && frame.Path.StartsWith("bin/"u8);
            var isFirst = false;
            var firstName = pyc is null && !child.CondaRecord ? FirstName(child, path, out isFirst) : null;
            return new PackEntry(path, PackEntryKind.File, source.SourceRoot + path, child.Mode, child.Length, child.Ticks,
                Prefixes: prefixes, FixShebang: fixShebang, PycSource: pyc, CondaRecord: child.CondaRecord, HardLinkTarget: firstName, HasOtherNames: isFirst);
        }

        /// <summary>
        /// The files with several names met so far in this pass, by device and inode, with the archive path of their first name.
        /// Bounded: a conda prefix's files are usually hard links into the package cache (their other name is outside), so past
        /// <see cref="MaxHardLinked"/> the remaining names are packed as copies, as every name was before; both passes agree.
        /// </summary>
        private readonly Dictionary<(ulong Device, ulong Inode), string> _firstNames = [];

        /// <summary>How many files with several names are remembered (a few MB of paths at most).</summary>
        private const int MaxHardLinked = 65_536;

        /// <summary>
        /// For a file with several names: the archive path of the first one packed, or null when this is the first (then
        /// <paramref name="isFirst"/> is set, while there is room to remember it). The writer links a later name to its first
        /// only when both are stored exactly as they are on disk.
        /// </summary>
        private string? FirstName(in Child child, string path, out bool isFirst)
        {
            isFirst = false;
            if (child.Inode == 0)
            {
                return null;
            }

            var key = (child.Device, child.Inode);
            if (_firstNames.TryGetValue(key, out var first))
            {
                return first;
            }

            if (_firstNames.Count < MaxHardLinked)
            {
                _firstNames[key] = path;
                isFirst = true;
            }

            return null;
        }

        /// <summary>Lists one source's folder into <see cref="_listing"/>; returns its absolute path.</summary>
        private string List(Source source, ReadOnlySpan<byte> relative)
        {
            var root = source.RootUtf8;
            var length = root.Length + (relative.Length > 0 ? relative.Length : root.Length == 0 ? 1 : 0);
            if (_path.Length < length + 1)
            {
                _path = new byte[(length + 1) * 2];
            }

            root.CopyTo(_path, 0);
            if (relative.Length > 0)
            {
                // root + "/" + relative without its trailing '/'.
                _path[root.Length] = (byte)'/';
                relative[..^1].CopyTo(_path.AsSpan(root.Length + 1));
            }
            else if (root.Length == 0)
            {
                _path[0] = (byte)'/';
            }

            _path[length] = 0;
            var absolute = PathBytes.Decode(_path.AsSpan(0, length));
            if (owner._native)
            {
                LinuxDirectory.List(_path.AsSpan(0, length + 1), _listing);
            }
            else
            {
                EnvironmentWalker.ListPortably(absolute, _listing);
            }

            return absolute;
        }

        /// <summary>Adds the listed entries a large folder's listing hands over while it is read.</summary>
        private void DrainListing() => AddListed(_drainFrame!, _drainSource);

        /// <summary>Adds what a source's listing holds, by its rules.</summary>
        private void AddListed(Frame frame, int s)
        {
            var source = owner._sources[s];
            var relative = frame.Path[source.Head.Length..];
            var isTop = relative.Length == 0;
            frame.EnsureCapacity(frame.Count + _listing.Entries.Count, frame.NamesUsed + _listing.NamesUsed + _listing.Entries.Count);
            foreach (var entry in _listing.Entries)
            {
                var name = _listing.Name(entry);
                if (isTop && source.SkipCondaTopLevel && EnvironmentWalker.IsIgnoredTopLevel(name))
                {
                    continue;
                }

                if (entry.IsDirectory)
                {
                    if (source.Prune is { } prune && prune(Encoding.UTF8.GetString(relative) + Encoding.UTF8.GetString(name)))
                    {
                        continue;
                    }

                    frame.Add(name, ChildKind.Folder, s).Mode = entry.Mode;
                    continue;
                }

                if (!Allowed(source, frame.Path, name))
                {
                    continue;
                }

                ref var child = ref frame.Add(name, entry.IsLink ? ChildKind.Symlink : ChildKind.File, s);
                child.Length = entry.IsLink ? 0 : entry.Length;
                child.Ticks = entry.Ticks;
                child.Mode = entry.IsLink ? 0b111_111_111 : entry.Mode;
                child.Inode = entry.Inode;
                child.Device = entry.Device;
            }
        }

        /// <summary>The venv rules: what of the base installation and of the venv itself the standalone archive takes.</summary>
        private static bool Allowed(Source source, ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name)
        {
            switch (source.Kind)
            {
                case SourceKind.VenvBase:
                    var rules = source.Venv!;
                    var inStdlib = folder.StartsWith(rules.Stdlib);
                    var isLibPython = folder.SequenceEqual("lib/"u8) && name.StartsWith("libpython"u8);
                    if ((!inStdlib && !isLibPython) || (!rules.IncludeSystem && folder.StartsWith(rules.SitePackages)))
                    {
                        return false;
                    }

                    // The static library only serves embedding at build time; a runtime archive does not need its tens of MB.
                    return !(inStdlib && name.EndsWith(".a"u8) && folder.IndexOf("/config-"u8) >= 0);
                case SourceKind.VenvOwn:
                    // lib64 -> lib is a compatibility link venv makes; the standalone layout does not need it.
                    if (folder.Length == 0)
                    {
                        return !name.SequenceEqual("pyvenv.cfg"u8) && !name.SequenceEqual("lib64"u8);
                    }

                    return !folder.SequenceEqual("bin/"u8) || !IsVenvBinShim(name);
                default:
                    return true;
            }
        }

        /// <summary><c>python</c>, <c>pythonX</c>, <c>pythonX.Y</c> and the activate scripts a venv puts in <c>bin/</c>.</summary>
        private static bool IsVenvBinShim(ReadOnlySpan<byte> name)
        {
            if (name.StartsWith("activate"u8) || name.StartsWith("Activate"u8))
            {
                return true;
            }

            if (!name.StartsWith("python"u8) || name.IndexOf((byte)'-') >= 0)
            {
                return false;
            }

            foreach (var b in name[6..])
            {
                if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)'.'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Sorts the children by key and keeps the last source's child of each key (a venv's file wins over the base's).</summary>
        private static void SortAndMerge(Frame frame)
        {
            var names = frame.Names;
            Array.Sort(frame.Children, 0, frame.Count, Comparer<Child>.Create((a, b) =>
                names.AsSpan(a.NameStart, a.KeyLength).SequenceCompareTo(names.AsSpan(b.NameStart, b.KeyLength)) is var c and not 0 ? c : a.Source.CompareTo(b.Source)));
            var kept = 0;
            var sources = 0;
            for (var i = 0; i < frame.Count; i++)
            {
                // A folder several sources have is listed from each of them.
                sources |= frame.Children[i].Sources;
                if (i + 1 < frame.Count && frame.Key(frame.Children[i]).SequenceEqual(frame.Key(frame.Children[i + 1])))
                {
                    continue;
                }

                frame.Children[kept] = frame.Children[i];
                frame.Children[kept++].Sources = sources;
                sources = 0;
            }

            frame.Count = kept;
        }

        /// <summary>Meets the conda rows: those of folders before this one are missing files; this folder's give owners.</summary>
        private void Join(Frame frame)
        {
            var folder = frame.Path;
            while (claims!.HasCurrent && claims.Folder.SequenceCompareTo(folder) < 0)
            {
                Group(null, -1);
            }

            while (claims.HasCurrent && claims.Folder.SequenceEqual(folder))
            {
                Group(frame, frame.IndexOfFile(claims.Name));
            }
        }

        /// <summary>
        /// Folds the rows of one path (all of its claims in record order, a later record winning) into the child they name, if
        /// it is on disk; records the checks' findings in the checking pass.
        /// </summary>
        private void Group(Frame? frame, int index)
        {
            var conda = owner._conda!;
            var folderLength = claims!.Folder.Length;
            var key = GroupPath(claims.Folder, claims.Name);
            var packageOwner = -1;
            var prefix = ClaimPrefix.Keep;
            _group.Clear();
            do
            {
                switch (claims.Kind)
                {
                    case ClaimKind.Owned:
                        packageOwner = claims.Value;
                        if (claims.Placeholder != ClaimPrefix.Keep)
                        {
                            prefix = claims.Placeholder;
                        }

                        if (index < 0)
                        {
                            _group.Add((ClaimKind.Owned, claims.Value));
                        }

                        break;
                    default:
                        _group.Add((claims.Kind, claims.Value));
                        break;
                }
            }
            while (claims.MoveNext() && claims.Folder.Length == folderLength && SamePath(key, claims.Folder, claims.Name));

            if (index >= 0 && packageOwner >= 0)
            {
                ref var child = ref frame!.Children[index];
                child.Owner = packageOwner;
                child.Prefix = prefix;
                child.Claimed = true;
            }

            if (report is null || _group.Count == 0)
            {
                return;
            }

            string? path = null;
            foreach (var (kind, value) in _group)
            {
                path ??= Encoding.UTF8.GetString(key);
                switch (kind)
                {
                    case ClaimKind.Owned:
                        if (!report.Missing.TryGetValue(value, out var absent))
                        {
                            report.Missing[value] = absent = [];
                        }

                        absent.Add(path);
                        break;
                    case ClaimKind.Listed when packageOwner >= 0:
                        if (!report.Hits.TryGetValue(value, out var hits))
                        {
                            report.Hits[value] = hits = [];
                        }

                        hits.Add($"{path} (owned by {conda.Packages[packageOwner].Name})");
                        break;
                    case ClaimKind.DistributionRecord when packageOwner >= 0:
                        report.CondaDistributions.Add(value);
                        break;
                }
            }
        }

        private ReadOnlySpan<byte> GroupPath(ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name)
        {
            var length = folder.Length + name.Length;
            if (_scratch.Length < length)
            {
                _scratch = new byte[length * 2];
            }

            folder.CopyTo(_scratch);
            name.CopyTo(_scratch.AsSpan(folder.Length));
            return _scratch.AsSpan(0, length);
        }

        private static bool SamePath(ReadOnlySpan<byte> path, ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name) =>
            path.Length == folder.Length + name.Length && path.StartsWith(folder) && path[folder.Length..].SequenceEqual(name);

        /// <summary>Decides each child: dropped (conda shims, compiled forms of owned sources), filtered out, or packed.</summary>
        private void Decide(List<Frame> frames, int depth)
        {
            var frame = frames[depth];
            var folder = frame.Path;
            var conda = owner._conda;
            var isMeta = conda is not null && folder.StartsWith("conda-meta/"u8);
            for (var i = 0; i < frame.Count; i++)
            {
                ref var child = ref frame.Children[i];
                if (child.Kind == ChildKind.Folder)
                {
                    continue;
                }

                child.Packed = true;
                if (child.Kind == ChildKind.Synthetic)
                {
                    child.Packed = owner._keep is null || owner._keep(owner._synthetic[child.Synthetic].ArchivePath);
                    continue;
                }

                if (child.Kind == ChildKind.Symlink)
                {
                    child.NoPrefixes = true;
                }

                if (conda is not null)
                {
                    if (isMeta)
                    {
                        // Packed as they are even if a package lists them, the records cleaned.
                        child.NoPrefixes = true;
                        child.CondaRecord = child.Kind == ChildKind.File && folder.Length == "conda-meta/".Length && frame.Name(child).EndsWith(".json"u8);
                    }
                    else if (child.Claimed)
                    {
                        child.NoPrefixes |= child.Prefix == ClaimPrefix.None;
                    }
                    else if (IsCondaShim(folder, frame.Name(child)) || IsCompiledOwnedSource(frames, depth, frame.Name(child)))
                    {
                        child.Packed = false;
                        continue;
                    }
                    else if (report is not null)
                    {
                        report.Unmanaged++;
                        report.UnmanagedTop.Add(conda.TopFolder(ArchivePath(frame, child)));
                    }
                }

                if (owner._keep is { } keep && !keep(ArchivePath(frame, child)))
                {
                    child.Packed = false;
                }
            }
        }

        /// <summary>Scripts older conda versions drop into environments on activation; never packed.</summary>
        private static bool IsCondaShim(ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name) =>
            folder.SequenceEqual("bin/"u8) && (name.SequenceEqual("conda"u8) || name.SequenceEqual("activate"u8) || name.SequenceEqual("deactivate"u8));

        /// <summary>A <c>__pycache__/x.cpython-311.pyc</c> (or legacy <c>x.pyc</c>) whose source is owned by a package is part of it.</summary>
        private bool IsCompiledOwnedSource(List<Frame> frames, int depth, ReadOnlySpan<byte> name)
        {
            if (!name.EndsWith(".pyc"u8))
            {
                return false;
            }

            var frame = frames[depth];
            if (IsPycache(frame.Path))
            {
                if (depth == 0)
                {
                    return false;
                }

                var parent = frames[depth - 1];
                var dot = name.IndexOf((byte)'.');
                var found = parent.IndexOfFile(SourceName(name[..dot]));
                return found >= 0 && parent.Children[found].Owner >= 0;
            }

            var legacy = frame.IndexOfFile(name[..^1]);
            return legacy >= 0 && frame.Children[legacy].Owner >= 0;
        }

        /// <summary>For a packed <c>__pycache__/name.*.pyc</c> whose packed <c>name.py</c> is a file, that source's size and time.</summary>
        private PycSource? PycSource(Frame frame, Frame parent, in Child child)
        {
            var name = frame.Name(child);
            if (child.Kind != ChildKind.File || !name.EndsWith(".pyc"u8) || !IsPycache(frame.Path))
            {
                return null;
            }

            var dot = name.IndexOf((byte)'.');
            if (dot <= 0)
            {
                return null;
            }

            var found = parent.IndexOfFile(SourceName(name[..dot]));
            if (found < 0 || parent.Children[found] is not { Kind: ChildKind.File, Packed: true } source)
            {
                return null;
            }

            return new PycSource((uint)source.Length, (uint)((source.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond));
        }

        private static bool IsPycache(ReadOnlySpan<byte> folder) =>
            folder.EndsWith("__pycache__/"u8) && (folder.Length == "__pycache__/".Length || folder[^("__pycache__/".Length + 1)] == (byte)'/');

        private ReadOnlySpan<byte> SourceName(ReadOnlySpan<byte> module)
        {
            if (_scratch.Length < module.Length + 3)
            {
                _scratch = new byte[(module.Length + 3) * 2];
            }

            module.CopyTo(_scratch);
            ".py"u8.CopyTo(_scratch.AsSpan(module.Length));
            return _scratch.AsSpan(0, module.Length + 3);
        }

        private PackEntry? EmptyFolder(Frame frame, int source, string absolute)
        {
            var path = PathBytes.Decode(frame.Folder.AsSpan(0, frame.FolderLength - 1));
            var slash = path.LastIndexOf('/');
            var parentFolder = slash >= 0 ? PathBytes.Encode(path[..(slash + 1)]) : [];
            var name = PathBytes.Encode(path[(slash + 1)..]);
            var from = owner._sources[source];
            if (!Allowed(from, parentFolder, name) || (owner._keep is { } keep && !keep(path)))
            {
                return null;
            }

            if (owner._conda is { } conda && report is not null && !path.StartsWith("conda-meta/", StringComparison.Ordinal))
            {
                report.Unmanaged++;
                report.UnmanagedTop.Add(conda.TopFolder(path));
            }

            return new PackEntry(path, PackEntryKind.Directory, from.SourceRoot + path, EnvironmentWalker.Mode(absolute), 0, 0);
        }

        private static string ArchivePath(Frame frame, in Child child)
        {
            var folder = frame.Path;
            var name = frame.Name(child);
            var length = folder.Length + name.Length;
            Span<byte> joined = length <= 1024 ? stackalloc byte[length] : new byte[length];
            folder.CopyTo(joined);
            name.CopyTo(joined[folder.Length..]);
            return PathBytes.Decode(joined);
        }
    }
}
