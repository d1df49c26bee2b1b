using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// Channel orders that form a cycle across the jobs of one environment (docs/diagnostics/SJG2009.md, "The merge rule";
/// docs/diagnostics/SJG2010.md), on real compilations through the generator and <see cref="ChannelOrderAnalyzer"/>. The
/// random cases are checked against a brute-force reading of the documented rule written here: the transitive closure of
/// every pair some job orders (Warshall), and for the merged list every permutation of the channels.
/// </summary>
public sealed partial class ChannelOrderCycleTests
{
    private static readonly string[] Pool = ["anaconda", "bioconda", "conda-forge", "defaults", "nvidia", "pytorch"];

    public static TheoryData<string, string, string, bool> ClassNames() => new()
    {
        { "Train", "Score", "Export", false },
        { "Export", "Train", "Score", true },
        { "ZTrain", "AScore", "MExport", false },
        { "AExport", "ZScore", "BTrain", true },
    };

    [Theory]
    [MemberData(nameof(ClassNames))]
    public void A_three_job_cycle_is_written_together_by_earliest_position_then_name_whatever_the_class_names(string train, string score, string export, bool reversed)
    {
        // The example of docs/diagnostics/SJG2010.md: pytorch < nvidia (train), nvidia < conda-forge (score), conda-forge <
        // pytorch < bioconda (export). The cycle's channels each come first in some job, so conda-forge (by name) opens it and
        // the cycle's other orders hold; bioconda stays after pytorch.
        var jobs = new List<string>
        {
            $$"""
            [SparkJob("jobs/train.py", Name = "train", Environment = "ml")]
            [CondaChannel("pytorch")]
            [CondaChannel("nvidia")]
            public partial class {{train}} { }
            """,
            $$"""
            [SparkJob("jobs/score.py", Name = "score", Environment = "ml")]
            [CondaChannel("nvidia")]
            [CondaChannel("conda-forge")]
            public partial class {{score}} { }
            """,
            $$"""
            [SparkJob("jobs/export.py", Name = "export", Environment = "ml")]
            [CondaChannel("conda-forge")]
            [CondaChannel("pytorch")]
            [CondaChannel("bioconda")]
            public partial class {{export}} { }
            """,
        };
        if (reversed)
        {
            jobs.Reverse();
        }

        var (output, _) = GeneratorHarness.RunAndAssertClean("using SparkJobGen;\nnamespace Demo;\n" + string.Join("\n", jobs));

        Assert.Equal(["conda-forge", "pytorch", "nvidia", "bioconda"], Channels(ChannelMergeTests.EnvironmentYaml(output, "ml")));
    }

