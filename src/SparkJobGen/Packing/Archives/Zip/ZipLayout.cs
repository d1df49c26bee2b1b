using System;
using System.Buffers.Binary;
using System.Text;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// The zip records the writer emits (PKWARE APPNOTE 6.3.x, sections 4.3.7 to 4.3.16 and 4.5.3), each as named field
/// offsets and one method that fills it: the local file header, the data descriptor, the central directory header, the
/// Zip64 extra field, and the end records. All little-endian.
/// </summary>
internal static class ZipLayout
{
    /// <summary>Version made by: Unix (3) in the high byte, spec 4.5 in the low byte.</summary>
    public const ushort MadeByUnix = (3 << 8) | 45;

    /// <summary>Version needed to extract: 2.0 (deflate, folders), 4.5 (Zip64).</summary>
    public const ushort Version20 = 20, Version45 = 45;

    /// <summary>General purpose flags: sizes in a data descriptor after the data (bit 3), UTF-8 name (bit 11).</summary>
    public const ushort FlagDescriptor = 1 << 3, FlagUtf8 = 1 << 11;

    /// <summary>Compression methods.</summary>
    public const ushort Stored = 0, Deflated = 8;

    /// <summary>The header id of the Zip64 extended information extra field.</summary>
    private const ushort Zip64ExtraId = 0x0001;

    /// <summary>The local file header (4.3.7).</summary>
    public static class LocalHeader
    {
        public const uint SignatureValue = 0x04034b50;
        public const int Signature = 0, VersionNeeded = 4, Flags = 6, Method = 8, Time = 10, Date = 12, Crc = 14, CompressedSize = 18, Size = 22,
            NameLength = 26, ExtraLength = 28, Name = 30;

        /// <summary>The Zip64 extra field of a local header: id, data size, then the uncompressed and compressed sizes.</summary>
        public const int Zip64ExtraLength = 20, Zip64ExtraSizes = 4;
    }

    /// <summary>The data descriptor after an entry's data (4.3.9), with its optional signature.</summary>
    public static class DataDescriptor
    {
        public const uint SignatureValue = 0x08074b50;
        public const int Signature = 0, Crc = 4, CompressedSize = 8, Size = 12, Zip64Size = 16, Length = 16, Zip64Length = 24;
    }

    /// <summary>The central directory file header (4.3.12).</summary>
    public static class CentralHeader
    {
        public const uint SignatureValue = 0x02014b50;
        public const int Signature = 0, VersionMadeBy = 4, VersionNeeded = 6, Flags = 8, Method = 10, Time = 12, Date = 14, Crc = 16,
            CompressedSize = 20, Size = 24, NameLength = 28, ExtraLength = 30, CommentLength = 32, DiskStart = 34, InternalAttributes = 36,
            ExternalAttributes = 38, LocalHeaderOffset = 42, Name = 46;
    }

    /// <summary>The Zip64 end of central directory record (4.3.14) and its locator (4.3.15).</summary>
    public static class Zip64End
    {
        public const uint SignatureValue = 0x06064b50, LocatorSignatureValue = 0x07064b50;
        public const int Signature = 0, RecordSize = 4, VersionMadeBy = 12, VersionNeeded = 14, Disk = 16, CentralDisk = 20, DiskEntries = 24,
            Entries = 32, CentralSize = 40, CentralOffset = 48, Length = 56;

        /// <summary>The size the record states: its length minus the signature and the size field.</summary>
        public const long StatedSize = Length - 12;

        public const int LocatorSignature = 0, LocatorDisk = 4, LocatorOffset = 8, LocatorDisks = 16, LocatorLength = 20;
    }

    /// <summary>The end of central directory record (4.3.16).</summary>
    public static class End
    {
        public const uint SignatureValue = 0x06054b50;
        public const int Signature = 0, Disk = 4, CentralDisk = 6, DiskEntries = 8, Entries = 10, CentralSize = 12, CentralOffset = 16,
            CommentLength = 20, Length = 22;
    }

