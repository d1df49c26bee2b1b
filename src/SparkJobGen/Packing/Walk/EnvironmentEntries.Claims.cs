using System;
using System.Text;

namespace SparkJobGen.Packing;

// The walk's join with a conda prefix's sorted record rows: owners, missing files and pip overwrites.
internal sealed partial class EnvironmentEntries
{
    private sealed partial class WalkState
    {
        /// <summary>Meets the conda rows: those of folders before this one are missing files; this folder's give owners.</summary>
        private void Join(Frame frame)
        {
            var folder = frame.Path;
            while (claims!.HasCurrent && claims.Folder.SequenceCompareTo(folder) < 0)
            {
                Group(null, -1);
            }

            while (claims.HasCurrent && claims.Folder.SequenceEqual(folder))
            {
                Group(frame, frame.IndexOfFile(claims.Name));
            }
        }

        /// <summary>
        /// Folds the rows of one path (all of its claims in record order, a later record winning) into the child they name, if
        /// it is on disk; records the checks' findings in the checking pass.
        /// </summary>
        private void Group(Frame? frame, int index)
        {
            var conda = owner._conda!;
            var folderLength = claims!.Folder.Length;
            var key = GroupPath(claims.Folder, claims.Name);
            var packageOwner = -1;
            var prefix = ClaimPrefix.Keep;
            _group.Clear();
            do
            {
                switch (claims.Kind)
                {
                    case ClaimKind.Owned:
                        packageOwner = claims.Value;
                        if (claims.Placeholder != ClaimPrefix.Keep)
                        {
                            prefix = claims.Placeholder;
                        }

                        if (index < 0)
                        {
                            _group.Add((ClaimKind.Owned, claims.Value));
                        }

                        break;
                    default:
                        _group.Add((claims.Kind, claims.Value));
                        break;
                }
            }
            while (claims.MoveNext() && claims.Folder.Length == folderLength && SamePath(key, claims.Folder, claims.Name));

            if (index >= 0 && packageOwner >= 0)
            {
                ref var child = ref frame!.Children[index];
                child.Owner = packageOwner;
                child.Prefix = prefix;
                child.Claimed = true;
            }

            if (report is null || _group.Count == 0)
            {
                return;
            }

            string? path = null;
            foreach (var (kind, value) in _group)
            {
                path ??= Encoding.UTF8.GetString(key);
                switch (kind)
                {
                    case ClaimKind.Owned:
                        if (!report.Missing.TryGetValue(value, out var absent))
                        {
                            report.Missing[value] = absent = [];
                        }

                        absent.Add(path);
                        break;
                    case ClaimKind.Listed when packageOwner >= 0:
                        if (!report.Hits.TryGetValue(value, out var hits))
                        {
                            report.Hits[value] = hits = [];
                        }

                        hits.Add($"{path} (owned by {conda.Packages[packageOwner].Name})");
                        break;
                    case ClaimKind.DistributionRecord when packageOwner >= 0:
                        report.CondaDistributions.Add(value);
                        break;
                }
            }
        }

        private ReadOnlySpan<byte> GroupPath(ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name)
        {
            var length = folder.Length + name.Length;
            if (_scratch.Length < length)
            {
                _scratch = new byte[length * 2];
            }

            folder.CopyTo(_scratch);
            name.CopyTo(_scratch.AsSpan(folder.Length));
            return _scratch.AsSpan(0, length);
        }

        private static bool SamePath(ReadOnlySpan<byte> path, ReadOnlySpan<byte> folder, ReadOnlySpan<byte> name) =>
            path.Length == folder.Length + name.Length && path.StartsWith(folder) && path[folder.Length..].SequenceEqual(name);
    }
}
