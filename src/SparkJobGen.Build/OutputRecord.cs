using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace SparkJobGen.Build;

/// <summary>
/// What one run of <see cref="WriteSparkJobEnvironments"/> wrote: the output folder and, for every file, its full path and the
/// SHA-256 of the bytes written. Kept in <c>obj/</c> between builds, it is how the next build finds the files it no longer
/// writes (a renamed environment, a removed job) and how <c>dotnet clean</c> finds its files in any output folder. A file is
/// only ever removed while it still holds exactly the recorded bytes, so nothing the tasks did not write is removed.
/// </summary>
internal sealed class OutputRecord
{
    private const string Header = "# SparkJobGen build outputs v1";
    private const string RootPrefix = "root\t";

    /// <summary>Creates a record of the files written under <paramref name="root"/>.</summary>
    public OutputRecord(string root, IReadOnlyDictionary<string, string> files)
    {
        Root = root;
        Files = files;
    }

    /// <summary>The output folder the files were written under.</summary>
    public string Root { get; }

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
        for (var i = 2; i < lines.Length; i++)
        {
            var tab = lines[i].IndexOf('\t');
            if (tab == 64)
            {
                files[lines[i].Substring(tab + 1)] = lines[i].Substring(0, tab);
            }
        }

        return new OutputRecord(lines[1].Substring(RootPrefix.Length), files);
    }

    /// <summary>Writes the record to <paramref name="path"/> (temporary file and rename), unless it already says the same.</summary>
    public void Write(string path)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n').Append(RootPrefix).Append(Root).Append('\n');
        var paths = new List<string>(Files.Keys);
        paths.Sort(StringComparer.Ordinal);
        foreach (var file in paths)
        {
            text.Append(Files[file]).Append('\t').Append(file).Append('\n');
        }

        OutputFiles.WriteIfChanged(path, new UTF8Encoding(false).GetBytes(text.ToString()));
    }

    /// <summary>
    /// Removes each recorded file that is not in <paramref name="keep"/> and still holds the recorded bytes, then every folder
    /// under <see cref="Root"/> left empty by that. The root folder itself is removed only when <paramref name="removeRoot"/>.
    /// </summary>
    /// <param name="keep">Files to keep (the current build's outputs), compared by full path.</param>
    /// <param name="removeRoot">Whether an empty root folder goes too (clean).</param>
    /// <param name="removed">Called with each removed file.</param>
    /// <param name="failed">Called with each file or folder that could not be removed and the exception.</param>
    public void RemoveFilesExcept(ISet<string> keep, bool removeRoot, Action<string> removed, Action<string, Exception> failed)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Files)
        {
            if (keep.Contains(entry.Key) || !IsUnder(entry.Key, Root))
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

                folders.Add(Path.GetDirectoryName(entry.Key)!);
            }
            catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
            {
                failed(entry.Key, exception);
            }
        }

        foreach (var folder in folders)
        {
            for (var current = folder; current is not null && IsUnder(current, Root); current = Path.GetDirectoryName(current))
            {
                if (!TryRemoveEmptyFolder(current, failed))
                {
                    break;
                }
            }
        }

        if (removeRoot)
        {
            TryRemoveEmptyFolder(Root, failed);
        }
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
