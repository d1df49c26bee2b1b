using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SparkJobGen.Packing;

/// <summary>The kind of Python environment found at a prefix.</summary>
public enum EnvironmentKind
{
    /// <summary>A conda prefix: it has a <c>conda-meta</c> folder.</summary>
    Conda,

    /// <summary>A virtual environment made by <c>python -m venv</c> or virtualenv: it has a <c>pyvenv.cfg</c>.</summary>
    Venv,
}

/// <summary>An environment the packer can read: its absolute prefix and kind.</summary>
/// <param name="Prefix">The absolute, normalised environment directory.</param>
/// <param name="Kind">Conda prefix or virtual environment.</param>
public sealed record EnvironmentLocation(string Prefix, EnvironmentKind Kind);

/// <summary>Thrown when the environment to pack cannot be found or is not a Python environment.</summary>
public sealed class EnvironmentNotFoundException : PackingException
{
    /// <summary>Creates the exception with an actionable message.</summary>
    /// <param name="message">What was looked for, where, and what to do.</param>
    public EnvironmentNotFoundException(string message) : base(message) { }
}

/// <summary>
/// Resolves the environment to pack the way conda-pack does: an explicit prefix (<c>-p</c>), a conda
/// environment name (<c>-n</c>) looked up in the conda environment folders, or the active environment.
/// </summary>
public static class EnvironmentLocator
{
    /// <summary>Resolves the environment from a prefix, a name, or (neither given) the active environment.</summary>
    /// <param name="prefix">An environment directory, or null.</param>
    /// <param name="name">A conda environment name, or null.</param>
    /// <param name="environment">Reads environment variables; defaults to the process environment.</param>
    /// <param name="homeDirectory">The user's home folder; defaults to the current user's.</param>
    /// <returns>The environment's absolute prefix and kind.</returns>
    /// <exception cref="ArgumentException">Both a prefix and a name were given.</exception>
    /// <exception cref="EnvironmentNotFoundException">Nothing usable was found.</exception>
    public static EnvironmentLocation Resolve(
        string? prefix, string? name, Func<string, string?>? environment = null, string? homeDirectory = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        homeDirectory ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (prefix is not null && name is not null)
        {
            throw new ArgumentException("Give either a prefix (-p/--prefix) or a name (-n/--name), not both.");
        }

        if (prefix is not null)
        {
            return FromPrefix(prefix);
        }

        if (name is not null)
        {
            return FromName(name, environment, homeDirectory);
        }

        var active = environment("CONDA_PREFIX") is { Length: > 0 } conda ? conda
            : environment("VIRTUAL_ENV") is { Length: > 0 } venv ? venv : null;
        if (active is null)
        {
            throw new EnvironmentNotFoundException(
                "No environment given and none is active (CONDA_PREFIX and VIRTUAL_ENV are unset). "
                + "Pass -p/--prefix <dir> or -n/--name <env>, or activate the environment first.");
        }

        return FromPrefix(active);
    }

    /// <summary>Checks that a directory is a conda prefix or a virtual environment.</summary>
    /// <param name="prefix">The directory.</param>
    /// <returns>Its absolute prefix and kind.</returns>
    /// <exception cref="EnvironmentNotFoundException">It does not exist or is neither kind.</exception>
    public static EnvironmentLocation FromPrefix(string prefix)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(prefix));
        if (File.Exists(full))
        {
            throw new EnvironmentNotFoundException(
                $"'{full}' is a file, not an environment. Pass the environment's folder (the one holding conda-meta or pyvenv.cfg), for example '{Path.GetDirectoryName(full)}'.");
        }

        if (!Directory.Exists(full))
        {
            throw new EnvironmentNotFoundException($"Environment directory '{full}' does not exist.");
        }

        if (Directory.Exists(Path.Combine(full, "conda-meta")))
        {
            return new EnvironmentLocation(full, EnvironmentKind.Conda);
        }

        if (File.Exists(Path.Combine(full, "pyvenv.cfg")))
        {
            return new EnvironmentLocation(full, EnvironmentKind.Venv);
        }

        throw new EnvironmentNotFoundException(
            $"'{full}' is not a Python environment: it has neither a conda-meta folder (conda prefix) "
            + "nor a pyvenv.cfg (virtual environment).");
    }

    /// <summary>
    /// The folders searched for a named conda environment, in order: <c>CONDA_ENVS_PATH</c> entries,
    /// the <c>envs</c> folder of the root install behind <c>CONDA_PREFIX</c>, <c>MAMBA_ROOT_PREFIX/envs</c>,
    /// <c>CONDA_ROOT/envs</c>, and <c>~/.conda/envs</c>.
    /// </summary>
    /// <param name="environment">Reads environment variables.</param>
    /// <param name="homeDirectory">The user's home folder.</param>
    /// <returns>Distinct candidate folders (they may not exist).</returns>
    public static IReadOnlyList<string> EnvironmentFolders(Func<string, string?> environment, string homeDirectory)
    {
        var folders = new List<string>();
        if (environment("CONDA_ENVS_PATH") is { Length: > 0 } envsPath)
        {
            folders.AddRange(envsPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        if (environment("CONDA_PREFIX") is { Length: > 0 } active)
        {
            // An active named env lives in <root>/envs/<name>; the base env is the root itself.
            var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(active));
            var root = parent is not null && Path.GetFileName(parent) == "envs" ? Path.GetDirectoryName(parent)! : active;
            folders.Add(Path.Combine(root, "envs"));
        }

        foreach (var variable in new[] { "MAMBA_ROOT_PREFIX", "CONDA_ROOT" })
        {
            if (environment(variable) is { Length: > 0 } root)
            {
                folders.Add(Path.Combine(root, "envs"));
            }
        }

        folders.Add(Path.Combine(homeDirectory, ".conda", "envs"));
        return folders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f))).Distinct(StringComparer.Ordinal).ToList();
    }

    private static EnvironmentLocation FromName(string name, Func<string, string?> environment, string homeDirectory)
    {
        if (name is "base" or "root")
        {
            var root = environment("MAMBA_ROOT_PREFIX") ?? environment("CONDA_ROOT");
            if (root is { Length: > 0 })
            {
                return FromPrefix(root);
            }
        }

        var folders = EnvironmentFolders(environment, homeDirectory);
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, name);
            if (Directory.Exists(Path.Combine(candidate, "conda-meta")))
            {
                return FromPrefix(candidate);
            }
        }

        // conda records every created prefix in ~/.conda/environments.txt; a name matches the folder name.
        var registry = Path.Combine(homeDirectory, ".conda", "environments.txt");
        if (File.Exists(registry))
        {
            foreach (var line in File.ReadAllLines(registry))
            {
                var entry = line.Trim();
                if (entry.Length > 0 && Path.GetFileName(Path.TrimEndingDirectorySeparator(entry)) == name
                    && Directory.Exists(Path.Combine(entry, "conda-meta")))
                {
                    return FromPrefix(entry);
                }
            }
        }

        throw new EnvironmentNotFoundException(
            $"No conda environment named '{name}'. Searched: {string.Join(", ", folders)} and {registry}. "
            + "Pass the directory instead (-p/--prefix, PackOptions.Prefix).");
    }
}
