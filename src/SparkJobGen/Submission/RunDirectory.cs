using System;
using System.Globalization;
using System.IO;

namespace SparkJobGen.Submission;

/// <summary>
/// A fresh working directory for one client-mode spark-submit, holding only the link <c>environment</c> to the local
/// environment, so <c>./environment/bin/python</c> resolves in the driver as it does in every executor's container.
/// Disposing removes the link, and the directory when the driver left nothing else in it (for example <c>spark-warehouse</c>).
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private readonly string _link;

    private RunDirectory(string path)
    {
        Path = path;
        _link = System.IO.Path.Combine(path, SparkSubmission.ArchiveAlias);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Creates <c>$TMPDIR/sparkjobgen-runs/&lt;time&gt;-&lt;random&gt;/environment</c> → <paramref name="environmentPrefix"/>.</summary>
    /// <param name="environmentPrefix">The local environment.</param>
    /// <exception cref="SubmissionPreflightException">The environment is missing or the directory cannot be created.</exception>
    public static RunDirectory Create(string environmentPrefix)
    {
        var prefix = System.IO.Path.GetFullPath(environmentPrefix);
        if (!Directory.Exists(prefix))
        {
            throw new SubmissionPreflightException($"The local environment '{prefix}' does not exist, so ./{SparkSubmission.ArchiveAlias} cannot point at it in the driver's working directory.");
        }

        var name = string.Concat(DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss-", CultureInfo.InvariantCulture), Guid.NewGuid().ToString("N").AsSpan(0, 8));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sparkjobgen-runs", name);
        try
        {
            Directory.CreateDirectory(path);
            var directory = new RunDirectory(path);
            Directory.CreateSymbolicLink(directory._link, prefix);
            return directory;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SubmissionPreflightException($"The run directory '{path}' for spark-submit could not be created: {exception.Message}", exception);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            // The link itself, never what it points to.
            if (new FileInfo(_link).LinkTarget is not null)
            {
                File.Delete(_link);
            }

            if (Directory.GetFileSystemEntries(Path).Length == 0)
            {
                Directory.Delete(Path);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Leaving an empty folder in the temporary directory is harmless; the submission's result matters more.
        }
    }
}
