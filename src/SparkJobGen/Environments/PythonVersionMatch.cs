using System;
using System.Globalization;
using System.Text.RegularExpressions;
using SparkJobGen.Versions.Conda;
using SparkJobGen.Versions.Constraints;

namespace SparkJobGen.Environments;

/// <summary>
/// Checks an interpreter version (<c>3.11.7</c>) against the version part of a conda <c>python</c> dependency with the same
/// MatchSpec model the analyzers use (checked against conda's rattler in the tests): <c>=3.11</c> and <c>3.11.*</c> are that
/// series, <c>==3.11.7</c> or bare <c>3.11.7</c> exactly that version, and with a build string (<c>=3.11=h955ad1f_0</c>) the
/// version is exact, as conda reads it. The build string itself is not checked: a plain interpreter has none.
/// </summary>
internal static class PythonVersionMatch
{
    /// <summary>Whether <paramref name="version"/> satisfies <paramref name="spec"/>; an empty spec matches any version.</summary>
    /// <param name="version">The interpreter's version, as <c>python --version</c> prints it.</param>
    /// <param name="spec">The version part of the dependency, after the package name (<c>=3.11</c>, <c>3.11.*</c>, <c>&gt;=3.10,&lt;3.12</c>).</param>
    /// <returns>False as well when the spec or the version is not valid conda syntax.</returns>
    public static bool Matches(string version, string spec)
    {
        spec = spec.Trim();
        if (spec.Length == 0)
        {
            return true;
        }

        if (!TryParse(spec, out var match) || !CondaVersion.TryParse(version.Trim(), out var actual, out _))
        {
            return false;
        }

        return match!.Version is not { } wanted || wanted.IsSatisfiedBy(actual!);
    }

    /// <summary>
    /// The one <c>major.minor</c> series every version the spec admits belongs to (<c>3.11</c> for <c>=3.11</c>, <c>3.11.*</c>,
    /// <c>&gt;=3.11,&lt;3.12</c> or <c>==3.11.7</c>), decided on the spec's set of versions; null when the spec admits versions of
    /// more than one series (<c>&gt;=3.10</c>, <c>3</c>), none, or is not valid conda syntax.
    /// </summary>
    /// <param name="spec">The version part of the dependency, as for <see cref="Matches"/>.</param>
    public static string? PinnedSeries(string spec)
    {
        spec = spec.Trim();
        if (spec.Length == 0 || !TryParse(spec, out var match) || match!.Version is not { } wanted)
        {
            return null;
        }

        var admitted = CondaSets.FromNode(wanted.Root);
        if (!admitted.TryFindWitness(out var witness) || witness is null)
        {
            return null;
        }

        // The series of one admitted version is the only candidate; the spec pins it when it admits nothing else.
        var series = Regex.Match(witness.Version.ToString(), @"^(?:0!)?(\d+)\.(\d+)(?:\.|$)", RegexOptions.CultureInvariant);
        if (!series.Success)
        {
            return null;
        }

        // The series is its versions (3.11.*) and, since conda orders 3.12's pre-releases (3.12.0rc1) below 3.12, whatever lies
        // below the next series: an upper bound of <3.12 pins 3.11 all the same.
        var text = series.Groups[1].Value + "." + series.Groups[2].Value;
        if (!int.TryParse(series.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var minor) || minor == int.MaxValue)
        {
            return null;
        }

        var next = series.Groups[1].Value + "." + (minor + 1).ToString(CultureInfo.InvariantCulture);
        var seriesSet = CondaSets.FromNode(CondaVersionSpec.Parse(text + ".*").Root)
            .Union(CondaSets.FromNode(CondaVersionSpec.Parse(">=" + text + ",<" + next).Root));
        return admitted.IsSubsetOf(seriesSet) ? text : null;
    }

    // The name goes back in front, joined as conda writes it: "python=3.11", "python>=3.10", "python 3.11.*".
    private static bool TryParse(string spec, out CondaMatchSpec? match) =>
        CondaMatchSpec.TryParse("python" + (spec[0] is '=' or '<' or '>' or '!' or '~' ? spec : " " + spec), out match, out _);
}
