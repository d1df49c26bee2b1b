using System;
using System.Collections.Generic;
using System.Threading;
using SparkJobGen.Generators.Environments;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Two jobs (by index) that order two channels oppositely: <see cref="First"/> lists the channel at
/// <see cref="EarlierInFirst"/> before the one at <see cref="LaterInFirst"/>; <see cref="Second"/> lists that later channel
/// at <see cref="LaterInSecond"/>, before the earlier one.
/// </summary>
internal sealed record OppositeChannelOrder(int First, int Second, int EarlierInFirst, int LaterInFirst, int LaterInSecond);

/// <summary>One step of a channel order cycle: job <see cref="Job"/> (by index) lists <see cref="Before"/> before <see cref="After"/>.</summary>
internal sealed record ChannelOrderStep(int Job, string Before, string After);

/// <summary>
/// The conflicts among the channel orders of the jobs of one environment (SJG2009 and SJG2010), computed from the jobs'
/// lists alone, so the result does not depend on the order the compiler analyzes the jobs in (only on the order of
/// <c>jobChannels</c>, which callers sort by metadata name, to choose which job witnesses a step when several do).
/// </summary>
/// <remarks>
/// Only channels of a cycle of <see cref="ChannelOrderGraph"/> can conflict: an environment whose orders have no cycle (the
/// usual case) costs one pass over the channels listed. Otherwise each job's pairs of channels within one cycle are looked at
/// once (<see cref="ChannelOrderGraph.CyclePairs"/>; quadratic in the channels on cycles, never in the number of jobs); job
/// pairs are only formed for pairs of channels that are actually ordered both ways.
/// </remarks>
internal sealed class ChannelOrderConflicts
{
    private ChannelOrderConflicts(List<OppositeChannelOrder> opposite, List<ChannelOrderStep[]> cycles)
    {
        Opposite = opposite;
        Cycles = cycles;
    }

    /// <summary>Each pair of jobs that order two channels oppositely, once per pair (the first such channels in the first job's order), ordered by job indexes.</summary>
    public IReadOnlyList<OppositeChannelOrder> Opposite { get; }

    /// <summary>
    /// Cycles through three or more jobs that no two of them contradict directly: per group of channels that such orders
    /// chain into each other, one shortest cycle from the group's first channel by name; ordered by that channel.
    /// </summary>
    public IReadOnlyList<ChannelOrderStep[]> Cycles { get; }

    /// <summary>Finds the conflicts among <paramref name="jobChannels"/>.</summary>
    /// <param name="jobChannels">Each job's channels in priority order, without duplicates, in a deterministic job order.</param>
    /// <param name="graph">The graph built from <paramref name="jobChannels"/>.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static ChannelOrderConflicts Find(IReadOnlyList<IReadOnlyList<string>> jobChannels, ChannelOrderGraph graph, CancellationToken cancellationToken)
    {
        var opposite = new List<OppositeChannelOrder>();
        var cycles = new List<ChannelOrderStep[]>();
        if (!graph.HasCycle)
        {
            return new ChannelOrderConflicts(opposite, cycles);
        }

        var nodes = new int[jobChannels.Count][];
        for (var job = 0; job < jobChannels.Count; job++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var list = nodes[job] = new int[jobChannels[job].Count];
            for (var i = 0; i < list.Length; i++)
            {
                list[i] = graph.NodeOf(jobChannels[job][i]);
            }
        }

        // Only pairs within one cycle can take part in a conflict: two channels ordered both ways, or on any cycle, reach
        // each other.
        var firstDeclarer = graph.CyclePairs;
        var conflictingJobs = FindOpposite(nodes, firstDeclarer, graph, opposite, cancellationToken);
        FindCycles(firstDeclarer, graph, conflictingJobs, jobChannels.Count, cycles, cancellationToken);
        return new ChannelOrderConflicts(opposite, cycles);
    }

    /// <summary>Fills <paramref name="opposite"/>; returns the job pairs it names (as <see cref="Key"/>s over job indexes).</summary>
    private static HashSet<long> FindOpposite(int[][] nodes, IReadOnlyDictionary<long, int> firstDeclarer, ChannelOrderGraph graph, List<OppositeChannelOrder> opposite, CancellationToken cancellationToken)
    {
        var n = graph.Channels.Count;
        var jobPairs = new HashSet<long>();

        // Jobs listing each ordered pair whose reverse some job lists too.
        var declarers = new Dictionary<long, List<int>>();
        foreach (var pair in firstDeclarer)
        {
            var before = (int)(pair.Key / n);
            var after = (int)(pair.Key % n);
            if (firstDeclarer.ContainsKey(Key(after, before, n)))
            {
                declarers[pair.Key] = new List<int>();
            }
        }

        if (declarers.Count == 0)
        {
            return jobPairs;
        }

        // A channel ordered both ways is on a cycle: look only at each job's channels that are.
        var ordered = new bool[n];
        foreach (var key in declarers.Keys)
        {
            ordered[(int)(key / n)] = true;
        }

        var positions = new Dictionary<int, int>[nodes.Length];
        var onCycle = new List<int>();
        for (var job = 0; job < nodes.Length; job++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var list = nodes[job];
            onCycle.Clear();
            foreach (var node in list)
            {
                if (ordered[node])
                {
                    onCycle.Add(node);
                }
            }

            for (var i = 0; i < onCycle.Count; i++)
            {
                for (var j = i + 1; j < onCycle.Count; j++)
                {
                    if (declarers.TryGetValue(Key(onCycle[i], onCycle[j], n), out var jobs))
                    {
                        jobs.Add(job);
                        if (positions[job] is null)
                        {
                            positions[job] = new Dictionary<int, int>(list.Length);
                            for (var k = 0; k < list.Length; k++)
                            {
                                positions[job][list[k]] = k;
                            }
                        }
                    }
                }
            }
        }

        // Per pair of jobs, the first opposite pair in the first job's order: smallest (earlier, later) positions there.
        var best = new Dictionary<long, OppositeChannelOrder>();
        foreach (var pair in declarers)
        {
            var u = (int)(pair.Key / n);
            var v = (int)(pair.Key % n);
            if (u > v)
            {
                continue; // each unordered pair once; its reverse holds the other jobs
            }

            foreach (var a in pair.Value)
            {
                foreach (var b in declarers[Key(v, u, n)])
                {
                    var first = Math.Min(a, b);
                    var second = Math.Max(a, b);
                    var (earlier, later) = first == a ? (u, v) : (v, u);
                    var candidate = new OppositeChannelOrder(first, second, positions[first][earlier], positions[first][later], positions[second][later]);
                    var key = Key(first, second, nodes.Length);
                    if (!best.TryGetValue(key, out var current)
                        || candidate.EarlierInFirst < current.EarlierInFirst
                        || (candidate.EarlierInFirst == current.EarlierInFirst && candidate.LaterInFirst < current.LaterInFirst))
                    {
                        best[key] = candidate;
                    }
                }
            }
        }

        foreach (var key in best.Keys)
        {
            jobPairs.Add(key);
        }

        opposite.AddRange(best.Values);
        opposite.Sort(static (x, y) => x.First != y.First ? x.First.CompareTo(y.First) : x.Second.CompareTo(y.Second));
        return jobPairs;
    }

