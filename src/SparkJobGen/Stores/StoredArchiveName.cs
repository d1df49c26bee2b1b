using System;
using System.Diagnostics.CodeAnalysis;

namespace SparkJobGen.Stores;

/// <summary>
/// The name of an archive in a store: <c>&lt;environment&gt;-&lt;key&gt;&lt;extension&gt;</c>, where the key is the first 16 hex
/// digits of the archive's SHA-256 (so an unchanged environment always has the same name, and a changed one a new name).
/// </summary>
/// <param name="Environment">The environment name.</param>
/// <param name="Key">The content key (16 lower-case hex digits).</param>
/// <param name="Extension">The archive format's extension, for example <c>.tar.gz</c>.</param>
public sealed record StoredArchiveName(string Environment, string Key, string Extension)
{
    /// <summary>The archive extensions a store accepts, longest first.</summary>
    public static readonly string[] Extensions = [".tar.gz", ".tar.bz2", ".tar.zst", ".tgz", ".tar", ".zip"];

    /// <summary>The length of the content key.</summary>
    public const int KeyLength = 16;

    /// <summary>The object name.</summary>
    public override string ToString() => Environment + "-" + Key + Extension;

    /// <summary>The name of <paramref name="archivePath"/> in a store, from the environment name and the archive's digest.</summary>
    /// <param name="environment">The environment name.</param>
    /// <param name="archivePath">The local archive (its extension names the format).</param>
    /// <param name="digest">Its digest.</param>
    /// <exception cref="ArgumentException">The archive's extension is not an archive format.</exception>
    public static StoredArchiveName For(string environment, string archivePath, ArchiveDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var extension = ExtensionOf(archivePath) ?? throw new ArgumentException(
            $"'{archivePath}' does not end with an archive extension ({string.Join(", ", Extensions)}), so it cannot be stored.", nameof(archivePath));
        return new StoredArchiveName(environment, digest.Key, extension);
    }

    /// <summary>Parses a stored object name; false for names the stores did not write.</summary>
    /// <param name="name">The object name.</param>
    /// <param name="parsed">The parts.</param>
    public static bool TryParse(string name, [NotNullWhen(true)] out StoredArchiveName? parsed)
    {
        parsed = null;
        if (ExtensionOf(name) is not { } extension)
        {
            return false;
        }

        var stem = name.Substring(0, name.Length - extension.Length);
        var dash = stem.LastIndexOf('-');
        if (dash <= 0 || stem.Length - dash - 1 != KeyLength)
        {
            return false;
        }

        var key = stem.Substring(dash + 1);
        foreach (var c in key)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        parsed = new StoredArchiveName(stem.Substring(0, dash), key, extension);
        return true;
    }

    private static string? ExtensionOf(string path)
    {
        foreach (var extension in Extensions)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return extension;
            }
        }

        return null;
    }
}
