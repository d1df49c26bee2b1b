using System;
using System.IO;

namespace SparkJobGen.Packing.Archives;

/// <summary>The output formats of the packer, named after conda-pack's <c>--format</c> values.</summary>
public enum ArchiveFormat
{
    /// <summary>A tar stream in one gzip member (<c>tar.gz</c>, <c>tgz</c>), compressed on all cores.</summary>
    TarGz,

    /// <summary>A tar stream in bzip2 (<c>tar.bz2</c>, <c>tbz2</c>).</summary>
    TarBz2,

    /// <summary>A tar stream in Zstandard (<c>tar.zst</c>, <c>tzst</c>).</summary>
    TarZst,

    /// <summary>An uncompressed tar stream (<c>tar</c>).</summary>
    Tar,

    /// <summary>A zip archive (<c>zip</c>).</summary>
    Zip,

    /// <summary>No archive: the environment is written out as a directory (<c>no-archive</c>).</summary>
    NoArchive,
}

/// <summary>Parses conda-pack's <c>--format</c> values and knows each format's file name extension and level range.</summary>
public static class ArchiveFormats
{
    /// <summary>The values <c>--format</c> accepts, in the order conda-pack documents them.</summary>
    public static readonly string[] FormatNames =
        ["infer", "zip", "tar.gz", "tgz", "tar.bz2", "tbz2", "tar.zst", "tzst", "tar", "no-archive"];

    /// <summary>
    /// Resolves a <c>--format</c> value. <c>infer</c> reads the output path's extension (<c>.tar.gz</c>/<c>.tgz</c>,
    /// <c>.tar.bz2</c>/<c>.tbz2</c>, <c>.tar.zst</c>/<c>.tzst</c>, <c>.tar</c>, <c>.zip</c>) and, like conda-pack, means
    /// <c>tar.gz</c> when no output path is given. Like conda-pack, inference never picks <c>no-archive</c>: a path
    /// without a known extension is an error that names the explicit choices.
    /// </summary>
    /// <param name="format">The <c>--format</c> value (case-insensitive); <see langword="null"/> or empty means <c>infer</c>.</param>
    /// <param name="outputPath">The <c>--output</c> path, or <see langword="null"/> when the default name will be used.</param>
    /// <returns>The archive format.</returns>
    /// <exception cref="ArgumentException">The format is unknown, or <c>infer</c> cannot tell the format from the path.</exception>
    public static ArchiveFormat Resolve(string? format, string? outputPath)
    {
        var value = string.IsNullOrWhiteSpace(format) ? "infer" : format.Trim().ToLowerInvariant();
        switch (value)
        {
            case "tar.gz":
            case "tgz":
                return ArchiveFormat.TarGz;
            case "tar.bz2":
            case "tbz2":
                return ArchiveFormat.TarBz2;
            case "tar.zst":
            case "tzst":
                return ArchiveFormat.TarZst;
            case "tar":
                return ArchiveFormat.Tar;
            case "zip":
                return ArchiveFormat.Zip;
            case "no-archive":
                return ArchiveFormat.NoArchive;
            case "infer":
                return Infer(outputPath);
            default:
                throw new ArgumentException(
                    $"Unknown archive format '{format}'. Use one of: {string.Join(", ", FormatNames)}.");
        }
    }

    /// <summary>The file name extension of a format, with its leading dot; empty for <see cref="ArchiveFormat.NoArchive"/>.</summary>
    /// <param name="format">The format.</param>
    /// <returns>For example <c>.tar.gz</c>.</returns>
    public static string DefaultExtension(ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarGz => ".tar.gz",
        ArchiveFormat.TarBz2 => ".tar.bz2",
        ArchiveFormat.TarZst => ".tar.zst",
        ArchiveFormat.Tar => ".tar",
        ArchiveFormat.Zip => ".zip",
        ArchiveFormat.NoArchive => string.Empty,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown archive format."),
    };

