using System;
using System.Buffers;
using System.IO;
using System.Text.Json;

namespace SparkJobGen.Packing;

/// <summary>
/// The prefixes <c>conda-unpack</c> rewrites, gathered while the archive is written: each record is written at once as a
/// compact JSON row (<c>["path","placeholder","text"]</c>) into a <see cref="SpillingBuffer"/>, so an environment with
/// hundreds of thousands of files to relocate costs a temporary file, not memory. Rows stay in archive order.
/// </summary>
internal sealed class UnpackRecordLog : IDisposable
{
    private static readonly SearchValues<char> VersionCharacters = SearchValues.Create("0123456789.");
    private readonly SpillingBuffer _rows = new("conda-unpack");
    private readonly ArrayBufferWriter<byte> _row = new(256);
    private readonly Utf8JsonWriter _writer;
    private int _embedded;

    /// <summary>Creates an empty log.</summary>
    public UnpackRecordLog() => _writer = new Utf8JsonWriter(_row);

    /// <summary>The number of records added, the interpreter's own included.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a record. The interpreter's own (<c>bin/pythonX.Y</c>) are counted but not written: it must not rewrite itself while running.</summary>
    /// <param name="record">The record.</param>
    public void Add(UnpackRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Count++;
        if (IsInterpreter(record.ArchivePath))
        {
            return;
        }

        _row.ResetWrittenCount();
        _writer.Reset(_row);
        _writer.WriteStartArray();
        _writer.WriteStringValue(record.ArchivePath);
        _writer.WriteStringValue(record.Placeholder);
        _writer.WriteStringValue(record.Mode == PrefixMode.Binary ? "binary" : "text");
        _writer.WriteEndArray();
        _writer.Flush();
        _rows.Write(_embedded == 0 ? "["u8 : ","u8);
        _rows.Write(_row.WrittenSpan);
        _embedded++;
    }

    /// <summary>The rows as one JSON array between <paramref name="head"/> and <paramref name="tail"/>, read from the log.</summary>
    /// <param name="head">Bytes before the array.</param>
    /// <param name="tail">Bytes after it.</param>
    /// <returns>A stream of known length, valid until the log is disposed or written to again.</returns>
    public Stream Embed(byte[] head, byte[] tail)
    {
        var close = _embedded == 0 ? "[]"u8.ToArray() : "]"u8.ToArray();
        var length = head.Length + _rows.Length + close.Length + tail.Length;
        return new ConcatenatedStream([new MemoryStream(head, writable: false), .. _rows.Parts(), new MemoryStream(close, writable: false), new MemoryStream(tail, writable: false)], length);
    }

    /// <summary>Deletes the temporary file, if any.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _rows.Dispose();
    }

    /// <summary>The interpreter that runs conda-unpack is never rewritten while it runs (conda-pack's rule).</summary>
    private static bool IsInterpreter(string path) =>
        path.StartsWith("bin/python", StringComparison.Ordinal) && path.AsSpan(10).IndexOfAnyExcept(VersionCharacters) < 0;
}
