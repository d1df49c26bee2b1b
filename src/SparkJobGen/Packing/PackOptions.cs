using System;
using System.Collections.Generic;
using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing;

/// <summary>What to pack and how; the options of conda-pack plus caching. Immutable: use <c>with</c> to vary.</summary>
public sealed record PackOptions
{
    /// <summary>The environment directory (<c>-p/--prefix</c>); with <see cref="Name"/> null and this null, the active environment.</summary>
    public string? Prefix { get; init; }

    /// <summary>A conda environment name (<c>-n/--name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>The archive to write (<c>-o/--output</c>); defaults to <c>&lt;env name&gt;&lt;extension&gt;</c> in the current directory.</summary>
    public string? Output { get; init; }

    /// <summary>The <c>--format</c>: infer, tar.gz, tgz, tar.bz2, tbz2, tar.zst, tzst, tar, zip or no-archive.</summary>
    public string Format { get; init; } = "infer";

    /// <summary>The <c>--compress-level</c>; null means the format's default (4 for gzip, like conda-pack).</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Compression threads (<c>-j/--n-threads</c>); -1 uses every core.</summary>
    public int Threads { get; init; } = -1;

    /// <summary>A folder every entry is placed under inside the archive (<c>--arcroot</c>).</summary>
    public string? ArcRoot { get; init; }

    /// <summary>
    /// The absolute path the environment will live at (<c>-d/--dest-prefix</c>): prefixes are rewritten now and no
    /// <c>conda-unpack</c> is added. Null packs a relocatable archive with <c>bin/conda-unpack</c>.
    /// </summary>
    public string? DestinationPrefix { get; init; }

    /// <summary>Ordered <c>--exclude</c>/<c>--include</c> globs.</summary>
    public IReadOnlyList<PathFilterRule> Filters { get; init; } = [];

    /// <summary>Pack even though files recorded by conda packages are missing (<c>--ignore-missing-files</c>).</summary>
    public bool IgnoreMissingFiles { get; init; }

    /// <summary>Pack even though editable packages are installed (<c>--ignore-editable-packages</c>); their code is not included.</summary>
    public bool IgnoreEditablePackages { get; init; }

    /// <summary>Pack even though pip overwrote conda-owned files (<c>--ignore-clobbered-files</c>).</summary>
    public bool IgnoreClobberedFiles { get; init; }

    /// <summary>Overwrite an existing output that is not this environment's cached archive (<c>-f/--force</c>).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Conda record rows held in memory before sorted runs go to a temporary folder (see <see cref="ClaimSet"/>); tests set it
    /// low to exercise the runs on small prefixes.
    /// </summary>
    internal int ClaimRunRows { get; init; } = ClaimSet.DefaultRunRows;

    /// <summary>Zip only: store symlinks as links (<c>--zip-symlinks</c>).</summary>
    public bool ZipSymlinks { get; init; }

    /// <summary>
    /// Reuse the output when it was packed from exactly this content (same files, sizes, times, modes and options). On by default;
    /// <c>--no-cache</c> turns it off for this pack (which still records what it wrote, for the next one).
    /// </summary>
    public bool UseCache { get; init; } = true;

    /// <summary>
    /// Whether the pack records what it wrote in the cache (on by default, also with <see cref="UseCache"/> off). Off for a pack
    /// to a temporary file that its caller renames and records itself (<see cref="PackingEnvironmentArchiver"/>).
    /// </summary>
    internal bool RecordInCache { get; init; } = true;

    /// <summary>Where cache records live; defaults to <see cref="PackCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The resolved archive format.</summary>
    public ArchiveFormat ResolveFormat() => ArchiveFormats.Resolve(Format, Output);

    /// <summary>Checks values that do not depend on the environment.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        var format = ResolveFormat();
        if (CompressionLevel is { } level)
        {
            ArchiveFormats.ValidateCompressionLevel(format, level);
        }

        if (Threads == 0 || Threads < -1)
        {
            throw new ArgumentException($"-j/--n-threads must be a positive number of threads or -1 for all cores, not {Threads}.");
        }

        if (DestinationPrefix is { } destination && !destination.StartsWith('/'))
        {
            throw new ArgumentException($"-d/--dest-prefix must be an absolute path, not '{destination}'.");
        }

        if (ArcRoot is { } root && (root.StartsWith('/') || root.Split('/').Contains("..")))
        {
            throw new ArgumentException($"--arcroot must be a relative path inside the archive, not '{root}'.");
        }
    }
}

/// <summary>Progress of a pack, reported after each file.</summary>
/// <param name="FilesDone">Entries written.</param>
/// <param name="FilesTotal">Entries to write.</param>
/// <param name="BytesDone">Bytes of file content read.</param>
/// <param name="BytesTotal">Bytes of file content to read.</param>
public sealed record PackProgress(long FilesDone, long FilesTotal, long BytesDone, long BytesTotal);

/// <summary>What a pack produced.</summary>
/// <param name="ArchivePath">The archive (or directory for no-archive).</param>
/// <param name="Format">The format written.</param>
/// <param name="Prefix">The environment that was packed.</param>
/// <param name="Kind">Conda prefix or virtual environment.</param>
/// <param name="Files">Number of entries.</param>
/// <param name="ContentBytes">Bytes of file content packed.</param>
/// <param name="ArchiveBytes">Size of the archive (0 for no-archive).</param>
/// <param name="ContentKey">The content key (hex SHA-256) that names this archive in the cache.</param>
/// <param name="FromCache">Whether an existing archive of the same content was reused.</param>
/// <param name="Duration">Wall-clock time.</param>
/// <param name="UnpackRecords">How many prefix records <c>bin/conda-unpack</c> carries (0 with a destination prefix).</param>
/// <param name="Warnings">Things the user should know.</param>
public sealed record PackResult(
    string ArchivePath,
    ArchiveFormat Format,
    string Prefix,
    EnvironmentKind Kind,
    int Files,
    long ContentBytes,
    long ArchiveBytes,
    string ContentKey,
    bool FromCache,
    TimeSpan Duration,
    int UnpackRecords,
    IReadOnlyList<string> Warnings);
