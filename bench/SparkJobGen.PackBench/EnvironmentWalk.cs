namespace SparkJobGen.PackBench;

/// <summary>One entry of a directory walk, in the sorted order the packer feeds the archive writer.</summary>
internal sealed record WalkEntry(string RelativePath, string FullPath, WalkKind Kind, int Mode, long Length, string? LinkTarget);

internal enum WalkKind
{
    Directory,
    File,
    Symlink,
}

/// <summary>Walks a directory depth-first with ordinal-sorted names, like the runtime packer.</summary>
internal static class EnvironmentWalk
{
    public static List<WalkEntry> Walk(string root)
    {
        var entries = new List<WalkEntry>();
        Visit(root, string.Empty, entries);
        return entries;
    }

    private static void Visit(string directory, string relative, List<WalkEntry> entries)
    {
        var children = new DirectoryInfo(directory).GetFileSystemInfos();
        Array.Sort(children, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var child in children)
        {
            var path = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            var mode = (int)child.UnixFileMode & 0xFFF;
            if (child.LinkTarget is { } target)
            {
                entries.Add(new WalkEntry(path, child.FullName, WalkKind.Symlink, 0x1FF, 0, target));
            }
            else if (child is DirectoryInfo)
            {
                entries.Add(new WalkEntry(path, child.FullName, WalkKind.Directory, mode, 0, null));
                Visit(child.FullName, path, entries);
            }
            else if (child is FileInfo file)
            {
                entries.Add(new WalkEntry(path, child.FullName, WalkKind.File, mode, file.Length, null));
            }
        }
    }
}
