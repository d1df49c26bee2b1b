using System;
using System.IO;

namespace SparkJobGen.Build;

/// <summary>Writes build outputs whole or not at all, and only when their content changes.</summary>
internal static class OutputFiles
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> unless the file already holds exactly those bytes. The bytes
    /// go to a short temporary name in the same folder first (never longer than the final name allows) and are renamed into
    /// place, so the file is never half-written.
    /// </summary>
    /// <returns>Whether the file was written.</returns>
    public static bool WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && new FileInfo(path).Length == content.Length && ContentEquals(path, content))
        {
            return false;
        }

        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, ".sjg-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            if (File.Exists(path))
            {
                File.Replace(temporary, path, null);
            }
            else
            {
                File.Move(temporary, path);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return true;
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