    /// <summary>The length of a local header with this name (UTF-8 bytes) and, for Zip64, its extra field.</summary>
    public static int LocalHeaderLength(int nameLength, bool zip64) => LocalHeader.Name + nameLength + (zip64 ? LocalHeader.Zip64ExtraLength : 0);

    /// <summary>Fills a local file header (<paramref name="header"/> is <see cref="LocalHeaderLength"/> long).</summary>
    public static void WriteLocalHeader(
        Span<byte> header, string name, int nameLength, ushort flags, ushort method, ushort dosDate, uint crc, long compressedSize, long size, bool zip64)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header[LocalHeader.Signature..], LocalHeader.SignatureValue);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.VersionNeeded..], zip64 ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.Flags..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.Method..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.Time..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.Date..], dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[LocalHeader.Crc..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[LocalHeader.CompressedSize..], zip64 ? uint.MaxValue : (uint)compressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[LocalHeader.Size..], zip64 ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.NameLength..], (ushort)nameLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[LocalHeader.ExtraLength..], (ushort)(zip64 ? LocalHeader.Zip64ExtraLength : 0));
        Encoding.UTF8.GetBytes(name, header[LocalHeader.Name..]);
        if (zip64)
        {
            var extra = header[(LocalHeader.Name + nameLength)..];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraId);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], LocalHeader.Zip64ExtraLength - 4);
            WriteZip64Sizes(extra[LocalHeader.Zip64ExtraSizes..], size, compressedSize);
        }
    }

    /// <summary>The uncompressed then compressed size, as the Zip64 extra field of a local header holds them.</summary>
    public static void WriteZip64Sizes(Span<byte> sizes, long size, long compressedSize)
    {
        BinaryPrimitives.WriteInt64LittleEndian(sizes, size);
        BinaryPrimitives.WriteInt64LittleEndian(sizes[8..], compressedSize);
    }

    /// <summary>Fills a data descriptor; returns its length (Zip64 sizes are 8 bytes each).</summary>
    public static int WriteDataDescriptor(Span<byte> descriptor, uint crc, long compressedSize, long size, bool zip64)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[DataDescriptor.Signature..], DataDescriptor.SignatureValue);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[DataDescriptor.Crc..], crc);
        if (zip64)
        {
            BinaryPrimitives.WriteInt64LittleEndian(descriptor[DataDescriptor.CompressedSize..], compressedSize);
            BinaryPrimitives.WriteInt64LittleEndian(descriptor[DataDescriptor.Zip64Size..], size);
            return DataDescriptor.Zip64Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[DataDescriptor.CompressedSize..], (uint)compressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[DataDescriptor.Size..], (uint)size);
        return DataDescriptor.Length;
    }

    /// <summary>
    /// The length of a central directory header, and its Zip64 extra data length (0 without one): sizes when either needs 64 bits,
    /// the offset when it does.
    /// </summary>
    public static (int Length, int ExtraData) CentralHeaderLength(int nameLength, long compressedSize, long size, long offset)
    {
        var bigSize = size >= uint.MaxValue || compressedSize >= uint.MaxValue;
        var bigOffset = offset >= uint.MaxValue;
        var extraData = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        return (CentralHeader.Name + nameLength + (extraData == 0 ? 0 : 4 + extraData), extraData);
    }

    /// <summary>Fills a central directory header (<paramref name="record"/> is <see cref="CentralHeaderLength"/> long).</summary>
    public static void WriteCentralHeader(
        Span<byte> record, string name, int nameLength, ushort versionNeeded, ushort flags, ushort method, ushort dosDate, uint crc, long compressedSize, long size,
        uint externalAttributes, long offset)
    {
        var bigSize = size >= uint.MaxValue || compressedSize >= uint.MaxValue;
        var bigOffset = offset >= uint.MaxValue;
        var extraData = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        var extraLength = extraData == 0 ? 0 : 4 + extraData;
        BinaryPrimitives.WriteUInt32LittleEndian(record[CentralHeader.Signature..], CentralHeader.SignatureValue);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.VersionMadeBy..], MadeByUnix);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.VersionNeeded..], versionNeeded);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.Flags..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.Method..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.Time..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.Date..], dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CentralHeader.Crc..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CentralHeader.CompressedSize..], bigSize ? uint.MaxValue : (uint)compressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CentralHeader.Size..], bigSize ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.NameLength..], (ushort)nameLength);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.ExtraLength..], (ushort)extraLength);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.CommentLength..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.DiskStart..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(record[CentralHeader.InternalAttributes..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CentralHeader.ExternalAttributes..], externalAttributes);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CentralHeader.LocalHeaderOffset..], bigOffset ? uint.MaxValue : (uint)offset);
        Encoding.UTF8.GetBytes(name, record[CentralHeader.Name..]);
        if (extraLength > 0)
        {
            var extra = record[(CentralHeader.Name + nameLength)..];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraId);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)extraData);
            var at = 4;
            if (bigSize)
            {
                WriteZip64Sizes(extra[at..], size, compressedSize);
                at += 16;
            }

            if (bigOffset)
            {
                BinaryPrimitives.WriteInt64LittleEndian(extra[at..], offset);
            }
        }
    }

    /// <summary>
    /// Fills the end records: the Zip64 end record and its locator when the entry count, the central directory's start or its
    /// size needs them, then the classic end record. Returns the length written (<paramref name="end"/> holds all three).
    /// </summary>
    public static int WriteEnd(Span<byte> end, long entries, long centralStart, long centralSize, long zip64RecordOffset)
    {
        var zip64 = entries >= ushort.MaxValue || centralStart >= uint.MaxValue || centralSize >= uint.MaxValue;
        var at = 0;
        if (zip64)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(end[Zip64End.Signature..], Zip64End.SignatureValue);
            BinaryPrimitives.WriteInt64LittleEndian(end[Zip64End.RecordSize..], Zip64End.StatedSize);
            BinaryPrimitives.WriteUInt16LittleEndian(end[Zip64End.VersionMadeBy..], MadeByUnix);
            BinaryPrimitives.WriteUInt16LittleEndian(end[Zip64End.VersionNeeded..], Version45);
            BinaryPrimitives.WriteUInt32LittleEndian(end[Zip64End.Disk..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(end[Zip64End.CentralDisk..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(end[Zip64End.DiskEntries..], entries);
            BinaryPrimitives.WriteInt64LittleEndian(end[Zip64End.Entries..], entries);
            BinaryPrimitives.WriteInt64LittleEndian(end[Zip64End.CentralSize..], centralSize);
            BinaryPrimitives.WriteInt64LittleEndian(end[Zip64End.CentralOffset..], centralStart);
            var locator = end[Zip64End.Length..];
            BinaryPrimitives.WriteUInt32LittleEndian(locator[Zip64End.LocatorSignature..], Zip64End.LocatorSignatureValue);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[Zip64End.LocatorDisk..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(locator[Zip64End.LocatorOffset..], zip64RecordOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[Zip64End.LocatorDisks..], 1);
            at = Zip64End.Length + Zip64End.LocatorLength;
        }

        var tail = end[at..];
        var count = (ushort)Math.Min(entries, ushort.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(tail[End.Signature..], End.SignatureValue);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[End.Disk..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[End.CentralDisk..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[End.DiskEntries..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(tail[End.Entries..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(tail[End.CentralSize..], (uint)Math.Min(centralSize, uint.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(tail[End.CentralOffset..], (uint)Math.Min(centralStart, uint.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(tail[End.CommentLength..], 0);
        return at + End.Length;
    }

    /// <summary>The longest the end records get.</summary>
    public const int MaxEndLength = Zip64End.Length + Zip64End.LocatorLength + End.Length;
}
