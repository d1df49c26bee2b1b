using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes;

/// <summary>SJG2008: replaces a pip name or specifier with its normalized form (<c>"&gt;= 1.0"</c> becomes <c>"&gt;=1.0"</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NormalizeSpecifierCodeFix))]
[Shared]
public sealed class NormalizeSpecifierCodeFix : ReplaceStringLiteralCodeFix
{
    /// <summary>Creates the fix.</summary>
    public NormalizeSpecifierCodeFix() : base(DiagnosticDescriptors.NotNormalizedId, RequirementDeclarationAnalyzer.NormalizedProperty) { }

    /// <inheritdoc />
    protected override string Title(string replacement) => "Write as \"" + replacement + "\"";
}
