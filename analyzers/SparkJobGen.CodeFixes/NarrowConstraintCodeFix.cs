using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes;

/// <summary>
/// SJG2001: narrows the conflicting constraint to the satisfiable intersection of all the other constraints on the package
/// (for example, a job's <c>"&gt;=2"</c> against an assembly default <c>"&lt;2,&gt;=1.24"</c> becomes <c>"&gt;=1.24,&lt;2"</c>).
/// Offered only when the analyzer found that intersection non-empty and could write it in the constraint's own syntax, and
/// only on a string literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NarrowConstraintCodeFix))]
[Shared]
public sealed class NarrowConstraintCodeFix : ReplaceStringLiteralCodeFix
{
    /// <summary>Creates the fix.</summary>
    public NarrowConstraintCodeFix() : base(DiagnosticDescriptors.UnsatisfiableConstraintsId, VersionConflictAnalyzer.NarrowedProperty) { }

    /// <inheritdoc />
    protected override string Title(string replacement) => "Narrow to \"" + replacement + "\"";
}
