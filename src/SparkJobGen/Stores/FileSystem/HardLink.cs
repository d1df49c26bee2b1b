using System;
using System.IO;
using System.Runtime.InteropServices;
using SparkJobGen.Packing;

namespace SparkJobGen.Stores.FileSystem;

/// <summary>
/// Publishes a finished file under a name only if the name is free, atomically, so that of several writers racing for one
/// name exactly one wins. On Linux this is link(2), which fails with EEXIST when the name exists. <see cref="File.Move(string, string, bool)"/>
/// without overwrite is not enough: .NET checks that the destination is absent and then calls rename(2), which replaces
/// whatever another writer published in between.
/// </summary>
internal static unsafe class HardLink
{
    private const int Eperm = 1;
    private const int Enoent = 2;
    private const int Eacces = 13;
    private const int Eexist = 17;
    private const int Exdev = 18;
    private const int Enosys = 38;
    private const int Emlink = 31;
    private const int Eopnotsupp = 95;

    /// <summary>Gives <paramref name="source"/>'s file the name <paramref name="destination"/> unless that name exists.</summary>
    /// <param name="source">The finished file (left in place: the caller removes it).</param>
    /// <param name="destination">The name to publish under, in the same folder.</param>
    /// <returns><see langword="true"/> when this call created the name; <see langword="false"/> when it existed.</returns>
    public static bool CreateIfAbsent(string source, string destination)
    {
        if (OperatingSystem.IsLinux())
        {
            var errno = Link(source, destination);
            switch (errno)
            {
                case 0:
                    return true;
                case Eexist:
                    return false;
                case Eacces:
                    throw new UnauthorizedAccessException($"Access to the path '{destination}' is denied.");
                case Enoent:
                    throw new DirectoryNotFoundException($"Could not find a part of the path '{destination}'.");
                default:
                    if (!IsUnsupported(errno))
                    {
                        throw new IOException($"Cannot publish '{destination}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
                    }

                    break;
            }
        }

        // A file system without hard links (and other platforms): .NET's check-then-rename, which two writers racing for the
        // same name in the same instant can both pass. Their bytes are identical (the name holds the content's hash), so the
        // stored file is right either way; only which writer reports Created may be wrong.
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    // EPERM is also what Linux returns for a file system that does not support hard links (FAT, some FUSE mounts).
    private static bool IsUnsupported(int errno) => errno is Eperm or Eopnotsupp or Enosys or Exdev or Emlink;

    private static int Link(string source, string destination)
    {
        var from = PathBytes.Terminated(source);
        var to = PathBytes.Terminated(destination);
        fixed (byte* f = from)
        fixed (byte* t = to)
        {
            return LinkNative(f, t) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    [DllImport("libc.so.6", EntryPoint = "link", SetLastError = true)]
    private static extern int LinkNative(byte* oldPath, byte* newPath);
}
