using System;
using System.Buffers;
using System.Collections.Generic;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Caching;

namespace SparkJobGen.Submission.Preflight;

/// <summary>What the preflight learns from a packed environment archive, read once from start to end.</summary>
/// <param name="PythonVersion">The packed interpreter's <c>major.minor</c>, from its library folder (<c>lib/pythonX.Y/os.py</c> or <c>lib/pythonX.Y/site-packages/</c>); null when absent.</param>
/// <param name="MaxGlibc">The highest <c>GLIBC_x.y</c> any ELF file in the archive needs; null when none needs one.</param>
/// <param name="MaxGlibcFile">The archive entry that needs <paramref name="MaxGlibc"/>.</param>
/// <param name="ElfFiles">How many ELF files were read.</param>
public sealed partial record PackedEnvironmentFacts(string? PythonVersion, Version? MaxGlibc, string? MaxGlibcFile, int ElfFiles)
{
    /// <summary>ELF files larger than this are not read (none of a Python environment's libraries comes close).</summary>
    private const long MaxElfSize = 1L << 30;

    /// <summary>Reads an archive made by <c>sparkjobgen pack</c> or conda-pack (<c>.tar.gz</c>/<c>.tgz</c>, <c>.tar</c>, <c>.tar.bz2</c>, <c>.tar.zst</c>, <c>.zip</c>).</summary>
    /// <param name="archive">The archive's local path.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="NotSupportedException">The archive format is not one of the above.</exception>
    /// <exception cref="InvalidDataException">The archive is damaged.</exception>
    public static async Task<PackedEnvironmentFacts> ReadAsync(string archive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var collector = new Collector();
        var name = archive.ToLowerInvariant();
        if (name.EndsWith(".zip", StringComparison.Ordinal))
        {
            using var zip = ZipFile.OpenRead(archive);
            foreach (var entry in zip.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!entry.FullName.EndsWith('/'))
                {
                    await using var data = entry.Open();
                    await collector.ObserveAsync(entry.FullName, entry.Length, data, cancellationToken).ConfigureAwait(false);
                }
            }

            return collector.Result();
        }

        await using var file = File.OpenRead(archive);
        Stream tar = name switch
        {
            _ when name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal) => new GZipStream(file, CompressionMode.Decompress),
            _ when name.EndsWith(".tar.bz2", StringComparison.Ordinal) || name.EndsWith(".tbz2", StringComparison.Ordinal) => new ICSharpCode.SharpZipLib.BZip2.BZip2InputStream(file),
            _ when name.EndsWith(".tar.zst", StringComparison.Ordinal) || name.EndsWith(".tzst", StringComparison.Ordinal) => new ZstdSharp.DecompressionStream(file),
            _ when name.EndsWith(".tar", StringComparison.Ordinal) => file,
            _ => throw new NotSupportedException($"'{archive}' is not a .tar.gz, .tgz, .tar, .tar.bz2, .tar.zst or .zip archive, so its Python version and glibc needs cannot be read."),
        };

        await using (tar.ConfigureAwait(false))
        {
            using var reader = new TarReader(tar);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    await collector.ObserveAsync(entry.Name, entry.Length, data, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return collector.Result();
    }

    /// <summary>
    /// The facts of an archive, read once and cached while the archive keeps its path, length and modification time, so a
    /// later submission of an unchanged archive does not decompress it again.
    /// </summary>
    /// <param name="archive">The archive's local path.</param>
    /// <param name="cacheDirectory">Where facts are cached (one small JSON file per archive path); null to always read.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="NotSupportedException">The archive format is not supported.</exception>
    /// <exception cref="InvalidDataException">The archive is damaged.</exception>
    public static async Task<PackedEnvironmentFacts> ReadAsync(string archive, string? cacheDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var stamp = FileStampCache.CurrentStamp(archive);
        if (cacheDirectory is null || stamp is null)
        {
            return await ReadAsync(archive, cancellationToken).ConfigureAwait(false);
        }

        if (FileStampCache.TryRead(cacheDirectory, archive) is { } values && FromCache(values) is { } cached)
        {
            return cached;
        }

        var facts = await ReadAsync(archive, cancellationToken).ConfigureAwait(false);
        var record = new Dictionary<string, string> { ["elfFiles"] = facts.ElfFiles.ToString(CultureInfo.InvariantCulture) };
        if (facts.PythonVersion is { } python)
        {
            record["python"] = python;
        }

        if (facts.MaxGlibc is { } glibc)
        {
            record["maxGlibc"] = glibc.ToString();
            record["maxGlibcFile"] = facts.MaxGlibcFile ?? string.Empty;
        }

        FileStampCache.Write(cacheDirectory, archive, stamp, record);
        return facts;
    }

    private static PackedEnvironmentFacts? FromCache(Dictionary<string, string> values)
    {
        if (!values.TryGetValue("elfFiles", out var elfText) || !int.TryParse(elfText, NumberStyles.None, CultureInfo.InvariantCulture, out var elfFiles))
        {
            return null;
        }

        Version? glibc = null;
        if (values.TryGetValue("maxGlibc", out var glibcText) && !Version.TryParse(glibcText, out glibc))
        {
            return null;
        }

        return new PackedEnvironmentFacts(values.GetValueOrDefault("python"), glibc, glibc is null ? null : values.GetValueOrDefault("maxGlibcFile"), elfFiles);
    }

    private sealed partial class Collector
    {
        private string? _python;
        private Version? _maxGlibc;
        private string? _maxGlibcFile;
        private int _elfFiles;

        public async Task ObserveAsync(string path, long length, Stream data, CancellationToken cancellationToken)
        {
            if (_python is null && StandardLibrary().Match(path) is { Success: true } match)
            {
                _python = match.Groups[1].Value;
            }

            if (length < 64 || length > MaxElfSize)
            {
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                await data.ReadExactlyAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
                if (!ElfSymbolVersions.IsElf(buffer.AsSpan(0, 4)))
                {
                    return;
                }

                await data.ReadExactlyAsync(buffer.AsMemory(4, (int)length - 4), cancellationToken).ConfigureAwait(false);
                _elfFiles++;
                Version? needed;
                try
                {
                    needed = ElfSymbolVersions.MaxGlibc(buffer.AsSpan(0, (int)length));
                }
                catch (FormatException)
                {
                    // A file that starts like ELF but is not a well-formed one (a test fixture, a truncated object) needs nothing.
                    return;
                }

                if (needed is not null && (_maxGlibc is null || needed > _maxGlibc))
                {
                    _maxGlibc = needed;
                    _maxGlibcFile = path;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public PackedEnvironmentFacts Result() => new(_python, _maxGlibc, _maxGlibcFile, _elfFiles);

        // The standard library of a conda prefix or a standalone venv (lib/python3.11/os.py), or a venv's site-packages, at any archive root.
        [GeneratedRegex(@"(?:^|/)lib/python(\d+\.\d+)/(?:os\.py$|site-packages/)", RegexOptions.CultureInvariant)]
        private static partial Regex StandardLibrary();
    }
}
