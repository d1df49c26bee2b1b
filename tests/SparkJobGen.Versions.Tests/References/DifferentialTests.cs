using System.Globalization;
using System.Text.Json.Nodes;
using SparkJobGen.References;
using SparkJobGen.Versions.Conda;
using SparkJobGen.Versions.Constraints;
using Xunit.Abstractions;

namespace SparkJobGen.Versions.Tests.References;

/// <summary>
/// Compares the version model with independent implementations on thousands of random cases: PEP 440 parsing, order,
/// matching and satisfiability with @renovatebot/pep440; conda parsing, order, matching with rattler's <c>Version</c> and
/// <c>VersionSpec</c>, and conda satisfiability with rattler's solver against a channel served on 127.0.0.1 that holds
/// every version the model's brute force would try. Each disagreement is either listed in <see cref="KnownDifferences"/>
/// with its reason or fails the test. Counts go to the test output and, when <c>SJG_REFERENCE_REPORT</c> names a file,
/// to that file (.ci/run prints it).
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Pep440_versions_parse_and_order_like_the_reference()
    {
        using var oracle = ReferenceOracle.StartOrSkip();
        var random = new RandomCases(RandomCases.Seed);
        var texts = Enumerable.Range(0, RandomCases.Count(3000)).Select(_ => random.Pep440Version()).Distinct().ToList();
        var valid = oracle.AskAll(texts.Select(t => new JsonObject { ["op"] = "pep440.valid", ["version"] = t }).ToList());
        var diffs = new List<Disagreement>();
        var parsed = new List<(string Text, Pep440Version Version)>();
        for (int i = 0; i < texts.Count; i++)
        {
            bool ours = Pep440Version.TryParse(texts[i], out var v, out _);
            bool theirs = valid[i]!.GetValue<bool>();
            if (ours != theirs)
            {
                diffs.Add(new Disagreement("pep440.valid", texts[i], ours.ToString(), theirs.ToString()));
            }
            else if (ours)
            {
                parsed.Add((texts[i], v!));
            }
        }

        var pairs = new List<(string A, string B, int Ours)>();
        for (int i = 0; i + 1 < parsed.Count; i++)
        {
            var (a, va) = parsed[i];
            var (b, vb) = parsed[random.Next(parsed.Count)];
            pairs.Add((a, b, Math.Sign(va.CompareTo(vb))));
            // Neighbours in our order are where an ordering mistake shows.
            pairs.Add((a, parsed[i + 1].Text, Math.Sign(va.CompareTo(parsed[i + 1].Version))));
        }

        var compared = oracle.AskAll(pairs.Select(p => new JsonObject { ["op"] = "pep440.compare", ["a"] = p.A, ["b"] = p.B }).ToList());
        for (int i = 0; i < pairs.Count; i++)
        {
            int theirs = compared[i]!.GetValue<int>();
            if (theirs != pairs[i].Ours)
            {
                diffs.Add(new Disagreement("pep440.compare", pairs[i].A + " vs " + pairs[i].B, pairs[i].Ours.ToString(CultureInfo.InvariantCulture), theirs.ToString(CultureInfo.InvariantCulture)));
            }
        }

        Report("PEP 440 versions", texts.Count + pairs.Count, diffs);
    }

    [SkippableFact]
    public void Pep440_specifiers_parse_and_match_like_the_reference()
    {
        using var oracle = ReferenceOracle.StartOrSkip();
        var random = new RandomCases(RandomCases.Seed + 1);
        var sets = Enumerable.Range(0, RandomCases.Count(1500)).Select(_ => random.Pep440SpecifierSet()).Distinct().ToList();
        var valid = oracle.AskAll(sets.Select(s => new JsonObject { ["op"] = "pep440.validRange", ["spec"] = s }).ToList());
        var diffs = new List<Disagreement>();
        var cases = new List<(string Set, string Version, bool Ours)>();
        for (int i = 0; i < sets.Count; i++)
        {
            bool ours = Pep440SpecifierSet.TryParse(sets[i], null, out var set, out _);
            bool theirs = valid[i]!.GetValue<bool>();
            if (ours != theirs)
            {
                diffs.Add(new Disagreement("pep440.validRange", sets[i], ours.ToString(), theirs.ToString()));
                continue;
            }

            if (!ours)
            {
                continue;
            }

            // Versions near the clauses' own versions, and random ones.
            var candidates = set!.Specifiers.Where(static s => s.Version is not null).SelectMany(static s => Near(s.Version!)).Concat(Enumerable.Range(0, 4).Select(_ => random.Pep440Version(false)));
            foreach (var candidate in candidates.Distinct())
            {
                if (Pep440Version.TryParse(candidate, out var v, out _))
                {
                    cases.Add((sets[i], candidate, set.Contains(candidate)));
                }
            }
        }

        var matched = oracle.AskAll(cases.Select(c => new JsonObject { ["op"] = "pep440.satisfies", ["version"] = c.Version, ["spec"] = c.Set }).ToList());
        for (int i = 0; i < cases.Count; i++)
        {
            var answer = matched[i];
            string theirs = ReferenceOracle.IsError(answer) ? "error" : answer!.GetValue<bool>().ToString();
            if (theirs != cases[i].Ours.ToString())
            {
                diffs.Add(new Disagreement("pep440.satisfies", cases[i].Version + " in " + cases[i].Set, cases[i].Ours.ToString(), theirs));
            }
        }

        Report("PEP 440 specifiers", sets.Count + cases.Count, diffs);
    }

    [SkippableFact]
    public void Pep440_satisfiability_agrees_with_brute_force_over_the_reference()
    {
        using var oracle = ReferenceOracle.StartOrSkip();
        var random = new RandomCases(RandomCases.Seed + 2);
        var diffs = new List<Disagreement>();
        var requests = new List<JsonObject>();
        var plan = new List<(string Sets, SatisfiabilityResult Result, List<string> Candidates)>();
        for (int n = 0; n < RandomCases.Count(600); n++)
        {
            var specs = Enumerable.Range(0, 2 + random.Next(2)).Select(_ => random.Pep440SpecifierSet(false)).ToList();
            var constraints = new List<VersionConstraint>();
            foreach (var s in specs)
            {
                if (VersionConstraint.TryCreatePip("pkg", s, null, out var c, out _))
                {
                    constraints.Add(c!);
                }
            }

            if (constraints.Count != specs.Count)
            {
                continue;
            }

            var joined = string.Join(",", specs);
            var result = VersionConstraintSolver.Check(constraints);
            var set = Pep440SpecifierSet.Parse(joined);
            var candidates = set.Specifiers.Where(static s => s.Version is not null).SelectMany(static s => Near(s.Version!))
                .Concat(set.Specifiers.Where(static s => s.Operator == Pep440Operator.Arbitrary).Select(static s => s.VersionText))
                .Concat(result.Example is null ? [] : [result.Example]).Distinct().ToList();
            plan.Add((joined, result, candidates));
            foreach (var candidate in candidates)
            {
                requests.Add(new JsonObject { ["op"] = "pep440.satisfies", ["version"] = candidate, ["spec"] = joined });
            }
        }

        var answers = oracle.AskAll(requests);
        int at = 0;
        foreach (var (sets, result, candidates) in plan)
        {
            var hits = new List<string>();
            foreach (var candidate in candidates)
            {
                var answer = answers[at++];
                if (!ReferenceOracle.IsError(answer) && answer!.GetValue<bool>())
                {
                    hits.Add(candidate);
                }
            }

            if (result.Status == SatisfiabilityStatus.Unsatisfiable && hits.Count > 0)
            {
                diffs.Add(new Disagreement("pep440.unsatisfiable", sets, "Unsatisfiable", "satisfied by " + hits[0]));
            }

            if (result.Status == SatisfiabilityStatus.Satisfiable && result.Example is { } example && !hits.Contains(example))
            {
                diffs.Add(new Disagreement("pep440.example", sets, "example " + example, "rejects it"));
            }
        }

        Report("PEP 440 satisfiability", plan.Count, diffs);
    }

    [SkippableFact]
    public void Conda_versions_parse_and_order_like_rattler()
    {
        using var oracle = ReferenceOracle.StartOrSkip();
        var random = new RandomCases(RandomCases.Seed + 3);
        var texts = Enumerable.Range(0, RandomCases.Count(3000)).Select(_ => random.CondaVersion()).Distinct().ToList();
        var valid = oracle.AskAll(texts.Select(t => new JsonObject { ["op"] = "conda.valid", ["version"] = t }).ToList());
        var diffs = new List<Disagreement>();
        var parsed = new List<(string Text, CondaVersion Version)>();
        for (int i = 0; i < texts.Count; i++)
        {
            bool ours = CondaVersion.TryParse(texts[i], out var v, out _);
            bool theirs = valid[i]!.GetValue<bool>();
            if (ours != theirs)
            {
                diffs.Add(new Disagreement("conda.valid", texts[i], ours.ToString(), theirs.ToString()));
            }
            else if (ours)
            {
                parsed.Add((texts[i], v!));
            }
        }

        parsed.Sort((x, y) => x.Version.CompareTo(y.Version));
        var pairs = new List<(string A, string B, int Ours)>();
        for (int i = 0; i + 1 < parsed.Count; i++)
        {
            pairs.Add((parsed[i].Text, parsed[i + 1].Text, Math.Sign(parsed[i].Version.CompareTo(parsed[i + 1].Version))));
            var other = parsed[random.Next(parsed.Count)];
            pairs.Add((parsed[i].Text, other.Text, Math.Sign(parsed[i].Version.CompareTo(other.Version))));
        }

        var compared = oracle.AskAll(pairs.Select(p => new JsonObject { ["op"] = "conda.compare", ["a"] = p.A, ["b"] = p.B }).ToList());
        for (int i = 0; i < pairs.Count; i++)
        {
            int theirs = compared[i]!.GetValue<int>();
            if (theirs != pairs[i].Ours)
            {
                diffs.Add(new Disagreement("conda.compare", pairs[i].A + " vs " + pairs[i].B, pairs[i].Ours.ToString(CultureInfo.InvariantCulture), theirs.ToString(CultureInfo.InvariantCulture)));
            }
        }

        Report("conda versions", texts.Count + pairs.Count, diffs);
    }

    [SkippableFact]
    public void Conda_specs_match_like_rattler()
    {
        using var oracle = ReferenceOracle.StartOrSkip();
        var random = new RandomCases(RandomCases.Seed + 4);
        var specs = Enumerable.Range(0, RandomCases.Count(1500)).Select(_ => random.CondaSpec()).Distinct().ToList();
        var valid = oracle.AskAll(specs.Select(s => new JsonObject { ["op"] = "conda.validSpec", ["spec"] = s }).ToList());
        var diffs = new List<Disagreement>();
        var cases = new List<(string Spec, string Version, bool Ours)>();
        for (int i = 0; i < specs.Count; i++)
        {
            bool ours = CondaVersionSpec.TryParse(specs[i], out var spec, out _);
            bool theirs = valid[i]!.GetValue<bool>();
            if (ours != theirs)
            {
                diffs.Add(new Disagreement("conda.validSpec", specs[i], ours.ToString(), theirs.ToString()));
                continue;
            }

            if (!ours)
            {
                continue;
            }

            var versions = new List<CondaVersion>();
            CollectVersions(spec!.Root, versions);
            foreach (var candidate in CondaCandidates.Around(versions).Take(40).Select(static v => v.ToString()).Concat([random.CondaVersion()]))
            {
                if (CondaVersion.TryParse(candidate, out var v, out _))
                {
                    cases.Add((specs[i], candidate, spec.IsSatisfiedBy(v!)));
                }
            }
        }

        var matched = oracle.AskAll(cases.Select(c => new JsonObject { ["op"] = "conda.matches", ["spec"] = c.Spec, ["version"] = c.Version }).ToList());
        for (int i = 0; i < cases.Count; i++)
        {
            var answer = matched[i];
            string theirs = ReferenceOracle.IsError(answer) ? "error" : answer!.GetValue<bool>().ToString();
            if (theirs != cases[i].Ours.ToString())
            {
                diffs.Add(new Disagreement("conda.matches", cases[i].Version + " in " + cases[i].Spec, cases[i].Ours.ToString(), theirs));
            }
        }

        Report("conda specs", specs.Count + cases.Count, diffs);
    }

    [SkippableFact]
    public void Conda_satisfiability_agrees_with_rattlers_solver()
    {
        using var oracle = ReferenceOracle.StartOrSkip();
        var random = new RandomCases(RandomCases.Seed + 5);
        var root = Directory.CreateTempSubdirectory("sjg-channel-");
        try
        {
            var url = oracle.Serve(root.FullName);
            var diffs = new List<Disagreement>();
            var plan = new List<(string Specs, SatisfiabilityResult Result)>();
            var requests = new List<JsonObject>();
            var channels = new List<(string Name, List<string> Versions)>();
            for (int n = 0; n < RandomCases.Count(300); n++)
            {
                var specs = Enumerable.Range(0, 2 + random.Next(2)).Select(_ => random.CondaSpec()).ToList();
                var parsed = specs.Select(s => CondaVersionSpec.TryParse(s, out var p, out _) ? p : null).ToList();
                if (parsed.Any(static p => p is null))
                {
                    continue;
                }

                var result = VersionConstraintSolver.Check(specs.Select(s => VersionConstraint.ParseConda("pkg", s)));
                var versions = new List<CondaVersion>();
                foreach (var p in parsed)
                {
                    CollectVersions(p!.Root, versions);
                }

                // The channel: every version the model's brute force tries, and the model's own example.
                var channel = CondaCandidates.Around(versions).Select(static v => v.ToString()).ToList();
                if (result.Example is { } example)
                {
                    channel.Add(example);
                }

                var name = "pkg" + n.ToString(CultureInfo.InvariantCulture);
                channels.Add((name, channel.Distinct().ToList()));
                plan.Add((string.Join(" ; ", specs), result));
                requests.Add(new JsonObject
                {
                    ["op"] = "conda.solve",
                    ["package"] = name,
                    ["specs"] = new JsonArray(specs.Select(s => (JsonNode)JsonValue.Create(name + " " + s)!).ToArray()),
                    ["channels"] = new JsonArray(JsonValue.Create(url + name)),
                });
            }

            // rattler keeps numbers in 64 bits (see KnownDifferences): a version it cannot read stays out of the channel,
            // or it would reject the whole repodata.json.
            var all = channels.SelectMany(static c => c.Versions).Distinct().ToList();
            var readable = oracle.AskAll(all.Select(v => new JsonObject { ["op"] = "conda.valid", ["version"] = v }).ToList());
            var ok = new HashSet<string>(all.Where((_, i) => readable[i]!.GetValue<bool>()), StringComparer.Ordinal);
            foreach (var (name, versions) in channels)
            {
                ReferenceOracle.WriteCondaChannel(Path.Combine(root.FullName, name), name, versions.Where(ok.Contains).ToList());
            }

            var answers = oracle.AskAll(requests);
            for (int i = 0; i < plan.Count; i++)
            {
                var (specs, result) = plan[i];
                var answer = answers[i];
                string theirs = ReferenceOracle.IsError(answer) ? "error: " + answer!["$error"] : answer is null ? "unsatisfiable" : "solved " + answer.GetValue<string>();
                bool solved = theirs.StartsWith("solved", StringComparison.Ordinal);
                bool agree = result.Status switch
                {
                    SatisfiabilityStatus.Unsatisfiable => theirs == "unsatisfiable",
                    SatisfiabilityStatus.Satisfiable => solved,
                    _ => true,
                };
                if (!agree)
                {
                    diffs.Add(new Disagreement("conda.solve", specs, result.Status + (result.Example is null ? string.Empty : " " + result.Example), theirs));
                }
            }

            Report("conda satisfiability (rattler solver)", plan.Count, diffs, plan.Count(p => p.Result.Status == SatisfiabilityStatus.Undecided));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }


    internal static void CollectVersions(CondaSpecNode node, List<CondaVersion> into)
    {
        switch (node)
        {
            case CondaSpecTerm term:
                into.Add(term.Version);
                break;
            case CondaSpecAnd and:
                and.Children.ToList().ForEach(c => CollectVersions(c, into));
                break;
            case CondaSpecOr or:
                or.Children.ToList().ForEach(c => CollectVersions(c, into));
                break;
        }
    }

    private static IEnumerable<string> Near(Pep440Version v)
    {
        var s = v.ToString();
        var pub = v.Public.ToString();
        var release = string.Join(".", v.Release);
        return [s, pub, pub + ".post1", pub + ".dev0", pub + "+local", release, release + ".1", release + "a1", release + ".post0", release + ".dev1", release + "rc1.post1", release + ".0.1", "0", "99"];
    }

    private void Report(string what, int cases, List<Disagreement> diffs, int undecided = -1)
    {
        var known = diffs.Select(d => (d, Rule: KnownDifferences.Classify(d))).ToList();
        var unknown = known.Where(static k => k.Rule is null).Select(static k => k.d).ToList();
        var byRule = known.Where(static k => k.Rule is not null).GroupBy(static k => k.Rule!.Id).Select(g => g.Key + "=" + g.Count());
        var line = string.Format(
            CultureInfo.InvariantCulture,
            "reference check {0}: seed {1}, {2} cases, {3} known differences ({4}), {5} new{6}",
            what,
            RandomCases.Seed,
            cases,
            diffs.Count - unknown.Count,
            string.Join(", ", byRule),
            unknown.Count,
            undecided >= 0 ? ", " + undecided.ToString(CultureInfo.InvariantCulture) + " undecided" : string.Empty);
        output.WriteLine(line);
        var report = Environment.GetEnvironmentVariable("SJG_REFERENCE_REPORT");
        if (!string.IsNullOrEmpty(report))
        {
            File.AppendAllText(report, line + Environment.NewLine);
        }

        Assert.True(unknown.Count == 0, line + Environment.NewLine + string.Join(Environment.NewLine, unknown.Take(40)));
    }
}

/// <summary>One disagreement between the model and a reference.</summary>
/// <param name="Kind">What was compared (pep440.valid, conda.matches, ...).</param>
/// <param name="Input">The case.</param>
/// <param name="Ours">The model's answer.</param>
/// <param name="Theirs">The reference's answer.</param>
public sealed record Disagreement(string Kind, string Input, string Ours, string Theirs)
{
    /// <inheritdoc />
    public override string ToString() => Kind + ": " + Input + " -> ours " + Ours + ", reference " + Theirs;
}
