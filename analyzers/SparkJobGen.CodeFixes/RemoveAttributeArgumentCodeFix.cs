using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes;

/// <summary>
/// SJG1007 and SJG1008: removes the offending <c>[JobParameter]</c> argument, an empty flag (the kebab-case property name is
/// then used) or a <c>Format</c> the type does not take. An argument list left empty is removed too.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAttributeArgumentCodeFix))]
[Shared]
public sealed class RemoveAttributeArgumentCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.EmptyParameterFlagId, DiagnosticDescriptors.FormatNotApplicableId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var argument = node?.FirstAncestorOrSelf<AttributeArgumentSyntax>();
            if (argument?.Parent is not AttributeArgumentListSyntax || argument.Expression.Span != diagnostic.Location.SourceSpan)
            {
                continue;
            }

            var title = diagnostic.Id == DiagnosticDescriptors.EmptyParameterFlagId ? "Use the property name as the flag" : "Remove Format";
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => RemoveAsync(context.Document, argument, cancellationToken), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> RemoveAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var list = (AttributeArgumentListSyntax)argument.Parent!;
        var attribute = (AttributeSyntax)list.Parent!;
        var remaining = list.Arguments.Remove(argument);
        var updated = remaining.Count == 0
            ? attribute.WithArgumentList(null).WithTriviaFrom(attribute)
            : attribute.WithArgumentList(list.WithArguments(remaining));
        return document.WithSyntaxRoot(root!.ReplaceNode(attribute, updated));
    }
}
