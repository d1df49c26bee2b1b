using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.Generators.Declarations;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// SJG1003: a job's script is not among the project's AdditionalFiles. Runs only when the build property
/// <c>SparkJobGenCheckScripts</c> is <c>true</c> (the SparkJobGen package then passes the project's <c>*.py</c> files);
/// script paths are resolved against <c>ProjectDir</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScriptFileAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ScriptNotFound);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var options = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
            if (!options.TryGetValue("build_property.SparkJobGenCheckScripts", out var check)
                || !string.Equals(check.Trim(), "true", StringComparison.OrdinalIgnoreCase)
                || JobAttributeSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            options.TryGetValue("build_property.ProjectDir", out var projectDir);
            var files = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in start.Options.AdditionalFiles)
            {
                files.Add(NormalizePath(file.Path));
            }

            var scripts = new ScriptIndex(string.IsNullOrWhiteSpace(projectDir) ? null : NormalizePath(projectDir!) + "/", files);
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols, scripts), SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// Normalizes a path for comparison: forward slashes, <c>.</c> and <c>..</c> segments resolved, no trailing slash.
    /// </summary>
    /// <param name="path">An absolute or relative path.</param>
    internal static string NormalizePath(string path)
    {
        var text = path.Trim().Replace('\\', '/');
        var rooted = text.StartsWith("/", StringComparison.Ordinal);
        var segments = new List<string>();
        foreach (var segment in text.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else
            {
                segments.Add(segment);
            }
        }

        return (rooted ? "/" : string.Empty) + string.Join("/", segments);
    }

    private static void AnalyzeType(SymbolAnalysisContext context, JobAttributeSymbols symbols, ScriptIndex scripts)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type)
        {
            return;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (!symbols.IsSparkJob(attribute))
            {
                continue;
            }

            if (JobDeclarationReader.ReadIdentity(type, attribute) is { } identity && identity.Script.Length > 0 && !scripts.Contains(identity.Script))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ScriptNotFound,
                    AttributeArguments.ConstructorLocation(attribute, 0, "script", context.CancellationToken),
                    identity.Script,
                    identity.Name));
            }
        }
    }

    /// <summary>The AdditionalFiles, looked up by a script path relative to the project directory.</summary>
    private sealed class ScriptIndex
    {
        private readonly string? _projectDir;
        private readonly HashSet<string> _files;

        public ScriptIndex(string? projectDir, HashSet<string> files)
        {
            _projectDir = projectDir;
            _files = files;
        }

        public bool Contains(string script)
        {
            var isAbsolute = script.StartsWith("/", StringComparison.Ordinal) || (script.Length > 2 && script[1] == ':');
            if (isAbsolute)
            {
                return _files.Contains(NormalizePath(script));
            }

            if (_projectDir is not null)
            {
                return _files.Contains(NormalizePath(_projectDir + script));
            }

            // Without ProjectDir, accept any AdditionalFile whose path ends with the script's path.
            var suffix = "/" + NormalizePath(script);
            foreach (var file in _files)
            {
                if (file.EndsWith(suffix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
