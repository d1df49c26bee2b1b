using System.Text.RegularExpressions;

namespace SparkJobGen.Versions.Tests.References;

/// <summary>
/// The checked-in list of disagreements with the references that are not defects of the model, each with its reason:
/// the reference departs from the PEP 440 text or from pypa/packaging, or the model deliberately follows conda where
/// rattler differs from conda (docs/versions.md lists the same). Anything not matched here fails the differential tests.
/// </summary>
internal static class KnownDifferences
{
    /// <summary>The rules, most specific first.</summary>
    public static readonly IReadOnlyList<KnownDifference> Rules =
    [
        new(
            "renovate-js-numbers",
            "@renovatebot/pep440 reads numeric components with JavaScript's Number (lib/version.js, parse: Number(...)), which " +
            "loses digits beyond 2^53; PEP 440 puts no bound on a number and pypa/packaging uses Python ints, as the model does.",
            static d => d.Kind.StartsWith("pep440.", StringComparison.Ordinal) && LongNumber(d.Input, 16)),
        new(
            "rattler-u64-numbers",
            "rattler keeps a numeric version component in a u64 and rejects longer numbers (\"invalid number\"); conda's " +
            "VersionOrder uses Python ints (conda/models/version.py), and the model follows conda.",
            static d => d.Kind.StartsWith("conda.", StringComparison.Ordinal) && LongNumber(d.Input, 20)),
        new(
            "rattler-no-inner-glob",
            "conda turns a version spec with '*' before its end (1.*.1, *.2) into a regular expression over the version text " +
            "(conda/models/version.py, VersionSpec.get_matcher); rattler rejects it (\"regex constraints are not supported\").",
            static d => d.Kind.StartsWith("conda.", StringComparison.Ordinal) && InnerGlob(d.Input)),
        new(
            "rattler-trailing-underscore",
            "conda reads a trailing '_' as part of the last component (openssl's 1.0.1_, conda/models/version.py VersionOrder " +
            "docstring); rattler rejects such a version inside a spec.",
            static d => d.Kind.StartsWith("conda.", StringComparison.Ordinal) && TrailingUnderscore(d.Input)),
        new(
            "rattler-prefix-whole-segments",
            "conda's prefix match compares the prefix's last component element by element (conda/models/version.py, " +
            "VersionOrder.startswith), so 3a, 3dev and 3post start with 3 and match 3.* and =3; rattler requires whole " +
            "components to match. The model follows conda; docs/versions.md states the difference.",
            static d => (d.Kind == "conda.matches" && d.Ours != d.Theirs && PrefixThenLetter(d.Input)) || (d.Kind == "conda.solve" && SolvedThroughPrefix(d))),
        new(
            "rattler-dev-post-inside-words",
            "conda's VersionOrder treats dev and post specially only as a whole run of letters (conda/models/version.py, " +
            "VersionOrder.__init__); postpost, deva and devdev are ordinary strings there. rattler reads such runs differently.",
            static d => d.Kind.StartsWith("conda.", StringComparison.Ordinal) && Regex.IsMatch(d.Input, "(dev|post)[a-z]|[a-z](dev|post)", RegexOptions.IgnoreCase)),
        new(
            "rattler-local-prefix",
            "conda's prefix match with a local label needs equal versions and compares the local labels as a prefix " +
            "(VersionOrder.startswith, \"if other.local\"); rattler treats the local label of a prefix differently.",
            static d => d.Kind is "conda.matches" or "conda.solve" && Spec(d).Split(',', '|', ';').Select(static t => t.Trim()).Any(static t => t.Contains('+') && (t.EndsWith('*') || (t.StartsWith('=') && !t.StartsWith("==", StringComparison.Ordinal))))),
        new(
            "rattler-compatible-local",
            "conda's ~=V takes the prefix from V's whole text up to its last '.' (conda/models/version.py, " +
            "compatible_release_operator), so ~=1!10.3.9+11 needs >= V and the prefix 1!10.3; rattler reads a local label there differently.",
            static d => d.Kind is "conda.matches" or "conda.solve" && Regex.IsMatch(d.Input, "~=[^,|;]*\\+")),
        new(
            "renovate-empty-clause",
            "pypa/packaging's SpecifierSet skips empty clauses (\">=1,\"), as pip does, and so does the model; " +
            "@renovatebot/pep440 rejects the set.",
            static d => d.Kind == "pep440.validRange" && d.Ours == "True" && HasEmptyClause(d.Input)),
        new(
            "renovate-arbitrary-equality",
            "PEP 440 defines === as string equality on the version as written (\"Arbitrary equality\"); @renovatebot/pep440 " +
            "compares it another way. The model compares the candidate string as written, case-insensitively.",
            static d => d.Kind.StartsWith("pep440.", StringComparison.Ordinal) && d.Input.Contains("===", StringComparison.Ordinal)),
        new(
            "renovate-prerelease-per-clause",
            "pypa/packaging admits pre-releases for a whole SpecifierSet when any clause names one (SpecifierSet.prereleases); " +
            "@renovatebot/pep440 decides per clause (specifier.js, contains), so >=1.0a1,<2 rejects 1.0a2 there.",
            static d => d.Kind is "pep440.satisfies" or "pep440.example" && d.Theirs is "False" or "rejects it" && PrereleaseCandidate(d)),
        new(
            "renovate-exclusive-same-release",
            "PEP 440's exclusive <V and >V exclude only V's own pre-, post- and local releases; @renovatebot/pep440 excludes every " +
            "version with V's release (specifier.js: \"simplified version of ... exclusive-ordered-comparison\"), so >1.0a1 rejects 1.0a2.",
            static d => d.Kind is "pep440.satisfies" or "pep440.example" && d.Theirs is "False" or "rejects it" && Regex.IsMatch(Spec(d), "(^|,)\\s*[<>][^=]")),
        new(
            "renovate-not-equal-opts-in",
            "pypa/packaging's Specifier.prereleases counts only inclusive operators naming a pre-release (==, >=, <=, ~=, ===, >, <), " +
            "not !=; @renovatebot/pep440 lets !=2.0a1 admit pre-releases.",
            static d => d.Kind == "pep440.satisfies" && d.Ours == "False" && d.Theirs == "True" && PrereleaseCandidate(d) && Spec(d).Contains("!=", StringComparison.Ordinal)),
        new(
            "renovate-local-equality",
            "PEP 440: when ==V names a local label, the candidate's local label must match (\"Version matching\"); @renovatebot/pep440 " +
            "drops both local labels (specifier.js, contains).",
            static d => d.Kind == "pep440.satisfies" && d.Ours != d.Theirs && Regex.IsMatch(Spec(d), "[=!]=[^,]*\\+")),
        new(
            "renovate-prefix-without-padding",
            "PEP 440 pads the candidate's release with zeros for ==V.* and ~=V (\"0\" matches ~=0.0.0); @renovatebot/pep440 " +
            "compares the release arrays unpadded (specifier.js, arrayStartsWith).",
            static d => d.Kind is "pep440.satisfies" or "pep440.example" && (Spec(d).Contains(".*", StringComparison.Ordinal) || Spec(d).Contains("~=", StringComparison.Ordinal))),
    ];

