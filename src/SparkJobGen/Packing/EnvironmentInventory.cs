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

        // The walks have served: as large as the table, they need not live through its sort.
        walks.Clear();
        entries.SortAndDeduplicate(options.Filters.Count > 0 ? PathFilter.Compile(options.Filters) : null);

        // Checked after filtering, so excluding an escaping link is a way out, as the error message says.
        if (entries.FindEscapingLink() is { } escaping)
        {
            throw new EscapingSymlinkException(escaping.Path, escaping.Target);
        }

        entries.LinkPycsToSources();
        return new EnvironmentInventory(location, entries, warnings, hasConda);
    }

    /// <summary>
    /// Appends a disk item as an entry whose archive path is <paramref name="head"/> plus the item's relative path; symlinks
    /// are checked and made relative.
    /// </summary>
    /// <param name="entries">The table.</param>
    /// <param name="prefix">The folder symlinks must stay inside.</param>
    /// <param name="item">The item.</param>
    /// <param name="head">What comes before the item's relative path in the archive, UTF-8 (empty or a folder with its slash).</param>
    /// <param name="sourceRoot">The item's absolute path minus its archive path (see <see cref="SourceRoot"/>).</param>
    /// <param name="prefixes">Prefixes the file may contain.</param>
    /// <param name="fixShebang">Whether a <c>#!</c> line into the environment is made relocatable.</param>
    internal static void Add(EntryTable entries, string prefix, in DiskItem item, ReadOnlySpan<byte> head, string sourceRoot, IReadOnlyList<PrefixOnDisk>? prefixes, bool fixShebang)
    {
        switch (item.Kind)
        {
            case PackEntryKind.Symlink:
                var target = new FileInfo(item.FullPath).LinkTarget ?? throw new PackingException($"Cannot read the symlink '{item.FullPath}'.");
                var index = entries.Append(head, item.Directory, item.Name, PackEntryKind.Symlink, sourceRoot, 0b111_111_111, 0, item.LastWriteTicks, null, false);
                try
                {
                    entries.SetLink(index, SymlinkContainment.RelativeTarget(prefix, Encoding.UTF8.GetString(head) + item.RelativePath, target), null);
                }
                catch (EscapingSymlinkException)
                {
                    entries.SetLink(index, null, target);
                }

                break;
            case PackEntryKind.Directory:
                entries.Append(head, item.Directory, item.Name, PackEntryKind.Directory, sourceRoot, item.Mode, 0, 0, null, false);
                break;
            default:
                entries.Append(head, item.Directory, item.Name, PackEntryKind.File, sourceRoot, item.Mode, item.Length, item.LastWriteTicks, prefixes, fixShebang);
                break;
        }
    }

    /// <summary>
    /// The absolute path of the items walked from <paramref name="walkRoot"/> minus their archive paths, when those are
    /// <paramref name="head"/> plus the walk's relative paths: <c>/base/lib</c> walked into <c>lib/</c> gives <c>/base/</c>.
    /// </summary>
    internal static string SourceRoot(string walkRoot, string head)
    {
        var root = walkRoot.EndsWith('/') ? walkRoot : walkRoot + "/";
        return root.EndsWith("/" + head, StringComparison.Ordinal) ? root[..^head.Length]
            : throw new ArgumentException($"'{walkRoot}' does not end with '{head}'.", nameof(head));
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
