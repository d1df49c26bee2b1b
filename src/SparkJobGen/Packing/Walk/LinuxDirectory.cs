using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>One entry of a directory listing with the metadata a pack needs; its name is in the listing's buffer.</summary>
/// <param name="NameStart">Where the UTF-8 name starts in <see cref="DirectoryListing.Names"/>.</param>
/// <param name="NameLength">The name's length in bytes.</param>
/// <param name="IsDirectory">A real directory (not a symlink to one).</param>
/// <param name="IsLink">A symbolic link (never followed).</param>
/// <param name="Length">The size in bytes (files; 0 for directories).</param>
/// <param name="Ticks">The last write time, UTC ticks, as <see cref="FileSystemInfo.LastWriteTimeUtc"/> gives it.</param>
/// <param name="Mode">The permission bits (<see cref="UnixFileMode"/> values, set-id and sticky bits included); -1 when not read (directories listed natively).</param>
/// <param name="Inode">For a regular file with more than one name (hard links): its inode number; otherwise 0.</param>
/// <param name="Device">With <paramref name="Inode"/>: its device (major, minor), which the inode number is unique within.</param>
internal readonly record struct DirectoryEntry(int NameStart, int NameLength, bool IsDirectory, bool IsLink, long Length, long Ticks, int Mode, ulong Inode = 0, ulong Device = 0);

/// <summary>The entries of one directory and their UTF-8 names, reused from one directory to the next.</summary>
internal sealed class DirectoryListing
{
    /// <summary>The entries, in directory order.</summary>
    public List<DirectoryEntry> Entries { get; } = [];

    /// <summary>The names, one after the other.</summary>
    public byte[] Names { get; private set; } = new byte[16 * 1024];

    private int _used;

    /// <summary>The bytes of names stored.</summary>
    public int NamesUsed => _used;

    /// <summary>How many entries are held before <see cref="Drain"/> is given them.</summary>
    public const int DrainAt = 4096;

    /// <summary>
    /// When set, called each time <see cref="DrainAt"/> entries are held; they are then let go, so listing a folder of a
    /// million files holds a few thousand at a time. The caller handles what remains after the listing ends.
    /// </summary>
    public Action? Drain { get; set; }

    /// <summary>The number of entries listed since <see cref="Clear"/>, drained ones included.</summary>
    public int Total { get; private set; }

    /// <summary>Empties the listing.</summary>
    public void Clear()
    {
        Entries.Clear();
        _used = 0;
        Total = 0;
    }

    /// <summary>Adds an entry.</summary>
    public void Add(ReadOnlySpan<byte> name, bool isDirectory, bool isLink, long length, long ticks, int mode, ulong inode = 0, ulong device = 0)
    {
        if (_used + name.Length > Names.Length)
        {
            var grown = new byte[Math.Max(Names.Length * 2, _used + name.Length)];
            Names.AsSpan(0, _used).CopyTo(grown);
            Names = grown;
        }

        name.CopyTo(Names.AsSpan(_used));
        Entries.Add(new DirectoryEntry(_used, name.Length, isDirectory, isLink, length, ticks, mode, inode, device));
        _used += name.Length;
        Total++;
        if (Drain is { } drain && Entries.Count >= DrainAt)
        {
            drain();
            Entries.Clear();
            _used = 0;
        }
    }

    /// <summary>The name of <paramref name="entry"/>.</summary>
    public ReadOnlySpan<byte> Name(in DirectoryEntry entry) => Names.AsSpan(entry.NameStart, entry.NameLength);
}

/// <summary>
/// Lists a directory on Linux with <c>readdir</c> and one <c>statx</c> per entry relative to the directory's descriptor.
/// The portable enumeration stats every entry by its full path (the kernel resolves every component again) and builds a
/// <see cref="FileSystemInfo"/> for its mode; this reader does neither, which makes the metadata walk a cache hit costs
/// about twice as fast. Used only where it works (glibc with <c>statx</c>, not blocked by a seccomp profile); the walker
/// falls back to the portable enumeration otherwise or when <c>SPARKJOBGEN_DISABLE_NATIVE_WALK=1</c>.
/// </summary>
internal static unsafe class LinuxDirectory
{
    /// <summary>Set to <c>1</c> to use the portable enumeration (diagnostics and tests).</summary>
    internal const string DisableVariable = "SPARKJOBGEN_DISABLE_NATIVE_WALK";

    private const string Libc = "libc.so.6";
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxNlink = 0x4, StatxMtime = 0x40, StatxIno = 0x100, StatxSize = 0x200;
    private const uint Mask = StatxType | StatxMode | StatxNlink | StatxMtime | StatxIno | StatxSize;
    private const int TypeFile = 0x8000;
    private const int TypeMask = 0xF000, TypeDirectory = 0x4000, TypeLink = 0xA000;
    private const int Enoent = 2, Eacces = 13, Enotdir = 20, Eperm = 1;

