using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

public sealed class ArchiveFormatsTests
{
    [SkippableTheory]
    [InlineData("tar.gz", ArchiveFormat.TarGz)]
    [InlineData("tgz", ArchiveFormat.TarGz)]
    [InlineData("TAR.GZ", ArchiveFormat.TarGz)]
    [InlineData("tar.bz2", ArchiveFormat.TarBz2)]
    [InlineData("tbz2", ArchiveFormat.TarBz2)]
    [InlineData("tar.zst", ArchiveFormat.TarZst)]
    [InlineData("tzst", ArchiveFormat.TarZst)]
    [InlineData("tar", ArchiveFormat.Tar)]
    [InlineData("zip", ArchiveFormat.Zip)]
    [InlineData("no-archive", ArchiveFormat.NoArchive)]
    public void Explicit_formats_ignore_the_output_extension(string format, ArchiveFormat expected) =>
        Assert.Equal(expected, ArchiveFormats.Resolve(format, "whatever.zip"));

    [SkippableTheory]
    [InlineData("env.tar.gz", ArchiveFormat.TarGz)]
    [InlineData("/out/env.tgz", ArchiveFormat.TarGz)]
    [InlineData("env.tar.bz2", ArchiveFormat.TarBz2)]
    [InlineData("env.tbz2", ArchiveFormat.TarBz2)]
    [InlineData("env.tar.zst", ArchiveFormat.TarZst)]
    [InlineData("env.tzst", ArchiveFormat.TarZst)]
    [InlineData("env.tar", ArchiveFormat.Tar)]
    [InlineData("env.ZIP", ArchiveFormat.Zip)]
    [InlineData(null, ArchiveFormat.TarGz)]
    public void Infer_reads_the_extension_and_defaults_to_tar_gz_without_output(string? output, ArchiveFormat expected)
    {
        Assert.Equal(expected, ArchiveFormats.Resolve("infer", output));
        Assert.Equal(expected, ArchiveFormats.Resolve(null, output));
    }

    [SkippableTheory]
    [InlineData("env")]
    [InlineData("env.gz")]
    [InlineData("env.tar.xz")]
    public void Infer_refuses_unknown_extensions_and_names_the_choices(string output)
    {
        var error = Assert.Throws<ArgumentException>(() => ArchiveFormats.Resolve("infer", output));
        Assert.Contains(output, error.Message);
        Assert.Contains("--format no-archive", error.Message);
    }

    [SkippableFact]
    public void Unknown_format_lists_every_accepted_value()
    {
        var error = Assert.Throws<ArgumentException>(() => ArchiveFormats.Resolve("rar", "env.rar"));
        foreach (var name in ArchiveFormats.FormatNames)
        {
            Assert.Contains(name, error.Message);
        }
    }

    [SkippableTheory]
    [InlineData(ArchiveFormat.TarGz, ".tar.gz", "tar.gz")]
    [InlineData(ArchiveFormat.TarBz2, ".tar.bz2", "tar.bz2")]
    [InlineData(ArchiveFormat.TarZst, ".tar.zst", "tar.zst")]
    [InlineData(ArchiveFormat.Tar, ".tar", "tar")]
    [InlineData(ArchiveFormat.Zip, ".zip", "zip")]
    [InlineData(ArchiveFormat.NoArchive, "", "no-archive")]
    public void Extension_and_name_round_trip(ArchiveFormat format, string extension, string name)
    {
        Assert.Equal(extension, ArchiveFormats.DefaultExtension(format));
        Assert.Equal(name, ArchiveFormats.Name(format));
        Assert.Equal(format, ArchiveFormats.Resolve(name, null));
    }

    [SkippableTheory]
    [InlineData(ArchiveFormat.TarGz, 10)]
    [InlineData(ArchiveFormat.TarGz, -1)]
    [InlineData(ArchiveFormat.TarBz2, 0)]
    [InlineData(ArchiveFormat.TarZst, 23)]
    public void Out_of_range_levels_are_refused_with_the_range(ArchiveFormat format, int level)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => ArchiveWriter.Create(format, new MemoryStream(), new ArchiveWriterOptions { CompressionLevel = level }));
        var (minimum, maximum, _) = ArchiveFormats.CompressionLevels(format);
        Assert.Contains($"between {minimum} and {maximum}", error.Message);
    }

    [SkippableFact]
    public void No_archive_is_not_a_stream_format() =>
        Assert.Throws<ArgumentException>(() => ArchiveWriter.Create(ArchiveFormat.NoArchive, new MemoryStream(), new ArchiveWriterOptions()));

    [SkippableTheory]
    [InlineData("/abs/path")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("dir/")]
    public void Bad_archive_paths_are_refused(string path)
    {
        var writer = ArchiveWriter.Create(ArchiveFormat.Tar, new MemoryStream(), new ArchiveWriterOptions());
        Assert.Throws<ArgumentException>(() => writer.AddFile(path, 0x1A4, ReadOnlyMemory<byte>.Empty));
    }
}
