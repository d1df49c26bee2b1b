using System;
using SparkJobGen.Versions.Conda;

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

        // The name goes back in front, joined as conda writes it: "python=3.11", "python>=3.10", "python 3.11.*".
        var text = "python" + (spec[0] is '=' or '<' or '>' or '!' or '~' ? spec : " " + spec);
        if (!CondaMatchSpec.TryParse(text, out var match, out _) || !CondaVersion.TryParse(version.Trim(), out var actual, out _))
        {
            return false;
        }

        return match!.Version is not { } wanted || wanted.IsSatisfiedBy(actual!);
    }
}
