using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SparkJobGen.Generators.Model;

namespace SparkJobGen.Generators;

/// <summary>
/// The hint name of every job's generated file, assigned for the whole project at once so that each is unique and
/// bounded. Roslyn compares hint names ignoring case and throws on a duplicate (the generator then contributes nothing
/// at all, CS8785), and with <c>EmitCompilerGeneratedFiles</c> a hint name becomes a file name, which file systems
/// limit to 255 bytes.
/// </summary>
/// <remarks>
/// A job's hint name is its dotted name, <c>Namespace.Outer.Job.g.cs</c>, when that is short, made only of letters, digits,
/// <c>_</c> and <c>.</c>, and no other generated file has the same name ignoring case. Otherwise it is a prefix of
/// the dotted name (non-conforming characters as <c>_</c>, at most <see cref="MaxPrefixBytes"/> UTF-8 bytes) followed by
/// 16 hex digits of a 64-bit FNV-1a hash of the job's exact identity: <c>Contoso.Jobs.J_b.3f2a…c1.g.cs</c>. Names depend
/// only on the set of jobs, so they are the same on every build.
/// </remarks>
/// <param name="Entries">Each job's identity key (<see cref="JobModel.TypeKey"/>) and hint name, ordered by key.</param>
internal sealed record HintNameTable(EquatableArray<HintNameEntry> Entries)
{
    /// <summary>The largest dotted-name prefix of a hint name, in UTF-8 bytes.</summary>
    public const int MaxPrefixBytes = 90;

    private const string Suffix = ".g.cs";

    /// <summary>Assigns hint names to the given job identities; names already taken (the environments file) are avoided.</summary>
    /// <param name="typeKeys">The jobs' identity keys; duplicates are ignored.</param>
    /// <param name="reserved">Hint names of the generator's other files.</param>
    public static HintNameTable Assign(IEnumerable<string> typeKeys, params string[] reserved)
    {
        var keys = typeKeys.Distinct(StringComparer.Ordinal).OrderBy(static k => k, StringComparer.Ordinal).ToList();
        var plain = keys.ToDictionary(static k => k, static k => PlainName(k), StringComparer.Ordinal);
        var plainCounts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in reserved)
        {
            plainCounts[name] = 2;
        }

        foreach (var name in plain.Values)
        {
            if (name is not null)
            {
                plainCounts[name] = plainCounts.TryGetValue(name, out var count) ? count + 1 : 1;
            }
        }

        var used = new HashSet<string>(reserved, StringComparer.OrdinalIgnoreCase);
        var entries = new HintNameEntry[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var candidate = plain[key] is { } name && plainCounts[name] == 1 ? name : HashedName(key);
            var unique = candidate;
            for (var n = 2; !used.Add(unique); n++)
            {
                // Two different keys with one 64-bit hash and prefix: practically never, but a duplicate must not throw.
                unique = candidate.Substring(0, candidate.Length - Suffix.Length) + "-" + n + Suffix;
            }

            entries[i] = new HintNameEntry(key, unique);
        }

        return new HintNameTable(new EquatableArray<HintNameEntry>(entries));
    }

    /// <summary>The hint name assigned to a job, or <see langword="null"/> when the job is not in the table.</summary>
    /// <param name="typeKey">The job's <see cref="JobModel.TypeKey"/>.</param>
    public string? Find(string typeKey)
    {
        int low = 0, high = Entries.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var comparison = string.CompareOrdinal(Entries[middle].TypeKey, typeKey);
            if (comparison == 0)
            {
                return Entries[middle].HintName;
            }

            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>The dotted name plus <c>.g.cs</c>, or <see langword="null"/> when it is too long or has other characters.</summary>
    private static string? PlainName(string typeKey)
    {
        var dotted = JobModel.DottedName(typeKey);
        foreach (var c in dotted)
        {
            if (!IsPlain(c))
            {
                return null;
            }
        }

        return Encoding.UTF8.GetByteCount(dotted) <= MaxPrefixBytes ? dotted + Suffix : null;
    }

    private static string HashedName(string typeKey)
    {
        var prefix = new StringBuilder();
        var bytes = 0;
        foreach (var original in JobModel.DottedName(typeKey))
        {
            var c = IsPlain(original) ? original : '_';
            var size = Encoding.UTF8.GetByteCount(new[] { c });
            if (bytes + size > MaxPrefixBytes)
            {
                break;
            }

            prefix.Append(c);
            bytes += size;
        }

        return prefix.Append('.').Append(Fnv1a64(typeKey).ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).Append(Suffix).ToString();
    }

    // Letters and digits of the Basic Multilingual Plane (a lone surrogate half is not a letter), '_' and '.'.
    private static bool IsPlain(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '.';

    private static ulong Fnv1a64(string text)
    {
        const ulong offsetBasis = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= prime;
        }

        return hash;
    }
}

/// <summary>One job's hint name.</summary>
/// <param name="TypeKey">The job's identity key.</param>
/// <param name="HintName">Its generated file's hint name.</param>
internal sealed record HintNameEntry(string TypeKey, string HintName);
