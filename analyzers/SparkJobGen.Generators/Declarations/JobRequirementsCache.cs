using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Declarations;

/// <summary>
/// The requirements of each job of one compilation (<see cref="JobDeclarationReader.ReadRequirements"/>), read once and
/// shared by every SparkJobGen analyzer: four analyzers read every job, and each read allocates an array of every requirement
/// on the job, its base classes and its assembly. Kept in a table keyed weakly by the compilation object, the way
/// roslyn-analyzers keep their per-compilation well-known types: an entry lives exactly as long as the compilation it
/// describes, and what it holds (the compilation's own attribute applications) depends on nothing else, so it can never
/// be stale. Safe for concurrent symbol actions (a race reads a job twice and keeps one result).
/// </summary>
internal sealed class JobRequirementsCache
{
    private static readonly ConditionalWeakTable<Compilation, JobRequirementsCache> ByCompilation = new();

    private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<DeclaredRequirement>> _byJob = new(SymbolEqualityComparer.Default);

    private JobRequirementsCache()
    {
    }

    /// <summary>The requirements of <paramref name="job"/> in precedence order (see <see cref="JobDeclarationReader.ReadRequirements"/>).</summary>
    /// <param name="compilation">The compilation the job belongs to.</param>
    /// <param name="job">The job class.</param>
    /// <param name="symbols">The compilation's attribute types.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static ImmutableArray<DeclaredRequirement> Read(Compilation compilation, INamedTypeSymbol job, JobAttributeSymbols symbols, CancellationToken cancellationToken)
    {
        var cache = ByCompilation.GetValue(compilation, static _ => new JobRequirementsCache());
        if (cache._byJob.TryGetValue(job, out var requirements))
        {
            return requirements;
        }

        return cache._byJob.GetOrAdd(job, JobDeclarationReader.ReadRequirements(job, symbols, cancellationToken));
    }
}
