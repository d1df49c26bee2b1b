using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// Builds the entries of a conda prefix from its <c>conda-meta</c> records, with conda-pack's checks: recorded files that are
/// missing, pip distributions that overwrote conda files, editable installs. Files owned by no package are packed as
/// they are (text ones relocated), as conda-pack does, and reported as a warning.
/// </summary>
internal static class CondaInventory
{
    /// <summary>Whether the prefix holds the <c>conda</c> package itself.</summary>
    public static bool HasCondaPackage(string prefix) =>
        Directory.EnumerateFiles(Path.Combine(prefix, "conda-meta"), "conda-*.json")
            .Any(f => Path.GetFileName(f).Split('-').Length == 3);

    /// <summary>
    /// Every walked item becomes an entry first, as if no package owned it; the table is sorted; then each record, read one
    /// at a time, claims its files (found by binary search) and gives them their prefixes. What no record claims is packed
    /// as an unmanaged file. No string per file is made on the way, and no record outlives its turn.
    /// </summary>
    public static EntryTable Read(string prefix, PackOptions options, List<string> warnings, WalkCache walks)
    {
        var pythonVersion = CondaPackageRecord.PythonShortVersion(prefix);
        var sitePackages = pythonVersion is null ? null : $"lib/python{pythonVersion}/site-packages";
        if (sitePackages is not null && !options.IgnoreEditablePackages)
        {
            var editable = EnvironmentInventory.FindEditable(Path.Combine(prefix, sitePackages));
            if (editable.Count > 0)
            {
                throw new EditablePackagesException(editable);
            }
        }

        var entries = new EntryTable();
        var source = EnvironmentInventory.SourceRoot(prefix, "");
        IReadOnlyList<PrefixOnDisk> unmanagedText = [new PrefixOnDisk(prefix, prefix, PrefixMode.None)];
        foreach (var item in walks.Take(prefix, skipCondaTopLevel: true))
        {
            var isMeta = item.Directory.StartsWith("conda-meta/"u8);
            EnvironmentInventory.Add(entries, prefix, item, [], source, isMeta ? null : unmanagedText, fixShebang: item.Directory.StartsWith("bin/"u8));
        }

        entries.SortAndDeduplicate();

        // Which record owns each entry (-1: none), and the names of the records.
        var owners = new int[entries.Count];
        Array.Fill(owners, -1);
        var packages = new List<string>();
        var missingOwned = new Dictionary<string, int>(StringComparer.Ordinal);
        var missing = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var placeholders = new Dictionary<(string Placeholder, bool Binary), IReadOnlyList<PrefixOnDisk>>();
        var path = new byte[1024];
        CondaPackageRecord? current = null;
        var absent = new List<string>();
        void EndRecord()
        {
            if (absent.Count > 0)
            {
                absent.Sort(StringComparer.Ordinal);
                missing[$"{current!.Name} {current.Version}"] = absent;
                absent = [];
            }
        }

        CondaPackageRecord.ReadEach(
            prefix,
            pythonVersion,
            record =>
            {
                EndRecord();
                current = record;
                packages.Add(record.Name);
            },
            file =>
            {
                if (file.Type == CondaPathType.Directory)
                {
                    return;
                }

                var index = entries.IndexOf(Utf8(file.Path, ref path));
                if (index < 0)
                {
                    missingOwned[file.Path] = packages.Count - 1;
                    absent.Add(file.Path);
                    return;
                }

                owners[index] = packages.Count - 1;
                if (file.PrefixPlaceholder is { Length: > 0 } placeholder)
                {
                    if (!placeholders.TryGetValue((placeholder, file.IsBinary), out var prefixes))
                    {
                        prefixes = [new PrefixOnDisk(prefix, placeholder, file.IsBinary ? PrefixMode.Binary : PrefixMode.Text)];
                        placeholders.Add((placeholder, file.IsBinary), prefixes);
                    }

                    entries.SetPrefixes(index, prefixes);
                }
                else if (!file.Path.StartsWith("bin/", StringComparison.Ordinal))
                {
                    // conda-pack treats unrecorded bin/ files (noarch entry points) as "unknown": relocated when they are text;
                    // other files without a placeholder are stored as they are.
                    entries.SetPrefixes(index, null);
                }
            });
        EndRecord();

        if (missing.Count > 0)
        {
            if (!options.IgnoreMissingFiles)
            {
                throw new MissingFilesException(missing);
            }

            warnings.Add($"--ignore-missing-files: {missing.Values.Sum(v => v.Count)} recorded files of {missing.Count} packages are missing and were skipped.");
        }

        string? Owner(string relative)
        {
            var index = entries.IndexOf(Utf8(relative, ref path));
            return index >= 0 && owners[index] >= 0 ? packages[owners[index]]
                : missingOwned.TryGetValue(relative, out var package) ? packages[package] : null;
        }

        if (sitePackages is not null)
        {
            CheckClobbered(prefix, sitePackages, Owner, options, warnings);
        }

        // conda-meta: the records (local absolute paths removed when packed, as conda-pack does) and the history are packed as
        // they are; every other unowned item is an unmanaged file, except conda's shims and the compiled forms of owned sources.
        var unmanaged = 0;
        var unmanagedTop = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var relative = entries.PathUtf8(i, ref path);
            if (relative.StartsWith("conda-meta/"u8))
            {
                // Packed as they are even if a package lists them, the records cleaned.
                entries.SetPrefixes(i, null);
                if (relative.EndsWith(".json"u8) && relative.LastIndexOf((byte)'/') == "conda-meta".Length)
                {
                    entries.MarkCondaRecord(i);
                }

                continue;
            }

            if (owners[i] >= 0)
            {
                continue;
            }

            if (IsCondaShim(relative) || IsCompiledOwnedSource(relative, entries, owners))
            {
                entries.Drop(i);
                continue;
            }

            unmanaged++;
            unmanagedTop.Add(TopFolder(Encoding.UTF8.GetString(relative), sitePackages));
        }

