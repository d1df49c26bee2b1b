using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparkJobGen.Packing;

/// <summary>Everything that goes into an archive, decided before a byte is written.</summary>
/// <param name="Location">The environment.</param>
/// <param name="Entries">The entries sorted by archive path (ordinal), without the generated unpack scripts.</param>
/// <param name="Warnings">Things the user should know (unmanaged files, ignored checks).</param>
/// <param name="HasCondaPackage">Whether the environment contains the <c>conda</c> package itself (conda-pack then skips its activate scripts with a destination prefix).</param>
public sealed record EnvironmentInventory(
    EnvironmentLocation Location,
    IReadOnlyList<PackEntry> Entries,
    IReadOnlyList<string> Warnings,
    bool HasCondaPackage)
{
    /// <summary>Reads a conda prefix or a virtual environment and runs the consistency checks.</summary>
    /// <param name="location">The environment.</param>
    /// <param name="options">The pack options (checks to skip, include/exclude rules).</param>
    /// <returns>The inventory.</returns>
    /// <exception cref="PackingException">A check failed (missing, clobbered or editable files, an escaping symlink).</exception>
    public static EnvironmentInventory Read(EnvironmentLocation location, PackOptions options) => Read(location, options, new WalkCache());

    /// <summary>Reads the environment reusing walks already made in this pack.</summary>
    internal static EnvironmentInventory Read(EnvironmentLocation location, PackOptions options, WalkCache walks)
    {
        var warnings = new List<string>();
        var (entries, hasConda) = location.Kind == EnvironmentKind.Conda
            ? (CondaInventory.Read(location.Prefix, options, warnings, walks), CondaInventory.HasCondaPackage(location.Prefix))
            : (VenvInventory.Read(location.Prefix, options, warnings, walks), false);

        if (options.Filters.Count > 0)
        {
            var selected = new HashSet<string>(PathFilter.Apply(entries.Select(e => e.ArchivePath).ToList(), options.Filters), StringComparer.Ordinal);
            entries = entries.Where(e => selected.Contains(e.ArchivePath)).ToList();
        }

        // Checked after filtering, so excluding an escaping link is a way out, as the error message says.
        if (entries.Find(static e => e.EscapingTarget is not null) is { } escaping)
        {
            throw new EscapingSymlinkException(escaping.ArchivePath, escaping.EscapingTarget!);
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.ArchivePath, b.ArchivePath));
        LinkPycsToSources(entries);
        return new EnvironmentInventory(location, entries, warnings, hasConda);
    }

    /// <summary>Marks each <c>__pycache__/*.pyc</c> whose <c>.py</c> source is packed too (see <see cref="PackedFileContent.RestampPyc"/>).</summary>
    private static void LinkPycsToSources(List<PackEntry> entries)
    {
        var files = new Dictionary<string, PackEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Kind == PackEntryKind.File && entry.ArchivePath.EndsWith(".py", StringComparison.Ordinal))
            {
                files[entry.ArchivePath] = entry;
            }
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var path = entry.ArchivePath;
            if (entry.Kind != PackEntryKind.File || entry.Generated is not null || !path.EndsWith(".pyc", StringComparison.Ordinal))
            {
                continue;
            }

            // dir/__pycache__/name.cpython-311[.opt-1].pyc -> dir/name.py
            var slash = path.LastIndexOf('/');
            var directory = slash < 0 ? "" : path[..slash];
            if (!directory.EndsWith("__pycache__", StringComparison.Ordinal))
            {
                continue;
            }

            var parent = directory.Length > "__pycache__".Length ? directory[..^("__pycache__".Length + 1)] + "/" : "";
            var module = path[(slash + 1)..];
            var dot = module.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && files.TryGetValue(parent + module[..dot] + ".py", out var source))
            {
                var seconds = (source.LastWriteTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
                entries[i] = entry with { PycSource = new PycSource(source.Length, seconds) };
            }
        }
    }

    /// <summary>Turns a disk item into an entry; symlinks are checked and made relative.</summary>
    internal static PackEntry Entry(string prefix, DiskItem item, string archivePath, IReadOnlyList<PrefixOnDisk>? prefixes, bool fixShebang)
    {
        switch (item.Kind)
        {
            case PackEntryKind.Symlink:
                var target = new FileInfo(item.FullPath).LinkTarget ?? throw new PackingException($"Cannot read the symlink '{item.FullPath}'.");
                try
                {
                    var relative = SymlinkContainment.RelativeTarget(prefix, item.RelativePath, target);
                    return new PackEntry(archivePath, PackEntryKind.Symlink, item.FullPath, 0b111_111_111, 0, item.LastWriteTicks, relative);
                }
                catch (EscapingSymlinkException)
                {
                    return new PackEntry(archivePath, PackEntryKind.Symlink, item.FullPath, 0b111_111_111, 0, item.LastWriteTicks, EscapingTarget: target);
                }
            case PackEntryKind.Directory:
                return new PackEntry(archivePath, PackEntryKind.Directory, item.FullPath, item.Mode, 0, 0);
            default:
                return new PackEntry(archivePath, PackEntryKind.File, item.FullPath, item.Mode, item.Length, item.LastWriteTicks,
                    Prefixes: prefixes, FixShebang: fixShebang);
        }
    }

    /// <summary>The permission bits of a file (0644 where the platform has none).</summary>
    internal static int Mode(string path) => EnvironmentWalker.Mode(path);

    /// <summary>Finds editable installs in a site-packages folder: pip &gt;= 21.3 <c>direct_url.json</c>, <c>.egg-link</c>, <c>__editable__</c> .pth files.</summary>
    internal static List<string> FindEditable(string sitePackages)
    {
        var found = new List<string>();
        if (!Directory.Exists(sitePackages))
        {
            return found;
        }

        foreach (var distInfo in Directory.EnumerateDirectories(sitePackages, "*.dist-info"))
        {
            var directUrl = Path.Combine(distInfo, "direct_url.json");
            if (!File.Exists(directUrl))
            {
                continue;
            }

            try
            {
                var node = JsonNode.Parse(File.ReadAllText(directUrl));
                if (node?["dir_info"]?["editable"]?.GetValue<bool>() == true)
                {
                    found.Add($"{DistributionName(distInfo)} (editable from {node["url"]?.GetValue<string>()})");
                }
            }
            catch (JsonException)
            {
                // A malformed direct_url.json says nothing about editability.
            }
        }

        foreach (var link in Directory.EnumerateFiles(sitePackages, "*.egg-link"))
        {
            var target = File.ReadLines(link).FirstOrDefault()?.Trim();
            found.Add($"{Path.GetFileNameWithoutExtension(link)} (egg-link to {target})");
        }

        foreach (var pth in Directory.EnumerateFiles(sitePackages, "__editable__*.pth"))
        {
            var name = Path.GetFileNameWithoutExtension(pth)["__editable__".Length..].TrimStart('.', '_');
            if (!found.Any(f => f.StartsWith(name.Split('-')[0], StringComparison.OrdinalIgnoreCase)))
            {
                found.Add($"{name} (editable hook {Path.GetFileName(pth)})");
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>The distribution name of a <c>name-version.dist-info</c> folder.</summary>
    internal static string DistributionName(string distInfo)
    {
        var name = Path.GetFileName(distInfo);
        name = name[..name.LastIndexOf('.')];
        var dash = name.LastIndexOf('-');
        return dash > 0 ? name[..dash] : name;
    }

    /// <summary>Reads a UTF-8 text file's lines, tolerating absence.</summary>
    internal static IEnumerable<string> Lines(string path) => File.Exists(path) ? File.ReadLines(path, Encoding.UTF8) : [];
}
