using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SparkJobGen.Packing;

/// <summary>How conda placed a file in the prefix (<c>paths_data.paths[].path_type</c>).</summary>
public enum CondaPathType
{
    /// <summary>A regular file (hard-linked or copied from the package cache).</summary>
    HardLink,

    /// <summary>A symbolic link.</summary>
    SoftLink,

    /// <summary>An empty directory the package creates.</summary>
    Directory,
}

/// <summary>One file a conda package installed, with what relocation needs to know about it.</summary>
/// <param name="Path">Prefix-relative path with forward slashes, as installed.</param>
/// <param name="Type">Regular file, symlink or directory.</param>
/// <param name="PrefixPlaceholder">The build prefix embedded in the file that must be rewritten, or null.</param>
/// <param name="IsBinary">True when the placeholder is in binary mode (rewritten length-preserving, null padded).</param>
/// <param name="NoLink">True when conda copied rather than linked the file.</param>
public sealed record CondaFileRecord(string Path, CondaPathType Type, string? PrefixPlaceholder, bool IsBinary, bool NoLink);

/// <summary>One installed conda package, read from <c>conda-meta/&lt;name&gt;-&lt;version&gt;-&lt;build&gt;.json</c>.</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Package version.</param>
/// <param name="Build">Build string.</param>
/// <param name="IsNoArchPython">True for <c>noarch: python</c> packages.</param>
/// <param name="Files">The installed files, paths resolved to their place in the prefix.</param>
public sealed record CondaPackageRecord(string Name, string Version, string Build, bool IsNoArchPython, IReadOnlyList<CondaFileRecord> Files)
{
    /// <summary>
    /// Reads every <c>conda-meta/*.json</c> record of a prefix, ordered by file name. <c>noarch: python</c>
    /// paths recorded relative to the package (<c>site-packages/</c>, <c>python-scripts/</c>) are mapped to
    /// <c>lib/pythonX.Y/site-packages/</c> and <c>bin/</c> using the version of the prefix's python package.
    /// </summary>
    /// <param name="prefix">The conda prefix.</param>
    /// <returns>The records.</returns>
    /// <exception cref="InvalidDataException">A record is not valid JSON or lacks name/version/build.</exception>
    public static IReadOnlyList<CondaPackageRecord> ReadAll(string prefix) => ReadEach(prefix).ToList();

    /// <summary>
    /// <see cref="ReadAll"/> one record at a time: an environment's records list every file it has, so holding them all
    /// (and their parsed JSON) at once would cost several hundred bytes per file of a large environment.
    /// </summary>
    internal static IEnumerable<CondaPackageRecord> ReadEach(string prefix)
    {
        var files = Directory.EnumerateFiles(System.IO.Path.Combine(prefix, "conda-meta"), "*.json").Order(StringComparer.Ordinal).ToList();

        var shortVersion = PythonShortVersion(files);
        foreach (var file in files)
        {
            using var document = ParseJson(file);
            yield return Parse(document.RootElement, file, shortVersion);
        }
    }

    /// <summary>The <c>X.Y</c> version of the prefix's python package, or null when it has none.</summary>
    internal static string? PythonShortVersion(string prefix)
    {
        var meta = System.IO.Path.Combine(prefix, "conda-meta");
        return Directory.Exists(meta) ? PythonShortVersion(Directory.EnumerateFiles(meta, "python*.json").Order(StringComparer.Ordinal)) : null;
    }

    /// <summary>
    /// Finds python's record among <paramref name="files"/>: records are named <c>&lt;name&gt;-&lt;version&gt;-&lt;build&gt;.json</c>,
    /// so only the few whose file name starts with "python" are read.
    /// </summary>
    private static string? PythonShortVersion(IEnumerable<string> files)
    {
        foreach (var file in files.Where(f => System.IO.Path.GetFileName(f).StartsWith("python", StringComparison.Ordinal)))
        {
            using var document = ParseJson(file);
            if (Text(document.RootElement, "name") == "python" && Text(document.RootElement, "version") is { } version)
            {
                return string.Join('.', version.Split('.').Take(2));
            }
        }

        return null;
    }

    private static JsonDocument ParseJson(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Conda record '{file}' is not valid JSON: {e.Message}", e);
        }
    }

    private static CondaPackageRecord Parse(JsonElement root, string file, string? pythonVersion)
    {
        string Required(string key) => Text(root, key)
            ?? throw new InvalidDataException($"Conda record '{file}' has no '{key}'.");

        var name = Required("name");
        var noarch = root.TryGetProperty("noarch", out var n)
            && (n.ValueKind == JsonValueKind.String ? n.GetString() == "python"
                : n.ValueKind == JsonValueKind.Object && Text(n, "type") == "python");
        string Resolve(string path)
        {
            if (!noarch)
            {
                return path;
            }

            if (path.StartsWith("site-packages/", StringComparison.Ordinal))
            {
                return pythonVersion is null
                    ? throw new InvalidDataException($"noarch python package '{name}' needs a python package in the prefix to place its files.")
                    : $"lib/python{pythonVersion}/{path}";
            }

            return path.StartsWith("python-scripts/", StringComparison.Ordinal) ? "bin/" + path["python-scripts/".Length..] : path;
        }

        var files = new List<CondaFileRecord>();
        if (root.TryGetProperty("paths_data", out var pathsData) && pathsData.TryGetProperty("paths", out var paths))
        {
            foreach (var p in paths.EnumerateArray())
            {
                var type = Text(p, "path_type") switch
                {
                    "softlink" => CondaPathType.SoftLink,
                    "directory" => CondaPathType.Directory,
                    _ => CondaPathType.HardLink,
                };
                files.Add(new CondaFileRecord(
                    Resolve(Text(p, "_path") ?? throw new InvalidDataException($"Conda record '{file}' has a path without '_path'.")),
                    type,
                    Text(p, "prefix_placeholder"),
                    Text(p, "file_mode") == "binary",
                    p.TryGetProperty("no_link", out var nl) && nl.ValueKind == JsonValueKind.True));
            }
        }
        else if (root.TryGetProperty("files", out var list))
        {
            // Old records carry only the file list: no placeholders known (conda-pack then scans text files).
            files.AddRange(list.EnumerateArray().Select(f => new CondaFileRecord(f.GetString()!, CondaPathType.HardLink, null, false, false)));
        }

        return new CondaPackageRecord(name, Required("version"), Required("build"), noarch, files);
    }

    private static string? Text(JsonElement element, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
