using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Submission;

namespace SparkJobGen.Subprocesses;

/// <summary>Extracts environment archives (zip, tar and its compressed forms) into a folder.</summary>
internal static class ArchiveExtractor
{
    /// <summary>Extracts an archive into <paramref name="destination"/> keeping symbolic links and permissions (GNU tar for tar formats).</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="destination">An existing, empty directory.</param>
    /// <param name="cancellationToken">Stops the extraction.</param>
    internal static async Task ExtractAsync(string archive, string destination, CancellationToken cancellationToken)
    {
        var name = archive.ToLowerInvariant();
        if (name.EndsWith(".zip", StringComparison.Ordinal))
        {
            ZipFile.ExtractToDirectory(archive, destination);
            return;
        }

        if (name.EndsWith(".tar.zst", StringComparison.Ordinal) || name.EndsWith(".tzst", StringComparison.Ordinal))
        {
            // Decompress with the managed zstd reader so no zstd binary is needed, then let tar restore links and modes.
            var tarPath = destination.TrimEnd(Path.DirectorySeparatorChar) + ".tar";
            await using (var input = File.OpenRead(archive))
            await using (var zstd = new ZstdSharp.DecompressionStream(input))
            await using (var output = File.Create(tarPath))
            {
                await zstd.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await RunTarAsync(["-xf", tarPath, "-C", destination], archive, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(tarPath);
            }

            return;
        }

        await RunTarAsync(["-xf", archive, "-C", destination], archive, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunTarAsync(string[] arguments, string archive, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        ChildProcessExit exit;
        try
        {
            exit = await ChildProcess.RunAsync("tar", arguments, null, null, line => errors.Add(line.Text), cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception exception)
        {
            throw new SubmissionPreflightException("tar is needed to extract the environment archive but could not be started (install GNU tar).", exception);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (exit.ExitCode != 0)
        {
            throw new SubmissionPreflightException(
                $"Extracting '{archive}' failed (tar exit code {exit.ExitCode}): {string.Join("; ", errors.Select(static e => e.Trim()).Where(static e => e.Length > 0))}. "
                + "Pass an environment archive made by `sparkjobgen pack` (or conda-pack).");
        }
    }
}
