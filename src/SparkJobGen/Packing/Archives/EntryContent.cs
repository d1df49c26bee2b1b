using System;
using System.IO;
using System.IO.Hashing;

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
    /// <param name="crc">When given, receives every byte copied (zip entries carry their CRC-32).</param>
    /// <exception cref="IOException">The source is shorter or longer than announced (changed while being packed).</exception>
    public static void CopyExactly(string archivePath, Stream content, long length, Stream target, byte[] buffer, Crc32? crc = null)
    {
        var left = length;
        while (left > 0)
        {
            var read = content.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new IOException($"'{archivePath}' ended after {length - left} of its {length} bytes; was it changed while being packed?");
            }

            crc?.Append(buffer.AsSpan(0, read));
            target.Write(buffer, 0, read);
            left -= read;
        }

        EnsureEnded(archivePath, content, length);
    }

    /// <summary>Reads exactly <paramref name="destination"/>'s length of bytes, the whole of <paramref name="content"/>.</summary>
    /// <param name="archivePath">The entry, for error messages.</param>
    /// <param name="content">The source, read to its end.</param>
    /// <param name="destination">Receives the bytes; its length is the announced length.</param>
    /// <exception cref="IOException">The source is shorter or longer than announced (changed while being packed).</exception>
    public static void ReadExactly(string archivePath, Stream content, Span<byte> destination)
    {
        var read = 0;
        while (read < destination.Length)
        {
            var n = content.Read(destination[read..]);
            if (n == 0)
            {
                throw new IOException($"'{archivePath}' ended after {read} of its {destination.Length} bytes; was it changed while being packed?");
            }

            read += n;
        }

        EnsureEnded(archivePath, content, destination.Length);
    }

    private static void EnsureEnded(string archivePath, Stream content, long length)
    {
        Span<byte> probe = stackalloc byte[1];
        if (content.Read(probe) != 0)
        {
            throw new IOException($"'{archivePath}' is longer than the {length} bytes announced; was it changed while being packed?");
        }
    }
}
