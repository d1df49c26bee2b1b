using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>
/// Packs a conda prefix or a virtual environment into one relocatable archive for <c>--archives env.tar.gz#environment</c>,
/// with conda-pack's semantics (checks, prefix rewriting, <c>conda-unpack</c>, activate scripts) plus deterministic bytes,
/// parallel compression, a content cache and atomic output.
/// </summary>
public static class EnvironmentPacker
{
    /// <summary>Locates the environment, reads it, and packs it (or returns the cached archive).</summary>
    /// <param name="options">What to pack and how.</param>
    /// <param name="progress">Receives file and byte counts while packing; may be null.</param>
    /// <param name="cancellationToken">Stops packing; nothing is left behind.</param>
    /// <returns>What was produced.</returns>
    /// <exception cref="PackingException">The environment cannot be packed; the message says why and what to do.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static async Task<PackResult> PackAsync(PackOptions options, IProgress<PackProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stopwatch = Stopwatch.StartNew();
        var location = EnvironmentLocator.Resolve(options.Prefix, options.Name);
        var format = options.ResolveFormat();
        var output = Path.GetFullPath(options.Output ?? DefaultOutputName(location, options, format));
        PackOutput.RefuseEnvironment(output, location.Prefix);
        try
        {
            var result = await PackLocatedAsync(location, format, output, options, progress, stopwatch, cancellationToken).ConfigureAwait(false);
            return ArchiveFormats.NameMismatch(format, output) is { } mismatch ? result with { Warnings = [.. result.Warnings, mismatch] } : result;
        }
        catch (Exception e) when (AsUserError(e, output) is { } error)
        {
            throw error;
        }
    }

    private static async Task<PackResult> PackLocatedAsync(
        EnvironmentLocation location, ArchiveFormat format, string output, PackOptions options, IProgress<PackProgress>? progress, Stopwatch stopwatch,
        CancellationToken cancellationToken)
    {
        string? metadataKey = null;
        if (options.UseCache)
        {
            // The cheap check first: a metadata walk, no entries, no checks, no content key.
            metadataKey = PackCache.MetadataKey(location, options, format);
            if (new PackCache(options.CacheDirectory).FindByMetadata(output, metadataKey) is { } cached)
            {
                return cached with { Duration = stopwatch.Elapsed };
            }
        }

        // The checking pass: every check runs and the content key is known before a byte is written; the writing pass walks
        // the disk again, so no pass holds the environment's entries.
        using var entries = EnvironmentEntries.Open(location, options);
        string contentKey;
        EntryScan scan;
        var links = format == ArchiveFormat.Zip && !options.ZipSymlinks ? new SymlinkCopies() : null;
        var bytesOnly = new List<string>();
        using (var key = new ContentKeyBuilder(options, format, location.Prefix))
        {
            scan = entries.Scan(options, entry =>
            {
                key.Add(entry);
                links?.Observe(entry);
                if (format is ArchiveFormat.Zip or ArchiveFormat.NoArchive && (PathBytes.HasEscapes(entry.ArchivePath) || PathBytes.HasEscapes(entry.LinkTarget)))
                {
                    bytesOnly.Add(PathBytes.Printable(entry.ArchivePath));
                }
            });
            contentKey = key.Finish();
        }

        if (bytesOnly.Count > 0)
        {
            // tar stores names as bytes; a zip name is UTF-8 (or CP437, which would unpack as other characters), and the
            // no-archive writer creates files through .NET, which cannot name them.
            throw new PackingException(
                $"{bytesOnly.Count} file name(s) in '{location.Prefix}' are not valid UTF-8, which --format {ArchiveFormats.Name(format)} cannot store as they are: "
                + string.Join(", ", bytesOnly.Take(10).Select(n => $"'{n}'")) + (bytesOnly.Count > 10 ? ", ..." : "")
                + ". Pack as tar.gz (tar keeps names byte for byte), rename them, or exclude them (--exclude).");
        }

        var plan = new PackPlan(location, entries.Enumerate, scan.Count, scan.ContentBytes, scan.Warnings, entries.HasCondaPackage, contentKey) { Links = links };
        return await PackCoreAsync(plan, options, progress, metadataKey, stopwatch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The user's situation behind a failure that is not a <see cref="PackingException"/> (a full disk, a file changed or unreadable
    /// while packing, an invalid conda record) as one, saying what to do; null for anything else (a bug, cancellation, bad options).
    /// </summary>
    /// <param name="failure">What was thrown.</param>
    /// <param name="output">The output being written.</param>
    private static PackingException? AsUserError(Exception failure, string output) => failure switch
    {
        PackingException or OperationCanceledException => null,
        IOException { HResult: DiskFull or QuotaExceeded or FileTooLarge } => new PackingException(
            $"Writing '{output}' failed: {failure.Message}. Nothing was left behind; free space on that disk or choose an --output on another one, then pack again.", failure),
        InvalidDataException => new PackingException(
            $"{failure.Message} The environment's package records are damaged: reinstall that package (conda install --force-reinstall <name>) or remove the environment and create it again.", failure),
        IOException => new PackingException(
            $"Packing into '{output}' failed: {failure.Message} Nothing was left behind; fix the cause (a file changed while packing: pack again when nothing installs into the environment) and pack again.", failure),
        UnauthorizedAccessException => new PackingException(
            $"Packing into '{output}' failed: {failure.Message} Fix the permissions, or exclude what cannot be read (--exclude), and pack again.", failure),
        _ => null,
    };

    /// <summary>errno values of a full disk (ENOSPC), an exhausted quota (EDQUOT) and a file size limit (EFBIG), as .NET's IOException carries them.</summary>
    private const int DiskFull = 28, QuotaExceeded = 122, FileTooLarge = 27;

    /// <summary>What is about to be packed: the entries (enumerable again) and what the checking pass learnt of them.</summary>
    /// <param name="Location">The environment.</param>
    /// <param name="Entries">Gives the entries in archive order, each call from the start.</param>
    /// <param name="Count">The number of entries.</param>
    /// <param name="ContentBytes">Their total size on disk.</param>
    /// <param name="Warnings">What the user should know.</param>
    /// <param name="HasCondaPackage">Whether the environment holds conda itself.</param>
    /// <param name="ContentKey">The content key of the entries.</param>
    private sealed record PackPlan(
        EnvironmentLocation Location, Func<IEnumerable<PackEntry>> Entries, int Count, long ContentBytes, IReadOnlyList<string> Warnings, bool HasCondaPackage,
        string ContentKey)
    {
        /// <summary>For zip without <c>--zip-symlinks</c>: the symlinks the checking pass saw, to be stored as copies.</summary>
        public SymlinkCopies? Links { get; init; }
    }

    private static async Task<PackResult> PackCoreAsync(
        PackPlan plan, PackOptions options, IProgress<PackProgress>? progress, string? metadataKey, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var format = options.ResolveFormat();
        var output = Path.GetFullPath(options.Output ?? DefaultOutputName(plan.Location, options, format));
        var cache = new PackCache(options.CacheDirectory);

        if (options.UseCache && cache.FindCurrent(output, plan.ContentKey) is { } stored)
        {
            // Same content, new metadata (files touched, the record from an older version): remember the metadata key too,
            // so the next pack of this unchanged environment is the cheap hit again.
            var key = stored.Key;
            var reused = (stored.Result ?? Result(output, format, plan, key, fromCache: true, stopwatch.Elapsed, unpackRecords: 0))
                with { FromCache = true, Duration = stopwatch.Elapsed };
            if (metadataKey is not null)
            {
                cache.Remember(output, key, metadataKey, reused);
            }

            return reused;
        }

        PackOutput.CheckTarget(output, format, options.Force);
        if (options.RecordInCache)
        {
            cache.Forget(output);
        }

        var writerOptions = new ArchiveWriterOptions
        {
            CompressionLevel = options.CompressionLevel ?? ArchiveFormats.CompressionLevels(format).Default,
            Threads = options.Threads,
            ZipSymlinks = options.ZipSymlinks,
            ArcRoot = string.IsNullOrEmpty(options.ArcRoot) ? null : options.ArcRoot.Trim('/'),
            Overwrite = options.Force,
        };

        var entries = plan.Entries();
        var count = plan.Count;
        if (format == ArchiveFormat.Zip && !options.ZipSymlinks)
        {
            // Zip has no standard symlinks: like conda-pack, store a copy of each link's target (whatever root it came from).
            // One more walk picks the targets out; only the links and their targets are held.
            var links = plan.Links!;
            if (links.LinkCount > 0)
            {
                links.Resolve(plan.Entries());
                entries = links.Expand(entries);
                count = count - links.LinkCount + links.CopyCount;
            }
        }

        int records;
        if (format == ArchiveFormat.NoArchive)
        {
            await using var writer = ArchiveWriter.CreateDirectory(output, writerOptions);
            records = await WriteEntriesAsync(writer, entries, count, plan.HasCondaPackage, options, progress, plan.ContentBytes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var file = AtomicFile.Create(output, overwrite: options.Force);
            await using (var writer = ArchiveWriter.Create(format, file.Stream, writerOptions))
            {
                records = await WriteEntriesAsync(writer, entries, count, plan.HasCondaPackage, options, progress, plan.ContentBytes, cancellationToken).ConfigureAwait(false);
            }

            await file.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Remembered even when the lookup was skipped (--no-cache), so the next pack of this content can reuse it.
        var result = Result(output, format, plan, plan.ContentKey, fromCache: false, stopwatch.Elapsed, records);
        if (options.RecordInCache)
        {
            cache.Remember(output, plan.ContentKey, metadataKey, result);
        }

        return result;
    }

    /// <summary>conda-pack's default name: the destination prefix's or the environment's folder name plus the format's extension.</summary>
    /// <param name="location">The environment.</param>
    /// <param name="options">The options.</param>
    /// <param name="format">The format.</param>
    public static string DefaultOutputName(EnvironmentLocation location, PackOptions options, ArchiveFormat format)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(options.DestinationPrefix ?? location.Prefix));
        return name + ArchiveFormats.DefaultExtension(format);
    }

    private static async Task<int> WriteEntriesAsync(
        IArchiveWriter writer, IEnumerable<PackEntry> entries, int total, bool hasCondaPackage, PackOptions options, IProgress<PackProgress>? progress, long bytesTotal,
        CancellationToken cancellationToken)
    {
        using var records = new UnpackRecordLog();
        var files = new PackedFileWriter(options.DestinationPrefix, records);
        long bytesDone = 0;
        var done = 0;
        var lastReport = Stopwatch.StartNew();

        // First names of files with several names, stored exactly as on disk: a later name of one becomes a hard link to it.
        // Only the rules that decided them are kept (a conda prefix hard-linked into its package cache has tens of thousands).
        var storedAsIs = new Dictionary<string, (IReadOnlyList<PrefixOnDisk>? Prefixes, bool FixShebang)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (entry.Kind)
            {
                case PackEntryKind.Directory:
                    writer.AddDirectory(entry.ArchivePath, entry.UnixMode);
                    break;
                case PackEntryKind.Symlink:
                    writer.AddSymlink(entry.ArchivePath, entry.LinkTarget!);
                    break;
                case PackEntryKind.File when entry.HardLinkTarget is { } first && writer is IHardLinkWriter links
                    && storedAsIs.TryGetValue(first, out var firstRules) && SameBytesStored(firstRules, entry):
                    links.AddHardLink(entry.ArchivePath, entry.UnixMode, first);
                    break;
                default:
                    if (files.Add(writer, entry) && entry.HasOtherNames && writer is IHardLinkWriter)
                    {
                        storedAsIs[entry.ArchivePath] = (entry.Prefixes, entry.FixShebang);
                    }

                    break;
            }

            done++;
            bytesDone += entry.Length;
            if (progress is not null && (lastReport.ElapsedMilliseconds >= 100 || done == total))
            {
                progress.Report(new PackProgress(done, total, bytesDone, bytesTotal));
                lastReport.Restart();
            }
        }

        // conda-pack's additions: activate/deactivate (unless the env brings conda itself and is packed for a fixed prefix),
        // and conda-unpack when the archive is relocatable.
        if (!(options.DestinationPrefix is not null && hasCondaPackage))
        {
            writer.AddFile("bin/activate", 0b110_100_100, UnpackScripts.Activate());
            writer.AddFile("bin/deactivate", 0b110_100_100, UnpackScripts.Deactivate());
            writer.AddFile(UnpackScripts.ActivateFishPath, 0b110_100_100, UnpackScripts.ActivateFish());
        }

        if (options.DestinationPrefix is null)
        {
            using var script = UnpackScripts.CondaUnpack(records, ToolVersion);
            writer.AddFile(UnpackScripts.CondaUnpackPath, 0b111_101_101, script.Length, script);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return records.Count;
    }

    /// <summary>
    /// Whether a later name of a file, linked to its first name (stored as it is on disk), would have been stored as it is too:
    /// the same prefixes to look for and shebang rule, no pyc stamp, no conda record. Then the link holds the right bytes, and
    /// conda-unpack, which rewrites only files with records, never splits the pair.
    /// </summary>
    private static bool SameBytesStored((IReadOnlyList<PrefixOnDisk>? Prefixes, bool FixShebang) first, PackEntry later) =>
        ReferenceEquals(first.Prefixes, later.Prefixes) && first.FixShebang == later.FixShebang && later.PycSource is null && !later.CondaRecord
        && later.RunPath is null && later.Generated is null;

    private static PackResult Result(string output, ArchiveFormat format, PackPlan plan, string key, bool fromCache, TimeSpan duration, int unpackRecords) =>
        new(output, format, plan.Location.Prefix, plan.Location.Kind, plan.Count, plan.ContentBytes,
            File.Exists(output) ? new FileInfo(output).Length : 0, key, fromCache, duration, unpackRecords, plan.Warnings);

    /// <summary>The packer's version, written into <c>conda-unpack</c>.</summary>
    internal static string ToolVersion { get; } =
        typeof(EnvironmentPacker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
