using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SparkJobGen.CodeFixes;

/// <summary>
/// The shape shared by fixes whose analyzer already computed the repaired text: the diagnostic sits on a string literal and
/// carries the replacement in one of its properties; the fix writes it in place, keeping the literal's trivia.
/// </summary>
public abstract class ReplaceStringLiteralCodeFix : CodeFixProvider
{
    private readonly string _property;

    /// <summary>Creates the fix.</summary>
    /// <param name="diagnosticId">The diagnostic it repairs.</param>
    /// <param name="property">The diagnostic property holding the replacement text.</param>
    protected ReplaceStringLiteralCodeFix(string diagnosticId, string property)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        _property = property;
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <summary>The code action's title for a replacement.</summary>
    /// <param name="replacement">The new string.</param>
    protected abstract string Title(string replacement);

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(_property, out var replacement) || replacement is null || replacement.Length == 0
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                || !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title(replacement), cancellationToken => ReplaceAsync(context.Document, literal, replacement, cancellationToken), equivalenceKey: GetType().Name),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, LiteralExpressionSyntax literal, string text, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text)).WithTriviaFrom(literal);
        return document.WithSyntaxRoot(root!.ReplaceNode(literal, replacement));
    }
}