        if (unmanaged > 0)
        {
            warnings.Add($"{unmanaged} files are not owned by any conda package (pip installs or files created later); packed as they are, "
                + $"text files relocated: {string.Join(", ", unmanagedTop.Take(8))}{(unmanagedTop.Count > 8 ? ", ..." : "")}.");
        }

        return entries;
    }

    private static ReadOnlySpan<byte> Utf8(string text, ref byte[] buffer)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buffer.Length < needed)
        {
            buffer = new byte[needed];
        }

        return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
    }

    /// <summary>Scripts older conda versions drop into environments on activation; never packed.</summary>
    private static bool IsCondaShim(ReadOnlySpan<byte> path) =>
        path.SequenceEqual("bin/conda"u8) || path.SequenceEqual("bin/activate"u8) || path.SequenceEqual("bin/deactivate"u8);

    /// <summary>pip distributions (INSTALLER is not conda) whose RECORD lists files owned by a conda package.</summary>
    private static void CheckClobbered(string prefix, string sitePackages, Func<string, string?> owner, PackOptions options, List<string> warnings)
    {
        var root = Path.Combine(prefix, sitePackages);
        if (!Directory.Exists(root))
        {
            return;
        }

        var clobbered = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var distInfo in Directory.EnumerateDirectories(root, "*.dist-info"))
        {
            var installer = EnvironmentInventory.Lines(Path.Combine(distInfo, "INSTALLER")).FirstOrDefault()?.Trim();
            var relativeDistInfo = sitePackages + "/" + Path.GetFileName(distInfo);
            if (installer is null or "conda" || owner(relativeDistInfo + "/RECORD") is not null)
            {
                continue;
            }

            var hits = new List<string>();
            foreach (var line in EnvironmentInventory.Lines(Path.Combine(distInfo, "RECORD")))
            {
                var path = line.Split(',')[0];
                if (path.Length == 0)
                {
                    continue;
                }

                var relative = Path.GetRelativePath(prefix, Path.GetFullPath(Path.Combine(root, path))).Replace('\\', '/');
                if (owner(relative) is { } package)
                {
                    hits.Add($"{relative} (owned by {package})");
                }
            }

            if (hits.Count > 0)
            {
                clobbered[EnvironmentInventory.DistributionName(distInfo)] = hits;
            }
        }

        if (clobbered.Count == 0)
        {
            return;
        }

        if (!options.IgnoreClobberedFiles)
        {
            throw new ClobberedFilesException(clobbered);
        }

        warnings.Add($"--ignore-clobbered-files: pip overwrote conda files of {string.Join(", ", clobbered.Keys)}; packed as they are on disk.");
    }

    /// <summary>A <c>__pycache__/x.cpython-311.pyc</c> (or legacy <c>x.pyc</c>) whose source is owned by a package is part of it.</summary>
    private static bool IsCompiledOwnedSource(ReadOnlySpan<byte> path, EntryTable entries, int[] owners)
    {
        if (!path.EndsWith(".pyc"u8))
        {
            return false;
        }

        var slash = path.LastIndexOf((byte)'/');
        var directory = path[..(slash + 1)];
        var name = path[(slash + 1)..];
        byte[] candidate;
        if (directory.EndsWith("__pycache__/"u8) && (directory.Length == "__pycache__/".Length || directory[^("__pycache__/".Length + 1)] == (byte)'/'))
        {
            var parent = directory[..^"__pycache__/".Length];
            var module = name[..name.IndexOf((byte)'.')];
            candidate = [.. parent, .. module, .. ".py"u8];
        }
        else
        {
            candidate = path[..^1].ToArray();
        }

        var index = entries.IndexOf(candidate);
        return index >= 0 && owners[index] >= 0;
    }

    private static string TopFolder(string path, string? sitePackages)
    {
        if (sitePackages is not null && path.StartsWith(sitePackages + "/", StringComparison.Ordinal))
        {
            var rest = path[(sitePackages.Length + 1)..];
            var slash = rest.IndexOf('/');
            return "site-packages/" + (slash < 0 ? rest : rest[..slash]);
        }

        var first = path.IndexOf('/');
        return first < 0 ? path : path[..first];
    }
}
