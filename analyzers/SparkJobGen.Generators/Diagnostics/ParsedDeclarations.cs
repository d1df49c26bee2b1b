using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using SparkJobGen.Versions;
using SparkJobGen.Versions.Conda;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// The declared version texts and package names one analyzer meets in one compilation, each parsed or normalized once: jobs
/// repeat the same few declarations, so 500 jobs of 50 packages hold a few dozen distinct texts. Created in the analyzer's
/// compilation start action and dropped with it (no state outlives the analysis); safe for concurrent symbol actions (a race
/// computes the same pure value twice and keeps one).
/// </summary>
internal sealed class ParsedDeclarations
{
    private readonly ConcurrentDictionary<string, ParsedVersions> _conda = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ParsedVersions> _pip = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _condaKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pipKeys = new(StringComparer.Ordinal);

    /// <summary>A declared conda constraint read by <see cref="DeclaredVersions.TryParseConda"/>.</summary>
    /// <param name="text">The declared text.</param>
    public ParsedVersions Conda(string? text)
    {
        var key = text ?? string.Empty;
        return _conda.TryGetValue(key, out var parsed) ? parsed : _conda.GetOrAdd(key, ParsedVersions.OfConda(key));
    }

    /// <summary>A declared pip constraint read by <see cref="DeclaredVersions.TryParsePip"/>.</summary>
    /// <param name="text">The declared text.</param>
    public ParsedVersions Pip(string? text)
    {
        var key = text ?? string.Empty;
        return _pip.TryGetValue(key, out var parsed) ? parsed : _pip.GetOrAdd(key, ParsedVersions.OfPip(key));
    }

    /// <summary><see cref="DeclaredConstraint.CondaKey"/> of a declared name.</summary>
    /// <param name="name">The declared name.</param>
    public string CondaKey(string name) =>
        _condaKeys.TryGetValue(name, out var key) ? key : _condaKeys.GetOrAdd(name, DeclaredConstraint.CondaKey(name));

    /// <summary><see cref="DeclaredConstraint.PipKey"/> of a declared name (or of a conda key, to compare across sections).</summary>
    /// <param name="name">The declared name.</param>
    public string PipKey(string name) =>
        _pipKeys.TryGetValue(name, out var key) ? key : _pipKeys.GetOrAdd(name, DeclaredConstraint.PipKey(name));
}

/// <summary>One declared version text, parsed: a conda spec or a pip specifier set, or invalid (SJG2002/SJG2003 report why).</summary>
internal sealed class ParsedVersions
{
    private IReadOnlyList<string>? _canonicalClauses;

    private ParsedVersions(bool isValid, Pep440SpecifierSet? pip, CondaVersionSpec? conda)
    {
        IsValid = isValid;
        Pip = pip;
        Conda = conda;
    }

    /// <summary>Whether the text parses (an empty text does: any version).</summary>
    public bool IsValid { get; }

    /// <summary>The pip specifier set; null for a conda text or any version.</summary>
    public Pep440SpecifierSet? Pip { get; }

    /// <summary>The effective conda spec; null for a pip text or any version.</summary>
    public CondaVersionSpec? Conda { get; }

    /// <summary>The canonical clauses (see <see cref="DeclaredConstraint.CanonicalClauses"/>), computed on first use.</summary>
    public IReadOnlyList<string> CanonicalClauses => _canonicalClauses ??= DeclaredConstraint.CanonicalClausesOf(Pip, Conda);

    /// <summary>Parses a declared conda constraint.</summary>
    /// <param name="text">The declared text.</param>
    public static ParsedVersions OfConda(string? text) =>
        DeclaredVersions.TryParseConda(text, out var spec, out _) ? new ParsedVersions(true, null, spec) : new ParsedVersions(false, null, null);

    /// <summary>Parses a declared pip constraint.</summary>
    /// <param name="text">The declared text.</param>
    public static ParsedVersions OfPip(string? text) =>
        DeclaredVersions.TryParsePip(text, out var set, out _) ? new ParsedVersions(true, set, null) : new ParsedVersions(false, null, null);
}
