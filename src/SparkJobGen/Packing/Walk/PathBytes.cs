using System;
using System.Buffers;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SparkJobGen.Packing;

/// <summary>
/// File names are bytes on Linux, not always valid UTF-8. The walk keeps each name as a string in which every byte that is not
/// part of valid UTF-8 is carried as the lone surrogate U+DC80-U+DCFF (Python's <c>surrogateescape</c>, PEP 383), so that the
/// archive stores the name byte for byte and the file can be opened again; .NET's own file APIs would turn such bytes into
/// U+FFFD and miss the file.
/// </summary>
internal static unsafe class PathBytes
{
    private const char EscapeBase = '\uDC00';
    private const int ReadOnlyCloseOnExec = 0x80000;
    private const int Enoent = 2, Eacces = 13, Enotdir = 20, Eperm = 1;

    /// <summary>The name of <paramref name="bytes"/>, invalid UTF-8 bytes escaped.</summary>
    /// <param name="bytes">A path or name as the file system gave it.</param>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
            {
                text.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                text.Append((char)(EscapeBase + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return text.ToString();
    }

    /// <summary>Whether <paramref name="text"/> carries bytes that are not valid UTF-8 (see <see cref="Decode"/>).</summary>
    /// <param name="text">A decoded path.</param>
    public static bool HasEscapes(string? text)
    {
        if (text is null)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (IsEscape(text, i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bytes of a decoded path: UTF-8, with each escaped byte given back as it was.</summary>
    /// <param name="text">A path from <see cref="Decode"/> (or any string).</param>
    public static byte[] Encode(string text)
    {
        if (!HasEscapes(text))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var bytes = new ArrayBufferWriter<byte>(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            if (IsEscape(text, i))
            {
                bytes.Write([(byte)(text[i] - EscapeBase)]);
                continue;
            }

            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var span = bytes.GetSpan(8);
            bytes.Advance(Encoding.UTF8.GetBytes(text.AsSpan(i, length), span));
            i += length - 1;
        }

        return bytes.WrittenSpan.ToArray();
    }

    /// <summary>The path for messages: escaped bytes shown as <c>\xNN</c>.</summary>
    /// <param name="text">A decoded path.</param>
    public static string Printable(string text)
    {
        if (!HasEscapes(text))
        {
            return text;
        }

        var printable = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            printable.Append(IsEscape(text, i) ? $"\\x{text[i] - EscapeBase:x2}" : text[i]);
        }

        return printable.ToString();
    }

    /// <summary>Opens a file for reading by its decoded path, whatever bytes its name holds.</summary>
    /// <param name="path">The absolute decoded path.</param>
    /// <exception cref="FileNotFoundException">It does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">It cannot be read.</exception>
    public static SafeFileHandle OpenRead(string path)
    {
        if (!HasEscapes(path) || OperatingSystem.IsWindows())
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        }

        var bytes = Terminated(path);
        int descriptor;
        fixed (byte* pointer = bytes)
        {
            descriptor = Open(pointer, ReadOnlyCloseOnExec);
        }

        if (descriptor < 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), path);
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>The target of a symbolic link, decoded like a name, whatever bytes the link or its target hold.</summary>
    /// <param name="path">The absolute decoded path of the link.</param>
    /// <returns>The target, or null when <paramref name="path"/> is not a link.</returns>
    public static string? ReadLink(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return new FileInfo(path).LinkTarget;
        }

        var bytes = Terminated(path);
        var buffer = new byte[4096];
        long length;
        fixed (byte* pointer = bytes)
        fixed (byte* target = buffer)
        {
            length = (long)ReadLinkNative(pointer, target, buffer.Length);
        }

        if (length < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 22 ? null : throw Error(errno, path); // EINVAL: not a link
        }

        return Decode(buffer.AsSpan(0, (int)length));
    }

    private static bool IsEscape(string text, int i) =>
        text[i] is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(text[i - 1]));

    /// <summary>The path's bytes (<see cref="Encode"/>) with the terminating NUL a system call takes.</summary>
    /// <param name="path">The path.</param>
    internal static byte[] Terminated(string path)
    {
        var encoded = Encode(path);
        var bytes = new byte[encoded.Length + 1];
        encoded.CopyTo(bytes, 0);
        return bytes;
    }

    private static Exception Error(int errno, string path) => errno switch
    {
        Enoent or Enotdir => new FileNotFoundException($"Could not find file '{Printable(path)}'.", Printable(path)),
        Eacces or Eperm => new UnauthorizedAccessException($"Access to the path '{Printable(path)}' is denied."),
        _ => new IOException($"Cannot read '{Printable(path)}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno),
    };

    [DllImport("libc.so.6", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte* path, int flags);

    [DllImport("libc.so.6", EntryPoint = "readlink", SetLastError = true)]
    private static extern nint ReadLinkNative(byte* path, byte* buffer, nint size);
}
