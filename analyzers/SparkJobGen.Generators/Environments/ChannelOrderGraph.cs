using System;
using System.Collections.Generic;

namespace SparkJobGen.Generators.Environments;

/// <summary>
/// The channel orders the jobs of one environment declare, as a graph over its distinct channels: an edge from each channel
/// to the next one in a job's list. A job's list is a total order, so these edges reach exactly the pairs some job orders,
/// in <c>O(channels listed)</c> edges rather than one per pair. Channels that reach each other (a strongly connected
/// component of more than one channel) are ordered in a cycle by the jobs together; no order can keep all those orders.
/// </summary>
internal sealed class ChannelOrderGraph
{
    private readonly Dictionary<string, int> _nodes;

    private ChannelOrderGraph(string[] channels, Dictionary<string, int> nodes, int[] rank, int[][] successors, int[] component, int componentCount, Dictionary<long, int> cyclePairs)
    {
        Channels = channels;
        _nodes = nodes;
        Rank = rank;
        Successors = successors;
        Component = component;
        ComponentCount = componentCount;
        CyclePairs = cyclePairs;
    }

    /// <summary>The distinct channels, in ordinal order; a channel's index here is its node.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>Per node, the earliest position any job gives the channel (0 = first).</summary>
    public IReadOnlyList<int> Rank { get; }

    /// <summary>Per node, the nodes that directly follow it in some job's list, ascending, without duplicates.</summary>
    public IReadOnlyList<int[]> Successors { get; }

    /// <summary>Per node, its strongly connected component (numbered from 0, in no documented order).</summary>
    public IReadOnlyList<int> Component { get; }

    /// <summary>The number of strongly connected components.</summary>
    public int ComponentCount { get; }

    /// <summary>
    /// Every ordered pair of channels of one cycle (one component of two or more channels) that some job lists, keyed by
    /// <see cref="PairKey"/>, with the first job (index into the lists the graph was built from) that lists it. Empty when
    /// there is no cycle; only then is each job's list looked at pair by pair, and only its channels on a cycle.
    /// </summary>
    public IReadOnlyDictionary<long, int> CyclePairs { get; }

    /// <summary>The key of the ordered pair (<paramref name="before"/>, <paramref name="after"/>) in <see cref="CyclePairs"/>.</summary>
    /// <param name="before">The node listed first.</param>
    /// <param name="after">The node listed after it.</param>
    public long PairKey(int before, int after) => ((long)before * Channels.Count) + after;

    /// <summary>Whether some channels are ordered in a cycle (some component has more than one channel).</summary>
    public bool HasCycle => ComponentCount < Channels.Count;

    /// <summary>Builds the graph of <paramref name="jobChannels"/>; a channel repeated within one job's list counts at its first position.</summary>
    /// <param name="jobChannels">Each job's channels in priority order.</param>
    public static ChannelOrderGraph Create(IReadOnlyList<IReadOnlyList<string>> jobChannels)
    {
        var distinct = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var channels in jobChannels)
        {
            foreach (var channel in channels)
            {
                distinct.Add(channel);
            }
        }

