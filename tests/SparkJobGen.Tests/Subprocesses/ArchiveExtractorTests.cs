using SparkJobGen.Submission;
using SparkJobGen.Subprocesses;

namespace SparkJobGen.Tests.Subprocesses;

/// <summary>A file that is not an archive, given where an environment archive goes, fails with GNU tar's own lines, readable.</summary>
public sealed class ArchiveExtractorTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-extract");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Tar_errors_are_kept_line_by_line_and_point_to_a_packed_archive()
    {
        var archive = _work.WriteFile("README.tar", "# Not an archive\n\nJust some text that GNU tar cannot read as one.\n");
        var destination = Path.Combine(_work.Path, "environment");
        Directory.CreateDirectory(destination);

        var error = await Assert.ThrowsAsync<SubmissionPreflightException>(() => ArchiveExtractor.ExtractAsync(archive, destination, CancellationToken.None));

        // GNU tar (src/list.c) reports a header it cannot read, then exits with its failure status: two lines, kept apart.
        Assert.Contains("tar: This does not look like a tar archive; tar: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Pass an environment archive made by `sparkjobgen pack` (or conda-pack).", error.Message, StringComparison.Ordinal);
    }
}
