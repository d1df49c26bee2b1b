using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;
using SparkJobGen.Versions;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Checks a job's declared versions against what the declared PySpark release documents (<see cref="PySparkCompatibility"/>):
/// a Python outside its supported range (SJG2005), pandas, pyarrow or numpy allowed below its minimum (SJG2006), and
/// combinations known to break (SJG2007). Each question (is PySpark 3.5 allowed? Python 3.12? pandas below 1.0.5?) is the
/// declared constraints intersected with one more range by <see cref="VersionConstraintSolver"/>, so it is decided exactly,
/// with conda and pip syntax read as conda and pip read them. When several PySpark lines are allowed, a warning is
/// given only when no allowed line works, since the solver may pick any of them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PySparkCompatibilityAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] Dependencies = { "pandas", "pyarrow", "numpy" };

    // A release line (PySpark 4.0, Python 3.11) is the versions that start with it from its first final release on
    // ("4.0.*,>=4.0"): conda sorts 4.1.0rc1 below 4.1, so "<4.1" would otherwise count as allowing the 4.1 line.
    private static readonly ImmutableArray<(int Major, int Minor)> PythonReleases =
        ImmutableArray.Create((2, 7)).AddRange(Enumerable.Range(6, 9).Select(static minor => (3, minor)));

    private static readonly ImmutableArray<string> PythonReleaseNames = PythonReleases.Select(static release =>
        release.Major.ToString(CultureInfo.InvariantCulture) + "." + release.Minor.ToString(CultureInfo.InvariantCulture)).ToImmutableArray();

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.PythonOutsidePySparkRange,
        DiagnosticDescriptors.BelowPySparkMinimum,
        DiagnosticDescriptors.KnownBrokenCombination);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (JobAttributeSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var once = new ReportedOnce();
            var memo = new ConcurrentDictionary<string, string?>(System.StringComparer.Ordinal);
            var allowedLines = new ConcurrentDictionary<string, List<PySparkLine>>(System.StringComparer.Ordinal);
            var parsed = new ParsedDeclarations();
            var quiet = new ConcurrentDictionary<string, byte>(System.StringComparer.Ordinal);
            start.RegisterSymbolAction(symbolContext => AnalyzeJob(symbolContext, symbols, once, memo, allowedLines, parsed, quiet), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeJob(
        SymbolAnalysisContext context,
        JobAttributeSymbols symbols,
        ReportedOnce once,
        ConcurrentDictionary<string, string?> memo,
        ConcurrentDictionary<string, List<PySparkLine>> allowedLines,
        ParsedDeclarations parsed,
        ConcurrentDictionary<string, byte> quiet)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || symbols.FindSparkJob(type) is null)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var constraints = DeclaredConstraint.From(JobRequirementsCache.Read(context.Compilation, type, symbols, cancellationToken), IsChecked, parsed);
        var pyspark = constraints.Where(static c => c.Package == "pyspark").ToList();
        if (pyspark.Count == 0 || pyspark.All(static c => c.IsAny))
        {
            return;
        }

        // What the checks find depends only on the checked declarations' packages, kinds and texts, in order (jobs repeat
        // the same few, mostly from a base class or the assembly): a list of declarations that produced nothing before
        // produces nothing again.
        var signature = Signature(constraints);
        if (quiet.ContainsKey(signature))
        {
            return;
        }

        // The allowed release lines depend only on the PySpark constraints' texts: decided once per distinct set (read-only once stored).
        var pysparkKey = ConstraintsKey(pyspark);
        if (!allowedLines.TryGetValue(pysparkKey, out var lines))
        {
            lines = new List<PySparkLine>();
            for (var i = 0; i < PySparkCompatibility.Lines.Count; i++)
            {
                var name = PySparkCompatibility.Lines[i].Name;
                if (memo.GetOrAdd("line|" + name + "|" + pysparkKey, _ => Within(pyspark, name + ".*,>=" + name, "==" + name + ".*,>=" + name)) is not null)
                {
                    lines.Add(PySparkCompatibility.Lines[i]);
                }
            }

            lines = allowedLines.GetOrAdd(pysparkKey, lines);
        }

        if (lines.Count == 0)
        {
            // Unsatisfiable (SJG2001) or a release the table does not cover: nothing to compare with.
            return;
        }

        var pysparkDeclaration = pyspark.First(static c => !c.IsAny);
        var additional = new[] { pysparkDeclaration.VersionLocation(cancellationToken) };
        var newest = lines[lines.Count - 1];

        var produced = CheckPython(context, once, memo, constraints, lines, newest, additional);
        foreach (var package in Dependencies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var declared = constraints.Where(c => c.Package == package).ToList();
            if (declared.Count == 0)
            {
                continue;
            }

            produced |= CheckMinimum(context, once, memo, package, declared, lines, additional);
            produced |= CheckBroken(context, once, memo, package, declared, lines, additional);
        }

        if (!produced)
        {
            quiet.TryAdd(signature, 0);
        }
    }

    private static string Signature(List<DeclaredConstraint> constraints)
    {
        var signature = new System.Text.StringBuilder();
        foreach (var constraint in constraints)
        {
            signature.Append(constraint.Package).Append(constraint.IsPip ? "\u0001pip\u0001" : "\u0001conda\u0001").Append(constraint.Text).Append('\u0002');
        }

        return signature.ToString();
    }

    private static bool IsChecked(string package) => package is "python" or "pyspark" or "pandas" or "pyarrow" or "numpy";

    private static bool CheckPython(
        SymbolAnalysisContext context,
        ReportedOnce once,
        ConcurrentDictionary<string, string?> memo,
        List<DeclaredConstraint> constraints,
        List<PySparkLine> lines,
        PySparkLine newest,
        Location[] additional)
    {
        var python = constraints.Where(static c => c.Package == "python").ToList();
        if (python.Count == 0 || python.All(static c => c.IsAny))
        {
            return false;
        }

        var pythonKey = ConstraintsKey(python);
        for (var i = 0; i < PythonReleases.Length; i++)
        {
            var release = PythonReleases[i];
            var text = PythonReleaseNames[i];
            if (memo.GetOrAdd("python|" + text + "|" + pythonKey, _ => Within(python, text + ".*,>=" + text, "==" + text + ".*,>=" + text)) is null)
            {
                continue;
            }

            var supported = false;
            foreach (var line in lines)
            {
                supported |= SupportsPython(line, release);
            }

            if (supported)
            {
                continue;
            }

            var declaration = python.First(static c => !c.IsAny);
            Report(context, once, Diagnostic.Create(
                DiagnosticDescriptors.PythonOutsidePySparkRange,
                declaration.VersionLocation(context.CancellationToken),
                additional,
                declaration.Text,
                release.Major.ToString(CultureInfo.InvariantCulture) + "." + release.Minor.ToString(CultureInfo.InvariantCulture),
                newest.Name,
                DescribePythonRange(newest),
                newest.Source));
            return true;
        }

        return false;
    }

    private static bool CheckMinimum(
        SymbolAnalysisContext context,
        ReportedOnce once,
        ConcurrentDictionary<string, string?> memo,
        string package,
        List<DeclaredConstraint> declared,
        List<PySparkLine> lines,
        Location[] additional)
    {
        // The most lenient allowed line decides: the solver may pick it. An undocumented minimum is never reported.
        PySparkLine? lenient = null;
        Pep440Version? minimum = null;
        foreach (var line in lines)
        {
            if (line.MinimumOf(package) is not { } text || !Pep440Version.TryParse(text, out var parsed, out _))
            {
                return false;
            }

            if (minimum is null || parsed! < minimum)
            {
                minimum = parsed;
                lenient = line;
            }
        }

        if (minimum is null || lenient is null)
        {
            return false;
        }

        var key = "below|" + package + "|" + minimum + "|" + ConstraintsKey(declared);
        var lowest = memo.GetOrAdd(key, _ => LowestAllowedBelow(declared, minimum));
        if (lowest is null)
        {
            return false;
        }

        var declaration = declared.FirstOrDefault(static c => !c.IsAny) ?? declared[0];
        Report(context, once, Diagnostic.Create(
            DiagnosticDescriptors.BelowPySparkMinimum,
            declaration.VersionLocation(context.CancellationToken),
            additional,
            package,
            declaration.Text,
            lowest,
            lenient.MinimumOf(package),
            lenient.Name,
            lenient.Source));
        return true;
    }

    private static bool CheckBroken(
        SymbolAnalysisContext context,
        ReportedOnce once,
        ConcurrentDictionary<string, string?> memo,
        string package,
        List<DeclaredConstraint> declared,
        List<PySparkLine> lines,
        Location[] additional)
    {
        var produced = false;
        foreach (var combination in PySparkCompatibility.Broken)
        {
            if (combination.Package != package || !lines.All(combination.Affects))
            {
                continue;
            }

            var key = "from|" + package + "|" + combination.BrokenFrom + "|" + ConstraintsKey(declared);
            if (memo.GetOrAdd(key, _ => FirstAllowedFrom(declared, combination.BrokenFrom)) is not { } allowed)
            {
                continue;
            }

            var declaration = declared.FirstOrDefault(static c => !c.IsAny) ?? declared[0];
            Report(context, once, Diagnostic.Create(
                DiagnosticDescriptors.KnownBrokenCombination,
                declaration.VersionLocation(context.CancellationToken),
                additional,
                string.Join(" or ", lines.Select(static l => l.Name)),
                package,
                declaration.IsAny ? "any version" : declaration.Text,
                allowed,
                combination.Reason,
                combination.Source));
            produced = true;
        }

        return produced;
    }

    /// <summary>The lowest release below <paramref name="minimum"/> every constraint allows, when they set a lower bound.</summary>
    private static string? LowestAllowedBelow(List<DeclaredConstraint> declared, Pep440Version minimum)
    {
        if (declared.All(static c => c.IsAny))
        {
            return null;
        }

        // Without a lower bound (only '<' or '!=' clauses) the solver picks a recent release: nothing to say.
        if (AllowedByAll(declared, ProbeVersion.Of("0")) || AllowedByAll(declared, ProbeVersion.Of("0.0.1")))
        {
            return null;
        }

        return Within(declared, "<" + minimum, "<" + minimum);
    }

    private static string? FirstAllowedFrom(List<DeclaredConstraint> declared, string brokenFrom) =>
        AllowedByAll(declared, ProbeVersion.Of(brokenFrom)) ? brokenFrom : Within(declared, ">=" + brokenFrom, ">=" + brokenFrom);

    /// <summary>
    /// A final release the declared constraints and one more range all allow (the lowest piece's first), or null when there
    /// is none: the range is a conda spec when any declaration is conda (conda installs the package), else a pip specifier.
    /// </summary>
    private static string? Within(List<DeclaredConstraint> declared, string condaRange, string pipRange)
    {
        var constraints = new List<VersionConstraint>(declared.Count + 1);
        foreach (var constraint in declared)
        {
            if (constraint.ToVersionConstraint() is { } parsed)
            {
                constraints.Add(parsed);
            }
        }

        var package = declared[0].Package;
        constraints.Add(constraints.Any(static c => c.Ecosystem == ConstraintEcosystem.Conda)
            ? VersionConstraint.ParseConda(package, condaRange)
            : VersionConstraint.ParsePip(package, pipRange));
        var result = VersionConstraintSolver.Check(constraints);
        return result.Status == SatisfiabilityStatus.Satisfiable ? result.Example : null;
    }

    private static bool AllowedByAll(List<DeclaredConstraint> declared, ProbeVersion probe)
    {
        foreach (var constraint in declared)
        {
            if (!constraint.Allows(probe))
            {
                return false;
            }
        }

        return true;
    }

    private static string ConstraintsKey(List<DeclaredConstraint> declared) =>
        string.Join("\u0001", declared.Select(static c => (c.IsPip ? "pip:" : "conda:") + c.Text));

    private static bool SupportsPython(PySparkLine line, (int Major, int Minor) release)
    {
        var tooOld = line.PythonMinimum is { } min && release.CompareTo(ReleaseOf(min)) < 0;
        var tooNew = line.PythonMaximum is { } max && release.CompareTo(ReleaseOf(max)) > 0;
        return !tooOld && !tooNew;
    }

    private static (int Major, int Minor) ReleaseOf(string pythonVersion)
    {
        var dot = pythonVersion.IndexOf('.');
        return (int.Parse(pythonVersion.Substring(0, dot), NumberStyles.None, CultureInfo.InvariantCulture),
            int.Parse(pythonVersion.Substring(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture));
    }

    private static string DescribePythonRange(PySparkLine line) => (line.PythonMinimum, line.PythonMaximum) switch
    {
        ({ } min, { } max) => min + " to " + max,
        ({ } min, null) => min + " and later",
        (null, { } max) => "up to " + max,
        _ => "unknown",
    };

    private static void Report(SymbolAnalysisContext context, ReportedOnce once, Diagnostic diagnostic)
    {
        // Inside this compilation (LocalDiagnostics): a declaration inherited from a referenced project is reported at the job's name.
        if (LocalDiagnostics.Within(diagnostic, context.Compilation, LocalDiagnostics.NameOf(context.Symbol)) is { } local && once.IsFirst(local))
        {
            context.ReportDiagnostic(local);
        }
    }
}
