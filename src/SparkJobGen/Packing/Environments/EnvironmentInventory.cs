using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparkJobGen.Packing;

/// <summary>
/// What the walk needs to know about an environment besides its listing: where a walked root's files come from, file
/// modes, editable installs, and pip's dist-info files (names, RECORD and INSTALLER lines).
/// </summary>
internal static class EnvironmentInventory
{
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
