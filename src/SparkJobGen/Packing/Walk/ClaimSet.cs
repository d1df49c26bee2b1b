using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace SparkJobGen.Packing;

/// <summary>What a <see cref="ClaimSet"/> row says about its path.</summary>
internal enum ClaimKind : byte
{
    /// <summary>A conda package records the file; the value is the package's index, the placeholder how it is relocated.</summary>
    Owned,

    /// <summary>A pip distribution's RECORD lists the file; the value is the distribution's index (the clobber check).</summary>
    Listed,

    /// <summary>The path is a pip distribution's RECORD itself; the value is the distribution's index (owned: not pip's).</summary>
    DistributionRecord,
}

/// <summary>How an owned file's prefixes are set by its claim (see <see cref="ClaimSet"/>).</summary>
internal static class ClaimPrefix
{
    /// <summary>The claim leaves the file's prefixes as they are (a <c>bin/</c> file without a placeholder).</summary>
    public const int Keep = -1;

    /// <summary>The claim says the file is stored as it is (no placeholder, not in <c>bin/</c>).</summary>
    public const int None = -2;
}

/// <summary>
/// The rows of a conda prefix's records, sorted the way <see cref="EnvironmentEntries"/> visits folders: by folder (with
/// its trailing '/', so a folder's rows come before its subfolders'), then by name, then in the order added. An environment
/// records every one of its files, so the rows are kept in memory only up to a budget; beyond it, sorted runs go to a
/// temporary folder and are merged as they are read, so memory does not grow with the number of files.
/// </summary>
/// <remarks>Readable any number of times once <see cref="Complete"/> has run; the temporary runs go with <see cref="Dispose"/>.</remarks>
internal sealed class ClaimSet : IDisposable
{
    /// <summary>Rows held in memory before a run is written: about 16 MB with their paths.</summary>
    internal const int DefaultRunRows = 200_000;

    private const int HeaderBytes = 13;
    private readonly int _runRows;
    private readonly List<string> _runs = [];
    private Row[] _rows = new Row[1024];
    private byte[] _paths = new byte[64 * 1024];
    private int _count;
    private int _pathsUsed;
    private string? _directory;
    private bool _complete;

    /// <summary>Creates an empty set.</summary>
    /// <param name="runRows">Rows held in memory before a sorted run is written to disk.</param>
    public ClaimSet(int runRows = DefaultRunRows) => _runRows = Math.Max(16, runRows);

    /// <summary>The number of rows added.</summary>
    public long Count { get; private set; }

    /// <summary>The number of sorted runs written to disk (0 while everything fits in memory).</summary>
    public int RunsOnDisk => _runs.Count;

    /// <summary>Adds a row for <paramref name="path"/> (prefix-relative, '/'-separated, UTF-8).</summary>
    public void Add(ReadOnlySpan<byte> path, ClaimKind kind, int value, int placeholder)
    {
        if (_complete)
        {
            throw new InvalidOperationException("The set is complete.");
        }

        if (path.Length > ushort.MaxValue)
        {
            throw new PackingException($"A recorded path is longer than {ushort.MaxValue} bytes: '{System.Text.Encoding.UTF8.GetString(path[..200])}...'.");
        }

        if (_count == _runRows)
        {
            WriteRun();
        }

        if (_count == _rows.Length)
        {
            Array.Resize(ref _rows, Math.Min(_rows.Length * 2, _runRows));
        }

        if (_pathsUsed + path.Length > _paths.Length)
        {
            Array.Resize(ref _paths, Math.Max(_paths.Length * 2, _pathsUsed + path.Length));
        }

        path.CopyTo(_paths.AsSpan(_pathsUsed));
        _rows[_count] = new Row(_pathsUsed, (ushort)path.Length, (ushort)(path.LastIndexOf((byte)'/') + 1), kind, value, placeholder, _count);
        _pathsUsed += path.Length;
        _count++;
        Count++;
    }

    /// <summary>Ends adding: the rows in memory are sorted (and written as the last run when others are on disk).</summary>
    public void Complete()
    {
        if (_complete)
        {
            return;
        }

        _complete = true;
        if (_runs.Count > 0)
        {
            if (_count > 0)
            {
                WriteRun();
            }

            _rows = [];
            _paths = [];
        }
        else
        {
            Sort();
        }
    }

    /// <summary>Reads the rows in order, from the start.</summary>
    public ClaimReader Read()
    {
        if (!_complete)
        {
            throw new InvalidOperationException("Complete the set first.");
        }

        return _runs.Count == 0 ? new ClaimReader(this) : new ClaimReader(_runs);
    }

    /// <summary>Deletes the runs written to disk.</summary>
    public void Dispose()
    {
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder that cannot be removed now is the system's to clean.
            }

