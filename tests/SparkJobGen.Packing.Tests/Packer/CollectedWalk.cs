using System.Collections;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// A walk collected whole, for tests that look at everything a walk finds (the packer itself never holds a walk: it visits
/// items through <see cref="EnvironmentWalker.Visit"/> and sinks).
/// </summary>
internal static class CollectedWalk
{
    /// <summary>Walks <paramref name="root"/>, several directories at a time (metadata calls dominate; they overlap well).</summary>
    /// <param name="root">An absolute directory.</param>
    /// <param name="skipCondaTopLevel">Whether to skip conda-installation folders at the top level.</param>
    /// <param name="prune">Directories (relative paths) not to descend into; null descends everywhere.</param>
    /// <param name="native">Whether to list with <see cref="LinuxDirectory"/>; null uses it where it is available.</param>
    /// <returns>Every item, in no particular order.</returns>
    public static DiskItems Walk(string root, bool skipCondaTopLevel, Func<string, bool>? prune = null, bool? native = null)
    {
        var all = new DiskItems();
        foreach (var part in EnvironmentWalker.Visit(root, skipCondaTopLevel, prune, native, static () => new DiskItems()))
        {
            all.Take(part);
        }

        return all;
    }
}

/// <summary>
/// The items of a walk in fixed-size chunks: a growing list would copy hundreds of thousands of items on each doubling
/// and again to join the workers' lists, holding two or three times the final size at its peak.
/// </summary>
internal sealed class DiskItems : IEnumerable<DiskItem>, IDiskItemSink
{
    private const int ChunkSize = 1024;
    private readonly List<(DiskItem[] Items, int Count)> _chunks = [];

    /// <summary>The number of items.</summary>
    public int Count { get; private set; }

    /// <summary>Appends an item.</summary>
    public void Add(in DiskItem item)
    {
        if (_chunks.Count == 0 || _chunks[^1].Count == ChunkSize)
        {
            _chunks.Add((new DiskItem[ChunkSize], 0));
        }

        var (items, count) = _chunks[^1];
        items[count] = item;
        _chunks[^1] = (items, count + 1);
        Count++;
    }

    /// <summary>Moves the chunks of <paramref name="other"/> (which must not be used afterwards) to the end of this list.</summary>
    public void Take(DiskItems? other)
    {
        if (other is not null)
        {
            _chunks.AddRange(other._chunks);
            Count += other.Count;
            other._chunks.Clear();
            other.Count = 0;
        }
    }

    /// <summary>Enumerates without allocating.</summary>
    public Enumerator GetEnumerator() => new(_chunks);

    IEnumerator<DiskItem> IEnumerable<DiskItem>.GetEnumerator()
    {
        foreach (var (items, count) in _chunks)
        {
            for (var i = 0; i < count; i++)
            {
                yield return items[i];
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<DiskItem>)this).GetEnumerator();

    /// <summary>The items in order.</summary>
    public struct Enumerator(List<(DiskItem[] Items, int Count)> chunks)
    {
        private int _chunk;
        private int _index = -1;

        /// <summary>The current item.</summary>
        public readonly ref readonly DiskItem Current => ref chunks[_chunk].Items[_index];

        /// <summary>Moves to the next item.</summary>
        public bool MoveNext()
        {
            while (_chunk < chunks.Count)
            {
                if (++_index < chunks[_chunk].Count)
                {
                    return true;
                }

                _chunk++;
                _index = -1;
            }

            return false;
        }
    }
}
