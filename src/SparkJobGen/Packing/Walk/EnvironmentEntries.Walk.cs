using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace SparkJobGen.Packing;

internal sealed partial class EnvironmentEntries
{
    /// <summary>
    /// The walk: a stack of folders from the top to the current one, each listed once, its children merged from every source
    /// and sorted, joined with the conda rows for its files, and decided (packed, dropped, filtered) before any is given out.
    /// A folder's decisions can look at its parent's children (a <c>__pycache__</c> file's source), which are still on the stack.
    /// </summary>
    private IEnumerable<PackEntry> Walk(ScanReport? report)
    {
        using var claims = _conda?.Claims.Read();
        claims?.MoveNext();

        // The folders' arrays and the listing are kept for the next pass: a folder of a million files then costs its arrays
        // once, instead of once per pass plus every array left behind while they grew (large-object garbage until a full GC).
        var buffers = Interlocked.Exchange(ref _walkBuffers, null) ?? new WalkBuffers();
        try
        {
            foreach (var entry in Walk(report, claims, buffers))
            {
                yield return entry;
            }
        }
        finally
        {
            _walkBuffers = buffers;
        }
    }

    private IEnumerable<PackEntry> Walk(ScanReport? report, ClaimSet.ClaimReader? claims, WalkBuffers buffers)
    {
        var state = new WalkState(this, claims, report, buffers.Listing);
        var frames = buffers.Frames;
        frames[0].SetRoot();
        state.Build(frames, 0);
        var depth = 0;
        while (depth >= 0)
        {
            var frame = frames[depth];
            if (frame.Next == frame.Count)
            {
                depth--;
                continue;
            }

            var index = frame.Next++;
            var child = frame.Children[index];
            if (child.Kind == ChildKind.Folder)
            {
                if (frames.Count == depth + 1)
                {
                    frames.Add(new Frame());
                }

                frames[depth + 1].SetFolder(frame.Path, frame.Name(child));
                frames[depth + 1].Sources = child.Sources;
                if (state.Build(frames, depth + 1) is { } emptyFolder)
                {
                    yield return emptyFolder;
                }

                if (frames[depth + 1].Count > 0)
                {
                    depth++;
                }

                continue;
            }

            if (child.Packed)
            {
                yield return state.Make(frames, depth, index);
            }
        }

        state.Finish();
    }

    /// <summary>The reusable buffers and the per-pass state of one walk.</summary>
    private sealed partial class WalkState(EnvironmentEntries owner, ClaimSet.ClaimReader? claims, ScanReport? report, DirectoryListing listing)
    {
        private readonly DirectoryListing _listing = listing;
        private Action? _drain;
        private Frame? _drainFrame;
        private int _drainSource;
        private readonly List<(ClaimKind Kind, int Value)> _group = [];
        private byte[] _path = new byte[4096];
        private byte[] _scratch = new byte[1024];

        /// <summary>
        /// Lists the folder of <c>frames[depth]</c> from every source and decides its children. Returns the folder's own entry
        /// when a source's folder is empty on disk (an empty folder is an entry; others are implied by their files).
        /// </summary>
        public PackEntry? Build(List<Frame> frames, int depth)
        {
            var frame = frames[depth];
            frame.Reset();
            var folder = frame.Path;
            var emptySource = -1;
            string? emptyPath = null;
            for (var s = 0; s < owner._sources.Length; s++)
            {
                var source = owner._sources[s];
                if ((frame.Sources & (1 << s)) == 0)
                {
                    continue;
                }

                if (folder.StartsWith(source.Head))
                {
                    var relative = folder[source.Head.Length..];
                    (_drainFrame, _drainSource) = (frame, s);
                    _listing.Drain = _drain ??= DrainListing;
                    string absolute;
                    try
                    {
                        absolute = List(source, relative);
                    }
                    finally
                    {
                        _listing.Drain = null;
                        _drainFrame = null;
                    }

                    if (_listing.Total == 0 && relative.Length > 0)
                    {
                        emptySource = s;
                        emptyPath = absolute;
                    }

                    AddListed(frame, s);
                }
                else if (source.Head.AsSpan().StartsWith(folder))
                {
                    // A source mounted further down: the next folder on its way is a child here.
                    var rest = source.Head.AsSpan(folder.Length);
                    frame.Add(rest[..rest.IndexOf((byte)'/')], ChildKind.Folder, s).Mode = -1;
                }
            }

            for (var i = 0; i < owner._synthetic.Count; i++)
            {
                var (syntheticFolder, syntheticName) = owner._syntheticPaths[i];
                if (folder.SequenceEqual(syntheticFolder))
                {
                    frame.Add(syntheticName, ChildKind.Synthetic, -1).Synthetic = i;
                }
            }

            SortAndMerge(frame);
            if (claims is not null)
            {
                Join(frame);
            }

            Decide(frames, depth);
            // A source whose folder is empty gives the folder as an entry, even where another source has files in it (a venv's empty
            // site-packages over the base's): the archive then says the folder exists whoever packed it.
            return emptySource >= 0 ? EmptyFolder(frame, emptySource, emptyPath!) : null;
        }