    [Fact]
    public void A_four_job_cycle_keeps_the_orders_off_the_cycle()
    {
        // conda-forge < defaults < nvidia < pytorch < conda-forge, one step per job; bioconda (the assembly's) after each
        // job's own. anaconda is first in Five, and first of all by name, but Three lists it after nvidia and pytorch, an
        // order on no cycle: it stays after the cycle.
        var (output, _) = GeneratorHarness.RunAndAssertClean("""
            using SparkJobGen;

            [assembly: CondaChannel("bioconda")]

            namespace Demo;

            [SparkJob("jobs/one.py", Environment = "shared")]
            [CondaChannel("conda-forge")]
            [CondaChannel("defaults")]
            public partial class One { }

            [SparkJob("jobs/two.py", Environment = "shared")]
            [CondaChannel("defaults")]
            [CondaChannel("nvidia")]
            public partial class Two { }

            [SparkJob("jobs/three.py", Environment = "shared")]
            [CondaChannel("nvidia")]
            [CondaChannel("pytorch")]
            [CondaChannel("anaconda")]
            public partial class Three { }

            [SparkJob("jobs/four.py", Environment = "shared")]
            [CondaChannel("pytorch")]
            [CondaChannel("conda-forge")]
            public partial class Four { }

            [SparkJob("jobs/five.py", Environment = "shared")]
            [CondaChannel("anaconda")]
            public partial class Five { }
            """);

        Assert.Equal(["conda-forge", "defaults", "nvidia", "pytorch", "anaconda", "bioconda"], Channels(ChannelMergeTests.EnvironmentYaml(output, "shared")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Orders_drawn_from_one_hidden_total_order_are_never_reported_and_all_kept(int seed)
    {
        var random = new Random(seed);
        var environments = new List<List<string[]>>();
        for (var e = 0; e < 40; e++)
        {
            var hidden = Pool.OrderBy(_ => random.Next()).Take(random.Next(2, Pool.Length + 1)).ToArray();
            var jobs = new List<string[]>();
            for (var j = random.Next(2, 7); j > 0; j--)
            {
                // A subsequence of the hidden order: every pair it orders, it orders as the hidden order does.
                var job = hidden.Where(_ => random.Next(3) > 0).ToArray();
                jobs.Add(job.Length > 0 ? job : [hidden[random.Next(hidden.Length)]]);
            }

            environments.Add(jobs);
        }

        var (diagnostics, merged) = await RunAsync(environments, seed);

        Assert.Empty(diagnostics);
        for (var e = 0; e < environments.Count; e++)
        {
            Assert.False(BruteForce.HasCycle(environments[e]));
            foreach (var job in environments[e])
            {
                // Every job's list is a subsequence of the merged list: its every order is kept.
                Assert.Equal(job, merged[e].Where(job.Contains).ToArray());
            }

            Assert.Equal(BruteForce.Merge(environments[e]), merged[e]);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task Random_orders_are_reported_exactly_when_all_jobs_orders_together_have_a_cycle(int seed)
    {
        var random = new Random(seed);
        var environments = new List<List<string[]>>();
        for (var e = 0; e < 60; e++)
        {
            var channels = Pool.OrderBy(_ => random.Next()).ToArray();
            var jobs = new List<string[]>();
            if (e % 2 == 0)
            {
                // A cycle through 3 to 5 jobs, one step each, then a few jobs at random.
                var length = random.Next(3, 6);
                for (var i = 0; i < length; i++)
                {
                    jobs.Add([channels[i], channels[(i + 1) % length]]);
                }
            }

            for (var j = random.Next(e % 2 == 0 ? 0 : 2, 4); j > 0; j--)
            {
                jobs.Add(channels.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToArray());
            }

            environments.Add(jobs.OrderBy(_ => random.Next()).ToList());
        }

        var (diagnostics, merged) = await RunAsync(environments, seed);

        var counts = new int[3];
        for (var e = 0; e < environments.Count; e++)
        {
            var jobs = environments[e];
            var mine = diagnostics.Where(d => d.Environment == e).ToList();
            var cycle = BruteForce.HasCycle(jobs);
            var opposite = BruteForce.OppositePairs(jobs);
            var context = "environment " + e + ": " + string.Join(" | ", jobs.Select(j => string.Join(",", j))) + "\n" + string.Join("\n", mine.Select(d => d.Message));

            Assert.True(cycle == (mine.Count > 0), context);

            // SJG2009: once per pair of jobs that order two channels oppositely, and what it names is true.
            var pairs = mine.Where(d => d.Id == DiagnosticDescriptors.ConflictingChannelOrderId).ToList();
            Assert.True(opposite.Count == pairs.Count, context);
            foreach (var pair in pairs)
            {
                var steps = pair.Steps;
                Assert.Equal(2, steps.Count);
                Assert.Contains((Math.Min(steps[0].Job, steps[1].Job), Math.Max(steps[0].Job, steps[1].Job)), opposite);
                Assert.All(steps, s => Assert.True(BruteForce.Orders(jobs[s.Job], s.Before, s.After), context));
                Assert.Equal((steps[0].Before, steps[0].After), (steps[1].After, steps[1].Before));
            }

            // SJG2010: only when a cycle remains without the jobs that contradict each other directly (then at least once);
            // each names a true cycle through three or more jobs, no two of which SJG2009 names.
            var cycles = mine.Where(d => d.Id == DiagnosticDescriptors.ChannelOrderCycleId).ToList();
            if (cycle && opposite.Count == 0)
            {
                Assert.NotEmpty(cycles);
            }

            foreach (var report in cycles)
            {
                var steps = report.Steps;
                Assert.All(steps, s => Assert.True(BruteForce.Orders(jobs[s.Job], s.Before, s.After), context));
                Assert.All(steps.Select((s, i) => (s, next: steps[(i + 1) % steps.Count])), p => Assert.Equal(p.s.After, p.next.Before));
                Assert.Equal(steps.Count, steps.Select(s => s.Before).Distinct().Count());
                var named = steps.Select(s => s.Job).Distinct().ToList();
                Assert.True(named.Count >= 3, context);
                Assert.DoesNotContain(opposite, p => named.Contains(p.First) && named.Contains(p.Second));
            }

            // Channels that take part in no common cycle are reported apart: no two SJG2010 share a channel.
            Assert.Equal(cycles.Sum(c => c.Steps.Count), cycles.SelectMany(c => c.Steps.Select(s => s.Before)).Distinct().Count());

            Assert.Equal(BruteForce.Merge(jobs), merged[e]);
            counts[cycle ? opposite.Count > 0 ? 2 : 1 : 0]++;
        }

        // The draw covers orders without a cycle, cycles only longer than two jobs, and opposite pairs.
        Assert.All(counts, c => Assert.True(c >= 5, string.Join(",", counts)));
    }

    /// <summary>A reported diagnostic, read back from its message: environment (by index), and the orders it says jobs declare.</summary>
    private sealed record Reported(string Id, int Environment, IReadOnlyList<(int Job, string Before, string After)> Steps, string Message);

    /// <summary>
    /// Compiles one job class per list (environment <c>e{index}</c>, job <c>e{index}-j{job}</c>, class names shuffled so
    /// metadata order is not list order), runs the generator and the analyzer (twice: the second time over the syntax trees
    /// in reverse order, with concurrent execution, and asserts the same messages), and returns what both produced.
    /// </summary>
    private static async Task<(List<Reported> Diagnostics, List<string[]> Merged)> RunAsync(List<List<string[]>> environments, int seed)
    {
        var random = new Random(seed * 7919);
        var sources = new List<string>();
        for (var e = 0; e < environments.Count; e++)
        {
            for (var j = 0; j < environments[e].Count; j++)
            {
                var source = new StringBuilder("using SparkJobGen;\nnamespace Random;\n");
                source.Append("[SparkJob(\"jobs/j.py\", Name = \"e").Append(e).Append("-j").Append(j).Append("\", Environment = \"e").Append(e).Append("\")]\n");
                foreach (var channel in environments[e][j])
                {
                    source.Append("[CondaChannel(\"").Append(channel).Append("\")]\n");
                }

                source.Append("public partial class C").Append(random.Next(1_000_000)).Append('_').Append(e).Append('_').Append(j).Append(" { }\n");
                sources.Add(source.ToString());
            }
        }

        var compilation = GeneratorHarness.CreateCompilation([.. sources]);
        var (output, generatorDiagnostics, result) = GeneratorHarness.Run(compilation);
        Assert.Empty(generatorDiagnostics);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var merged = environments.Select((_, e) => Channels(ChannelMergeTests.EnvironmentYaml(output, "e" + e))).ToList();

        var first = await AnalyzeAsync(compilation, concurrent: false);
        var reordered = GeneratorHarness.CreateCompilation([.. Enumerable.Reverse(sources)]);
        var second = await AnalyzeAsync(reordered, concurrent: true);
        Assert.Equal(first.Select(d => d.GetMessage()).Order(StringComparer.Ordinal), second.Select(d => d.GetMessage()).Order(StringComparer.Ordinal));

        return (first.Select(Read).ToList(), merged);
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, bool concurrent)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrent, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers([new ChannelOrderAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("AD", StringComparison.Ordinal));
        return diagnostics;
    }

    private static Reported Read(Diagnostic diagnostic)
    {
        var message = diagnostic.GetMessage();
        var environment = int.Parse(EnvironmentPattern().Match(message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var steps = StepPattern().Matches(message)
            .Select(m => (int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value, m.Groups[4].Value))
            .ToList();
        Assert.All(steps, s => Assert.Contains("'e" + environment + "-j" + s.Item1 + "'", message, StringComparison.Ordinal));
        return new Reported(diagnostic.Id, environment, steps, message);
    }

    private static string[] Channels(string yaml) =>
        yaml.Split('\n').SkipWhile(l => l != "channels:").Skip(1).TakeWhile(l => l.StartsWith("  - ", StringComparison.Ordinal)).Select(l => l[4..]).ToArray();

    [GeneratedRegex("share environment 'e(\\d+)'")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("'e(\\d+)-j(\\d+)' puts '([^']+)' before '([^']+)'")]
    private static partial Regex StepPattern();

    /// <summary>The documented rules, read as directly as possible, without the analyzer's or generator's algorithms.</summary>
    private static class BruteForce
    {
        /// <summary>Whether <paramref name="job"/> lists <paramref name="before"/> before <paramref name="after"/>.</summary>
        public static bool Orders(string[] job, string before, string after) =>
            Array.IndexOf(job, before) >= 0 && Array.IndexOf(job, after) > Array.IndexOf(job, before);

        /// <summary>Pairs of jobs (by index, first &lt; second) that list some two channels in opposite orders.</summary>
        public static HashSet<(int First, int Second)> OppositePairs(List<string[]> jobs)
        {
            var pairs = new HashSet<(int, int)>();
            for (var a = 0; a < jobs.Count; a++)
            {
                for (var b = a + 1; b < jobs.Count; b++)
                {
                    if (jobs[a].Any(x => jobs[a].Any(y => Orders(jobs[a], x, y) && Orders(jobs[b], y, x))))
                    {
                        pairs.Add((a, b));
                    }
                }
            }

            return pairs;
        }

        /// <summary>Whether the union of every job's orders has a cycle: some channel reaches itself in the closure.</summary>
        public static bool HasCycle(List<string[]> jobs)
        {
            var (names, reach) = Closure(jobs);
            return Enumerable.Range(0, names.Length).Any(i => reach[i, i]);
        }

        /// <summary>
        /// The merged list by the documented rule: among the permutations that keep every order not within a cycle and keep
        /// each cycle's channels together in its cut-open order, the smallest position by position under (earliest position,
        /// name).
        /// </summary>
        public static string[] Merge(List<string[]> jobs)
        {
            var (names, reach) = Closure(jobs);
            var n = names.Length;
            var rank = names.Select(c => jobs.Where(j => j.Contains(c)).Min(j => Array.IndexOf(j, c))).ToArray();
            int Compare(int a, int b) => rank[a] != rank[b] ? rank[a].CompareTo(rank[b]) : string.CompareOrdinal(names[a], names[b]);
            bool SameCycle(int a, int b) => a == b || (reach[a, b] && reach[b, a]);

            // Each cycle cut open: its first channel, then each time the first remaining one that no remaining one is
            // declared before (or, if each has one, the first remaining one).
            var inCycle = new int[n];
            for (var a = 0; a < n; a++)
            {
                var remaining = Enumerable.Range(0, n).Where(b => SameCycle(a, b)).ToList();
                remaining.Sort(Compare);
                var cut = new List<int>();
                while (remaining.Count > 0)
                {
                    var next = remaining.FirstOrDefault(r => !remaining.Any(q => jobs.Any(j => Orders(j, names[q], names[r]))), remaining[0]);
                    remaining.Remove(next);
                    cut.Add(next);
                }

                inCycle[a] = cut.IndexOf(a);
            }

            int[]? best = null;
            foreach (var permutation in Permutations(Enumerable.Range(0, n).ToArray()))
            {
                var position = new int[n];
                for (var i = 0; i < n; i++)
                {
                    position[permutation[i]] = i;
                }

                var valid = true;
                foreach (var job in jobs)
                {
                    for (var i = 0; i < job.Length && valid; i++)
                    {
                        for (var k = i + 1; k < job.Length && valid; k++)
                        {
                            var a = Array.IndexOf(names, job[i]);
                            var b = Array.IndexOf(names, job[k]);
                            valid = SameCycle(a, b) || position[a] < position[b];
                        }
                    }
                }

                for (var a = 0; a < n && valid; a++)
                {
                    for (var b = 0; b < n && valid; b++)
                    {
                        if (a != b && SameCycle(a, b))
                        {
                            // Together: everything between two channels of a cycle is of that cycle; sorted among themselves.
                            var (lo, hi) = (Math.Min(position[a], position[b]), Math.Max(position[a], position[b]));
                            valid = Enumerable.Range(lo, hi - lo + 1).All(p => SameCycle(a, permutation[p]))
                                && (position[a] < position[b]) == (inCycle[a] < inCycle[b]);
                        }
                    }
                }

                if (valid && (best is null || Lexicographic(permutation, best, Compare) < 0))
                {
                    best = (int[])permutation.Clone();
                }
            }

            return best!.Select(i => names[i]).ToArray();
        }

        private static int Lexicographic(int[] x, int[] y, Func<int, int, int> compare)
        {
            for (var i = 0; i < x.Length; i++)
            {
                var c = compare(x[i], y[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        }

        private static IEnumerable<int[]> Permutations(int[] items)
        {
            if (items.Length <= 1)
            {
                yield return items;
                yield break;
            }

            for (var i = 0; i < items.Length; i++)
            {
                var rest = items.Where((_, k) => k != i).ToArray();
                foreach (var tail in Permutations(rest))
                {
                    yield return [items[i], .. tail];
                }
            }
        }

        private static (string[] Names, bool[,] Reach) Closure(List<string[]> jobs)
        {
            var names = jobs.SelectMany(j => j).Distinct().Order(StringComparer.Ordinal).ToArray();
            var n = names.Length;
            var reach = new bool[n, n];
            foreach (var job in jobs)
            {
                for (var i = 0; i < job.Length; i++)
                {
                    for (var k = i + 1; k < job.Length; k++)
                    {
                        reach[Array.IndexOf(names, job[i]), Array.IndexOf(names, job[k])] = true;
                    }
                }
            }

            for (var k = 0; k < n; k++)
            {
                for (var i = 0; i < n; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        reach[i, j] |= reach[i, k] && reach[k, j];
                    }
                }
            }

            return (names, reach);
        }
    }
}
