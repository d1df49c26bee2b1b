using SparkJobGen.Submission;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// A TEST-ONLY archiver: archives an environment directory with GNU tar (<c>tar -czf … -C prefix .</c>) and verifies that the
/// listing has <c>bin/python</c>. It stands in for the Packing library's packer in runner tests; it does no prefix rewriting.
/// </summary>
internal sealed class TarArchiver : IEnvironmentArchiver
{
    public int Packs { get; private set; }

    public string ArchiveExtension => ".tar.gz";

    public Task PackAsync(string prefix, string archivePath, CancellationToken cancellationToken)
    {
        Packs++;
        var (code, output) = Processes.Run("tar", "-czf", archivePath, "-C", prefix, ".");
        return code == 0 ? Task.CompletedTask : throw new IOException("tar failed: " + output);
    }

    public Task VerifyAsync(string archivePath, CancellationToken cancellationToken)
    {
        var (code, output) = Processes.Run("tar", "-tzf", archivePath);
        return code == 0 && output.Split('\n').Contains("./bin/python") ? Task.CompletedTask : throw new InvalidDataException("no bin/python in " + archivePath);
    }
}
