using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// The one byte layout of an entry that every key and digest hashes: the cache's metadata key (an item found on disk),
/// the walk's digest that compares the checking and the writing pass, and the content key (the entry with everything that
/// decides its packed bytes). Strings are UTF-8 followed by a NUL (no path, target or prefix holds one); numbers are
/// little-endian and fixed-width, so no two different entries serialize alike.
/// </summary>
internal sealed class EntrySerializer
{
    /// <summary>The fixed fields after the path: kind (4 bytes), length (8), modification ticks (8), mode (4).</summary>
    private const int FieldsLength = 24;

    private byte[] _buffer = new byte[1024];
    private int _used;

    /// <summary>
    /// An item found on disk: the walked root, the item's folder and name (UTF-8, as the walker has them), then the fixed fields.
    /// The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Disk(ReadOnlySpan<byte> root, ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name, PackEntryKind kind, long length, long ticks, int mode)
    {
        _used = 0;
        var path = Reserve(root.Length + folder.Length + name.Length + 1);
        root.CopyTo(path);
        folder.CopyTo(path[root.Length..]);
        name.CopyTo(path[(root.Length + folder.Length)..]);
        path[^1] = 0;
        Fields(kind, length, ticks, mode);
        return _buffer.AsSpan(0, _used);
    }

    /// <summary>
    /// An entry as the walk gives it: archive path, link target and source path, then the fixed fields; with
    /// <paramref name="packing"/>, also everything that decides its packed bytes (run path, shebang and record rules, the hard-link
    /// target, the prefixes, generated content's SHA-256). The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Entry(PackEntry entry, bool packing)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _used = 0;
        Text(entry.ArchivePath);
        Text(entry.LinkTarget);
        Text(entry.SourcePath);
        Fields(entry.Kind, entry.Length, entry.LastWriteTicks, entry.UnixMode);
        if (packing)
        {
            Text(entry.RunPath);
            Reserve(1)[0] = (byte)((entry.FixShebang ? 1 : 0) | (entry.CondaRecord ? 2 : 0) | (entry.HardLinkTarget is null ? 0 : 4) | (entry.Generated is null ? 0 : 8));
            Text(entry.HardLinkTarget);
            var prefixes = entry.Prefixes ?? [];
            BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), prefixes.Count);
            foreach (var prefix in prefixes)
            {
                Text(prefix.OnDisk);
                Text(prefix.Placeholder);
                BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), (int)prefix.Mode);
            }

            if (entry.Generated is { } generated)
            {
                SHA256.HashData(generated, Reserve(SHA256.HashSizeInBytes));
            }
        }

        return _buffer.AsSpan(0, _used);
    }

    private void Fields(PackEntryKind kind, long length, long ticks, int mode)
    {
        var fields = Reserve(FieldsLength);
        BinaryPrimitives.WriteInt32LittleEndian(fields, (int)kind);
        BinaryPrimitives.WriteInt64LittleEndian(fields[4..], length);
        BinaryPrimitives.WriteInt64LittleEndian(fields[12..], ticks);
        BinaryPrimitives.WriteInt32LittleEndian(fields[20..], mode);
    }

    /// <summary>A string (null as empty) and its terminating NUL.</summary>
    private void Text(string? text)
    {
        text ??= "";
        var room = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length) + 1);
        var written = Encoding.UTF8.GetBytes(text, room);
        room[written] = 0;
        _used -= room.Length - written - 1;
    }

    private Span<byte> Reserve(int length)
    {
        if (_buffer.Length < _used + length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + length));
        }

        var span = _buffer.AsSpan(_used, length);
        _used += length;
        return span;
    }
}
