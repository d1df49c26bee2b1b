using System;
using System.IO;

namespace SparkJobGen.Packing.Archives;

/// <summary>Copies a file's announced number of bytes into an archive entry, refusing content that changed size meanwhile.</summary>
internal static class EntryContent
{
    /// <summary>Copies exactly <paramref name="length"/> bytes from <paramref name="content"/> to <paramref name="target"/>.</summary>
    /// <param name="archivePath">The entry, for error messages.</param>
    /// <param name="content">The source, read to its end.</param>
    /// <param name="length">The announced length.</param>
    /// <param name="target">Receives the bytes.</param>
    /// <param name="buffer">The copy buffer.</param>
    /// <exception cref="IOException">The source is shorter or longer than announced (changed while being packed).</exception>
    public static void CopyExactly(string archivePath, Stream content, long length, Stream target, byte[] buffer)
    {
        var left = length;
        while (left > 0)
        {
            var read = content.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new IOException($"'{archivePath}' ended after {length - left} of its {length} bytes; was it changed while being packed?");
            }

            target.Write(buffer, 0, read);
            left -= read;
        }

        if (content.Read(buffer, 0, 1) != 0)
        {
            throw new IOException($"'{archivePath}' is longer than the {length} bytes announced; was it changed while being packed?");
        }
    }
}