    /// <summary>The rule that explains a disagreement, or null.</summary>
    public static KnownDifference? Classify(Disagreement d) => Rules.FirstOrDefault(r => r.Matches(d));

    private static string Spec(Disagreement d)
    {
        int at = d.Input.IndexOf(" in ", StringComparison.Ordinal);
        return at < 0 ? d.Input : d.Input.Substring(at + 4);
    }

    // "3a in =3.*": the candidate's text continues the prefix with a letter.
    private static bool PrefixThenLetter(string input)
    {
        int at = input.IndexOf(" in ", StringComparison.Ordinal);
        var candidate = input.Substring(0, at).ToLowerInvariant();
        foreach (var term in input.Substring(at + 4).Split(',', '|'))
        {
            var prefix = term.StartsWith("~=", StringComparison.Ordinal) ? PrefixOf(term) : term.TrimStart('!').TrimStart('=').TrimEnd('*').TrimEnd('.');
            if (ContinuesWithLetter(candidate, prefix))
            {
                return true;
            }
        }

        return false;
    }

    // A solve where the version one side found (ours: the example; rattler: what it solved) continues some prefix term of
    // the specs with a letter: the two prefix rules disagree on exactly that version.
    private static bool SolvedThroughPrefix(Disagreement d)
    {
        var version = d.Theirs.StartsWith("solved ", StringComparison.Ordinal) ? d.Theirs.Substring(7)
            : d.Ours.StartsWith("Satisfiable ", StringComparison.Ordinal) ? d.Ours.Substring(12) : null;
        return version is not null && d.Input.Split(',', '|', ';').Select(static t => t.Trim()).Any(t => ContinuesWithLetter(version, PrefixOf(t)));
    }

    // The prefix a conda term matches on: =P, P.*, P*, !=P.*, or ~=V's text up to its last '.'; empty for other terms.
    private static string PrefixOf(string term)
    {
        if (term.StartsWith("~=", StringComparison.Ordinal))
        {
            var v = term.Substring(2);
            int dot = v.LastIndexOf('.');
            return dot > 0 ? v.Substring(0, dot) : string.Empty;
        }

        bool prefix = term.EndsWith('*') || (term.StartsWith('=') && !term.StartsWith("==", StringComparison.Ordinal));
        return prefix ? term.TrimStart('!').TrimStart('=').TrimEnd('*').TrimEnd('.') : string.Empty;
    }

    private static bool ContinuesWithLetter(string version, string prefix)
    {
        version = version.ToLowerInvariant();
        prefix = prefix.ToLowerInvariant();
        return prefix.Length > 0 && version.Length > prefix.Length && version.StartsWith(prefix, StringComparison.Ordinal) && char.IsLetter(version[prefix.Length]);
    }

    private static bool LongNumber(string text, int digits) => Regex.IsMatch(text, "[0-9]{" + digits + ",}");

    private static bool InnerGlob(string text) => Regex.IsMatch(text, "\\*[^,|;\\s]") || Regex.IsMatch(text, "(^|[,|;\\s])\\*\\.");

    private static bool TrailingUnderscore(string text) => Regex.IsMatch(text, "_($|[,|;+\\s*.])");

    private static bool HasEmptyClause(string text) => text.Split(',').Any(static c => c.Trim().Length == 0);

    private static bool PrereleaseCandidate(Disagreement d)
    {
        var candidate = d.Kind == "pep440.example" ? d.Ours.Substring("example ".Length) : d.Input.Split(" in ")[0];
        return Pep440Version.TryParse(candidate, out var v, out _) && v!.IsPrerelease;
    }
}

/// <summary>One known difference.</summary>
/// <param name="Id">A short name, printed with its count.</param>
/// <param name="Reason">Why it is not a defect of the model.</param>
/// <param name="Matches">Which disagreements it covers.</param>
internal sealed record KnownDifference(string Id, string Reason, Func<Disagreement, bool> Matches);
