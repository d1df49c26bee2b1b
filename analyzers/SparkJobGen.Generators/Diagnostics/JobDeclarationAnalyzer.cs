using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Reports why the generator skips a job or a parameter: a class that is not partial (SJG1004), static or generic (SJG1005),
/// an empty script (SJG1006), an invalid environment name (SJG1009), and parameters with duplicate flags (SJG1001), unsupported
/// types (SJG1002), empty flags (SJG1007) or a Format their type does not take (SJG1008).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JobDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.DuplicateParameter,
        DiagnosticDescriptors.UnsupportedParameterType,
        DiagnosticDescriptors.JobNotPartial,
        DiagnosticDescriptors.JobShapeNotSupported,
        DiagnosticDescriptors.EmptyScriptPath,
        DiagnosticDescriptors.EmptyParameterFlag,
        DiagnosticDescriptors.FormatNotApplicable,
        DiagnosticDescriptors.InvalidEnvironmentName,
        DiagnosticDescriptors.UnreadableParameter,
        DiagnosticDescriptors.GeneratedNameTaken,
        DiagnosticDescriptors.InvalidParameterFlag,
        DiagnosticDescriptors.DuplicateJobName,
        DiagnosticDescriptors.FormatDropsValue,
        DiagnosticDescriptors.LanguageVersionTooOld);

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
            var names = new ConcurrentBag<(string Name, INamedTypeSymbol Type)>();
            var manifests = new ReferencedJobManifests();
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols, once, names, manifests), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportDuplicateNames(end, names));
        });
    }

    /// <summary>
    /// Why an environment name cannot be used, or <see langword="null"/> when it can: it names a conda environment and a
    /// folder under <c>sparkjobs/</c>.
    /// </summary>
    /// <param name="name">The environment name.</param>
    internal static string? EnvironmentNameProblem(string name)
    {
        if (name is "." or "..")
        {
            return "it is not a folder name";
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c))
            {
                return "it contains whitespace";
            }

            if (c < 0x20 || "/\\:#*?\"<>|".IndexOf(c) >= 0)
            {
                return "it contains '" + c + "'";
            }
        }

        // The folder must exist on every system the project is built on: Windows drops a trailing dot from a folder name
        // and reserves the device names, with any extension (learn.microsoft.com, "Naming Files, Paths, and Namespaces").
        if (name.EndsWith(".", StringComparison.Ordinal))
        {
            return "it ends with '.', which Windows drops from folder names";
        }

        var stem = name.Split('.')[0];
        if (WindowsDeviceNames.Contains(stem))
        {
            return $"'{stem}' is a device name on Windows, which cannot name a folder there";
        }

        return null;
    }

    private static readonly HashSet<string> WindowsDeviceNames = new(
        ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
         "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
         "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// SJG1015: job classes of one compilation that share a job name, each after the first (by full class name) reported
    /// with the first as its additional location. The tool and <c>SparkJobManifest.FindJob</c> find a job by that name.
    /// </summary>
    private static void ReportDuplicateNames(CompilationAnalysisContext context, ConcurrentBag<(string Name, INamedTypeSymbol Type)> names)
    {
        foreach (var group in names.GroupBy(static n => n.Name, StringComparer.Ordinal))
        {
            var classes = group.Select(static n => n.Type).Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default)
                .OrderBy(static t => t.ToDisplayString(), StringComparer.Ordinal).ToList();
            for (var i = 1; i < classes.Count; i++)
            {
                var firstLocation = IdentifierLocation(classes[0], context.CancellationToken);
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateJobName,
                    IdentifierLocation(classes[i], context.CancellationToken),
                    firstLocation == Location.None ? null : new[] { firstLocation },
                    classes[i].ToDisplayString(),
                    group.Key,
                    classes[0].ToDisplayString()));
            }
        }
    }

    private static void AnalyzeType(
        SymbolAnalysisContext context, JobAttributeSymbols symbols, ReportedOnce once, ConcurrentBag<(string Name, INamedTypeSymbol Type)> names, ReferencedJobManifests manifests)
    {
        if (context.Symbol is not INamedTypeSymbol type)
        {
            return;
        }

        AttributeData? sparkJob = null;
        foreach (var attribute in type.GetAttributes())
        {
            if (symbols.IsSparkJob(attribute))
            {
                sparkJob = attribute;
                break;
            }
        }

        if (sparkJob is null)
        {
            CheckContainerIsPartial(context, type, symbols);
            return;
        }

        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        if (type.DeclaringSyntaxReferences.FirstOrDefault()?.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < SparkJobGenerator.MinimumLanguageVersion } options)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LanguageVersionTooOld, IdentifierLocation(type, cancellationToken), type.Name, options.LanguageVersion.ToDisplayString()));
        }

        var identity = JobDeclarationReader.ReadIdentity(type, sparkJob);
        var jobName = identity?.Name ?? JobDeclarationReader.ToKebabCase(type.Name);
        names.Add((jobName, type));
        CheckShape(context, type, jobName);
        var scriptBinds = sparkJob.AttributeConstructor is not null && sparkJob.ConstructorArguments.Length == 1
            && sparkJob.ConstructorArguments[0].Kind != TypedConstantKind.Error;
        if (!scriptBinds)
        {
            // The compiler already reports the missing or mistyped argument.
        }
        else if (identity is not { } job || job.Script.Length == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.EmptyScriptPath,
                AttributeArguments.ConstructorLocation(sparkJob, 0, "script", cancellationToken),
                type.Name,
                jobName.Replace('-', '_')));
        }
        else if (EnvironmentNameProblem(job.Environment) is { } problem)
        {
            var location = AttributeArguments.Named(sparkJob, "Environment", cancellationToken)?.GetLocation()
                ?? AttributeArguments.Named(sparkJob, "Name", cancellationToken)?.GetLocation()
                ?? AttributeArguments.Of(sparkJob, cancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidEnvironmentName, location, job.Environment, job.Name, problem));
        }

        CheckParameters(context, type, symbols, once);
        CheckHiddenBaseParameters(context, type, symbols, manifests);
    }

    /// <summary>
    /// SJG1012 for the parameters of a base job in another assembly that this compilation cannot see. The compiler imports
    /// only the public and protected members of a referenced assembly (and internal ones when it grants InternalsVisibleTo),
    /// so an internal or private <c>[JobParameter]</c> of such a base job is not among the job's parameters at all, and its
    /// value would silently not be passed. The base job's manifest, which its own build generated, lists every parameter.
    /// </summary>
    private static void CheckHiddenBaseParameters(SymbolAnalysisContext context, INamedTypeSymbol type, JobAttributeSymbols symbols, ReferencedJobManifests manifests)
    {
        for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(baseType.ContainingAssembly, context.Compilation.Assembly)
                || manifests.Parameters(baseType) is not { } declared)
            {
                continue;
            }

            var visible = new HashSet<string>(StringComparer.Ordinal);
            foreach (var parameter in JobDeclarationReader.ReadParameters(type, symbols, context.CancellationToken))
            {
                visible.Add(parameter.Property.Name);
            }

            foreach (var (property, flag) in declared)
            {
                if (!visible.Contains(property))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.UnreadableParameter,
                        IdentifierLocation(type, context.CancellationToken),
                        property,
                        $"(flag '{flag}') of the base job '{baseType.ToDisplayString()}' is private or internal to the assembly '{baseType.ContainingAssembly.Name}', " +
                        "which this job's assembly cannot see, so it would be left out; make it public or protected, or give this assembly InternalsVisibleTo"));
                }
            }

            // The nearest base job's manifest lists the parameters of its own bases too.
            return;
        }
    }

    /// <summary>The parameters (property and flag) that referenced assemblies' manifests record for their jobs, read once per assembly.</summary>
    private sealed class ReferencedJobManifests
    {
        private const string JobAttribute = "SparkJobGen.Generated.GeneratedSparkJobAttribute";
        private readonly ConcurrentDictionary<IAssemblySymbol, Dictionary<string, (string Property, string Flag)[]>> _byAssembly = new(SymbolEqualityComparer.Default);

        /// <summary>The parameters of <paramref name="job"/> as its assembly's manifest records them, or null when it records no such job.</summary>
        public (string Property, string Flag)[]? Parameters(INamedTypeSymbol job)
        {
            var jobs = _byAssembly.GetOrAdd(job.ContainingAssembly, Read);
            return jobs.TryGetValue(MetadataName(job), out var parameters) ? parameters : null;
        }

        private static Dictionary<string, (string Property, string Flag)[]> Read(IAssemblySymbol assembly)
        {
            var jobs = new Dictionary<string, (string Property, string Flag)[]>(StringComparer.Ordinal);
            foreach (var attribute in assembly.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != JobAttribute || attribute.ConstructorArguments.Length < 4
                    || attribute.ConstructorArguments[0].Value is not string name || attribute.ConstructorArguments[3].Value is not string metadataName)
                {
                    continue;
                }

                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key != "Data" || named.Value.Value is not string data)
                    {
                        continue;
                    }

                    try
                    {
                        // Four strings per parameter: property, flag, type as displayed, traits.
                        var list = SparkJobGen.Manifest.ManifestData.Decode(data, name, assembly.Name)[4];
                        var parameters = new (string, string)[list.Length / 4];
                        for (var i = 0; i < parameters.Length; i++)
                        {
                            parameters[i] = (list[4 * i], list[(4 * i) + 1]);
                        }

                        jobs[metadataName] = parameters;
                    }
                    catch (System.IO.InvalidDataException)
                    {
                        // Another version's shape: nothing to compare with.
                    }
                }
            }

            return jobs;
        }

        /// <summary>The dotted name the generator records (<c>Ns.Outer.Job</c>).</summary>
        private static string MetadataName(INamedTypeSymbol job)
        {
            var name = job.Name;
            for (var outer = job.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.Name + "." + name;
            }

            return job.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
        }
    }

    private static void CheckShape(SymbolAnalysisContext context, INamedTypeSymbol type, string jobName)
    {
        var cancellationToken = context.CancellationToken;
        // A type nested in a generic type is generic too (IsGenericType), but it is the containing type that is reported.
        if (type.IsStatic || type.TypeParameters.Length > 0 || type.IsFileLocal)
        {
            var what = type.IsStatic ? "static" : type.TypeParameters.Length > 0 ? "generic" : "file-local (the generator's file cannot extend it)";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.JobShapeNotSupported, IdentifierLocation(type, cancellationToken), type.Name, what));
        }
        else
        {
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.IsGenericType || outer.IsFileLocal)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.JobShapeNotSupported,
                        IdentifierLocation(type, cancellationToken),
                        type.Name,
                        "nested in the " + (outer.IsGenericType ? "generic" : "file-local") + " type '" + outer.Name + "'"));
                    break;
                }
            }
        }

        ReportNonPartialDeclarations(context, type, jobName);
        if (JobDeclarationReader.GeneratedNameConflict(type, static tree => !IsGeneratorOutput(tree)) is { } conflict)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratedNameTaken, IdentifierLocation(type, cancellationToken), type.Name, conflict));
        }
    }

    /// <summary>
    /// Why a flag is no option name a script's parser (argparse, click, sys.argv) reads as one, or <see langword="null"/>: it
    /// is rendered as one argv element before its value, so it must start with '-', name something, and hold no '=' or
    /// whitespace (argparse would split <c>--x=y</c> into an option and a value).
    /// </summary>
    internal static string? FlagProblem(string flag)
    {
        if (flag == "--")
        {
            return "is '--', which ends the options: argparse reads every argument after it as positional";
        }

        if (flag == "-")
        {
            return "is '-', which argparse reads as a value (standard input), not an option";
        }

        if (flag[0] != '-')
        {
            return "does not start with '-', so the script reads it as a positional value";
        }

        foreach (var c in flag)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "contains whitespace, which no option name holds";
            }

            if (c == '=')
            {
                return "contains '=', which argparse reads as the start of the option's value";
            }
        }

        return null;
    }

    /// <summary>Whether a tree is this generator's output (hint names under <c>SparkJobGen.Generators/SparkJobGen.Generators.SparkJobGenerator/</c>).</summary>
    private static bool IsGeneratorOutput(SyntaxTree tree) =>
        tree.FilePath.Replace('\\', '/').Contains("/" + typeof(SparkJobGenerator).FullName + "/");

    /// <summary>A type that is not a job but contains one must be partial too; reported while analysing that type, so it stays local.</summary>
    private static void CheckContainerIsPartial(SymbolAnalysisContext context, INamedTypeSymbol type, JobAttributeSymbols symbols)
    {
        if (FindNestedJob(type, symbols) is { } job)
        {
            ReportNonPartialDeclarations(context, type, job);
        }
    }

    private static string? FindNestedJob(INamedTypeSymbol type, JobAttributeSymbols symbols)
    {
        foreach (var nested in type.GetTypeMembers())
        {
            foreach (var attribute in nested.GetAttributes())
            {
                if (symbols.IsSparkJob(attribute))
                {
                    return JobDeclarationReader.ReadIdentity(nested, attribute)?.Name ?? JobDeclarationReader.ToKebabCase(nested.Name);
                }
            }

            if (FindNestedJob(nested, symbols) is { } deeper)
            {
                return deeper;
            }
        }

        return null;
    }

    private static void ReportNonPartialDeclarations(SymbolAnalysisContext context, INamedTypeSymbol type, string jobName)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration && !IsPartial(declaration))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.JobNotPartial, declaration.Identifier.GetLocation(), type.Name, jobName));
            }
        }
    }

    private static void CheckParameters(SymbolAnalysisContext context, INamedTypeSymbol type, JobAttributeSymbols symbols, ReportedOnce once)
    {
        var cancellationToken = context.CancellationToken;
        foreach (var (property, reason) in JobDeclarationReader.IgnoredParameterProperties(type, symbols))
        {
            var location = property.Locations.FirstOrDefault(static l => l.IsInSource) ?? Location.None;
            Report(context, once, Diagnostic.Create(DiagnosticDescriptors.UnreadableParameter, location, property.IsIndexer ? "this[]" : property.Name, reason));
        }

        var flags = new Dictionary<string, DeclaredParameter>(StringComparer.Ordinal);
        foreach (var parameter in JobDeclarationReader.ReadParameters(type, symbols, cancellationToken))
        {
            var name = parameter.Property.Name;
            var explicitFlag = AttributeArguments.Constructor(parameter.Attribute, 0, "flag", cancellationToken);
            if (!parameter.Type.IsSupported)
            {
                Report(context, once, Diagnostic.Create(
                    DiagnosticDescriptors.UnsupportedParameterType,
                    PropertyTypeLocation(parameter, cancellationToken),
                    name,
                    parameter.Property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    ParameterTypes.WhyUnsupported(parameter.Property.Type)));
                continue;
            }

            if (JobDeclarationReader.WhyUnreadable(parameter.Property, type, context.Compilation) is { } unreadable)
            {
                Report(context, once, Diagnostic.Create(DiagnosticDescriptors.UnreadableParameter, PropertyNameLocation(parameter, cancellationToken), name, unreadable));
                continue;
            }

            if (parameter.Format is { } format && !parameter.Type.IsFormattable)
            {
                Report(context, once, Diagnostic.Create(
                    DiagnosticDescriptors.FormatNotApplicable,
                    AttributeArguments.NamedLocation(parameter.Attribute, "Format", cancellationToken),
                    name,
                    parameter.Property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    format));
                continue;
            }

            if (parameter.Format is { } given && ParameterTypes.FormatProblem(parameter.Type.Kind, given) is { } formatProblem)
            {
                Report(context, once, Diagnostic.Create(
                    DiagnosticDescriptors.FormatDropsValue,
                    AttributeArguments.NamedLocation(parameter.Attribute, "Format", cancellationToken),
                    name,
                    given,
                    parameter.Property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    formatProblem));
                continue;
            }

            if (string.IsNullOrWhiteSpace(parameter.Flag))
            {
                Report(context, once, Diagnostic.Create(
                    DiagnosticDescriptors.EmptyParameterFlag,
                    explicitFlag?.GetLocation() ?? AttributeArguments.Of(parameter.Attribute, cancellationToken),
                    name,
                    "--" + JobDeclarationReader.ToKebabCase(name)));
                continue;
            }

            if (FlagProblem(parameter.Flag) is { } flagProblem)
            {
                var suggested = "--" + JobDeclarationReader.ToKebabCase(name).Trim('-');
                Report(context, once, Diagnostic.Create(
                    DiagnosticDescriptors.InvalidParameterFlag,
                    FlagLocation(parameter, cancellationToken),
                    parameter.Flag,
                    name,
                    flagProblem,
                    suggested.Length > 2 ? suggested : "--value"));
                continue;
            }

            if (flags.TryGetValue(parameter.Flag, out var first))
            {
                var firstLocation = FlagLocation(first, cancellationToken);
                Report(context, once, Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateParameter,
                    FlagLocation(parameter, cancellationToken),
                    firstLocation == Location.None ? null : new[] { firstLocation },
                    name,
                    parameter.Flag,
                    first.Property.Name));
            }
            else
            {
                flags.Add(parameter.Flag, parameter);
            }
        }
    }

    private static void Report(SymbolAnalysisContext context, ReportedOnce once, Diagnostic diagnostic)
    {
        // Inside this compilation (LocalDiagnostics): a declaration inherited from a referenced project is reported at the job's name.
        if (LocalDiagnostics.Within(diagnostic, context.Compilation, LocalDiagnostics.NameOf(context.Symbol)) is { } local && once.IsFirst(local))
        {
            context.ReportDiagnostic(local);
        }
    }

    /// <summary>The explicit flag argument, else the property's name (the flag is derived from it).</summary>
    private static Location FlagLocation(DeclaredParameter parameter, CancellationToken cancellationToken)
    {
        if (AttributeArguments.Constructor(parameter.Attribute, 0, "flag", cancellationToken) is { } flag)
        {
            return flag.GetLocation();
        }

        var declaring = parameter.Attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)
            ?.FirstAncestorOrSelf<PropertyDeclarationSyntax>();
        return declaring?.Identifier.GetLocation() ?? AttributeArguments.Of(parameter.Attribute, cancellationToken);
    }

    private static Location PropertyNameLocation(DeclaredParameter parameter, CancellationToken cancellationToken)
    {
        foreach (var reference in parameter.Property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return AttributeArguments.Of(parameter.Attribute, cancellationToken);
    }

    private static Location PropertyTypeLocation(DeclaredParameter parameter, CancellationToken cancellationToken)
    {
        foreach (var reference in parameter.Property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax declaration)
            {
                return declaration.Type.GetLocation();
            }
        }

        return AttributeArguments.Of(parameter.Attribute, cancellationToken);
    }

    private static Location IdentifierLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.IsEmpty ? Location.None : type.Locations[0];
    }

    private static bool IsPartial(TypeDeclarationSyntax declaration)
    {
        foreach (var modifier in declaration.Modifiers)
        {
            if (modifier.IsKind(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }
}