    /// <summary>The <c>--format</c> spelling of a format, for messages.</summary>
    /// <param name="format">The format.</param>
    /// <returns>For example <c>tar.gz</c>.</returns>
    public static string Name(ArchiveFormat format) => format switch
    {
        ArchiveFormat.NoArchive => "no-archive",
        _ => DefaultExtension(format)[1..],
    };

    /// <summary>
    /// The compression levels a format accepts, inclusive, and the default (conda-pack's 4 everywhere it applies).
    /// Formats without compression (<c>tar</c>, <c>no-archive</c>) accept any level and ignore it.
    /// </summary>
    /// <param name="format">The format.</param>
    /// <returns>Minimum, maximum and default level.</returns>
    public static (int Minimum, int Maximum, int Default) CompressionLevels(ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarGz => (0, 9, 4),
        ArchiveFormat.Zip => (0, 9, 4),
        ArchiveFormat.TarBz2 => (1, 9, 4),
        ArchiveFormat.TarZst => (1, 22, 4),
        _ => (int.MinValue, int.MaxValue, 4),
    };

    /// <summary>Throws a clear error when <paramref name="level"/> is outside the range of <paramref name="format"/>.</summary>
    /// <param name="format">The format.</param>
    /// <param name="level">The requested level (<c>--compress-level</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The level is out of range.</exception>
    public static void ValidateCompressionLevel(ArchiveFormat format, int level)
    {
        var (minimum, maximum, _) = CompressionLevels(format);
        if (level < minimum || level > maximum)
        {
            // No parameter name or value: the message is shown to the user as it is.
            throw new ArgumentOutOfRangeException(null, $"--compress-level for {Name(format)} must be between {minimum} and {maximum}, not {level}.");
        }
    }

    /// <summary>
    /// A warning when <paramref name="outputPath"/> ends like an archive of another format than <paramref name="format"/>
    /// (<c>--format zip -o env.tar.gz</c>): YARN and Spark choose how to unpack an archive by its name. Null when the name fits
    /// or has no archive extension.
    /// </summary>
    /// <param name="format">The format written.</param>
    /// <param name="outputPath">The output path.</param>
    public static string? NameMismatch(ArchiveFormat format, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        if (format == ArchiveFormat.NoArchive)
        {
            return null;
        }

        ArchiveFormat named;
        try
        {
            named = Infer(outputPath);
        }
        catch (ArgumentException)
        {
            return null;
        }

        return named == format
            ? null
            : $"The archive is {Name(format)} but its name '{Path.GetFileName(outputPath)}' ends like a {Name(named)} archive: YARN and Spark choose how to unpack "
              + $"an archive by its name, so it would not unpack on the cluster. Name it *{DefaultExtension(format)}, or leave --format out to write the format the name says.";
    }

    private static ArchiveFormat Infer(string? outputPath)
    {
        if (string.IsNullOrEmpty(outputPath))
        {
            return ArchiveFormat.TarGz;
        }

        var name = outputPath.ToLowerInvariant();
        if (name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal))
        {
            return ArchiveFormat.TarGz;
        }

        if (name.EndsWith(".tar.bz2", StringComparison.Ordinal) || name.EndsWith(".tbz2", StringComparison.Ordinal))
        {
            return ArchiveFormat.TarBz2;
        }

        if (name.EndsWith(".tar.zst", StringComparison.Ordinal) || name.EndsWith(".tzst", StringComparison.Ordinal))
        {
            return ArchiveFormat.TarZst;
        }

        if (name.EndsWith(".tar", StringComparison.Ordinal))
        {
            return ArchiveFormat.Tar;
        }

        if (name.EndsWith(".zip", StringComparison.Ordinal))
        {
            return ArchiveFormat.Zip;
        }

        throw new ArgumentException(
            $"Cannot infer the archive format from the extension of '{outputPath}'. Name the output *.tar.gz, *.tgz, *.tar.bz2, "
            + "*.tbz2, *.tar.zst, *.tzst, *.tar or *.zip, or pass --format (use --format no-archive to write a directory).");
    }
}
