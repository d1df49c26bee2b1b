using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// The entries of an inventory, stored compactly: an environment has tens or hundreds of thousands of files, and one
/// <see cref="PackEntry"/> object plus its path strings per file cost about 300 bytes each, which made memory grow past
/// 200 MB for large environments. Here an entry is a 48-byte row in fixed-size chunks; its archive path is split after
/// the last '/' into a folder, stored once in a chunked UTF-8 arena for the run of entries that share it, and a name,
/// stored per entry (names average a quarter of a path); its source path is a shared root plus the archive path; and what
/// few entries carry (link targets, generated content, explicit source paths) is a side object. <see cref="PackEntry"/> values are made on demand when the list is read.
/// </summary>
/// <remarks>
/// Appends happen on one thread; once built, any number of threads may read. Paths sort by their UTF-8 bytes, which is
/// Unicode code point order.
/// </remarks>
internal sealed class EntryTable : IReadOnlyList<PackEntry>
{
    private const int RowChunkBits = 10;
    private const int RowChunkSize = 1 << RowChunkBits;
    private const int ArenaChunkBits = 16;
    private const int ArenaChunkSize = 1 << ArenaChunkBits;

    private const byte FixShebangFlag = 1;
    private const byte PycFlag = 2;
    private const byte CondaRecordFlag = 4;
    private const byte DroppedFlag = 8;

    private readonly List<Row[]> _rows = [];
    private readonly List<byte[]> _arena = [];
    private readonly List<(int Start, int Length)> _directories = [];
    private int _lastDirectory = -1;
    private readonly List<string> _roots = [];
    private readonly Dictionary<string, short> _rootIndex = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyList<PrefixOnDisk>> _prefixes = [];
    private readonly Dictionary<IReadOnlyList<PrefixOnDisk>, short> _prefixIndex = new(PrefixListComparer.Instance);
    private readonly List<Extra> _extras = [];
    private int _arenaUsed = ArenaChunkSize;
    private byte[] _scratch = new byte[1024];
    private bool _sorted;

    /// <summary>The number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>The total size of the files on disk (<see cref="PackEntry.Length"/> summed).</summary>
    public long ContentBytes { get; private set; }

