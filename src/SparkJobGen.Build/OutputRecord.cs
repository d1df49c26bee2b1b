using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace SparkJobGen.Build;

/// <summary>
/// What runs of <see cref="WriteSparkJobEnvironments"/> wrote and have not removed: the output folder (<see cref="Root"/>) and,
/// for every file, its full path and the SHA-256 of the bytes written. Kept in <c>obj/</c> between builds, it is how the next
/// build finds the files it no longer writes (a renamed environment, a removed job, an earlier output folder) and how
/// <c>dotnet clean</c> finds its files in any output folder. A file is only ever removed while it still holds exactly the
/// recorded bytes, so nothing the tasks did not write is removed. A failed run keeps what earlier runs recorded, so a record
/// can name more than one output folder (<see cref="Roots"/>): the current one and those of earlier runs still to clean up.
/// </summary>
internal sealed class OutputRecord
{
    private const string Header = "# SparkJobGen build outputs v1";
    private const string RootPrefix = "root\t";

    /// <summary>Creates a record of the files written under <paramref name="root"/> (and earlier output folders).</summary>
    /// <param name="root">The current output folder.</param>
    /// <param name="files">Full path to SHA-256 of every recorded file.</param>
    /// <param name="earlierRoots">Output folders of earlier runs that still hold recorded files.</param>
    public OutputRecord(string root, IReadOnlyDictionary<string, string> files, IEnumerable<string>? earlierRoots = null)
    {
        Root = root;
        Files = files;
        var roots = new List<string> { root };
        foreach (var earlier in earlierRoots ?? Array.Empty<string>())
        {
            if (!roots.Contains(earlier))
            {
                roots.Add(earlier);
            }
        }

        Roots = roots;
    }

    /// <summary>The output folder the files were written under.</summary>
    public string Root { get; }

    /// <summary><see cref="Root"/> first, then the output folders of earlier runs that a failed run kept in the record.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Full path to lowercase hex SHA-256 of the content written.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>The SHA-256 of <paramref name="content"/> as lowercase hex.</summary>
    public static string Hash(byte[] content)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(content);
        var text = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Reads the record at <paramref name="path"/>; <see langword="null"/> when there is none or it is not a record.</summary>
    public static OutputRecord? TryRead(string path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
        {
            return null;
        }

        if (lines.Length < 2 || lines[0] != Header || !lines[1].StartsWith(RootPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var earlierRoots = new List<string>();
        for (var i = 2; i < lines.Length; i++)
        {
            var tab = lines[i].IndexOf('\t');
            if (lines[i].StartsWith(RootPrefix, StringComparison.Ordinal))
            {
                earlierRoots.Add(lines[i].Substring(RootPrefix.Length));
            }
            else if (tab == 64)
            {
                files[lines[i].Substring(tab + 1)] = lines[i].Substring(0, tab);
            }
        }

        return new OutputRecord(lines[1].Substring(RootPrefix.Length), files, earlierRoots);
    }

    /// <summary>Writes the record to <paramref name="path"/> (temporary file and rename), unless it already says the same.</summary>
    public void Write(string path)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (var root in Roots)
        {
            text.Append(RootPrefix).Append(root).Append('\n');
        }

        var paths = new List<string>(Files.Keys);
        paths.Sort(StringComparer.Ordinal);
        foreach (var file in paths)
        {
            text.Append(Files[file]).Append('\t').Append(file).Append('\n');
        }

        OutputFiles.WriteIfChanged(path, new UTF8Encoding(false).GetBytes(text.ToString()));
    }

    /// <summary>
    /// Removes each recorded file under one of <see cref="Roots"/> that is not in <paramref name="keep"/> and still holds the
    /// recorded bytes, then every folder under its root left empty by that. A root folder left empty is removed when
    /// <paramref name="removeRoot"/> says so.
    /// </summary>
    /// <param name="keep">Files to keep (the current build's outputs), compared by full path.</param>
    /// <param name="removeRoot">Whether an empty root folder goes too: every root on clean, the earlier ones on a build.</param>
    /// <param name="removed">Called with each removed file.</param>
    /// <param name="failed">Called with each file or folder that could not be removed and the exception.</param>
    public void RemoveFilesExcept(ISet<string> keep, Func<string, bool> removeRoot, Action<string> removed, Action<string, Exception> failed)
    {
        var folders = new HashSet<(string Folder, string Root)>();
        foreach (var entry in Files)
        {
            if (keep.Contains(entry.Key) || RootOf(entry.Key) is not { } root)
            {
                continue;
            }

            try
            {
                if (File.Exists(entry.Key) && Hash(File.ReadAllBytes(entry.Key)) == entry.Value)
                {
                    File.Delete(entry.Key);
                    removed(entry.Key);
                }

                folders.Add((Path.GetDirectoryName(entry.Key)!, root));
            }
            catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
            {
                failed(entry.Key, exception);
            }
        }

        foreach (var (folder, root) in folders)
        {
            for (var current = folder; current is not null && IsUnder(current, root); current = Path.GetDirectoryName(current))
            {
                if (!TryRemoveEmptyFolder(current, failed))
                {
                    break;
                }
            }
        }

        foreach (var root in Roots)
        {
            if (removeRoot(root))
            {
                TryRemoveEmptyFolder(root, failed);
            }
        }
    }

    /// <summary>The recorded root <paramref name="path"/> is inside, the longest when roots nest; <see langword="null"/> for none.</summary>
    private string? RootOf(string path)
    {
        string? found = null;
        foreach (var root in Roots)
        {
            if (IsUnder(path, root) && (found is null || root.Length > found.Length))
            {
                found = root;
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="path"/> is strictly inside <paramref name="root"/>.</summary>
    private static bool IsUnder(string path, string root)
    {
        var prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static bool TryRemoveEmptyFolder(string folder, Action<string, Exception> failed)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return true;
            }

            if (Directory.GetFileSystemEntries(folder).Length != 0)
            {
                return false;
            }

            Directory.Delete(folder, recursive: false);
            return true;
        }
        catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
        {
            failed(folder, exception);
            return false;
        }
    }
}
