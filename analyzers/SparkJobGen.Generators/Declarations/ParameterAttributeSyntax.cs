using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SparkJobGen.Generators.Declarations;

/// <summary>
/// The generator's reading of a property's <c>[JobParameter]</c> from syntax, when the syntax alone proves what binding would
/// give: one declaration, attribute lists without targets, the attribute written as <c>JobParameter</c> or
/// <c>JobParameterAttribute</c> where name lookup finds exactly SparkJobGen's type, and literal arguments. Anything else
/// answers <see langword="null"/> and the caller binds the property's attributes.
/// </summary>
/// <remarks>
/// The generator runs on its own compilation, so whatever it binds the consumer's compiler binds again for the build's
/// output (bench/consumer-build). The analyzers always bind (they need the applications for locations);
/// ParameterAttributeSyntaxTests compares both readings.
/// </remarks>
internal sealed class ParameterAttributeSyntax
{
    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol _attributeType;
    private readonly Dictionary<SyntaxNode, (bool Short, bool Long)> _resolvable = new();
    private SemanticModel? _model;

    private ParameterAttributeSyntax(Compilation compilation, INamedTypeSymbol attributeType)
    {
        _compilation = compilation;
        _attributeType = attributeType;
    }

    /// <summary>
    /// A reader for one job's properties, or <see langword="null"/> when the compilation must always bind: SparkJobGen's
    /// attribute is missing, or <paramref name="hasUsingAlias"/> says a using alias somewhere could name it.
    /// </summary>
    /// <param name="compilation">The compilation the job class belongs to.</param>
    /// <param name="symbols">The resolved attribute types.</param>
    /// <param name="hasUsingAlias">Whether any file of the compilation declares a using alias (<see cref="HasUsingAlias"/>).</param>
    public static ParameterAttributeSyntax? For(Compilation compilation, JobAttributeSymbols symbols, bool hasUsingAlias) =>
        hasUsingAlias || symbols.JobParameter is not { } attributeType ? null : new ParameterAttributeSyntax(compilation, attributeType);

    /// <summary>Whether any file of the compilation declares a using alias, global or not, at its top or in a namespace.</summary>
    /// <param name="compilation">The compilation.</param>
    public static bool HasUsingAlias(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.GetRoot() is CompilationUnitSyntax unit && HasAlias(unit.Usings, unit.Members))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the property's <c>[JobParameter]</c>: <see langword="null"/> when syntax cannot prove the answer; otherwise
    /// whether the property has one and, if so, its literal arguments (a <see langword="null"/> flag for the kebab-case name).
    /// </summary>
    /// <param name="property">The property.</param>
    public (bool Found, string? Flag, string? Format, bool Sensitive)? Read(IPropertySymbol property)
    {
        if (property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax declaration
            || declaration.Parent is not TypeDeclarationSyntax containing)
        {
            return null;
        }

        AttributeSyntax? found = null;
        foreach (var list in declaration.AttributeLists)
        {
            if (list.Target is not null)
            {
                return null;
            }

            foreach (var attribute in list.Attributes)
            {
                switch (Mentions(attribute.Name, containing))
                {
                    case null:
                        return null;
                    case true when found is not null:
                        return null;
                    case true:
                        found = attribute;
                        break;
                }
            }
        }

        return found is null ? (false, null, null, false) : ReadArguments(found);
    }

    /// <summary>Whether an attribute name means SparkJobGen's attribute (true), certainly not (false), or cannot be told without binding (null).</summary>
    private bool? Mentions(NameSyntax name, TypeDeclarationSyntax containing)
    {
        // Without using aliases (checked for the whole compilation), only these two names can mean SparkJobGen's attribute.
        if (Last(name) is not ("JobParameter" or "JobParameterAttribute"))
        {
            return false;
        }

        // Qualified, generic and verbatim (@JobParameter, no suffix added) names are left to binding.
        if (name is not IdentifierNameSyntax { Identifier: var identifier } || identifier.Text.StartsWith("@", System.StringComparison.Ordinal))
        {
            return null;
        }

        var (shortForm, longForm) = Resolvable(containing, name.SpanStart);
        return identifier.ValueText == "JobParameter" ? (shortForm ? true : null) : (longForm ? true : null);
    }

    /// <summary>
    /// At a position in a type declaration: whether <c>[JobParameter]</c> binds to SparkJobGen's attribute (the name
    /// <c>JobParameter</c> finds nothing and <c>JobParameterAttribute</c> finds exactly it), and whether
    /// <c>[JobParameterAttribute]</c> does (that name finds exactly it and <c>JobParameterAttributeAttribute</c> nothing).
    /// Computed once per type declaration: its properties' attributes share its scope.
    /// </summary>
    private (bool Short, bool Long) Resolvable(TypeDeclarationSyntax containing, int position)
    {
        if (_resolvable.TryGetValue(containing, out var known))
        {
            return known;
        }

        var model = _model is not null && _model.SyntaxTree == containing.SyntaxTree ? _model : _model = _compilation.GetSemanticModel(containing.SyntaxTree);
        var exact = model.LookupNamespacesAndTypes(position, name: "JobParameterAttribute");
        var isOurs = exact.Length == 1 && SymbolEqualityComparer.Default.Equals(exact[0], _attributeType);
        var result = (
            isOurs && model.LookupNamespacesAndTypes(position, name: "JobParameter").IsEmpty,
            isOurs && model.LookupNamespacesAndTypes(position, name: "JobParameterAttributeAttribute").IsEmpty);
        _resolvable[containing] = result;
        return result;
    }

    private static (bool Found, string? Flag, string? Format, bool Sensitive)? ReadArguments(AttributeSyntax attribute)
    {
        string? flag = null;
        string? format = null;
        var sensitive = false;
        var positional = 0;
        foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameColon is not null)
            {
                return null;
            }

            if (argument.NameEquals is null)
            {
                if (positional++ > 0 || StringLiteral(argument.Expression) is not { } text)
                {
                    return null;
                }

                flag = text;
                continue;
            }

            switch (argument.NameEquals.Name.Identifier.ValueText)
            {
                case "Format" when StringLiteral(argument.Expression) is { } text:
                    format = text;
                    break;
                case "Sensitive" when argument.Expression.Kind() is SyntaxKind.TrueLiteralExpression or SyntaxKind.FalseLiteralExpression:
                    sensitive = argument.Expression.IsKind(SyntaxKind.TrueLiteralExpression);
                    break;
                default:
                    return null;
            }
        }

        return (true, flag, format, sensitive);
    }

    private static string? StringLiteral(ExpressionSyntax expression) =>
        expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression) && !literal.ContainsDiagnostics
            ? literal.Token.ValueText
            : null;

    private static string Last(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => Last(qualified.Right),
        AliasQualifiedNameSyntax alias => Last(alias.Name),
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => string.Empty,
    };

    private static bool HasAlias(SyntaxList<UsingDirectiveSyntax> usings, SyntaxList<MemberDeclarationSyntax> members)
    {
        foreach (var directive in usings)
        {
            if (directive.Alias is not null)
            {
                return true;
            }
        }

        foreach (var member in members)
        {
            if (member is BaseNamespaceDeclarationSyntax ns && HasAlias(ns.Usings, ns.Members))
            {
                return true;
            }
        }

        return false;
    }
}