            _directory = null;
        }
    }

    /// <summary>Orders two rows' paths: folder (with its '/'), then name.</summary>
    internal static int Compare(ReadOnlySpan<byte> leftFolder, ReadOnlySpan<byte> leftName, ReadOnlySpan<byte> rightFolder, ReadOnlySpan<byte> rightName)
    {
        var folders = leftFolder.SequenceCompareTo(rightFolder);
        return folders != 0 ? folders : leftName.SequenceCompareTo(rightName);
    }

    private void Sort()
    {
        var paths = _paths;
        Array.Sort(_rows, 0, _count, Comparer<Row>.Create((a, b) =>
        {
            var order = Compare(paths.AsSpan(a.Start, a.FolderLength), paths.AsSpan(a.Start + a.FolderLength, a.Length - a.FolderLength),
                paths.AsSpan(b.Start, b.FolderLength), paths.AsSpan(b.Start + b.FolderLength, b.Length - b.FolderLength));
            return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
        }));
    }

    private void WriteRun()
    {
        Sort();
        _directory ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sparkjobgen-claims-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        var file = Path.Combine(_directory, $"run-{_runs.Count:D4}");
        using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            for (var i = 0; i < _count; i++)
            {
                var row = _rows[i];
                BinaryPrimitives.WriteUInt16LittleEndian(header, row.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(header[2..], row.FolderLength);
                header[4] = (byte)row.Kind;
                BinaryPrimitives.WriteInt32LittleEndian(header[5..], row.Value);
                BinaryPrimitives.WriteInt32LittleEndian(header[9..], row.Placeholder);
                stream.Write(header);
                stream.Write(_paths, row.Start, row.Length);
            }
        }

        _runs.Add(file);
        _count = 0;
        _pathsUsed = 0;
    }

    private readonly record struct Row(int Start, ushort Length, ushort FolderLength, ClaimKind Kind, int Value, int Placeholder, int Sequence);

    /// <summary>A forward reader of a <see cref="ClaimSet"/>: the rows in memory, or a merge of the runs on disk.</summary>
    internal sealed class ClaimReader : IDisposable
    {
        private readonly ClaimSet? _memory;
        private readonly RunReader[] _runs = [];
        private int _index = -1;
        private RunReader? _current;

        internal ClaimReader(ClaimSet memory) => _memory = memory;

        internal ClaimReader(List<string> runs)
        {
            _runs = new RunReader[runs.Count];
            for (var i = 0; i < runs.Count; i++)
            {
                _runs[i] = new RunReader(runs[i]);
                _runs[i].MoveNext();
            }
        }

        /// <summary>Whether there is a current row (after <see cref="MoveNext"/> returned true).</summary>
        public bool HasCurrent { get; private set; }

        /// <summary>The current row's folder, with its trailing '/' (empty at the top).</summary>
        public ReadOnlySpan<byte> Folder => _memory is { } m
            ? m._paths.AsSpan(m._rows[_index].Start, m._rows[_index].FolderLength)
            : _current!.Path[.._current.FolderLength];

        /// <summary>The current row's name.</summary>
        public ReadOnlySpan<byte> Name => _memory is { } m
            ? m._paths.AsSpan(m._rows[_index].Start + m._rows[_index].FolderLength, m._rows[_index].Length - m._rows[_index].FolderLength)
            : _current!.Path[_current.FolderLength..];

        /// <summary>The current row's kind.</summary>
        public ClaimKind Kind => _memory is { } m ? m._rows[_index].Kind : _current!.Kind;

        /// <summary>The current row's package or distribution index.</summary>
        public int Value => _memory is { } m ? m._rows[_index].Value : _current!.Value;

        /// <summary>The current row's placeholder index, <see cref="ClaimPrefix.Keep"/> or <see cref="ClaimPrefix.None"/>.</summary>
        public int Placeholder => _memory is { } m ? m._rows[_index].Placeholder : _current!.Placeholder;

        /// <summary>Moves to the next row in order.</summary>
        public bool MoveNext()
        {
            if (_memory is { } memory)
            {
                HasCurrent = ++_index < memory._count;
                return HasCurrent;
            }

            if (_current is not null && !_current.MoveNext())
            {
                _current.Dispose();
            }

            // The smallest head of the runs; ties go to the earlier run, which holds the earlier rows.
            _current = null;
            foreach (var run in _runs)
            {
                if (run.HasCurrent && (_current is null || Compare(run.Path[..run.FolderLength], run.Path[run.FolderLength..],
                    _current.Path[.._current.FolderLength], _current.Path[_current.FolderLength..]) < 0))
                {
                    _current = run;
                }
            }

            HasCurrent = _current is not null;
            return HasCurrent;
        }

        /// <summary>Closes the runs.</summary>
        public void Dispose()
        {
            foreach (var run in _runs)
            {
                run.Dispose();
            }
        }
    }

    /// <summary>One sorted run read back from disk.</summary>
    private sealed class RunReader(string file) : IDisposable
    {
        private readonly FileStream _stream = new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        private byte[] _path = new byte[256];
        private int _length;

        public bool HasCurrent { get; private set; }

        public ReadOnlySpan<byte> Path => _path.AsSpan(0, _length);

        public int FolderLength { get; private set; }

        public ClaimKind Kind { get; private set; }

        public int Value { get; private set; }

        public int Placeholder { get; private set; }

        public bool MoveNext()
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            var read = _stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
            if (read < HeaderBytes)
            {
                HasCurrent = false;
                return false;
            }

            _length = BinaryPrimitives.ReadUInt16LittleEndian(header);
            FolderLength = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            Kind = (ClaimKind)header[4];
            Value = BinaryPrimitives.ReadInt32LittleEndian(header[5..]);
            Placeholder = BinaryPrimitives.ReadInt32LittleEndian(header[9..]);
            if (_path.Length < _length)
            {
                _path = new byte[_length * 2];
            }

            _stream.ReadExactly(_path, 0, _length);
            HasCurrent = true;
            return true;
        }

        public void Dispose() => _stream.Dispose();
    }
}
