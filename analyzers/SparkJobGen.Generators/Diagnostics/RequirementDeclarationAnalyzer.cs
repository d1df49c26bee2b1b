using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;
using SparkJobGen.Versions;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Checks each requirement attribute on its own, wherever it is applied (a job, a base class or the assembly): package and
/// channel names (SJG1011), Spark configuration entries (SJG1010), pip specifier syntax (SJG2002) and conda version spec
/// syntax (SJG2003), both pointing inside the string, and whether a pip name or specifier, or a conda version spec, is written
/// in normalized form (SJG2008).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RequirementDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the normalized text for SJG2008's code fix.</summary>
    public const string NormalizedProperty = "Normalized";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidSparkConf,
        DiagnosticDescriptors.InvalidPackageName,
        DiagnosticDescriptors.InvalidPipSpecifier,
        DiagnosticDescriptors.InvalidCondaSpec,
        DiagnosticDescriptors.NotNormalized,
        DiagnosticDescriptors.EmptyValue);

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

            var checks = new TextChecks();
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var attributes = symbolContext.Symbol.GetAttributes();
                    foreach (var attribute in attributes)
                    {
                        if (symbols.IsSparkJob(attribute) && symbolContext.Symbol is INamedTypeSymbol job)
                        {
                            CheckIdentity(job, attribute, symbolContext.ReportDiagnostic, symbolContext.CancellationToken);
                            continue;
                        }

                        Check(attribute, attributes, symbols, checks, symbolContext.ReportDiagnostic, symbolContext.CancellationToken);
                    }
                },
                SymbolKind.NamedType);

            // Assembly attributes: checked with the attribute list that declares them, so each is reported once, in its file.
            // They are written only at the top of a file (the compilation unit's attribute lists), so a tree action reads
            // those lists and never walks the rest of the syntax.
            var compilation = start.Compilation;
            start.RegisterSyntaxTreeAction(
                treeContext =>
                {
                    if (treeContext.Tree.GetRoot(treeContext.CancellationToken) is not CompilationUnitSyntax { AttributeLists.Count: > 0 } root)
                    {
                        return;
                    }

                    foreach (var list in root.AttributeLists)
                    {
                        if (list.Target?.Identifier.IsKind(SyntaxKind.AssemblyKeyword) != true)
                        {
                            continue;
                        }

                        var attributes = compilation.Assembly.GetAttributes();
                        foreach (var attribute in attributes)
                        {
                            if (attribute.ApplicationSyntaxReference is { } reference
                                && reference.SyntaxTree == list.SyntaxTree
                                && list.Span.Contains(reference.Span))
                            {
                                Check(attribute, attributes, symbols, checks, treeContext.ReportDiagnostic, treeContext.CancellationToken);
                            }
                        }
                    }
                });
        });
    }

    /// <summary>
    /// The normalized form of a pip specifier set: each clause normalized (PEP 440), joined by commas in the written order,
    /// or <see langword="null"/> when it does not parse or carries a URL or marker.
    /// </summary>
    /// <param name="specifier">The declared specifier.</param>
    internal static string? NormalizePipSpecifier(string specifier)
    {
        if (specifier.IndexOf(';') >= 0 || specifier.TrimStart().StartsWith("@", System.StringComparison.Ordinal)
            || !Pep440SpecifierSet.TryParse(specifier, null, out var set, out _))
        {
            return null;
        }

        var clauses = new List<string>(set!.Specifiers.Count);
        foreach (var clause in set.Specifiers)
        {
            clauses.Add(clause.ToNormalizedString());
        }

        return string.Join(",", clauses);
    }

    private static void Check(
        AttributeData attribute,
        ImmutableArray<AttributeData> declared,
        JobAttributeSymbols symbols,
        TextChecks checks,
        System.Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        if (!symbols.TryGetRequirementKind(attribute, out var kind))
        {
            return;
        }

        var arguments = attribute.ConstructorArguments;
        if (arguments.Length == 0 || arguments[0].Kind == TypedConstantKind.Error)
        {
            return;
        }

        var first = arguments[0].Value as string;
        var second = arguments.Length > 1 ? arguments[1].Value as string : null;
        switch (kind)
        {
            case RequirementKind.CondaChannel:
                ReportName(attribute, "name", "conda channel", first, first is null ? null : checks.ChannelProblem(first), report, cancellationToken);
                break;
            case RequirementKind.CondaPackage:
                ReportName(attribute, "name", "conda package name", first, first is null ? null : checks.CondaNameProblem(first), report, cancellationToken);
                CheckCondaSpec(attribute, 1, "version", first ?? string.Empty, second, checks, report, cancellationToken);
                break;
            case RequirementKind.PythonVersion when first is not null && first.Trim().Length == 0:
                ReportEmpty(attribute, "[PythonVersion]", "Python", report, cancellationToken);
                break;
            case RequirementKind.PythonVersion:
                CheckCondaSpec(attribute, 0, "version", "python", first, checks, report, cancellationToken);
                break;
            case RequirementKind.PySpark when first is not null && first.Trim().Length == 0:
                ReportEmpty(attribute, "[PySpark]", "PySpark", report, cancellationToken);
                break;
            case RequirementKind.PySpark:
                CheckCondaSpec(attribute, 0, "version", "pyspark", first, checks, report, cancellationToken);
                break;
            case RequirementKind.PipPackage:
                if (ReportName(attribute, "name", "pip distribution name", first, first is null ? null : checks.PipNameProblem(first), report, cancellationToken))
                {
                    var normalized = checks.NormalizePipName(first!);
                    if (normalized != first)
                    {
                        ReportNotNormalized(attribute, 0, "name", first!, normalized, report, cancellationToken);
                    }
                }

                CheckPipSpecifier(attribute, first ?? string.Empty, second, checks, report, cancellationToken);
                break;
            case RequirementKind.SparkConf:
                CheckSparkConf(attribute, first, second, EarlierValue(attribute, first, declared, symbols), report, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Reports SJG1011 when the name has a problem (<paramref name="nameProblem"/>, found for a non-null name by the caller);
    /// returns whether the name is valid.
    /// </summary>
    private static bool ReportName(
        AttributeData attribute,
        string parameterName,
        string what,
        string? name,
        string? nameProblem,
        System.Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        var problem = name is null ? "the name is null" : nameProblem;
        if (problem is null)
        {
            return true;
        }

        report(Diagnostic.Create(
            DiagnosticDescriptors.InvalidPackageName,
            AttributeArguments.ConstructorLocation(attribute, 0, parameterName, cancellationToken),
            name ?? "null",
            what,
            problem));
        return false;
    }

    private static void CheckCondaSpec(
        AttributeData attribute,
        int index,
        string parameterName,
        string name,
        string? version,
        TextChecks checks,
        System.Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        var check = checks.CondaSpec(version);
        if (check.Error is null)
        {
            if (check.Normalized is { } compact)
            {
                ReportNotNormalized(attribute, index, parameterName, version!, compact, report, cancellationToken);
            }

            return;
        }

        var error = check.Error;
        var expression = AttributeArguments.Constructor(attribute, index, parameterName, cancellationToken);
        var location = expression is null
            ? AttributeArguments.Of(attribute, cancellationToken)
            : AttributeArguments.InsideString(expression, error.Position, error.Length);
        report(Diagnostic.Create(DiagnosticDescriptors.InvalidCondaSpec, location, version, name.Trim(), error.Message));
    }

    /// <summary>
    /// What a declared conda version says about itself: its syntax error, or the compact form to suggest (SJG2008) when
    /// spaces around <c>,</c> and <c>|</c> are all that differ.
    /// </summary>
    private static TextCheck CheckCondaText(string? version)
    {
        if (!DeclaredVersions.TryParseConda(version, out var spec, out var error))
        {
            return new TextCheck(error, null);
        }

        // Spaces around ',' and '|' mean nothing to conda; the compact form is how conda itself prints a spec.
        var compact = version is null ? null : RemoveWhitespace(version);
        if (spec is not null && compact is not null && compact != version
            && DeclaredVersions.TryParseConda(compact, out var compactSpec, out _)
            && compactSpec?.ToString() == spec.ToString())
        {
            return new TextCheck(null, compact);
        }

        return new TextCheck(null, null);
    }

    private static string RemoveWhitespace(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static void CheckPipSpecifier(AttributeData attribute, string name, string? specifier, TextChecks checks, System.Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (specifier is null)
        {
            return;
        }

        var check = checks.PipSpecifier(specifier);
        if (check.Error is { } error)
        {
            var expression = AttributeArguments.Constructor(attribute, 1, "specifier", cancellationToken);
            var location = expression is null
                ? AttributeArguments.Of(attribute, cancellationToken)
                : AttributeArguments.InsideString(expression, error.Position, error.Length);
            report(Diagnostic.Create(DiagnosticDescriptors.InvalidPipSpecifier, location, specifier, name.Trim(), error.Message));
            return;
        }

        if (check.Normalized is { } normalized)
        {
            ReportNotNormalized(attribute, 1, "specifier", specifier, normalized, report, cancellationToken);
        }
    }

    /// <summary>What a declared pip specifier says about itself: its syntax error, or its normalized form when it differs (SJG2008).</summary>
    private static TextCheck CheckPipText(string specifier)
    {
        // An environment marker after ';' is pip's business; the specifier is what precedes it.
        if (!DeclaredVersions.TryParsePip(specifier, out _, out var error))
        {
            return new TextCheck(error, null);
        }

        return NormalizePipSpecifier(specifier) is { } normalized && normalized != specifier
            ? new TextCheck(null, normalized)
            : new TextCheck(null, null);
    }

    private static void ReportNotNormalized(
        AttributeData attribute,
        int index,
        string parameterName,
        string written,
        string normalized,
        System.Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        var expression = AttributeArguments.Constructor(attribute, index, parameterName, cancellationToken);
        if (expression is not LiteralExpressionSyntax)
        {
            // A constant from elsewhere: the fix would have to edit its declaration, so say nothing.
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(NormalizedProperty, normalized);
        report(Diagnostic.Create(DiagnosticDescriptors.NotNormalized, expression.GetLocation(), properties, written, normalized));
    }

    /// <summary>
    /// The value of an earlier <c>[SparkConf]</c> of the same key on the same declaration (in the compiler's order of its
    /// attributes, which the generator reads), or <see langword="null"/>: the generator keeps the first of a declaration's
    /// entries for a key, so a later one is ignored.
    /// </summary>
    private static string? EarlierValue(AttributeData attribute, string? key, ImmutableArray<AttributeData> declared, JobAttributeSymbols symbols)
    {
        if (key is null)
        {
            return null;
        }

        foreach (var other in declared)
        {
            if (ReferenceEquals(other, attribute))
            {
                return null;
            }

            if (symbols.TryGetRequirementKind(other, out var kind) && kind == RequirementKind.SparkConf
                && other.ConstructorArguments.Length == 2
                && other.ConstructorArguments[0].Value as string == key
                && other.ConstructorArguments[1].Value is string earlier)
            {
                return earlier;
            }
        }

        return null;
    }

    /// <summary>SJG1018 for a <c>Name</c> or <c>Environment</c> of <c>[SparkJob]</c> given as an empty or blank string.</summary>
    private static void CheckIdentity(INamedTypeSymbol job, AttributeData sparkJob, System.Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        foreach (var named in sparkJob.NamedArguments)
        {
            if (named.Key is "Name" or "Environment" && named.Value.Value is string value && value.Trim().Length == 0)
            {
                var identity = JobDeclarationReader.ReadIdentity(job, sparkJob);
                var jobName = identity?.Name ?? JobDeclarationReader.ToKebabCase(job.Name);
                var consequence = named.Key == "Name"
                    ? $"the job is named '{jobName}', after its class"
                    : $"the job gets an environment of its own, '{identity?.Environment ?? jobName}'";
                var location = AttributeArguments.Named(sparkJob, named.Key, cancellationToken)?.GetLocation() ?? AttributeArguments.Of(sparkJob, cancellationToken);
                report(Diagnostic.Create(DiagnosticDescriptors.EmptyValue, location, named.Key, consequence));
            }
        }
    }

    /// <summary>SJG1018: an empty <c>[PythonVersion]</c> or <c>[PySpark]</c> is skipped, so a farther declaration (or none) applies.</summary>
    private static void ReportEmpty(AttributeData attribute, string what, string package, System.Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        var location = AttributeArguments.Constructor(attribute, 0, "version", cancellationToken)?.GetLocation() ?? AttributeArguments.Of(attribute, cancellationToken);
        var onAssembly = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent is AttributeListSyntax list
            && list.Target?.Identifier.IsKind(SyntaxKind.AssemblyKeyword) == true;
        var consequence = onAssembly
            ? $"it is ignored and the assembly pins no {package} version"
            : $"it is ignored and the {package} version of a base class or the assembly applies (or none is pinned)";
        report(Diagnostic.Create(DiagnosticDescriptors.EmptyValue, location, what, consequence));
    }

    private static void CheckSparkConf(AttributeData attribute, string? key, string? value, string? earlierValue, System.Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        string? problem = null;
        var valueProblem = false;
        if (key is null || key.Length == 0)
        {
            problem = "the key is empty";
        }
        else if (key.Trim() != key)
        {
            problem = "the key has leading or trailing whitespace";
        }
        else if (key.IndexOf('=') >= 0)
        {
            problem = "the key contains '=', which --conf key=value cannot carry";
        }
        else if (value is null)
        {
            problem = "the value is null";
            valueProblem = true;
        }
        else if (earlierValue is not null && earlierValue != value)
        {
            // The same key and value twice is harmless; a different value never applies.
            problem = $"an earlier [SparkConf] on the same declaration sets the key to \"{earlierValue}\", and the first entry for a key is the one used";
        }

        if (problem is null)
        {
            return;
        }

        var location = valueProblem
            ? AttributeArguments.ConstructorLocation(attribute, 1, "value", cancellationToken)
            : AttributeArguments.ConstructorLocation(attribute, 0, "key", cancellationToken);
        report(Diagnostic.Create(DiagnosticDescriptors.InvalidSparkConf, location, key ?? "null", problem));
    }

    /// <summary>The outcome of checking one declared text: a syntax error, or the normalized text to suggest, or neither.</summary>
    private sealed record TextCheck(VersionSyntaxError? Error, string? Normalized);

    /// <summary>
    /// The checks of one compilation's declared texts, each computed once: jobs repeat the same names and versions, and the
    /// outcome of a check depends only on the text (the locations are found per attribute, only when something is reported).
    /// </summary>
    private sealed class TextChecks
    {
        private readonly ConcurrentDictionary<string, TextCheck> _condaSpecs = new(System.StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, TextCheck> _pipSpecifiers = new(System.StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string?> _channelProblems = new(System.StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string?> _condaNameProblems = new(System.StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string?> _pipNameProblems = new(System.StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> _pipNames = new(System.StringComparer.Ordinal);

        /// <summary>See <see cref="CheckCondaText"/>; a null version is never an error.</summary>
        public TextCheck CondaSpec(string? version) =>
            version is null ? CheckCondaText(null) : Get(_condaSpecs, version, CheckCondaText);

        /// <summary>See <see cref="CheckPipText"/>.</summary>
        public TextCheck PipSpecifier(string specifier) => Get(_pipSpecifiers, specifier, CheckPipText);

        /// <summary><see cref="PackageNames.ChannelProblem"/>.</summary>
        public string? ChannelProblem(string name) => Get(_channelProblems, name, PackageNames.ChannelProblem);

        /// <summary><see cref="PackageNames.CondaNameProblem"/>.</summary>
        public string? CondaNameProblem(string name) => Get(_condaNameProblems, name, PackageNames.CondaNameProblem);

        /// <summary><see cref="PackageNames.PipNameProblem"/>.</summary>
        public string? PipNameProblem(string name) => Get(_pipNameProblems, name, PackageNames.PipNameProblem);

        /// <summary><see cref="PackageNames.NormalizePip"/>.</summary>
        public string NormalizePipName(string name) => Get(_pipNames, name, PackageNames.NormalizePip);

        private static TValue Get<TValue>(ConcurrentDictionary<string, TValue> cache, string key, System.Func<string, TValue> compute) =>
            cache.TryGetValue(key, out var value) ? value : cache.GetOrAdd(key, compute(key));
    }
}
