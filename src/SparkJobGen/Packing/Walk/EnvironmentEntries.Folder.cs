using System;
using System.Collections.Generic;

namespace SparkJobGen.Packing;

// The walk's data: one folder on the stack (Frame) and its children as listed and decided.
internal sealed partial class EnvironmentEntries
{
    /// <summary>What a child of a folder is.</summary>
    private enum ChildKind : byte
    {
        File,
        Symlink,
        Folder,
        Synthetic,
    }

    /// <summary>One child of a folder, as listed and decided.</summary>
    private struct Child
    {
        public int NameStart;
        public int NameLength;
        public long Length;
        public long Ticks;
        public int Mode;
        public int Synthetic;
        public int Owner;
        public int Prefix;

        /// <summary>For a file with several names: its inode and device (see <see cref="DirectoryEntry.Inode"/>); else 0.</summary>
        public ulong Inode;
        public ulong Device;

        /// <summary>For a folder: the sources that have it (bit per source index).</summary>
        public int Sources;
        public sbyte Source;
        public ChildKind Kind;
        public bool Packed;
        public bool Claimed;
        public bool CondaRecord;
        public bool NoPrefixes;

        /// <summary>The child's sort key length: its name, plus the '/' stored after a folder's name.</summary>
        public readonly int KeyLength => NameLength + (Kind == ChildKind.Folder ? 1 : 0);
    }

    /// <summary>A walk's reusable arrays: the folders on the stack (the first is the top) and the listing of one folder.</summary>
    private sealed class WalkBuffers
    {
        public List<Frame> Frames { get; } = [new Frame()];

        public DirectoryListing Listing { get; } = new();
    }

    /// <summary>One folder of the walk: its archive path and its children.</summary>
    private sealed class Frame
    {
        public byte[] Folder = new byte[256];
        public int FolderLength;
        public Child[] Children = new Child[64];
        public int Count;
        public int Next;
        public byte[] Names = new byte[4096];
        public int NamesUsed;

        /// <summary>The sources that have this folder (bit per source index).</summary>
        public int Sources;

        public ReadOnlySpan<byte> Path => Folder.AsSpan(0, FolderLength);

        public ReadOnlySpan<byte> Name(in Child child) => Names.AsSpan(child.NameStart, child.NameLength);

        public ReadOnlySpan<byte> Key(in Child child) => Names.AsSpan(child.NameStart, child.KeyLength);

        public void SetFolder(ReadOnlySpan<byte> parent, ReadOnlySpan<byte> name)
        {
            var length = parent.Length + name.Length + 1;
            if (Folder.Length < length)
            {
                Folder = new byte[length * 2];
            }

            parent.CopyTo(Folder);
            name.CopyTo(Folder.AsSpan(parent.Length));
            Folder[length - 1] = (byte)'/';
            FolderLength = length;
        }

        /// <summary>Makes this the top folder, which every source has.</summary>
        public void SetRoot()
        {
            FolderLength = 0;
            Sources = -1;
        }

        /// <summary>Room for <paramref name="children"/> children with <paramref name="nameBytes"/> bytes of names (at least doubling).</summary>
        public void EnsureCapacity(int children, int nameBytes)
        {
            if (Children.Length < children)
            {
                Array.Resize(ref Children, Math.Max(children, Children.Length * 2));
            }

            if (Names.Length < nameBytes)
            {
                Array.Resize(ref Names, Math.Max(nameBytes, Names.Length * 2));
            }
        }

        public void Reset()
        {
            Count = 0;
            Next = 0;
            NamesUsed = 0;
        }

        public ref Child Add(ReadOnlySpan<byte> name, ChildKind kind, int source)
        {
            if (Count == Children.Length)
            {
                Array.Resize(ref Children, Children.Length * 2);
            }

            var stored = name.Length + (kind == ChildKind.Folder ? 1 : 0);
            if (NamesUsed + stored > Names.Length)
            {
                Array.Resize(ref Names, Math.Max(Names.Length * 2, NamesUsed + stored));
            }

            name.CopyTo(Names.AsSpan(NamesUsed));
            if (kind == ChildKind.Folder)
            {
                Names[NamesUsed + name.Length] = (byte)'/';
            }

            ref var child = ref Children[Count++];
            child = new Child
            {
                NameStart = NamesUsed, NameLength = name.Length, Kind = kind, Source = (sbyte)source, Owner = -1, Prefix = ClaimPrefix.Keep, Synthetic = -1,
                Sources = source >= 0 ? 1 << source : 0,
            };
            NamesUsed += stored;
            return ref child;
        }

        /// <summary>The index of the non-folder child named <paramref name="name"/>, or -1 (children are sorted by key).</summary>
        public int IndexOfFile(ReadOnlySpan<byte> name)
        {
            int low = 0, high = Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                var comparison = Key(Children[middle]).SequenceCompareTo(name);
                if (comparison == 0)
                {
                    return Children[middle].Kind == ChildKind.Folder ? -1 : middle;
                }

                if (comparison < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return -1;
        }
    }
}
