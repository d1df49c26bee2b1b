using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>Finds where an attribute application's arguments are written, so diagnostics point at the argument that causes them.</summary>
internal static class AttributeArguments
{
    /// <summary>The syntax of an attribute application, when it is in source.</summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static AttributeSyntax? Syntax(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

    /// <summary>The location of the whole attribute application, or <see cref="Location.None"/>.</summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static Location Of(AttributeData attribute, CancellationToken cancellationToken) =>
        Syntax(attribute, cancellationToken)?.GetLocation() ?? Location.None;

    /// <summary>
    /// The expression passed for constructor parameter <paramref name="index"/> (named <paramref name="parameterName"/>),
    /// honouring <c>name:</c> arguments; <see langword="null"/> when the argument is not written (a default value).
    /// </summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="index">The constructor parameter's position.</param>
    /// <param name="parameterName">The constructor parameter's name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static ExpressionSyntax? Constructor(AttributeData attribute, int index, string parameterName, CancellationToken cancellationToken)
    {
        var list = Syntax(attribute, cancellationToken)?.ArgumentList;
        if (list is null)
        {
            return null;
        }

        var position = 0;
        foreach (var argument in list.Arguments)
        {
            if (argument.NameEquals is not null)
            {
                continue;
            }

            if (argument.NameColon is { } nameColon)
            {
                if (nameColon.Name.Identifier.ValueText == parameterName)
                {
                    return argument.Expression;
                }
            }
            else if (position == index)
            {
                return argument.Expression;
            }

            position++;
        }

        return null;
    }

    /// <summary>The expression assigned to property <paramref name="propertyName"/> (<c>Name = ...</c>), if written.</summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="propertyName">The property.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static ExpressionSyntax? Named(AttributeData attribute, string propertyName, CancellationToken cancellationToken)
    {
        var list = Syntax(attribute, cancellationToken)?.ArgumentList;
        if (list is null)
        {
            return null;
        }

        foreach (var argument in list.Arguments)
        {
            if (argument.NameEquals is { } nameEquals && nameEquals.Name.Identifier.ValueText == propertyName)
            {
                return argument.Expression;
            }
        }

        return null;
    }

    /// <summary>The location of a constructor argument, falling back to the whole attribute.</summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="index">The constructor parameter's position.</param>
    /// <param name="parameterName">The constructor parameter's name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static Location ConstructorLocation(AttributeData attribute, int index, string parameterName, CancellationToken cancellationToken) =>
        Constructor(attribute, index, parameterName, cancellationToken)?.GetLocation() ?? Of(attribute, cancellationToken);

    /// <summary>The location of a named argument, falling back to the whole attribute.</summary>
    /// <param name="attribute">The attribute application.</param>
    /// <param name="propertyName">The property.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static Location NamedLocation(AttributeData attribute, string propertyName, CancellationToken cancellationToken) =>
        Named(attribute, propertyName, cancellationToken)?.GetLocation() ?? Of(attribute, cancellationToken);

    /// <summary>
    /// The location of characters [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of the string
    /// value of <paramref name="expression"/>, when it is a literal whose source text holds the value verbatim (no escapes);
    /// otherwise the whole expression. A zero length marks one character (or the closing quote at the end of the value).
    /// </summary>
    /// <param name="expression">The argument expression.</param>
    /// <param name="start">The start inside the string value.</param>
    /// <param name="length">The length inside the string value.</param>
    public static Location InsideString(ExpressionSyntax expression, int start, int length)
    {
        if (expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            var token = literal.Token;
            var value = token.ValueText;
            var text = token.Text;
            var offset = text.IndexOf(value, System.StringComparison.Ordinal);
            var escaped = text.IndexOf('\\') >= 0 && text[0] != '@';
            if (value.Length > 0 && offset >= 0 && !escaped && start >= 0 && start <= value.Length)
            {
                var end = System.Math.Min(value.Length, start + System.Math.Max(length, 0));
                if (end == start)
                {
                    end = System.Math.Min(start + 1, text.Length - offset);
                }

                var span = TextSpan.FromBounds(token.SpanStart + offset + start, token.SpanStart + offset + end);
                return Location.Create(literal.SyntaxTree, span);
            }
        }

        return expression.GetLocation();
    }
}
