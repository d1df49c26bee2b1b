using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Submission;

/// <summary>
/// The packing step of a job run: turns a created environment into one relocatable archive and verifies it.
/// <see cref="SparkJobRunner"/> uses it through this seam; the implementation is the Packing library's
/// <c>EnvironmentPacker</c> (see <c>docs/packing.md</c>).
/// </summary>
public interface IEnvironmentArchiver
{
    /// <summary>The file extension of the archives it writes, for example <c>.tar.gz</c>.</summary>
    string ArchiveExtension { get; }

    /// <summary>Packs the environment at <paramref name="prefix"/> into <paramref name="archivePath"/>.</summary>
    /// <param name="prefix">The environment directory.</param>
    /// <param name="archivePath">The archive to write (its directory exists; the file does not).</param>
    /// <param name="cancellationToken">Stops packing.</param>
    Task PackAsync(string prefix, string archivePath, CancellationToken cancellationToken);

    /// <summary>Checks that an archive is a complete, relocatable environment; throws with the reason when it is not.</summary>
    /// <param name="archivePath">The archive.</param>
    /// <param name="cancellationToken">Stops verification.</param>
    Task VerifyAsync(string archivePath, CancellationToken cancellationToken);
}
