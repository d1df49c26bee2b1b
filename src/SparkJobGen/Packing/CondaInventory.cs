using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace SparkJobGen.Packing;

/// <summary>
/// Builds the entries of a conda prefix from its <c>conda-meta</c> records, with conda-pack's checks: recorded files that are
/// missing, pip distributions that overwrote conda files, editable installs. Files owned by no package are packed as
/// they are (text ones relocated), as conda-pack does, and reported as a warning.
/// </summary>
internal static class CondaInventory
{
    /// <summary>Scripts older conda versions drop into environments on activation; never packed.</summary>
    private static readonly string[] s_condaShims = ["bin/conda", "bin/activate", "bin/deactivate"];

    /// <summary>Whether the prefix holds the <c>conda</c> package itself.</summary>
    public static bool HasCondaPackage(string prefix) =>
        Directory.EnumerateFiles(Path.Combine(prefix, "conda-meta"), "conda-*.json")
            .Any(f => Path.GetFileName(f).Split('-').Length == 3);

    public static EntryTable Read(string prefix, PackOptions options, List<string> warnings, WalkCache walks)
    {
        var records = CondaPackageRecord.ReadAll(prefix);
        var python = records.FirstOrDefault(r => r.Name == "python");
        var sitePackages = python is null ? null : $"lib/python{string.Join('.', python.Version.Split('.').Take(2))}/site-packages";
        if (sitePackages is not null && !options.IgnoreEditablePackages)
        {
            var editable = EnvironmentInventory.FindEditable(Path.Combine(prefix, sitePackages));
            if (editable.Count > 0)
            {
                throw new EditablePackagesException(editable);
            }
        }

        var disk = walks.Walk(prefix, skipCondaTopLevel: true).ToDictionary(i => i.RelativePath, StringComparer.Ordinal);
        var entries = new EntryTable();
        var source = EnvironmentInventory.SourceRoot(prefix, "");
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var absent = new List<string>();
            foreach (var file in record.Files)
            {
                if (file.Type == CondaPathType.Directory)
                {
                    continue;
                }

                owner[file.Path] = record.Name;
                if (!disk.TryGetValue(file.Path, out var item))
                {
                    absent.Add(file.Path);
                    continue;
                }

                IReadOnlyList<PrefixOnDisk>? prefixes = null;
                if (file.PrefixPlaceholder is { Length: > 0 } placeholder)
                {
                    prefixes = [new PrefixOnDisk(prefix, placeholder, file.IsBinary ? PrefixMode.Binary : PrefixMode.Text)];
                }
                else if (file.Path.StartsWith("bin/", StringComparison.Ordinal))
                {
                    // conda-pack treats unrecorded bin/ files (noarch entry points) as "unknown": relocated when they are text.
                    prefixes = [new PrefixOnDisk(prefix, prefix, PrefixMode.None)];
                }

                EnvironmentInventory.Add(entries, prefix, item, [], source, prefixes, fixShebang: file.Path.StartsWith("bin/", StringComparison.Ordinal));
            }

            if (absent.Count > 0)
            {
                absent.Sort(StringComparer.Ordinal);
                missing[$"{record.Name} {record.Version}"] = absent;
            }
        }

        if (missing.Count > 0)
        {
            if (!options.IgnoreMissingFiles)
            {
                throw new MissingFilesException(missing);
            }

            warnings.Add($"--ignore-missing-files: {missing.Values.Sum(v => v.Count)} recorded files of {missing.Count} packages are missing and were skipped.");
        }

        if (sitePackages is not null)
        {
            CheckClobbered(prefix, sitePackages, owner, options, warnings);
        }

        // conda-meta: the records (local absolute paths removed, as conda-pack does) and the history.
        foreach (var item in disk.Values.Where(i => i.RelativePath.StartsWith("conda-meta/", StringComparison.Ordinal)))
        {
            owner[item.RelativePath] = "conda-meta";
            if (item.Kind == PackEntryKind.File && item.RelativePath.EndsWith(".json", StringComparison.Ordinal) && item.RelativePath.IndexOf('/', 11) < 0)
            {
                var content = CleanRecord(File.ReadAllBytes(item.FullPath));
                entries.Add(new PackEntry(item.RelativePath, PackEntryKind.File, item.FullPath, EnvironmentInventory.Mode(item.FullPath), content.Length, item.LastWriteTicks, Generated: content));
            }
            else
            {
                EnvironmentInventory.Add(entries, prefix, item, [], source, null, false);
            }
        }

        var unmanaged = 0;
        IReadOnlyList<PrefixOnDisk> unmanagedText = [new PrefixOnDisk(prefix, prefix, PrefixMode.None)];
        var unmanagedTop = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in disk.Values)
        {
            if (owner.ContainsKey(item.RelativePath) || s_condaShims.Contains(item.RelativePath) || IsCompiledManagedSource(item.RelativePath, owner))
            {
                continue;
            }

            unmanaged++;
            unmanagedTop.Add(TopFolder(item.RelativePath, sitePackages));
            var isBin = item.RelativePath.StartsWith("bin/", StringComparison.Ordinal);
            EnvironmentInventory.Add(entries, prefix, item, [], source, unmanagedText, isBin);
        }

        if (unmanaged > 0)
        {
            warnings.Add($"{unmanaged} files are not owned by any conda package (pip installs or files created later); packed as they are, "
                + $"text files relocated: {string.Join(", ", unmanagedTop.Take(8))}{(unmanagedTop.Count > 8 ? ", ..." : "")}.");
        }

        return entries;
    }

    /// <summary>pip distributions (INSTALLER is not conda) whose RECORD lists files owned by a conda package.</summary>
    private static void CheckClobbered(string prefix, string sitePackages, Dictionary<string, string> owner, PackOptions options, List<string> warnings)
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
            if (installer is null or "conda" || owner.ContainsKey(relativeDistInfo + "/RECORD"))
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
                if (owner.TryGetValue(relative, out var package))
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
    private static bool IsCompiledManagedSource(string path, Dictionary<string, string> owner)
    {
        if (!path.EndsWith(".pyc", StringComparison.Ordinal))
        {
            return false;
        }

        var slash = path.LastIndexOf('/');
        var directory = slash < 0 ? "" : path[..slash];
        var name = path[(slash + 1)..];
        if (directory.EndsWith("__pycache__", StringComparison.Ordinal))
        {
            var parent = directory.Length > "__pycache__".Length ? directory[..^("__pycache__".Length + 1)] : "";
            var module = name.Split('.')[0];
            return owner.ContainsKey((parent.Length > 0 ? parent + "/" : "") + module + ".py");
        }

        return owner.ContainsKey(path[..^1]);
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

    /// <summary>Removes local absolute paths from a conda-meta record (they mean nothing on the cluster), like conda-pack.</summary>
    private static byte[] CleanRecord(byte[] json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            if (node is not JsonObject record)
            {
                return json;
            }

            foreach (var field in new[] { "extracted_package_dir", "package_tarball_full_path" })
            {
                if (record.ContainsKey(field))
                {
                    record[field] = "";
                }
            }

            if (record["link"] is JsonObject link && link.ContainsKey("source"))
            {
                link["source"] = "";
            }

            return Encoding.UTF8.GetBytes(record.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }
}