        /// <summary>Ends the pass: rows for folders the walk never reached are recorded files that are missing.</summary>
        public void Finish()
        {
            while (claims is { HasCurrent: true })
            {
                Group(null, -1);
            }
        }

        /// <summary>Makes the entry of <c>frame.Children[index]</c>.</summary>
        public PackEntry Make(List<Frame> frames, int depth, int index)
        {
            var frame = frames[depth];
            ref readonly var child = ref frame.Children[index];
            if (child.Kind == ChildKind.Synthetic)
            {
                return owner._synthetic[child.Synthetic];
            }

            var source = owner._sources[child.Source];
            var path = ArchivePath(frame, child);
            if (child.Kind == ChildKind.Symlink)
            {
                var full = source.SourceRoot + path;
                var target = PathBytes.ReadLink(full) ?? throw new PackingException($"Cannot read the symlink '{PathBytes.Printable(full)}'.");

                // A link that leaves the environment (and no --exclude removed) is noted in the checking pass, which reports them
                // all at its end; the writing pass never gets that far.
                string stored;
                try
                {
                    stored = SymlinkContainment.RelativeTarget(source.ContainmentPrefix, path, target);
                }
                catch (EscapingSymlinkException) when (source.Kind is SourceKind.VenvBase or SourceKind.VenvSystem && TargetFile(full) is { } copy)
                {
                    // A link of the base installation out of it (Debian's lib/python3.11/sitecustomize.py points into /etc): the
                    // archive gets the file it points to, which is what the base Python reads there.
                    return new PackEntry(path, PackEntryKind.File, copy.FullName, OperatingSystem.IsWindows() ? 0b110_100_100 : (int)copy.UnixFileMode, copy.Length,
                        copy.LastWriteTimeUtc.Ticks, Prefixes: source.Text);
                }
                catch (EscapingSymlinkException) when (report is not null)
                {
                    if (report.EscapingCount++ < 1000)
                    {
                        report.Escaping.Add((path, target));
                    }

                    stored = target;
                }

                return new PackEntry(path, PackEntryKind.Symlink, full, 0b111_111_111, 0, child.Ticks, stored);
            }

            var pyc = depth > 0 ? PycSource(frame, frames[depth - 1], child) : null;
            IReadOnlyList<PrefixOnDisk>? prefixes = child.NoPrefixes ? null
                : child.Prefix >= 0 ? owner._conda!.Placeholders[child.Prefix]
                : source.Text;
            var fixShebang = source.Kind is not (SourceKind.VenvBase or SourceKind.VenvSystem) && frame.Path.StartsWith("bin/"u8);
            var isFirst = false;
            var firstName = pyc is null && !child.CondaRecord ? FirstName(child, path, out isFirst) : null;
            return new PackEntry(path, PackEntryKind.File, source.SourceRoot + path, child.Mode, child.Length, child.Ticks,
                Prefixes: prefixes, FixShebang: fixShebang, PycSource: pyc, CondaRecord: child.CondaRecord, HardLinkTarget: firstName, HasOtherNames: isFirst);
        }

        /// <summary>The regular file a symlink finally resolves to, or <see langword="null"/> (a folder, a dangling or looping link).</summary>
        private static FileInfo? TargetFile(string link)
        {
            try
            {
                return new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } file
                    && (file.Attributes & FileAttributes.Directory) == 0 ? file : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static string ArchivePath(Frame frame, in Child child)
        {
            var folder = frame.Path;
            var name = frame.Name(child);
            var length = folder.Length + name.Length;
            Span<byte> joined = length <= 1024 ? stackalloc byte[length] : new byte[length];
            folder.CopyTo(joined);
            name.CopyTo(joined[folder.Length..]);
            return PathBytes.Decode(joined);
        }
    }
}