    /// <summary>Offsets in <c>struct statx</c> (the same on every Linux architecture) and in glibc's 64-bit <c>struct dirent</c>.</summary>
    private const int StatxNlinkOffset = 16, StatxModeOffset = 28, StatxInoOffset = 32, StatxSizeOffset = 40, StatxMtimeSecondsOffset = 112, StatxMtimeNanosecondsOffset = 120;
    private const int StatxDevMajorOffset = 136, StatxDevMinorOffset = 140, StatxBufferSize = 256;
    private const int DirentTypeOffset = 18, DirentNameOffset = 19;
    private const byte DtDirectory = 4;

    private static readonly Lazy<bool> Probe = new(ProbeStatx);

    /// <summary>Whether this reader works here (and is not switched off).</summary>
    public static bool IsAvailable => Environment.GetEnvironmentVariable(DisableVariable) != "1" && Probe.Value;

    /// <summary>Lists a directory into <paramref name="listing"/> (cleared first); entries that vanish meanwhile are left out.</summary>
    /// <param name="directory">The absolute directory path in UTF-8, followed by a NUL byte.</param>
    /// <param name="listing">Receives the entries, in directory order.</param>
    /// <exception cref="UnauthorizedAccessException">The directory or an entry cannot be read.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">Another error.</exception>
    public static void List(ReadOnlySpan<byte> directory, DirectoryListing listing)
    {
        listing.Clear();
        IntPtr handle;
        fixed (byte* path = directory)
        {
            Marshal.SetLastPInvokeError(0);
            handle = OpenDirectory(path);
        }

        if (handle == IntPtr.Zero)
        {
            throw Error(Marshal.GetLastPInvokeError(), directory[..^1]);
        }

        try
        {
            var descriptor = DirectoryDescriptor(handle);
            var stat = stackalloc byte[StatxBufferSize];
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                var dirent = (byte*)ReadDirectory(handle);
                if (dirent == null)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw Error(errno, directory[..^1]);
                    }

                    return;
                }

                var name = dirent + DirentNameOffset;
                var length = 0;
                while (name[length] != 0)
                {
                    length++;
                }

                if ((length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.'))
                {
                    continue;
                }

                // Names stay UTF-8 bytes: the walk keeps them so, and the cache key hashes them so.
                var nameBytes = new ReadOnlySpan<byte>(name, length);

                // A directory needs no status: the walk only descends into it (its mode is read if it turns out empty).
                if (dirent[DirentTypeOffset] == DtDirectory)
                {
                    listing.Add(nameBytes, isDirectory: true, isLink: false, 0, 0, mode: -1);
                    continue;
                }

                if (Statx(descriptor, name, AtSymlinkNoFollow, Mask, stat) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Enoent)
                    {
                        continue;
                    }

                    throw Error(errno, Path.Join(Encoding.UTF8.GetString(directory[..^1]), Encoding.UTF8.GetString(nameBytes)));
                }

                var mode = *(ushort*)(stat + StatxModeOffset);
                var type = mode & TypeMask;
                var seconds = *(long*)(stat + StatxMtimeSecondsOffset);
                var nanoseconds = *(uint*)(stat + StatxMtimeNanosecondsOffset);
                var shared = type == TypeFile && *(uint*)(stat + StatxNlinkOffset) > 1;
                listing.Add(
                    nameBytes,
                    type == TypeDirectory,
                    type == TypeLink,
                    type == TypeDirectory ? 0 : (long)*(ulong*)(stat + StatxSizeOffset),
                    DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100),
                    mode & 0xFFF,
                    shared ? *(ulong*)(stat + StatxInoOffset) : 0,
                    shared ? ((ulong)*(uint*)(stat + StatxDevMajorOffset) << 32) | *(uint*)(stat + StatxDevMinorOffset) : 0);
            }
        }
        finally
        {
            _ = CloseDirectory(handle);
        }
    }

    private static Exception Error(int errno, ReadOnlySpan<byte> path) => Error(errno, Encoding.UTF8.GetString(path));

    private static Exception Error(int errno, string path) => errno switch
    {
        Eacces or Eperm => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        Enoent or Enotdir => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        _ => new IOException($"Cannot list '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno),
    };

    /// <summary>statx on "/" must work: missing in old glibc, ENOSYS on old kernels, EPERM under some container seccomp profiles.</summary>
    private static bool ProbeStatx()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return false;
        }

        try
        {
            var stat = stackalloc byte[StatxBufferSize];
            var root = stackalloc byte[] { (byte)'/', 0 };
            return Statx(AtFdCwd, root, AtSymlinkNoFollow, Mask, stat) == 0 && (*(ushort*)(stat + StatxModeOffset) & TypeMask) == TypeDirectory;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [DllImport(Libc, EntryPoint = "opendir", SetLastError = true)]
    private static extern IntPtr OpenDirectory(byte* path);

    [DllImport(Libc, EntryPoint = "readdir", SetLastError = true)]
    private static extern IntPtr ReadDirectory(IntPtr directory);

    [DllImport(Libc, EntryPoint = "dirfd")]
    private static extern int DirectoryDescriptor(IntPtr directory);

    [DllImport(Libc, EntryPoint = "closedir")]
    private static extern int CloseDirectory(IntPtr directory);

    [DllImport(Libc, EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directoryDescriptor, byte* path, int flags, uint mask, byte* buffer);
}
