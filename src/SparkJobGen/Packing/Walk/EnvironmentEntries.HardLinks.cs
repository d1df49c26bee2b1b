using System.Collections.Generic;

namespace SparkJobGen.Packing;

// The walk's hard-link table: a file's later names point at its first.
internal sealed partial class EnvironmentEntries
{
    private sealed partial class WalkState
    {
        /// <summary>
        /// The files with several names met so far in this pass, by device and inode, with the archive path of their first name.
        /// Bounded: a conda prefix's files are usually hard links into the package cache (their other name is outside), so past
        /// <see cref="MaxHardLinked"/> the remaining names are packed as copies, as every name was before; both passes agree.
        /// </summary>
        private readonly Dictionary<(ulong Device, ulong Inode), string> _firstNames = [];

        /// <summary>How many files with several names are remembered (a few MB of paths at most).</summary>
        private const int MaxHardLinked = 65_536;

        /// <summary>
        /// For a file with several names: the archive path of the first one packed, or null when this is the first (then
        /// <paramref name="isFirst"/> is set, while there is room to remember it). The writer links a later name to its first
        /// only when both are stored exactly as they are on disk.
        /// </summary>
        private string? FirstName(in Child child, string path, out bool isFirst)
        {
            isFirst = false;
            if (child.Inode == 0)
            {
                return null;
            }

            var key = (child.Device, child.Inode);
            if (_firstNames.TryGetValue(key, out var first))
            {
                return first;
            }

            if (_firstNames.Count < MaxHardLinked)
            {
                _firstNames[key] = path;
                isFirst = true;
            }

            return null;
        }
    }
}
