using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// Writes archive entries in the order given. Paths use <c>/</c>, have no leading <c>/</c> and are relative to the
/// environment root; the writer adds <see cref="ArchiveWriterOptions.ArcRoot"/>. Nothing is final until
/// <see cref="CompleteAsync"/> returns; disposing an incomplete writer stops its workers and leaves the output incomplete
/// (wrap files in <see cref="AtomicFile"/> so that an incomplete archive never appears under its name).
/// A writer is not thread-safe: add entries from one thread; compression runs on the writer's own workers.
/// </summary>
public interface IArchiveWriter : IAsyncDisposable
{
    /// <summary>Adds a directory.</summary>
    /// <param name="archivePath">The directory's path, without a trailing <c>/</c>.</param>
    /// <param name="unixMode">Permission bits such as <c>0755</c> (octal); file-type bits are ignored.</param>
    void AddDirectory(string archivePath, int unixMode);

    /// <summary>Adds a regular file whose content is read from a stream.</summary>
    /// <param name="archivePath">The file's path.</param>
    /// <param name="unixMode">Permission bits such as <c>0644</c> or <c>0755</c>.</param>
    /// <param name="length">The exact number of bytes <paramref name="content"/> yields.</param>
    /// <param name="content">The content, read to its end; an error is raised when its length differs from <paramref name="length"/>.</param>
    void AddFile(string archivePath, int unixMode, long length, Stream content);

    /// <summary>Adds a regular file whose content is already in memory (a rewritten file).</summary>
    /// <param name="archivePath">The file's path.</param>
    /// <param name="unixMode">Permission bits.</param>
    /// <param name="content">The content; consumed before the call returns, so the caller may reuse a pooled buffer.</param>
    void AddFile(string archivePath, int unixMode, ReadOnlyMemory<byte> content);

    /// <summary>Adds a symbolic link.</summary>
    /// <param name="archivePath">The link's path.</param>
    /// <param name="linkTarget">The target as stored, normally relative to the link's directory.</param>
    void AddSymlink(string archivePath, string linkTarget);

    /// <summary>Writes the trailers and finishes compression; the output is complete when this returns.</summary>
    /// <param name="cancellationToken">Cancels the final flush.</param>
    /// <returns>A task that completes when the archive is complete.</returns>
    Task CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>A writer whose format has hard links (tar): a later name of a file already written is stored as a link to it.</summary>
internal interface IHardLinkWriter
{
    /// <summary>Adds <paramref name="archivePath"/> as another name of the file already added as <paramref name="firstPath"/>.</summary>
    /// <param name="archivePath">The new name, relative (before the archive root).</param>
    /// <param name="unixMode">Permission bits (the same file's, as both names share them).</param>
    /// <param name="firstPath">The name it was added under first, relative (before the archive root).</param>
    void AddHardLink(string archivePath, int unixMode, string firstPath);
}
