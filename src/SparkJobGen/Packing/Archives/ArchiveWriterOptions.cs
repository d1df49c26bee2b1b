namespace SparkJobGen.Packing.Archives;

/// <summary>How an <see cref="IArchiveWriter"/> writes: conda-pack's <c>--compress-level</c>, <c>-j</c>, <c>--zip-symlinks</c> and <c>--arcroot</c>.</summary>
public sealed record ArchiveWriterOptions
{
    /// <summary>
    /// The compression level: 0-9 for gzip and zip (zlib levels), 1-9 for bzip2 (the block size in 100 kB), 1-22 for
    /// Zstandard; ignored by tar and no-archive. Defaults to 4, conda-pack's default.
    /// </summary>
    public int CompressionLevel { get; init; } = 4;

    /// <summary>Compression threads; -1 (the default) uses every core, 1 compresses on the calling thread.</summary>
    public int Threads { get; init; } = -1;

    /// <summary>
    /// Zip only: store symbolic links as links (Unix mode in the external attributes, the target as content). When
    /// <see langword="false"/> (conda-pack's default) the zip writer refuses links: <see cref="EnvironmentPacker"/> stores a
    /// copy of each link's target under its name before the writer sees it.
    /// </summary>
    public bool ZipSymlinks { get; init; }

    /// <summary>A relative directory every entry is placed under inside the archive (conda-pack's <c>--arcroot</c>); none by default.</summary>
    public string? ArcRoot { get; init; }

    /// <summary>No-archive only: replace an existing output directory (conda-pack's <c>--force</c>).</summary>
    public bool Overwrite { get; init; }

    /// <summary>The gzip deflate back end; null (the default) chooses by level (<see cref="ParallelGzipStream.ChooseBackend"/>).</summary>
    internal GzipBackend? GzipBackend { get; init; }

    /// <summary>The number of threads <see cref="Threads"/> stands for on this machine.</summary>
    public int EffectiveThreads => Threads <= 0 ? System.Environment.ProcessorCount : Threads;
}
