using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// The <c>no-archive</c> writer: writes real files, directories and symlinks into a hidden directory next to the
/// target and renames it onto the target when complete, so a partial tree never appears under the target's name.
/// Directory modes are applied last so that read-only directories do not block their own contents. The folder carries
/// <see cref="PackOutput.Marker"/> at its root; an existing target is replaced (with overwrite on) only when it has that
/// marker or is empty, so a folder the packer did not write is never deleted.
/// </summary>
internal sealed class DirectoryArchiveWriter : IArchiveWriter
{
    private readonly string _target;
    private readonly string _temporary;
    private readonly string _root;
    private readonly bool _overwrite;
    private readonly List<(string Path, int Mode)> _directoryModes = [];
    private bool _completed;
    private bool _disposed;

    /// <summary>Creates the hidden build directory.</summary>
    /// <param name="path">The directory to produce.</param>
    /// <param name="options">ArcRoot and Overwrite apply.</param>
    public DirectoryArchiveWriter(string path, ArchiveWriterOptions options)
    {
        _target = Path.GetFullPath(path).TrimEnd('/');
        _overwrite = options.Overwrite;
        if (!_overwrite && Path.Exists(_target))
        {
            throw new IOException($"'{_target}' already exists. Remove it, choose another --output, or pass --force to replace it.");
        }

        if (System.IO.Directory.Exists(_target) && PackOutput.RefusalToReplace(_target) is { } refusal)
        {
            throw new IOException(refusal);
        }

        var parent = Path.GetDirectoryName(_target) ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));
        System.IO.Directory.CreateDirectory(parent);
        AtomicFile.RemoveAbandoned(parent, Path.GetFileName(_target));
        _temporary = AtomicFile.TemporaryName(parent, Path.GetFileName(_target));
        System.IO.Directory.CreateDirectory(_temporary);
        File.WriteAllText(Path.Combine(_temporary, PackOutput.Marker), PackOutput.MarkerText);
        var root = ArchivePaths.Root(options.ArcRoot);
        _root = root.Length == 0 ? _temporary : Path.Combine(_temporary, root.TrimEnd('/'));
        System.IO.Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public void AddDirectory(string archivePath, int unixMode)
    {
        var path = Resolve(archivePath);
        System.IO.Directory.CreateDirectory(path);
        _directoryModes.Add((path, unixMode & 0xFFF));
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, long length, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = Resolve(archivePath);
        using (var file = Create(path, length))
        {
            EntryContent.CopyExactly(archivePath, content, length, file, new byte[Math.Clamp(length, 1, 256 * 1024)]);
        }

        SetTime(path);
        SetMode(path, unixMode);
    }

    /// <inheritdoc />
    public void AddFile(string archivePath, int unixMode, ReadOnlyMemory<byte> content)
    {
        var path = Resolve(archivePath);
        using (var file = Create(path, content.Length))
        {
            file.Write(content.Span);
        }

        SetTime(path);
        SetMode(path, unixMode);
    }

    /// <inheritdoc />
    public void AddSymlink(string archivePath, string linkTarget)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkTarget);
        var path = Resolve(archivePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, linkTarget);
    }

    /// <inheritdoc />
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return Task.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        for (var i = _directoryModes.Count - 1; i >= 0; i--)
        {
            SetMode(_directoryModes[i].Path, _directoryModes[i].Mode);
        }

        if (Path.Exists(_target))
        {
            if (!_overwrite)
            {
                throw new IOException($"'{_target}' appeared while packing. Remove it, choose another --output, or pass --force to replace it.");
            }

            if (!System.IO.Directory.Exists(_target) || PackOutput.RefusalToReplace(_target) is not null)
            {
                throw new IOException(PackOutput.RefusalToReplace(_target) ?? $"'{_target}' appeared while packing and is not a folder; it is left as it is. Choose another --output.");
            }

            // Move the old tree aside first so the target name is never missing a complete tree for long; it is the packer's
            // own earlier output or an empty folder (checked just above).
            var old = AtomicFile.TemporaryName(Path.GetDirectoryName(_target)!, Path.GetFileName(_target));
            System.IO.Directory.Move(_target, old);
            System.IO.Directory.Move(_temporary, _target);
            DeleteTree(old);
        }
        else
        {
            System.IO.Directory.Move(_temporary, _target);
        }

        _completed = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_completed)
            {
                DeleteTree(_temporary);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static FileStream Create(string path, long length)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            PreallocationSize = length,
            BufferSize = 0,
        });
    }

    /// <summary>
    /// Gives a file the archives' normalized modification time, so the folder holds what unpacking an archive gives: a re-stamped
    /// <c>.pyc</c> stays valid for its source.
    /// </summary>
    private static void SetTime(string path) => File.SetLastWriteTimeUtc(path, ArchiveWriter.NormalizedModificationTime.UtcDateTime);

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
        }
    }

    /// <summary>Deletes a folder tree, making read-only folders writable first.</summary>
    /// <param name="path">The folder.</param>
    internal static void DeleteTree(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            return;
        }

        // Directories made read-only by their recorded mode must be writable again to be emptied.
        if (!OperatingSystem.IsWindows())
        {
            foreach (var directory in System.IO.Directory.EnumerateDirectories(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        System.IO.Directory.Delete(path, recursive: true);
    }

    private string Resolve(string archivePath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The directory is complete; no entries can be added.");
        }

        return Path.Combine(_root, ArchivePaths.Full(string.Empty, archivePath));
    }
}