        var names = new string[distinct.Count];
        distinct.CopyTo(names);
        var index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            index[names[i]] = i;
        }

        var rank = new int[names.Length];
        for (var i = 0; i < rank.Length; i++)
        {
            rank[i] = int.MaxValue;
        }

        var successorSets = new HashSet<int>?[names.Length];
        var inJob = new HashSet<int>();
        foreach (var channels in jobChannels)
        {
            inJob.Clear();
            var previous = -1;
            foreach (var channel in channels)
            {
                var node = index[channel];
                if (!inJob.Add(node))
                {
                    continue;
                }

                rank[node] = Math.Min(rank[node], inJob.Count - 1);
                if (previous >= 0)
                {
                    (successorSets[previous] ??= new HashSet<int>()).Add(node);
                }

                previous = node;
            }
        }

        var successors = new int[names.Length][];
        for (var i = 0; i < successors.Length; i++)
        {
            successors[i] = Sorted(successorSets[i]);
        }

        var component = StronglyConnectedComponents(successors, out var componentCount);
        var cyclePairs = new Dictionary<long, int>();
        if (componentCount < names.Length)
        {
            var size = new int[componentCount];
            foreach (var c in component)
            {
                size[c]++;
            }

            var list = new List<int>();
            for (var job = 0; job < jobChannels.Count; job++)
            {
                list.Clear();
                inJob.Clear();
                foreach (var channel in jobChannels[job])
                {
                    var node = index[channel];
                    if (inJob.Add(node) && size[component[node]] > 1)
                    {
                        list.Add(node);
                    }
                }

                for (var i = 0; i < list.Count; i++)
                {
                    for (var j = i + 1; j < list.Count; j++)
                    {
                        var key = ((long)list[i] * names.Length) + list[j];
                        if (component[list[i]] == component[list[j]] && !cyclePairs.ContainsKey(key))
                        {
                            cyclePairs[key] = job;
                        }
                    }
                }
            }
        }

        return new ChannelOrderGraph(names, index, rank, successors, component, componentCount, cyclePairs);
    }

    /// <summary>The node of <paramref name="channel"/>, one of the channels the graph was built from.</summary>
    /// <param name="channel">The channel name.</param>
    public int NodeOf(string channel) => _nodes[channel];

    /// <summary>
    /// The merged channel order (docs/diagnostics/SJG2009.md, "The merge rule"). The channels of one cycle are kept together,
    /// cut open before their first channel by (earliest position, name) and otherwise in their declared orders (see
    /// <see cref="CycleOrder"/>); every order between channels not of one cycle is kept; what no order decides comes by
    /// (earliest position, name) of a channel, or of a cycle's first channel. Precisely: among the orders that keep every
    /// order not within a cycle and each cycle together in its cut-open order, the smallest one position by position under
    /// (earliest position, name).
    /// </summary>
    public List<string> MergedOrder()
    {
        var count = Channels.Count;
        var members = new List<int>[ComponentCount];
        for (var node = 0; node < count; node++)
        {
            (members[Component[node]] ??= new List<int>()).Add(node);
        }

        var byKey = Comparer<int>.Create((a, b) =>
        {
            var byRank = Rank[a].CompareTo(Rank[b]);
            return byRank != 0 ? byRank : a.CompareTo(b); // nodes are numbered in ordinal name order
        });
        for (var c = 0; c < ComponentCount; c++)
        {
            members[c].Sort(byKey);
            if (members[c].Count > 1)
            {
                members[c] = CycleOrder(members[c]);
            }
        }

        // Edges between components; a component is placed once every component before it is.
        var predecessors = new int[ComponentCount];
        var componentSuccessors = new HashSet<int>[ComponentCount];
        for (var node = 0; node < count; node++)
        {
            foreach (var successor in Successors[node])
            {
                var from = Component[node];
                var to = Component[successor];
                if (from != to && (componentSuccessors[from] ??= new HashSet<int>()).Add(to))
                {
                    predecessors[to]++;
                }
            }
        }

        // Components keyed by their first channel: (earliest position, name).
        var ready = new SortedSet<int>(Comparer<int>.Create((a, b) => byKey.Compare(members[a][0], members[b][0])));
        for (var c = 0; c < ComponentCount; c++)
        {
            if (predecessors[c] == 0)
            {
                ready.Add(c);
            }
        }

        var result = new List<string>(count);
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            foreach (var node in members[next])
            {
                result.Add(Channels[node]);
            }

            if (componentSuccessors[next] is { } after)
            {
                foreach (var successor in after)
                {
                    if (--predecessors[successor] == 0)
                    {
                        ready.Add(successor);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The channels of one cycle in merged order: first the first by (earliest position, name), then repeatedly the first
    /// remaining one that no remaining channel of the cycle is listed before by some job, or, when every remaining one has
    /// such a channel, the first remaining one. A cycle of one loop is so cut at one place only.
    /// </summary>
    /// <param name="members">The cycle's nodes sorted by (earliest position, name).</param>
    private List<int> CycleOrder(List<int> members)
    {
        var waitingFor = new Dictionary<int, int>(members.Count);
        var after = new Dictionary<int, List<int>>(members.Count);
        foreach (var node in members)
        {
            waitingFor[node] = 0;
            after[node] = new List<int>();
        }

        foreach (var before in members)
        {
            foreach (var later in members)
            {
                if (before != later && CyclePairs.ContainsKey(PairKey(before, later)))
                {
                    waitingFor[later]++;
                    after[before].Add(later);
                }
            }
        }

        var remaining = new List<int>(members);
        var result = new List<int>(members.Count);
        while (remaining.Count > 0)
        {
            var pick = 0;
            for (var i = 0; i < remaining.Count; i++)
            {
                if (waitingFor[remaining[i]] == 0)
                {
                    pick = i;
                    break;
                }
            }

            var next = remaining[pick];
            remaining.RemoveAt(pick);
            result.Add(next);
            foreach (var later in after[next])
            {
                waitingFor[later]--;
            }
        }

        return result;
    }

    /// <summary>
    /// Tarjan's strongly connected components, iteratively (no recursion depth limit on hostile input). Nodes and their
    /// successors are visited in ascending order, so the numbering is deterministic.
    /// </summary>
    /// <param name="successors">Per node, its successors.</param>
    /// <param name="count">The number of components.</param>
    /// <returns>Per node, its component.</returns>
    public static int[] StronglyConnectedComponents(IReadOnlyList<int[]> successors, out int count)
    {
        var n = successors.Count;
        var order = new int[n];
        var low = new int[n];
        var component = new int[n];
        var onStack = new bool[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = -1;
        }

        var stack = new Stack<int>();
        var calls = new Stack<(int Node, int Next)>();
        var counter = 0;
        count = 0;
        for (var root = 0; root < n; root++)
        {
            if (order[root] >= 0)
            {
                continue;
            }

            calls.Push((root, 0));
            order[root] = low[root] = counter++;
            stack.Push(root);
            onStack[root] = true;
            while (calls.Count > 0)
            {
                var (node, next) = calls.Pop();
                if (next < successors[node].Length)
                {
                    calls.Push((node, next + 1));
                    var successor = successors[node][next];
                    if (order[successor] < 0)
                    {
                        order[successor] = low[successor] = counter++;
                        stack.Push(successor);
                        onStack[successor] = true;
                        calls.Push((successor, 0));
                    }
                    else if (onStack[successor])
                    {
                        low[node] = Math.Min(low[node], order[successor]);
                    }

                    continue;
                }

                if (low[node] == order[node])
                {
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component[member] = count;
                    }
                    while (member != node);
                    count++;
                }

                if (calls.Count > 0)
                {
                    var parent = calls.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return component;
    }

    private static int[] Sorted(HashSet<int>? set)
    {
        if (set is null)
        {
            return Array.Empty<int>();
        }

        var array = new int[set.Count];
        set.CopyTo(array);
        Array.Sort(array);
        return array;
    }
}