    /// <summary>
    /// Fills <paramref name="cycles"/> from the orders no two jobs contradict directly (a pair ordered both ways is SJG2009's;
    /// a cycle through it is that conflict, settled with it). Over those orders any cycle involves three or more jobs: two
    /// jobs that agree on every channel they share cannot order channels in a cycle.
    /// </summary>
    private static void FindCycles(IReadOnlyDictionary<long, int> firstDeclarer, ChannelOrderGraph graph, HashSet<long> conflictingJobs, int jobCount, List<ChannelOrderStep[]> cycles, CancellationToken cancellationToken)
    {
        var n = graph.Channels.Count;
        var successorSets = new List<int>?[n];
        foreach (var pair in firstDeclarer)
        {
            var before = (int)(pair.Key / n);
            var after = (int)(pair.Key % n);
            if (!firstDeclarer.ContainsKey(Key(after, before, n)))
            {
                (successorSets[before] ??= new List<int>()).Add(after);
            }
        }

        var successors = new int[n][];
        for (var node = 0; node < n; node++)
        {
            var list = successorSets[node];
            if (list is null)
            {
                successors[node] = Array.Empty<int>();
                continue;
            }

            list.Sort();
            successors[node] = list.ToArray();
        }

        var component = ChannelOrderGraph.StronglyConnectedComponents(successors, out var componentCount);
        var size = new int[componentCount];
        foreach (var c in component)
        {
            size[c]++;
        }

        var done = new bool[componentCount];

        // Nodes ascend in ordinal name order, so the first node met of a component is its first channel by name.
        for (var start = 0; start < n; start++)
        {
            var c = component[start];
            if (size[c] < 2 || done[c])
            {
                continue;
            }

            done[c] = true;
            cancellationToken.ThrowIfCancellationRequested();
            if (ShortestCycle(start, successors, component) is not { } path)
            {
                continue;
            }

            var steps = new ChannelOrderStep[path.Count];
            for (var i = 0; i < path.Count; i++)
            {
                var before = path[i];
                var after = path[(i + 1) % path.Count];
                steps[i] = new ChannelOrderStep(firstDeclarer[Key(before, after, n)], graph.Channels[before], graph.Channels[after]);
            }

            if (ThroughThreeAgreeingJobs(steps, conflictingJobs, jobCount))
            {
                cycles.Add(steps);
            }
        }
    }

    /// <summary>
    /// The nodes of a shortest cycle through <paramref name="start"/> within its component, from <paramref name="start"/>;
    /// breadth first, successors ascending (every node of a component of two or more nodes lies on one).
    /// </summary>
    private static List<int>? ShortestCycle(int start, int[][] successors, int[] component)
    {
        var parent = new Dictionary<int, int> { [start] = -1 };
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var successor in successors[node])
            {
                if (successor == start)
                {
                    var path = new List<int>();
                    for (var at = node; at >= 0; at = parent[at])
                    {
                        path.Add(at);
                    }

                    path.Reverse();
                    return path;
                }

                if (component[successor] == component[start] && !parent.ContainsKey(successor))
                {
                    parent[successor] = node;
                    queue.Enqueue(successor);
                }
            }
        }

        return null;
    }

    /// <summary>Whether the steps' jobs are at least three and no two of them are a pair SJG2009 reports.</summary>
    private static bool ThroughThreeAgreeingJobs(ChannelOrderStep[] steps, HashSet<long> conflictingJobs, int jobCount)
    {
        var jobs = new List<int>();
        foreach (var step in steps)
        {
            if (!jobs.Contains(step.Job))
            {
                jobs.Add(step.Job);
            }
        }

        if (jobs.Count < 3)
        {
            return false;
        }

        for (var i = 0; i < jobs.Count; i++)
        {
            for (var j = i + 1; j < jobs.Count; j++)
            {
                if (conflictingJobs.Contains(Key(Math.Min(jobs[i], jobs[j]), Math.Max(jobs[i], jobs[j]), jobCount)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static long Key(int a, int b, int count) => ((long)a * count) + b;
}
