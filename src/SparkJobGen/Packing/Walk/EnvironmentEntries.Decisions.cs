using System;
using System.Collections.Generic;

namespace SparkJobGen.Packing;

// The walk's decisions: which children are packed, and the source of each bytecode file.
internal sealed partial class EnvironmentEntries
{
    private sealed partial class WalkState
    {
        /// <summary>Decides each child: dropped (conda shims, compiled forms of owned sources), filtered out, or packed.</summary>
        private void Decide(List<Frame> frames, int depth)
        {
            var frame = frames[depth];
            var folder = frame.Path;
            var conda = owner._conda;
            var isMeta = conda is not null && folder.StartsWith("conda-meta/"u8);
            for (var i = 0; i < frame.Count; i++)
            {
                ref var child = ref frame.Children[i];
                if (child.Kind == ChildKind.Folder)
                {
                    continue;
                }

                child.Packed = true;
                if (child.Kind == ChildKind.Synthetic)
                {
                    child.Packed = owner._keep is null || owner._keep(owner._synthetic[child.Synthetic].ArchivePath);
                    continue;
                }

                if (child.Kind == ChildKind.Symlink)
                {
                    child.NoPrefixes = true;
                }

                if (conda is not null)
                {
                    if (isMeta)
                    {
                        // Packed as they are even if a package lists them, the records cleaned.
                        child.NoPrefixes = true;
                        child.CondaRecord = child.Kind == ChildKind.File && folder.Length == "conda-meta/".Length && frame.Name(child).EndsWith(".json"u8);
                    }
                    else if (child.Claimed)
                    {
                        child.NoPrefixes |= child.Prefix == ClaimPrefix.None;
                    }
                    else if (IsCondaShim(folder, frame.Name(child)) || IsCompiledOwnedSource(frames, depth, frame.Name(child)))
                    {
                        child.Packed = false;
                        continue;
                    }
                    else if (report is not null)
                    {
                        report.Unmanaged++;
                        report.UnmanagedTop.Add(conda.TopFolder(ArchivePath(frame, child)));
                    }
                }

                if (owner._keep is { } keep && !keep(ArchivePath(frame, child)))
                {
                    child.Packed = false;
                }
            }
        }

        /// <summary>Scripts older conda versions drop into environments on activation; never packed.</summary>
        private static bool IsCondaShim(ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name) =>
            folder.SequenceEqual("bin/"u8) && (name.SequenceEqual("conda"u8) || name.SequenceEqual("activate"u8) || name.SequenceEqual("deactivate"u8));

        /// <summary>A <c>__pycache__/x.cpython-311.pyc</c> (or legacy <c>x.pyc</c>) whose source is owned by a package is part of it.</summary>
        private bool IsCompiledOwnedSource(List<Frame> frames, int depth, ReadOnlySpan<byte> name)
        {
            if (!name.EndsWith(".pyc"u8))
            {
                return false;
            }

            var frame = frames[depth];
            if (IsPycache(frame.Path))
            {
                if (depth == 0)
                {
                    return false;
                }

                var parent = frames[depth - 1];
                var dot = name.IndexOf((byte)'.');
                var found = parent.IndexOfFile(SourceName(name[..dot]));
                return found >= 0 && parent.Children[found].Owner >= 0;
            }

            var legacy = frame.IndexOfFile(name[..^1]);
            return legacy >= 0 && frame.Children[legacy].Owner >= 0;
        }

        /// <summary>For a packed <c>__pycache__/name.*.pyc</c> whose packed <c>name.py</c> is a file, that source's size and time.</summary>
        private PycSource? PycSource(Frame frame, Frame parent, in Child child)
        {
            var name = frame.Name(child);
            if (child.Kind != ChildKind.File || !name.EndsWith(".pyc"u8) || !IsPycache(frame.Path))
            {
                return null;
            }

            var dot = name.IndexOf((byte)'.');
            if (dot <= 0)
            {
                return null;
            }

            var found = parent.IndexOfFile(SourceName(name[..dot]));
            if (found < 0 || parent.Children[found] is not { Kind: ChildKind.File, Packed: true } source)
            {
                return null;
            }

            return new PycSource((uint)source.Length, (uint)((source.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond));
        }

        private static bool IsPycache(ReadOnlySpan<byte> folder) =>
            folder.EndsWith("__pycache__/"u8) && (folder.Length == "__pycache__/".Length || folder[^("__pycache__/".Length + 1)] == (byte)'/');

        private ReadOnlySpan<byte> SourceName(ReadOnlySpan<byte> module)
        {
            if (_scratch.Length < module.Length + 3)
            {
                _scratch = new byte[(module.Length + 3) * 2];
            }

            module.CopyTo(_scratch);
            ".py"u8.CopyTo(_scratch.AsSpan(module.Length));
            return _scratch.AsSpan(0, module.Length + 3);
        }
    }
}
