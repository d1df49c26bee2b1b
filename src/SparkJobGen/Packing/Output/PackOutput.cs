using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>
/// Where a pack may write. Never into, onto or around the environment it reads (compared after resolving symbolic links), and
/// never over a folder it did not write: a no-archive output carries <see cref="Marker"/> at its root, and only a folder that
/// has it (or an empty one) is replaced under <c>-f/--force</c>.
/// </summary>
internal static class PackOutput
{
    /// <summary>The file at the root of every no-archive output, which tells a later <c>pack -f</c> that the folder is the packer's own.</summary>
    public const string Marker = ".sparkjobgen-no-archive";

    /// <summary>What <see cref="Marker"/> says to a person who finds it.</summary>
    public const string MarkerText = "This folder was written by `sparkjobgen pack --format no-archive`; `sparkjobgen pack -f` may replace it.\n";

    /// <summary>Refuses an output that is the environment, lies inside it, or contains it.</summary>
    /// <param name="output">The absolute output path.</param>
    /// <param name="prefix">The absolute environment prefix.</param>
    /// <exception cref="PackingException">The output overlaps the environment.</exception>
    public static void RefuseEnvironment(string output, string prefix)
    {
        var realOutput = RealPath(output);
        var realPrefix = RealPath(prefix);
        if (realOutput == realPrefix)
        {
            throw new PackingException(
                $"The output '{output}' is the environment being packed ('{prefix}'): writing it would destroy the environment. Choose an --output outside the environment.");
        }

        if (IsUnder(realOutput, realPrefix))
        {
            throw new PackingException(
                $"The output '{output}' lies inside the environment being packed ('{prefix}'), which would pack its own output and change the environment. Choose an --output outside it, for example in '{Path.GetDirectoryName(prefix)}'.");
        }

        if (IsUnder(realPrefix, realOutput))
        {
            throw new PackingException(
                $"The output '{output}' contains the environment being packed ('{prefix}'): writing it would destroy the environment. Choose an --output outside the environment.");
        }
    }

    /// <summary>Refuses to write over something that is not the packer's to replace, and creates the output folder when forced.</summary>
    /// <param name="output">The absolute output path.</param>
    /// <param name="format">The format (no-archive writes a folder, the others a file).</param>
    /// <param name="force">Whether <c>-f/--force</c> was given.</param>
    /// <exception cref="PackingException">The output cannot be written.</exception>
    public static void CheckTarget(string output, ArchiveFormat format, bool force)
    {
        var info = new FileInfo(output);
        var isLink = info.LinkTarget is not null;
        if (format == ArchiveFormat.NoArchive)
        {
            if (isLink || File.Exists(output))
            {
                throw new PackingException(
                    $"'{output}' is a {(isLink ? "symbolic link" : "file")}, and --format no-archive writes a folder; it is left as it is. Choose another --output.");
            }

            if (Directory.Exists(output))
            {
                if (!force)
                {
                    throw new PackingException($"The folder '{output}' already exists. Pass -f/--force to replace a previous no-archive output, or choose another --output.");
                }

                if (RefusalToReplace(output) is { } refusal)
                {
                    throw new PackingException(refusal);
                }
            }
        }
        else if (Directory.Exists(output))
        {
            throw new PackingException(
                $"'{output}' is a folder, and an archive is a file. Name the file, for example --output {Path.Combine(output, "environment" + ArchiveFormats.DefaultExtension(format))}, or pass --format no-archive for a folder.");
        }
        else if (!force && (File.Exists(output) || isLink))
        {
            throw new PackingException($"'{output}' already exists and was not packed from this environment's current content. Pass -f/--force to overwrite it.");
        }

        var directory = Path.GetDirectoryName(output)!;
        if (File.Exists(directory))
        {
            throw new PackingException($"The output folder '{directory}' is a file. Choose an --output in a folder.");
        }

        if (!Directory.Exists(directory))
        {
            if (!force)
            {
                throw new PackingException($"The output folder '{directory}' does not exist. Create it, or pass -f/--force to create it.");
            }

            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>Why an existing folder may not be replaced by a no-archive output, or null when it may (empty, or marked as one).</summary>
    /// <param name="folder">The existing folder.</param>
    public static string? RefusalToReplace(string folder)
    {
        if (new DirectoryInfo(folder).LinkTarget is not null)
        {
            return $"'{folder}' is a symbolic link; it is left as it is. Choose another --output.";
        }

        if (File.Exists(Path.Combine(folder, Marker)) || !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            return null;
        }

        return $"The folder '{folder}' is not empty and was not written by the packer (it has no {Marker} file), so it is never replaced, not even with -f/--force. "
            + "Choose another --output, or remove the folder yourself if it is really not needed.";
    }

    /// <summary>Whether <paramref name="path"/> is strictly below <paramref name="folder"/>.</summary>
    private static bool IsUnder(string path, string folder) =>
        path.Length > folder.Length && path.StartsWith(folder, StringComparison.Ordinal) && (folder.EndsWith('/') || path[folder.Length] == '/');

    /// <summary>
    /// The path with every symbolic link resolved: the longest existing part through <c>realpath(3)</c>, the rest appended as
    /// given (an output usually does not exist yet).
    /// </summary>
    /// <param name="path">An absolute path.</param>
    internal static string RealPath(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var existing = full;
        var rest = string.Empty;
        while (!Path.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            rest = rest.Length == 0 ? Path.GetFileName(existing) : Path.Combine(Path.GetFileName(existing), rest);
            existing = parent;
        }

        var resolved = Resolve(existing) ?? existing;
        return rest.Length == 0 ? resolved : Path.Combine(resolved, rest);
    }

    private static unsafe string? Resolve(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pointer = bytes)
        {
            IntPtr result;
            try
            {
                result = RealPathNative(pointer, IntPtr.Zero);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }

            if (result == IntPtr.Zero)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringUTF8(result);
            }
            finally
            {
                Free(result);
            }
        }
    }

    [DllImport("libc.so.6", EntryPoint = "realpath", SetLastError = true)]
    private static extern unsafe IntPtr RealPathNative(byte* path, IntPtr resolved);

    [DllImport("libc.so.6", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
