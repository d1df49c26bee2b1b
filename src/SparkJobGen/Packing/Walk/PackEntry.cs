using System.Collections.Generic;

namespace SparkJobGen.Packing;

/// <summary>What an archive entry is.</summary>
public enum PackEntryKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory (only empty ones are listed; others are implied by their files).</summary>
    Directory,

    /// <summary>A symbolic link, stored as a link with a target relative to itself.</summary>
    Symlink,
}

/// <summary>How a file's embedded prefix is handled.</summary>
public enum PrefixMode
{
    /// <summary>The file is stored as it is.</summary>
    None,

    /// <summary>Text: every occurrence of the placeholder is replaced (lengths may change).</summary>
    Text,

    /// <summary>Binary: NUL-terminated strings are rewritten in place and NUL-padded, so offsets never move.</summary>
    Binary,
}

/// <summary>One entry of the environment as it will appear in the archive.</summary>
/// <param name="ArchivePath">The path inside the environment, '/'-separated, relative (before <c>--arcroot</c>).</param>
/// <param name="Kind">File, directory or symlink.</param>
/// <param name="SourcePath">The absolute path read from disk; null for generated content.</param>
/// <param name="UnixMode">Permission bits.</param>
/// <param name="Length">Size on disk (files), used for progress and the content key.</param>
/// <param name="LastWriteTicks">Modification time on disk in UTC ticks, used only for the content key.</param>
/// <param name="LinkTarget">The relative target of a symlink.</param>
/// <param name="Prefixes">
/// Prefixes the file may contain, as it is on disk: (prefix on disk, how conda recorded it). Empty for files never rewritten.
/// </param>
/// <param name="FixShebang">Whether a <c>#!</c> line into the environment is made relocatable.</param>
/// <param name="Generated">Content produced by the packer (unpack scripts, cleaned records), or null.</param>
/// <param name="RunPath">An absolute ELF library search path embedded in the file, made <c>$ORIGIN</c>-relative when packed.</param>
/// <param name="PycSource">
/// For a timestamp-validated <c>.pyc</c> whose source is packed too: the source's size and modification time (whole seconds),
/// so the header can be re-stamped to the archive's normalized time and the cache stays valid after unpacking.
/// </param>
/// <param name="HardLinkTarget">
/// For a file that is another name of a file packed earlier (a hard link, both names in the archive): that entry's archive path.
/// Tar stores it as a hard link; other formats store a copy.
/// </param>
/// <param name="HasOtherNames">Whether this is the first name packed of a file with several names (hard links).</param>
/// <param name="CondaRecord">
/// A <c>conda-meta</c> record: its local absolute paths (the extracted package folder, the tarball, the link source) are
/// blanked when it is packed, as conda-pack does, since they mean nothing where the archive is unpacked.
/// </param>
public sealed record PackEntry(
    string ArchivePath,
    PackEntryKind Kind,
    string? SourcePath,
    int UnixMode,
    long Length,
    long LastWriteTicks,
    string? LinkTarget = null,
    IReadOnlyList<PrefixOnDisk>? Prefixes = null,
    bool FixShebang = false,
    byte[]? Generated = null,
    string? RunPath = null,
    PycSource? PycSource = null,
    bool CondaRecord = false,
    string? HardLinkTarget = null,
    bool HasOtherNames = false);

/// <summary>The source file a <c>.pyc</c> was compiled from, as the pyc header records it (each value modulo 2^32).</summary>
/// <param name="Length">The source's size in bytes.</param>
/// <param name="ModifiedSeconds">The source's modification time in whole seconds since the Unix epoch.</param>
public sealed record PycSource(long Length, long ModifiedSeconds);

/// <summary>A prefix string that occurs in a file on disk and what it stands for.</summary>
/// <param name="OnDisk">The string as it is in the file now (the environment's current prefix).</param>
/// <param name="Placeholder">
/// What to store in the archive for <c>conda-unpack</c>: the conda build placeholder when the package recorded one
/// (binary files regain their original room), otherwise <paramref name="OnDisk"/> itself.
/// </param>
/// <param name="Mode">Text or binary rewriting; <see cref="PrefixMode.None"/> means "detect: text if the file is UTF-8".</param>
public sealed record PrefixOnDisk(string OnDisk, string Placeholder, PrefixMode Mode);
