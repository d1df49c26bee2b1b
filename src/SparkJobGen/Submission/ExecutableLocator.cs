using System;
using System.Collections.Generic;
using System.IO;

namespace SparkJobGen.Submission;

/// <summary>
/// Finds executables the way a shell would, but against an explicit view of the environment: the process environment
/// with optional overrides (a null override hides a variable). Used for spark-submit, java, yarn and the environment tools.
/// </summary>
internal sealed class ExecutableLocator
{
    private readonly IReadOnlyDictionary<string, string?>? _overrides;

    /// <summary>Creates a locator over the process environment with <paramref name="overrides"/> applied.</summary>
    /// <param name="overrides">Variables that replace (or, when null, hide) the process's own.</param>
    public ExecutableLocator(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        _overrides = overrides;
    }

    /// <summary>Reads a variable: the override when one is given, else the process's value.</summary>
    /// <param name="name">The variable name.</param>
    public string? GetVariable(string name)
    {
        if (_overrides is not null && _overrides.TryGetValue(name, out var value))
        {
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var own = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(own) ? null : own;
    }

    /// <summary>Finds <paramref name="name"/> in the directories of PATH.</summary>
    /// <param name="name">A bare executable name such as <c>java</c>.</param>
    /// <returns>The full path, or null.</returns>
    public string? FindOnPath(string name)
    {
        var path = GetVariable("PATH");
        if (path is null)
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in Candidates(Path.Combine(directory, name)))
            {
                if (IsExecutableFile(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>Finds <paramref name="name"/> under <c>$<paramref name="homeVariable"/>/bin</c>.</summary>
    /// <param name="homeVariable">For example <c>SPARK_HOME</c>.</param>
    /// <param name="name">The executable name.</param>
    /// <returns>The full path, or null when the variable is unset or the file missing.</returns>
    public string? FindUnderHome(string homeVariable, string name)
    {
        var home = GetVariable(homeVariable);
        if (home is null)
        {
            return null;
        }

        foreach (var candidate in Candidates(Path.Combine(home, "bin", name)))
        {
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="path"/> is an existing file this user may execute.</summary>
    /// <param name="path">A file path.</param>
    public static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }

    private static IEnumerable<string> Candidates(string path)
    {
        yield return path;
        if (OperatingSystem.IsWindows())
        {
            yield return path + ".cmd";
            yield return path + ".exe";
            yield return path + ".bat";
        }
    }
}
