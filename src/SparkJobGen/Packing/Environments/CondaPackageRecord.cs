using System;
using System.Buffers;
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
    public static IReadOnlyList<CondaPackageRecord> ReadAll(string prefix)
    {
        var records = new List<CondaPackageRecord>();
        List<CondaFileRecord>? files = null;
        ReadEach(prefix, PythonShortVersion(prefix), record => records.Add(record with { Files = files = [] }), file => files!.Add(file));
        return records;
    }

    /// <summary>
    /// <see cref="ReadAll"/> one record and one file at a time: an environment's records list every file it has, so holding
    /// them all, or even one large package's record as a document, would cost hundreds of bytes per file. Each record's
    /// bytes are read with a forward-only reader: once whole, for the package and where its file list starts, then that list.
    /// </summary>
    /// <param name="prefix">The conda prefix.</param>
    /// <param name="pythonVersion">The python package's <c>X.Y</c> (see <see cref="PythonShortVersion(string)"/>), for noarch paths.</param>
    /// <param name="onRecord">Receives each package (its <see cref="Files"/> empty), before its files.</param>
    /// <param name="onFile">Receives each file of the package last given to <paramref name="onRecord"/>.</param>
    internal static void ReadEach(string prefix, string? pythonVersion, Action<CondaPackageRecord> onRecord, Action<CondaFileRecord> onFile)
    {
        var buffer = new SegmentedBuffer();
        foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(prefix, "conda-meta"), "*.json").Order(StringComparer.Ordinal))
        {
            var json = ReadBytes(file, buffer);
            var layout = ReadPackage(json, file);
            onRecord(layout.Record);
            ReadFiles(json, file, layout, pythonVersion, onFile);
        }
    }

    /// <summary>The <c>X.Y</c> version of the prefix's python package, or null when it has none.</summary>
    internal static string? PythonShortVersion(string prefix)
    {
        var meta = System.IO.Path.Combine(prefix, "conda-meta");
        return Directory.Exists(meta) ? PythonShortVersion(Directory.EnumerateFiles(meta, "python*.json").Order(StringComparer.Ordinal), new SegmentedBuffer()) : null;
    }

    /// <summary>
    /// Finds python's record among <paramref name="files"/>: records are named <c>&lt;name&gt;-&lt;version&gt;-&lt;build&gt;.json</c>,
    /// so only the few whose file name starts with "python" are read.
    /// </summary>
    private static string? PythonShortVersion(IEnumerable<string> files, SegmentedBuffer buffer)
    {
        foreach (var file in files.Where(f => System.IO.Path.GetFileName(f).StartsWith("python", StringComparison.Ordinal)))
        {
            if (ReadPackage(ReadBytes(file, buffer), file).Record is { Name: "python" } python)
            {
                return string.Join('.', python.Version.Split('.').Take(2));
            }
        }

        return null;
    }

    /// <summary>Reads a whole file into <paramref name="buffer"/> (emptied first).</summary>
    private static ReadOnlySequence<byte> ReadBytes(string file, SegmentedBuffer buffer)
    {
        using var handle = File.OpenHandle(file);
        buffer.Reset();
        buffer.ReadFrom(handle, RandomAccess.GetLength(handle));
        return buffer.AsSequence();
    }

    /// <summary>
    /// The package's name, version, build and noarch kind (the top-level properties), and where its file lists start (the
    /// reader's state there), so <see cref="ReadFiles"/> reads the preferred one whatever the property order; everything is
    /// checked to be valid JSON, so a truncated record is reported, not half read.
    /// </summary>
    private static RecordLayout ReadPackage(ReadOnlySequence<byte> json, string file)
    {
        string? name = null, version = null, build = null;
        var noarch = false;
        (SequencePosition Position, JsonReaderState State)? paths = null, list = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException($"Conda record '{file}' is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "name":
                        name = StringValue(ref reader);
                        break;
                    case "version":
                        version = StringValue(ref reader);
                        break;
                    case "build":
                        build = StringValue(ref reader);
                        break;
                    case "noarch":
                        noarch = ReadNoArchPython(ref reader);
                        break;
                    case "paths_data" when reader.TokenType == JsonTokenType.StartObject:
                        var depth = reader.CurrentDepth;
                        while (reader.Read() && reader.CurrentDepth > depth)
                        {
                            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("paths"u8))
                            {
                                reader.Read();
                                if (reader.TokenType == JsonTokenType.StartArray)
                                {
                                    paths = StartOf(ref reader);
                                }
                            }

                            reader.Skip();
                        }

                        break;
                    case "files" when reader.TokenType == JsonTokenType.StartArray:
                        list = StartOf(ref reader);
                        reader.Skip();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Conda record '{file}' is not valid JSON: {e.Message}", e);
        }

        string Required(string? value, string key) => value ?? throw new InvalidDataException($"Conda record '{file}' has no '{key}'.");
        return new RecordLayout(new CondaPackageRecord(Required(name, "name"), Required(version, "version"), Required(build, "build"), noarch, []), paths, list);
    }

    /// <summary>
    /// The files of the record <paramref name="layout"/> describes: <c>paths_data.paths</c> with placeholders and modes, or the plain <c>files</c>
    /// list of old records (no placeholders known: conda-pack then scans text files).
    /// </summary>
    private static void ReadFiles(ReadOnlySequence<byte> json, string file, RecordLayout layout, string? pythonVersion, Action<CondaFileRecord> onFile)
    {
        var record = layout.Record;
        string Resolve(string path)
        {
            if (!record.IsNoArchPython)
            {
                return path;
            }

            if (path.StartsWith("site-packages/", StringComparison.Ordinal))
            {
                return pythonVersion is null
                    ? throw new InvalidDataException($"noarch python package '{record.Name}' needs a python package in the prefix to place its files.")
                    : $"lib/python{pythonVersion}/{path}";
            }

            return path.StartsWith("python-scripts/", StringComparison.Ordinal) ? "bin/" + path["python-scripts/".Length..] : path;
        }

        if (layout.Paths is { } paths)
        {
            var reader = Resume(json, paths);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InvalidDataException($"Conda record '{file}' has a path that is not an object in paths_data.paths.");
                }

                string? path = null, pathType = null, placeholder = null, fileMode = null;
                var noLink = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var property = reader.GetString();
                    reader.Read();
                    switch (property)
                    {
                        case "_path":
                            path = StringValue(ref reader);
                            break;
                        case "path_type":
                            pathType = StringValue(ref reader);
                            break;
                        case "prefix_placeholder":
                            placeholder = StringValue(ref reader);
                            break;
                        case "file_mode":
                            fileMode = StringValue(ref reader);
                            break;
                        case "no_link":
                            noLink = reader.TokenType == JsonTokenType.True;
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                }

                var type = pathType switch
                {
                    "softlink" => CondaPathType.SoftLink,
                    "directory" => CondaPathType.Directory,
                    _ => CondaPathType.HardLink,
                };
                onFile(new CondaFileRecord(
                    Resolve(path ?? throw new InvalidDataException($"Conda record '{file}' has a path without '_path'.")), type, placeholder, fileMode == "binary", noLink));
            }
        }
        else if (layout.Files is { } list)
        {
            var reader = Resume(json, list);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                onFile(new CondaFileRecord(
                    StringValue(ref reader) ?? throw new InvalidDataException($"Conda record '{file}' has a file that is not a string in 'files'."),
                    CondaPathType.HardLink, null, false, false));
            }
        }
    }

    /// <summary>A record's package, and where its <c>paths_data.paths</c> and <c>files</c> lists start (null when absent).</summary>
    private readonly record struct RecordLayout(
        CondaPackageRecord Record, (SequencePosition Position, JsonReaderState State)? Paths, (SequencePosition Position, JsonReaderState State)? Files);

    /// <summary>Where the reader is, just inside the array it is on, to come back to with <see cref="Resume"/>.</summary>
    private static (SequencePosition Position, JsonReaderState State) StartOf(ref Utf8JsonReader reader) => (reader.Position, reader.CurrentState);

    /// <summary>A reader that goes on from a place <see cref="StartOf"/> remembered.</summary>
    private static Utf8JsonReader Resume(ReadOnlySequence<byte> json, (SequencePosition Position, JsonReaderState State) start) =>
        new(json.Slice(start.Position), isFinalBlock: true, start.State);

    private static string? StringValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static bool ReadNoArchPython(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueTextEquals("python"u8);
        }

        var isPython = false;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            var depth = reader.CurrentDepth;
            while (reader.Read() && reader.CurrentDepth > depth)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    isPython = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("python"u8);
                }

                reader.Skip();
            }
        }

        return isPython;
    }
}
