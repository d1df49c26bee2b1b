using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace SparkJobGen.Packing;

// The walk's listing: each source's folder read from disk, filtered by the venv rules, merged and sorted.
internal sealed partial class EnvironmentEntries
{
    private sealed partial class WalkState
    {
        /// <summary>Lists one source's folder into <see cref="_listing"/>; returns its absolute path.</summary>
        private string List(Source source, ReadOnlySpan<byte> relative)
        {
            var root = source.RootUtf8;
            var length = root.Length + (relative.Length > 0 ? relative.Length : root.Length == 0 ? 1 : 0);
            if (_path.Length < length + 1)
            {
                _path = new byte[(length + 1) * 2];
            }

            root.CopyTo(_path, 0);
            if (relative.Length > 0)
            {
                // root + "/" + relative without its trailing '/'.
                _path[root.Length] = (byte)'/';
                relative[..^1].CopyTo(_path.AsSpan(root.Length + 1));
            }
            else if (root.Length == 0)
            {
                _path[0] = (byte)'/';
            }

            _path[length] = 0;
            var absolute = PathBytes.Decode(_path.AsSpan(0, length));
            if (owner._native)
            {
                LinuxDirectory.List(_path.AsSpan(0, length + 1), _listing);
            }
            else
            {
                EnvironmentWalker.ListPortably(absolute, _listing);
            }

            return absolute;
        }

        /// <summary>Adds the listed entries a large folder's listing hands over while it is read.</summary>
        private void DrainListing() => AddListed(_drainFrame!, _drainSource);

        /// <summary>Adds what a source's listing holds, by its rules.</summary>
        private void AddListed(Frame frame, int s)
        {
            var source = owner._sources[s];
            var relative = frame.Path[source.Head.Length..];
            var isTop = relative.Length == 0;
            frame.EnsureCapacity(frame.Count + _listing.Entries.Count, frame.NamesUsed + _listing.NamesUsed + _listing.Entries.Count);
            foreach (var entry in _listing.Entries)
            {
                var name = _listing.Name(entry);
                if (isTop && source.SkipCondaTopLevel && EnvironmentWalker.IsIgnoredTopLevel(name))
                {
                    continue;
                }

                if (entry.IsDirectory)
                {
                    if (source.Prune is { } prune && prune(Encoding.UTF8.GetString(relative) + Encoding.UTF8.GetString(name)))
                    {
                        continue;
                    }

                    frame.Add(name, ChildKind.Folder, s).Mode = entry.Mode;
                    continue;
                }

                if (!Allowed(source, frame.Path, name))
                {
                    continue;
                }

                ref var child = ref frame.Add(name, entry.IsLink ? ChildKind.Symlink : ChildKind.File, s);
                child.Length = entry.IsLink ? 0 : entry.Length;
                child.Ticks = entry.Ticks;
                child.Mode = entry.IsLink ? 0b111_111_111 : entry.Mode;
                child.Inode = entry.Inode;
                child.Device = entry.Device;
            }
        }

        /// <summary>The venv rules: what of the base installation and of the venv itself the standalone archive takes.</summary>
        private static bool Allowed(Source source, ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name)
        {
            switch (source.Kind)
            {
                case SourceKind.VenvBase:
                    var rules = source.Venv!;
                    var inStdlib = folder.StartsWith(rules.Stdlib);
                    var isLibPython = folder.SequenceEqual("lib/"u8) && name.StartsWith("libpython"u8);
                    if ((!inStdlib && !isLibPython) || (!rules.IncludeSystem && folder.StartsWith(rules.SitePackages)))
                    {
                        return false;
                    }

                    // The static library only serves embedding at build time; a runtime archive does not need its tens of MB.
                    return !(inStdlib && name.EndsWith(".a"u8) && folder.IndexOf("/config-"u8) >= 0);
                case SourceKind.VenvOwn:
                    // lib64 -> lib is a compatibility link venv makes; the standalone layout does not need it.
                    if (folder.Length == 0)
                    {
                        return !name.SequenceEqual("pyvenv.cfg"u8) && !name.SequenceEqual("lib64"u8);
                    }

                    return !folder.SequenceEqual("bin/"u8) || !(IsVenvBinShim(name) || IsInterpreterLink(source.Venv!, name));
                default:
                    return true;
            }
        }

        private static bool IsInterpreterLink(VenvRules rules, ReadOnlySpan<byte> name)
        {
            foreach (var link in rules.InterpreterLinks)
            {
                if (name.SequenceEqual(link))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>python</c>, <c>pythonX</c>, <c>pythonX.Y</c> and the activate scripts a venv puts in <c>bin/</c>.</summary>
        private static bool IsVenvBinShim(ReadOnlySpan<byte> name)
        {
            if (name.StartsWith("activate"u8) || name.StartsWith("Activate"u8))
            {
                return true;
            }

            if (!name.StartsWith("python"u8) || name.IndexOf((byte)'-') >= 0)
            {
                return false;
            }

            foreach (var b in name[6..])
            {
                if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)'.'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Sorts the children by key and keeps the last source's child of each key (a venv's file wins over the base's).</summary>
        private static void SortAndMerge(Frame frame)
        {
            var names = frame.Names;
            Array.Sort(frame.Children, 0, frame.Count, Comparer<Child>.Create((a, b) =>
                names.AsSpan(a.NameStart, a.KeyLength).SequenceCompareTo(names.AsSpan(b.NameStart, b.KeyLength)) is var c and not 0 ? c : a.Source.CompareTo(b.Source)));
            var kept = 0;
            var sources = 0;
            for (var i = 0; i < frame.Count; i++)
            {
                // A folder several sources have is listed from each of them.
                sources |= frame.Children[i].Sources;
                if (i + 1 < frame.Count && frame.Key(frame.Children[i]).SequenceEqual(frame.Key(frame.Children[i + 1])))
                {
                    continue;
                }

                frame.Children[kept] = frame.Children[i];
                frame.Children[kept++].Sources = sources;
                sources = 0;
            }

            frame.Count = kept;
        }


        private PackEntry? EmptyFolder(Frame frame, int source, string absolute)
        {
            var path = PathBytes.Decode(frame.Folder.AsSpan(0, frame.FolderLength - 1));
            var slash = path.LastIndexOf('/');
            var parentFolder = slash >= 0 ? PathBytes.Encode(path[..(slash + 1)]) : [];
            var name = PathBytes.Encode(path[(slash + 1)..]);
            var from = owner._sources[source];
            if (!Allowed(from, parentFolder, name) || (owner._keep is { } keep && !keep(path)))
            {
                return null;
            }

            if (owner._conda is { } conda && report is not null && !path.StartsWith("conda-meta/", StringComparison.Ordinal))
            {
                report.Unmanaged++;
                report.UnmanagedTop.Add(conda.TopFolder(path));
            }

            return new PackEntry(path, PackEntryKind.Directory, from.SourceRoot + path, EnvironmentWalker.Mode(absolute), 0, 0);
        }
    }
}
