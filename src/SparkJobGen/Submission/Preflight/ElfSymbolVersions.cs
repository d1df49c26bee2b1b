using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace SparkJobGen.Submission.Preflight;

/// <summary>
/// Reads the symbol versions an ELF file needs from its shared libraries: the <c>SHT_GNU_verneed</c> section
/// (<c>.gnu.version_r</c>), whose entries name a library and the versions needed from it (<c>GLIBC_2.17</c>, <c>GLIBCXX_3.4.21</c>…).
/// Both classes (32- and 64-bit) and both byte orders are read; offsets are the ELF specification's, named below.
/// </summary>
internal static class ElfSymbolVersions
{
    /// <summary>The section type of version needs (<c>SHT_GNU_verneed</c>).</summary>
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Reads the needed versions; an empty list when <paramref name="file"/> is not an ELF file or needs none.</summary>
    /// <param name="file">The whole file.</param>
    /// <returns>Each (library, version) pair, for example (<c>libc.so.6</c>, <c>GLIBC_2.34</c>).</returns>
    /// <exception cref="FormatException">The file starts like ELF but its tables point outside it.</exception>
    public static IReadOnlyList<(string Library, string Version)> ReadNeeded(ReadOnlySpan<byte> file)
    {
        var needed = new List<(string, string)>();
        if (!IsElf(file))
        {
            return needed;
        }

        var elf = new ElfLayout(file);
        for (var i = 0; i < elf.SectionCount; i++)
        {
            var section = elf.Section(i);
            if (elf.U32(section, elf.SectionType) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = elf.Address(section, elf.SectionOffset);
            var count = elf.U32(section, elf.SectionInfo);
            var strings = elf.Section(checked((int)elf.U32(section, elf.SectionLink)));
            var stringsOffset = elf.Address(strings, elf.SectionOffset);
            var entry = offset;
            for (var n = 0; n < count; n++)
            {
                var library = ReadString(file, stringsOffset + elf.U32At(entry + VerneedFile));
                var auxCount = elf.U16At(entry + VerneedCount);
                var aux = entry + elf.U32At(entry + VerneedAux);
                for (var a = 0; a < auxCount; a++)
                {
                    needed.Add((library, ReadString(file, stringsOffset + elf.U32At(aux + VernauxName))));
                    var nextAux = elf.U32At(aux + VernauxNext);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                var next = elf.U32At(entry + VerneedNext);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return needed;
    }

    /// <summary>The highest <c>GLIBC_x.y</c> version needed, or null when none is.</summary>
    /// <param name="file">The whole file.</param>
    public static Version? MaxGlibc(ReadOnlySpan<byte> file)
    {
        Version? max = null;
        foreach (var (_, version) in ReadNeeded(file))
        {
            if (ParseGlibc(version) is { } parsed && (max is null || parsed > max))
            {
                max = parsed;
            }
        }

        return max;
    }

    /// <summary>Parses <c>GLIBC_2.17</c> (or <c>GLIBC_2.2.5</c>) into a version; null for other names (<c>GLIBC_PRIVATE</c>, <c>GLIBCXX_…</c>).</summary>
    /// <param name="name">A version name.</param>
    public static Version? ParseGlibc(string name) =>
        name.StartsWith("GLIBC_", StringComparison.Ordinal) && name.Length > 6 && char.IsAsciiDigit(name[6]) &&
        Version.TryParse(name.AsSpan(6), out var version)
            ? version
            : null;

    /// <summary>Whether the bytes start with the ELF magic <c>\x7fELF</c>.</summary>
    /// <param name="file">The file's first bytes.</param>
    public static bool IsElf(ReadOnlySpan<byte> file) =>
        file.Length >= 4 && file[0] == 0x7f && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F';

    // Elf32_Verneed / Elf64_Verneed (same layout in both classes): vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
    private const int VerneedCount = 2;
    private const int VerneedFile = 4;
    private const int VerneedAux = 8;
    private const int VerneedNext = 12;

    // Elf32_Vernaux / Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
    private const int VernauxName = 8;
    private const int VernauxNext = 12;

    private static string ReadString(ReadOnlySpan<byte> file, long offset)
    {
        if (offset < 0 || offset >= file.Length)
        {
            throw new FormatException($"An ELF string offset ({offset}) points outside the file ({file.Length} bytes).");
        }

        var rest = file.Slice((int)offset);
        var end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest.Slice(0, end));
    }

    /// <summary>The header fields of one ELF class and byte order, by their specification offsets.</summary>
    private readonly ref struct ElfLayout
    {
        // e_ident: EI_CLASS at 4 (1 = 32-bit, 2 = 64-bit), EI_DATA at 5 (1 = little-endian, 2 = big-endian).
        private const int IdentClass = 4;
        private const int IdentData = 5;

        private readonly ReadOnlySpan<byte> _file;
        private readonly bool _is64;
        private readonly bool _bigEndian;
        private readonly long _sectionTable;
        private readonly int _sectionSize;

        public ElfLayout(ReadOnlySpan<byte> file)
        {
            _file = file;
            _is64 = file.Length > IdentClass && file[IdentClass] == 2;
            _bigEndian = file.Length > IdentData && file[IdentData] == 2;

            // e_shoff, e_shentsize, e_shnum: 0x20/0x2E/0x30 in ELF32, 0x28/0x3A/0x3C in ELF64.
            _sectionTable = _is64 ? (long)U64At(0x28) : U32At(0x20);
            _sectionSize = U16At(_is64 ? 0x3A : 0x2E);
            SectionCount = _sectionTable == 0 ? 0 : U16At(_is64 ? 0x3C : 0x30);

            // Elf32_Shdr / Elf64_Shdr: sh_name 0, sh_type 4, sh_offset 0x10/0x18, sh_link 0x18/0x28, sh_info 0x1C/0x2C.
            SectionType = 4;
            SectionOffset = _is64 ? 0x18 : 0x10;
            SectionLink = _is64 ? 0x28 : 0x18;
            SectionInfo = _is64 ? 0x2C : 0x1C;
        }

        public int SectionCount { get; }

        public int SectionType { get; }

        public int SectionOffset { get; }

        public int SectionLink { get; }

        public int SectionInfo { get; }

        /// <summary>The file offset of section header <paramref name="index"/>.</summary>
        public long Section(int index)
        {
            if (index < 0 || index >= SectionCount)
            {
                throw new FormatException($"ELF section {index} does not exist ({SectionCount} sections).");
            }

            return _sectionTable + ((long)index * _sectionSize);
        }

        /// <summary>An address-sized field (<c>sh_offset</c>): 4 bytes in ELF32, 8 in ELF64.</summary>
        public long Address(long header, int field) => _is64 ? checked((long)U64At(header + field)) : U32At(header + field);

        public uint U32(long header, int field) => U32At(header + field);

        public ushort U16At(long offset) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(Slice(offset, 2)) : BinaryPrimitives.ReadUInt16LittleEndian(Slice(offset, 2));

        public uint U32At(long offset) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Slice(offset, 4)) : BinaryPrimitives.ReadUInt32LittleEndian(Slice(offset, 4));

        private ulong U64At(long offset) => _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(Slice(offset, 8)) : BinaryPrimitives.ReadUInt64LittleEndian(Slice(offset, 8));

        private ReadOnlySpan<byte> Slice(long offset, int length)
        {
            if (offset < 0 || offset + length > _file.Length)
            {
                throw new FormatException($"An ELF field at offset {offset} lies outside the file ({_file.Length} bytes).");
            }

            return _file.Slice((int)offset, length);
        }
    }
}
