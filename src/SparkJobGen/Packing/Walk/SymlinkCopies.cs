using System;
using System.Collections.Generic;

namespace SparkJobGen.Packing;

/// <summary>
/// Zip has no standard symlinks, so without <c>--zip-symlinks</c> each symlink is replaced, like conda-pack does, by a
/// copy of what it points to under the link's own path: a file's entry (rewritten like the file itself when it holds the
/// prefix), or a folder's entry and every entry under it. Only the links and their targets are held, never the
/// environment's other entries: the checking pass gives the links (<see cref="Observe"/>), one more walk picks out their
/// targets (<see cref="Resolve"/>), and the writing pass puts each link's copies where the link was (<see cref="Expand"/>).
/// </summary>
internal sealed class SymlinkCopies
{
    /// <summary>A chain of links longer than this is treated as a loop (the kernel's own limit is 40).</summary>
    private const int MaxLinkDepth = 40;

    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private Dictionary<string, List<PackEntry>>? _copies;

    /// <summary>The number of symlinks seen.</summary>
    public int LinkCount => _links.Count;

    /// <summary>The number of entries the copies add (after <see cref="Resolve"/>).</summary>
    public int CopyCount { get; private set; }

    /// <summary>Notes <paramref name="entry"/> if it is a symlink.</summary>
    /// <param name="entry">An entry of the checking pass.</param>
    public void Observe(PackEntry entry)
    {
        if (entry.Kind == PackEntryKind.Symlink)
        {
            _links[entry.ArchivePath] = entry.LinkTarget!;
        }
    }

    /// <summary>Walks <paramref name="entries"/> once and keeps, for each link, the entries its copy is made of.</summary>
    /// <param name="entries">The environment's entries in archive order.</param>
    /// <exception cref="PackingException">A link points to nothing inside the environment (or only to other links).</exception>
    public void Resolve(IEnumerable<PackEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var targetOf = new Dictionary<string, string>(_links.Count, StringComparer.Ordinal);
        var found = new Dictionary<string, List<PackEntry>>(StringComparer.Ordinal);
        foreach (var link in _links.Keys)
        {
            var target = Follow(link);
            targetOf[link] = target;
            found[target] = [];
        }

        foreach (var entry in entries)
        {
            if (entry.Kind == PackEntryKind.Symlink)
            {
                // Links inside a linked folder are left out of its copy, as before; a link to a link is followed above.
                continue;
            }

            if (found.TryGetValue(entry.ArchivePath, out var own))
            {
                own.Add(entry);
            }

            var path = entry.ArchivePath;
            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                if (found.TryGetValue(path[..slash], out var under))
                {
                    under.Add(entry);
                }
            }
        }

        _copies = new Dictionary<string, List<PackEntry>>(_links.Count, StringComparer.Ordinal);
        CopyCount = 0;
        foreach (var (link, target) in targetOf)
        {
            var parts = found[target];
            if (parts.Count == 0)
            {
                throw new PackingException($"Symlink '{link}' -> '{_links[link]}' points to nothing inside the environment, so zip cannot store a copy. "
                    + "Exclude it (--exclude) or pass --zip-symlinks.");
            }

            var copies = new List<PackEntry>(parts.Count);
            foreach (var part in parts)
            {
                copies.Add(part with { ArchivePath = link + part.ArchivePath[target.Length..] });
            }

            _copies[link] = copies;
            CopyCount += copies.Count;
        }
    }

    /// <summary>The entries with each symlink replaced by its copies (after <see cref="Resolve"/>).</summary>
    /// <param name="entries">The environment's entries in archive order, walked again.</param>
    public IEnumerable<PackEntry> Expand(IEnumerable<PackEntry> entries)
    {
        var copies = _copies ?? throw new InvalidOperationException("Resolve the links first.");
        foreach (var entry in entries)
        {
            if (entry.Kind != PackEntryKind.Symlink)
            {
                yield return entry;
                continue;
            }

            foreach (var copy in copies[entry.ArchivePath])
            {
                yield return copy;
            }
        }
    }

    /// <summary>Where a link ends up, following links through the chain (a link's target relative to its folder).</summary>
    private string Follow(string path)
    {
        for (var depth = 0; depth <= MaxLinkDepth && _links.TryGetValue(path, out var target); depth++)
        {
            var slash = path.LastIndexOf('/');
            var parts = new List<string>(slash < 0 ? [] : path[..slash].Split('/'));
            foreach (var part in target.Split('/'))
            {
                if (part == "..")
                {
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                }
                else if (part is not ("." or ""))
                {
                    parts.Add(part);
                }
            }

            path = string.Join('/', parts);
        }

        return path;
    }
}
