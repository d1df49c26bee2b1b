using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
public sealed class NarrowConstraintCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnsatisfiableConstraintsId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(VersionConflictAnalyzer.NarrowedProperty, out var narrowed) || narrowed is null || narrowed.Length == 0
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                || !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Narrow to \"" + narrowed + "\"",
                    cancellationToken => ReplaceAsync(context.Document, literal, narrowed, cancellationToken),
                    equivalenceKey: nameof(NarrowConstraintCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, LiteralExpressionSyntax literal, string narrowed, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(narrowed))
            .WithTriviaFrom(literal);
        return document.WithSyntaxRoot(root!.ReplaceNode(literal, replacement));
    }
}
