using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SparkJobGen.Environments;

/// <summary>
/// A conda <c>environment.yaml</c> read with YamlDotNet: name, channels, conda dependencies and the nested <c>pip:</c> list,
/// plus the content hash that keys the environment cache.
/// </summary>
public sealed class EnvironmentSpec
{
    private EnvironmentSpec(string yaml, string? name, IReadOnlyList<string> channels, IReadOnlyList<string> condaDependencies, IReadOnlyList<string> pipDependencies)
    {
        Yaml = yaml;
        Name = name;
        Channels = channels;
        CondaDependencies = condaDependencies;
        PipDependencies = pipDependencies;
        ContentHash = ComputeContentHash(yaml);
    }

    /// <summary>The YAML text as given.</summary>
    public string Yaml { get; }

    /// <summary>The <c>name:</c>, if any.</summary>
    public string? Name { get; }

    /// <summary>The channels, in priority order.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>The conda dependencies (MatchSpec strings such as <c>numpy&gt;=1.26,&lt;2</c>), without the <c>pip:</c> entry.</summary>
    public IReadOnlyList<string> CondaDependencies { get; }

    /// <summary>The pip requirements from the nested <c>pip:</c> list.</summary>
    public IReadOnlyList<string> PipDependencies { get; }

    /// <summary>The lowercase hex SHA-256 of the normalized YAML bytes (see <see cref="ComputeContentHash"/>).</summary>
    public string ContentHash { get; }

    /// <summary>
    /// Whether a plain venv can hold this environment: its conda dependencies are only <c>python</c> (with any version) and
    /// <c>pip</c>, and everything else is a pip requirement.
    /// </summary>
    public bool IsPipOnly => CondaDependencies.All(static d => PackageName(d) is "python" or "pip");

    /// <summary>The version part of the <c>python</c> conda dependency (<c>=3.11</c>, <c>&gt;=3.10,&lt;3.12</c>), empty for any, null when python is not listed.</summary>
    public string? PythonSpec
    {
        get
        {
            foreach (var dependency in CondaDependencies)
            {
                if (PackageName(dependency) == "python")
                {
                    // After the name, which may follow a channel (conda-forge::python 3.11.*).
                    var text = dependency.Trim();
                    var channel = text.LastIndexOf("::", StringComparison.Ordinal);
                    return text.Substring(channel < 0 ? "python".Length : channel + 2 + "python".Length).Trim();
                }
            }

            return null;
        }
    }

    /// <summary>Reads an environment file.</summary>
    /// <param name="path">The path of <c>environment.yaml</c>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a conda environment file.</exception>
    public static EnvironmentSpec Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is a folder, not an environment file: pass its environment.yaml ('{Path.Combine(path, "environment.yaml")}').", path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The environment file '{path}' does not exist. Build the project (it is written to bin/<cfg>/<tfm>/sparkjobs/<environment>/environment.yaml) or pass the right path.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses environment YAML text.</summary>
    /// <param name="yaml">The YAML.</param>
    /// <param name="displayName">A name for error messages.</param>
    /// <exception cref="InvalidDataException">The text is not a conda environment file.</exception>
    public static EnvironmentSpec Parse(string yaml, string displayName = "environment.yaml")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException exception)
        {
            throw new InvalidDataException($"{displayName} is not valid YAML at line {exception.Start.Line}, column {exception.Start.Column}: {exception.Message}", exception);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{displayName} must be a YAML mapping with 'name', 'channels' and 'dependencies'.");
        }

        string? name = null;
        var channels = new List<string>();
        var conda = new List<string>();
        var pip = new List<string>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            switch (key)
            {
                case "name":
                    name = (value as YamlScalarNode)?.Value;
                    break;
                case "channels":
                    channels.AddRange(Scalars(value, displayName, "channels"));
                    break;
                case "dependencies":
                    if (value is not YamlSequenceNode dependencies)
                    {
                        throw new InvalidDataException($"{displayName}: 'dependencies' must be a list.");
                    }

                    foreach (var item in dependencies)
                    {
                        if (item is YamlScalarNode { Value: { } spec })
                        {
                            conda.Add(spec.Trim());
                        }
                        else if (item is YamlMappingNode nested && nested.Children.Count == 1 &&
                            nested.Children.First().Key is YamlScalarNode { Value: "pip" })
                        {
                            pip.AddRange(Scalars(nested.Children.First().Value, displayName, "dependencies.pip"));
                        }
                        else
                        {
                            throw new InvalidDataException($"{displayName}: each dependency must be a package spec or a 'pip:' list (line {item.Start.Line}).");
                        }
                    }

                    break;
            }
        }

        return new EnvironmentSpec(yaml, name, channels, conda, pip);
    }

    /// <summary>
    /// The cache key of an environment: SHA-256 of the UTF-8 bytes of the YAML after normalizing line endings to LF,
    /// removing a byte-order mark and trailing whitespace on each line, and ending the text with exactly one LF.
    /// Comments and key order count: a different file is a different environment.
    /// </summary>
    /// <param name="yaml">The YAML text.</param>
    public static string ComputeContentHash(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var text = yaml.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var lines = text.Split('\n').Select(static l => l.TrimEnd(' ', '\t'));
        var normalized = string.Join("\n", lines).TrimEnd('\n') + "\n";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalized))).ToLowerInvariant();
    }

    /// <summary>The package name of a conda MatchSpec (<c>numpy&gt;=1.26</c> → <c>numpy</c>, <c>conda-forge::python=3.11</c> → <c>python</c>).</summary>
    /// <param name="spec">The spec.</param>
    internal static string PackageName(string spec)
    {
        var s = spec.Trim();
        var channel = s.LastIndexOf("::", StringComparison.Ordinal);
        if (channel >= 0)
        {
            s = s.Substring(channel + 2);
        }

        var end = s.IndexOfAny([' ', '=', '<', '>', '!', '~', '[', '*']);
        return (end < 0 ? s : s.Substring(0, end)).ToLowerInvariant();
    }

    private static IEnumerable<string> Scalars(YamlNode node, string displayName, string what)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw new InvalidDataException($"{displayName}: '{what}' must be a list.");
        }

        foreach (var item in sequence)
        {
            if (item is not YamlScalarNode { Value: { } value })
            {
                throw new InvalidDataException($"{displayName}: every entry of '{what}' must be a string (line {item.Start.Line}).");
            }

            yield return value.Trim();
        }
    }
}
