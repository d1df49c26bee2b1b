using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SparkJobGen.Generators.Declarations;

/// <summary>The job classes of a compilation, found from symbols, for analyses that need more than the job at hand.</summary>
internal static class JobClasses
{
    /// <summary>
    /// Every class in the compilation's source carrying <c>[SparkJob]</c>, nested classes included, ordered by display name
    /// (ordinal): the order in which analyzers pick "the first job" deterministically.
    /// </summary>
    /// <param name="compilation">The compilation.</param>
    /// <param name="symbols">The resolved attribute types.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public static List<INamedTypeSymbol> InDisplayNameOrder(Compilation compilation, JobAttributeSymbols symbols, CancellationToken cancellationToken)
    {
        var jobs = new List<(string Name, INamedTypeSymbol Type)>();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var member in pending.Pop().GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    pending.Push(ns);
                }
                else if (member is INamedTypeSymbol type)
                {
                    pending.Push(type);
                    if (type.TypeKind == TypeKind.Class && HasAttributeSyntax(type) && symbols.FindSparkJob(type) is not null)
                    {
                        jobs.Add((type.ToDisplayString(), type));
                    }
                }
            }
        }

        jobs.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return jobs.ConvertAll(static job => job.Type);
    }

    /// <summary>
    /// Whether <paramref name="type"/> is written with attributes in source: only such a class can be a job, so the
    /// attributes of every other type need not be bound.
    /// </summary>
    /// <param name="type">The type.</param>
    public static bool HasAttributeSyntax(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax { AttributeLists.Count: > 0 })
            {
                return true;
            }
        }

        return false;
    }
}