    /// <summary>Makes the entry at <paramref name="index"/> (a new object on each call).</summary>
    public PackEntry this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            ref readonly var row = ref RowAt(index);
            var path = Decode(Parts(row));
            var extra = row.Extra >= 0 ? _extras[row.Extra] : null;
            var source = row.Root >= 0 ? string.Concat(_roots[row.Root], path) : extra?.SourcePath;
            return new PackEntry(path, (PackEntryKind)row.Kind, source, row.Mode, row.Length, row.LastWriteTicks,
                extra?.LinkTarget, row.Prefixes >= 0 ? _prefixes[row.Prefixes] : null, (row.Flags & FixShebangFlag) != 0,
                extra?.Generated, extra?.RunPath, extra?.EscapingTarget,
                (row.Flags & PycFlag) != 0 ? new PycSource(row.PycLength, row.PycSeconds) : null, (row.Flags & CondaRecordFlag) != 0);
        }
    }

    /// <summary>Appends an entry given as an object (generated content, the interpreter, links made up by the packer).</summary>
    /// <param name="entry">The entry.</param>
    public void Add(PackEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = entry.ArchivePath;
        var source = entry.SourcePath;
        string? root = null;
        if (source is not null && source.Length > path.Length && source.EndsWith(path, StringComparison.Ordinal) && source[^(path.Length + 1)] == '/')
        {
            root = source[..^path.Length];
            source = null;
        }

        var index = Append(path, [], entry.Kind, root, entry.UnixMode, entry.Length, entry.LastWriteTicks, entry.Prefixes, entry.FixShebang);
        if (entry.CondaRecord)
        {
            RowAt(index).Flags |= CondaRecordFlag;
        }

        if (entry.PycSource is { } pyc)
        {
            ref var row = ref RowAt(index);
            row.Flags |= PycFlag;
            row.PycLength = (uint)pyc.Length;
            row.PycSeconds = (uint)pyc.ModifiedSeconds;
        }

        if (source is not null || entry.LinkTarget is not null || entry.Generated is not null || entry.RunPath is not null || entry.EscapingTarget is not null)
        {
            SetExtra(index, new Extra(source, entry.LinkTarget, entry.Generated, entry.RunPath, entry.EscapingTarget));
        }
    }

    /// <summary>
    /// Appends an entry whose archive path is <paramref name="head"/> followed by <paramref name="tail"/> and whose source
    /// (when <paramref name="sourceRoot"/> is not null) is <paramref name="sourceRoot"/> followed by the archive path.
    /// </summary>
    /// <returns>The entry's index, for <see cref="SetLink"/>.</returns>
    public int Append(
        ReadOnlySpan<char> head, ReadOnlySpan<char> tail, PackEntryKind kind, string? sourceRoot, int mode, long length, long lastWriteTicks,
        IReadOnlyList<PrefixOnDisk>? prefixes, bool fixShebang)
    {
        var byteCount = Encoding.UTF8.GetByteCount(head) + Encoding.UTF8.GetByteCount(tail);
        if (byteCount > ushort.MaxValue)
        {
            throw TooLong(string.Concat(head, tail));
        }

        if (_scratch.Length < byteCount)
        {
            _scratch = new byte[byteCount];
        }

        var written = Encoding.UTF8.GetBytes(head, _scratch);
        written += Encoding.UTF8.GetBytes(tail, _scratch.AsSpan(written));
        return AppendJoined(written, kind, sourceRoot, mode, length, lastWriteTicks, prefixes, fixShebang);
    }

    /// <summary>
    /// <see cref="Append(ReadOnlySpan{char}, ReadOnlySpan{char}, PackEntryKind, string?, int, long, long, IReadOnlyList{PrefixOnDisk}?, bool)"/>
    /// with the path in three UTF-8 parts, as a walk finds them: a head, the item's folder and its name.
    /// </summary>
    public int Append(
        ReadOnlySpan<byte> head, ReadOnlySpan<byte> directory, ReadOnlySpan<byte> name, PackEntryKind kind, string? sourceRoot, int mode, long length,
        long lastWriteTicks, IReadOnlyList<PrefixOnDisk>? prefixes, bool fixShebang)
    {
        var byteCount = head.Length + directory.Length + name.Length;
        if (byteCount > ushort.MaxValue)
        {
            throw TooLong(Encoding.UTF8.GetString(head) + Encoding.UTF8.GetString(directory) + Encoding.UTF8.GetString(name));
        }

        if (_scratch.Length < byteCount)
        {
            _scratch = new byte[byteCount];
        }

        head.CopyTo(_scratch);
        directory.CopyTo(_scratch.AsSpan(head.Length));
        name.CopyTo(_scratch.AsSpan(head.Length + directory.Length));
        return AppendJoined(byteCount, kind, sourceRoot, mode, length, lastWriteTicks, prefixes, fixShebang);
    }

    /// <summary>Appends the entry whose path is the first <paramref name="byteCount"/> bytes of the scratch buffer.</summary>
    private int AppendJoined(
        int byteCount, PackEntryKind kind, string? sourceRoot, int mode, long length, long lastWriteTicks, IReadOnlyList<PrefixOnDisk>? prefixes, bool fixShebang)
    {
        // Split after the last '/': the folder is stored once for all its entries (they arrive folder by folder), the name per entry.
        var path = _scratch.AsSpan(0, byteCount);
        var slash = path.LastIndexOf((byte)'/');
        var folder = path[..(slash + 1)];
        var name = path[(slash + 1)..];
        if (_lastDirectory < 0 || !Stored(_directories[_lastDirectory]).SequenceEqual(folder))
        {
            _directories.Add((Store(folder), folder.Length));
            _lastDirectory = _directories.Count - 1;
        }

        if ((Count & (RowChunkSize - 1)) == 0 && Count >> RowChunkBits == _rows.Count)
        {
            _rows.Add(new Row[RowChunkSize]);
        }

        var index = Count++;
        _sorted = false;
        RowAt(index) = new Row
        {
            Directory = _lastDirectory,
            NameStart = Store(name),
            NameLength = (ushort)name.Length,
            Kind = (byte)kind,
            Flags = fixShebang ? FixShebangFlag : (byte)0,
            Mode = mode,
            Root = sourceRoot is null ? (short)-1 : Intern(_roots, _rootIndex, sourceRoot),
            Prefixes = prefixes is null ? (short)-1 : Intern(_prefixes, _prefixIndex, prefixes),
            Extra = -1,
            Length = length,
            LastWriteTicks = lastWriteTicks,
        };
        ContentBytes += length;
        return index;
    }

    /// <summary>Copies <paramref name="bytes"/> (at most 64 KiB) into the arena and returns where they start.</summary>
    private int Store(ReadOnlySpan<byte> bytes)
    {
        if (_arenaUsed + bytes.Length > ArenaChunkSize)
        {
            _arena.Add(new byte[ArenaChunkSize]);
            _arenaUsed = 0;
        }

        bytes.CopyTo(_arena[^1].AsSpan(_arenaUsed));
        var start = ((_arena.Count - 1) << ArenaChunkBits) | _arenaUsed;
        _arenaUsed += bytes.Length;
        return start;
    }

    private ReadOnlySpan<byte> Stored((int Start, int Length) at) =>
        _arena[at.Start >> ArenaChunkBits].AsSpan(at.Start & (ArenaChunkSize - 1), at.Length);

    private static PackingException TooLong(string path) =>
        new($"The path '{path}' is longer than {ushort.MaxValue} bytes; no file system or archive reader supports it. Exclude it (--exclude).");

    /// <summary>Gives a symlink entry its relative target, or marks it as escaping the environment.</summary>
    public void SetLink(int index, string? relativeTarget, string? escapingTarget) =>
        SetExtra(index, new Extra(null, relativeTarget, null, null, escapingTarget));

    /// <summary>Replaces the prefixes a file entry may contain (other kinds have none).</summary>
    public void SetPrefixes(int index, IReadOnlyList<PrefixOnDisk>? prefixes)
    {
        ref var row = ref RowAt(index);
        if (row.Kind == (byte)PackEntryKind.File)
        {
            row.Prefixes = prefixes is null ? (short)-1 : Intern(_prefixes, _prefixIndex, prefixes);
        }
    }

    /// <summary>Marks a file entry as a conda-meta record (see <see cref="PackEntry.CondaRecord"/>).</summary>
    public void MarkCondaRecord(int index)
    {
        ref var row = ref RowAt(index);
        if (row.Kind == (byte)PackEntryKind.File)
        {
            row.Flags |= CondaRecordFlag;
        }
    }

    /// <summary>Leaves an entry out: the next <see cref="SortAndDeduplicate"/> removes it.</summary>
    public void Drop(int index) => RowAt(index).Flags |= DroppedFlag;

    /// <summary>The kind of the entry at <paramref name="index"/>.</summary>
    public PackEntryKind KindAt(int index) => (PackEntryKind)RowAt(index).Kind;

    /// <summary>The archive path of the entry at <paramref name="index"/>, UTF-8, joined in <paramref name="buffer"/> (grown when too small).</summary>
    public ReadOnlySpan<byte> PathUtf8(int index, ref byte[] buffer)
    {
        var (directory, name) = Parts(RowAt(index));
        if (buffer.Length < directory.Length + name.Length)
        {
            buffer = new byte[(directory.Length + name.Length) * 2];
        }

        directory.CopyTo(buffer);
        name.CopyTo(buffer.AsSpan(directory.Length));
        return buffer.AsSpan(0, directory.Length + name.Length);
    }

    /// <summary>The path of the first entry (in the current order) whose symlink leaves the environment, and its target; or null.</summary>
    public (string Path, string Target)? FindEscapingLink()
    {
        for (var i = 0; i < Count; i++)
        {
            ref readonly var row = ref RowAt(i);
            if (row.Extra >= 0 && _extras[row.Extra].EscapingTarget is { } target)
            {
                return (Decode(Parts(row)), target);
            }
        }

        return null;
    }

    /// <summary>
    /// Sorts by archive path and keeps only the last appended of entries with the same path (a venv's own file wins over
    /// the base installation's), then removes the dropped entries and those <paramref name="keep"/> rejects.
    /// </summary>
    /// <param name="keep">Decides by archive path; null keeps all.</param>
    public void SortAndDeduplicate(Func<string, bool>? keep = null)
    {
        if (!_sorted)
        {
            Sort();
        }

        // Then the last of each run of equal paths, and what is neither dropped nor filtered out, are moved down over the rest.
        var count = 0;
        long contentBytes = 0;
        for (var i = 0; i < Count; i++)
        {
            ref readonly var row = ref RowAt(i);
            if ((row.Flags & DroppedFlag) != 0 || (i + 1 < Count && ComparePaths(RowAt(i + 1), row) == 0) || (keep is not null && !keep(Decode(Parts(row)))))
            {
                continue;
            }

            RowAt(count++) = row;
            contentBytes += row.Length;
        }

        _rows.RemoveRange((count + RowChunkSize - 1) >> RowChunkBits, _rows.Count - ((count + RowChunkSize - 1) >> RowChunkBits));
        Count = count;
        ContentBytes = contentBytes;
        _sorted = true;
    }

    private void Sort()
    {
        var order = new int[Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Ties (the same path) by append order, so "last appended" is well defined.
        Array.Sort(order, (a, b) => ComparePaths(RowAt(a), RowAt(b)) is var c and not 0 ? c : a.CompareTo(b));

        // Rows move into that order in place, cycle by cycle (a visited position's order entry is complemented): a sorted
        // copy would hold every row twice at the inventory's peak.
        for (var start = 0; start < order.Length; start++)
        {
            if (order[start] < 0)
            {
                continue;
            }

            var saved = RowAt(start);
            var position = start;
            while (true)
            {
                var from = order[position];
                order[position] = ~from;
                if (from == start)
                {
                    RowAt(position) = saved;
                    break;
                }

                RowAt(position) = RowAt(from);
                position = from;
            }
        }
    }

    /// <summary>
    /// Marks each <c>__pycache__/*.pyc</c> whose <c>.py</c> source is packed too (see <see cref="PackedFileContent.RestampPyc"/>).
    /// The table must be sorted: sources are found by binary search.
    /// </summary>
    public void LinkPycsToSources()
    {
        var candidate = new byte[1024];
        for (var i = 0; i < Count; i++)
        {
            ref var row = ref RowAt(i);
            var (directory, name) = Parts(row);
            if (row.Kind != (byte)PackEntryKind.File || (row.Extra >= 0 && _extras[row.Extra].Generated is not null) || !name.EndsWith(".pyc"u8))
            {
                continue;
            }

            // dir/__pycache__/name.cpython-311[.opt-1].pyc -> dir/name.py
            if (!directory.EndsWith("__pycache__/"u8) || (directory.Length > "__pycache__/".Length && directory[^("__pycache__/".Length + 1)] != (byte)'/'))
            {
                continue;
            }

            var parent = directory[..^"__pycache__/".Length];
            var module = name;
            var dot = module.IndexOf((byte)'.');
            if (dot <= 0)
            {
                continue;
            }

            if (parent.Length + dot + 3 > candidate.Length)
            {
                candidate = new byte[parent.Length + dot + 3];
            }

            parent.CopyTo(candidate);
            module[..dot].CopyTo(candidate.AsSpan(parent.Length));
            ".py"u8.CopyTo(candidate.AsSpan(parent.Length + dot));
            var found = IndexOf(candidate.AsSpan(0, parent.Length + dot + 3));
            if (found >= 0 && RowAt(found) is { Kind: (byte)PackEntryKind.File } source)
            {
                row.Flags |= PycFlag;
                row.PycLength = (uint)source.Length;
                row.PycSeconds = (uint)((source.LastWriteTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond);
            }
        }
    }

    /// <inheritdoc/>
    public IEnumerator<PackEntry> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The index of <paramref name="path"/> (UTF-8) in the sorted table, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> path)
    {
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var (directory, name) = Parts(RowAt(middle));
            var comparison = Compare(directory, name, path, []);
            if (comparison == 0)
            {
                return middle;
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

    private void SetExtra(int index, Extra extra)
    {
        ref var row = ref RowAt(index);
        if (row.Extra >= 0)
        {
            var old = _extras[row.Extra];
            _extras[row.Extra] = new Extra(extra.SourcePath ?? old.SourcePath, extra.LinkTarget ?? old.LinkTarget, extra.Generated ?? old.Generated,
                extra.RunPath ?? old.RunPath, extra.EscapingTarget ?? old.EscapingTarget);
            return;
        }

        row.Extra = _extras.Count;
        _extras.Add(extra);
    }

    private ref Row RowAt(int index) => ref _rows[index >> RowChunkBits][index & (RowChunkSize - 1)];

    private PathParts Parts(in Row row) => new(Stored(_directories[row.Directory]), Stored((row.NameStart, row.NameLength)));

    private int ComparePaths(in Row a, in Row b)
    {
        var (aDirectory, aName) = Parts(a);
        if (a.Directory == b.Directory)
        {
            return aName.SequenceCompareTo(Parts(b).Name);
        }

        var (bDirectory, bName) = Parts(b);
        return Compare(aDirectory, aName, bDirectory, bName);
    }

    /// <summary>Compares the byte sequences <paramref name="a1"/><paramref name="a2"/> and <paramref name="b1"/><paramref name="b2"/> without joining them.</summary>
    private static int Compare(ReadOnlySpan<byte> a1, ReadOnlySpan<byte> a2, ReadOnlySpan<byte> b1, ReadOnlySpan<byte> b2)
    {
        while (true)
        {
            if (a1.IsEmpty)
            {
                if (a2.IsEmpty)
                {
                    return b1.IsEmpty && b2.IsEmpty ? 0 : -1;
                }

                a1 = a2;
                a2 = [];
                continue;
            }

            if (b1.IsEmpty)
            {
                if (b2.IsEmpty)
                {
                    return 1;
                }

                b1 = b2;
                b2 = [];
                continue;
            }

            var length = Math.Min(a1.Length, b1.Length);
            var comparison = a1[..length].SequenceCompareTo(b1[..length]);
            if (comparison != 0)
            {
                return comparison;
            }

            a1 = a1[length..];
            b1 = b1[length..];
        }
    }

    private static string Decode(PathParts path)
    {
        if (path.Directory.IsEmpty)
        {
            return Encoding.UTF8.GetString(path.Name);
        }

        var length = path.Directory.Length + path.Name.Length;
        Span<byte> joined = length <= 1024 ? stackalloc byte[length] : new byte[length];
        path.Directory.CopyTo(joined);
        path.Name.CopyTo(joined[path.Directory.Length..]);
        return Encoding.UTF8.GetString(joined);
    }

    /// <summary>The index of a value in a table of distinct values (roots, prefix lists: a handful to a few hundred per pack).</summary>
    private static short Intern<T>(List<T> values, Dictionary<T, short> index, T value)
        where T : class
    {
        if (values.Count > 0 && ReferenceEquals(values[^1], value))
        {
            return (short)(values.Count - 1);
        }

        if (!index.TryGetValue(value, out var found))
        {
            if (values.Count == short.MaxValue)
            {
                throw new InvalidOperationException($"More than {short.MaxValue} distinct {typeof(T).Name} values in one inventory.");
            }

            found = (short)values.Count;
            values.Add(value);
            index.Add(value, found);
        }

        return found;
    }

    /// <summary>Prefix lists are equal when they hold equal prefixes in the same order.</summary>
    private sealed class PrefixListComparer : IEqualityComparer<IReadOnlyList<PrefixOnDisk>>
    {
        public static readonly PrefixListComparer Instance = new();

        public bool Equals(IReadOnlyList<PrefixOnDisk>? x, IReadOnlyList<PrefixOnDisk>? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            if (x is null || y is null || x.Count != y.Count)
            {
                return false;
            }

            for (var i = 0; i < x.Count; i++)
            {
                if (!x[i].Equals(y[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(IReadOnlyList<PrefixOnDisk> obj)
        {
            var hash = new HashCode();
            foreach (var prefix in obj)
            {
                hash.Add(prefix);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>An entry's path: its folder (with the trailing '/', or empty) and its name.</summary>
    private readonly ref struct PathParts(ReadOnlySpan<byte> directory, ReadOnlySpan<byte> name)
    {
        public ReadOnlySpan<byte> Directory { get; } = directory;

        public ReadOnlySpan<byte> Name { get; } = name;

        public void Deconstruct(out ReadOnlySpan<byte> directory, out ReadOnlySpan<byte> name)
        {
            directory = Directory;
            name = Name;
        }
    }

    /// <summary>One entry, 48 bytes.</summary>
    private struct Row
    {
        public long Length;
        public long LastWriteTicks;
        public int Directory;
        public int NameStart;
        public int Mode;
        public int Extra;
        public uint PycLength;
        public uint PycSeconds;
        public ushort NameLength;
        public short Root;
        public short Prefixes;
        public byte Kind;
        public byte Flags;
    }

    /// <summary>What few entries carry.</summary>
    private sealed record Extra(string? SourcePath, string? LinkTarget, byte[]? Generated, string? RunPath, string? EscapingTarget);
}
