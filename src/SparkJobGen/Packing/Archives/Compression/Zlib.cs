using System;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// The system zlib (<c>libz.so.1</c>), called directly because it exports what the zlib bundled with .NET hides:
/// <c>deflateSetDictionary</c>, <c>deflatePending</c> and <c>deflatePrime</c>, which pigz-style block compression needs
/// to prime each block with the previous 32 KiB and to end blocks on a byte boundary cheaply.
/// </summary>
internal static class Zlib
{
    private const string Library = "libz.so.1";

    /// <summary>The size of <c>z_stream</c> on LP64 platforms (Linux x64/arm64), where <c>uLong</c> is 64 bits.</summary>
    internal const int StreamSize = 112;

    /// <summary>Offsets of the <c>z_stream</c> fields this code reads or writes (LP64 layout).</summary>
    internal const int NextIn = 0, AvailIn = 8, NextOut = 24, AvailOut = 32;

    /// <summary>Flush values from zlib.h.</summary>
    internal const int NoFlush = 0, SyncFlush = 2, Finish = 4, Block = 5;

    /// <summary>Return codes from zlib.h.</summary>
    internal const int Ok = 0, StreamEnd = 1, BufError = -5;

    /// <summary>Set to <c>1</c> to force the managed System.IO.Compression path (diagnostics and tests).</summary>
    internal const string DisableVariable = "SPARKJOBGEN_DISABLE_NATIVE_ZLIB";

    private static readonly Lazy<bool> Probe = new(ProbeLibrary);

    /// <summary>
    /// Whether the system zlib can be used: Linux, a 64-bit process, <c>libz.so.1</c> loadable with the needed exports,
    /// and a self-test round trip that .NET's own inflater accepts.
    /// </summary>
    internal static bool IsAvailable => Environment.GetEnvironmentVariable(DisableVariable) != "1" && Probe.Value;

    [DllImport(Library, EntryPoint = "zlibVersion")]
    internal static extern IntPtr Version();

    [DllImport(Library, EntryPoint = "deflateInit2_")]
    internal static extern int DeflateInit2(IntPtr stream, int level, int method, int windowBits, int memLevel, int strategy, IntPtr version, int streamSize);

    [DllImport(Library, EntryPoint = "deflateSetDictionary")]
    internal static extern int DeflateSetDictionary(IntPtr stream, IntPtr dictionary, uint length);

    [DllImport(Library, EntryPoint = "deflate")]
    internal static extern int Deflate(IntPtr stream, int flush);

    [DllImport(Library, EntryPoint = "deflateReset")]
    internal static extern int DeflateReset(IntPtr stream);

    [DllImport(Library, EntryPoint = "deflateEnd")]
    internal static extern int DeflateEnd(IntPtr stream);

    [DllImport(Library, EntryPoint = "deflatePending")]
    internal static extern int DeflatePending(IntPtr stream, out uint pending, out int bits);

    [DllImport(Library, EntryPoint = "deflatePrime")]
    internal static extern int DeflatePrime(IntPtr stream, int bits, int value);

    [DllImport(Library, EntryPoint = "deflateBound")]
    internal static extern nuint DeflateBound(IntPtr stream, nuint sourceLength);

    private static bool ProbeLibrary()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return false;
        }

        if (!NativeLibrary.TryLoad(Library, out var handle))
        {
            return false;
        }

        foreach (var export in new[] { "zlibVersion", "deflateInit2_", "deflateSetDictionary", "deflatePending", "deflatePrime", "deflateBound" })
        {
            if (!NativeLibrary.TryGetExport(handle, export, out _))
            {
                return false;
            }
        }

        try
        {
            var version = Marshal.PtrToStringAnsi(Version());
            if (version is null || !version.StartsWith("1.", StringComparison.Ordinal))
            {
                return false;
            }

            // Self-test: two primed blocks must inflate back to the input with .NET's inflater.
            var input = new byte[100_000];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)((i * 7) % 251 ^ (i >> 9));
            }

            using var deflater = new NativeDeflater(6);
            var first = deflater.Compress(Array.Empty<byte>(), 0, 0, input, 0, 60_000, last: false).ToArray();
            var second = deflater.Compress(input, 60_000 - 32_768, 32_768, input, 60_000, input.Length - 60_000, last: true).ToArray();
            using var compressed = new MemoryStream();
            compressed.Write(first);
            compressed.Write(second);
            compressed.Position = 0;
            using var inflater = new DeflateStream(compressed, CompressionMode.Decompress);
            using var result = new MemoryStream();
            inflater.CopyTo(result);
            return result.ToArray().AsSpan().SequenceEqual(input);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidDataException or IOException)
        {
            return false;
        }
    }
}
