using System;
using System.IO;

namespace SparkJobGen.Build;

/// <summary>Writes build outputs whole or not at all, and only when their content changes.</summary>
internal static class OutputFiles
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> unless the file already holds exactly those bytes. A file
    /// that exists is replaced whole: the bytes go to a short temporary name in the same folder (never longer than the final
    /// name allows) and are renamed over it, so it is never half-written. A new file is created in place, without a temporary
    /// name and a rename (a clean build creates hundreds), and removed again if writing it fails, so no partial file is left.
    /// </summary>
    /// <returns>Whether the file was written.</returns>
    public static bool WriteIfChanged(string path, byte[] content)
    {
        var existing = new FileInfo(path);
        if (existing.Exists)
        {
            if (existing.Length == content.Length && ContentEquals(path, content))
            {
                return false;
            }

            Replace(path, content);
            return true;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer created it in between: compare with what it holds, and replace it whole if it differs.
            return WriteIfChanged(path, content);
        }

        try
        {
            using (stream)
            {
                stream.Write(content, 0, content.Length);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return true;
    }

    private static void Replace(string path, byte[] content)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(folder, ".sjg-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Replace(temporary, path, null);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static bool ContentEquals(string path, byte[] content)
    {
        var existing = File.ReadAllBytes(path);
        if (existing.Length != content.Length)
        {
            return false;
        }

        for (var i = 0; i < existing.Length; i++)
        {
            if (existing[i] != content[i])
            {
                return false;
            }
        }

        return true;
    }
}
