using System;
using System.Collections.Generic;
using System.Linq;

namespace SparkJobGen.Packing;

/// <summary>
/// The base of every error the packer reports about the user's environment or options (as opposed to a bug):
/// the message says what is wrong and what to do about it. The CLI maps it to the "pack failed" exit code.
/// </summary>
public class PackingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public PackingException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="inner">The underlying failure.</param>
    public PackingException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Files recorded by conda packages are missing from the prefix (deleted, or clobbered by pip); conda-pack's check.</summary>
public sealed class MissingFilesException : PackingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="missing">Per package (<c>name version</c>), the recorded paths that are absent.</param>
    public MissingFilesException(IReadOnlyDictionary<string, IReadOnlyList<string>> missing)
        : base(Describe(missing)) => Missing = missing;

    /// <summary>Per package (<c>name version</c>), the recorded paths that are absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Missing { get; }

    private static string Describe(IReadOnlyDictionary<string, IReadOnlyList<string>> missing)
    {
        var lines = new List<string> { "Files recorded by conda packages are missing from the environment:" };
        foreach (var (package, paths) in missing.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            lines.Add($"- {package}:");
            lines.AddRange(paths.Take(4).Select(p => "    " + p));
            if (paths.Count > 4)
            {
                lines.Add($"    + {paths.Count - 4} more");
            }
        }

        lines.Add("This usually means pip uninstalled or overwrote conda-managed files. Reinstall the package with conda "
            + "(one installer per package), or pass --ignore-missing-files to pack what is there.");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Packages were installed in editable mode (<c>pip install -e</c>): their code lives outside the environment.</summary>
public sealed class EditablePackagesException : PackingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="packages">The editable packages and where each points.</param>
    public EditablePackagesException(IReadOnlyList<string> packages)
        : base("Cannot pack an environment with editable packages: their code stays outside the archive.\n"
            + string.Join("\n", packages.Select(p => "- " + p))
            + "\nInstall them normally (pip install <path>, not -e), or pass --ignore-editable-packages to pack without their code.")
        => Packages = packages;

    /// <summary>The editable packages and where each points.</summary>
    public IReadOnlyList<string> Packages { get; }
}

/// <summary>pip-installed distributions overwrote files that conda packages own, so the environment is inconsistent.</summary>
public sealed class ClobberedFilesException : PackingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="clobbered">Per pip distribution, the conda package files it overwrote (<c>path (owned by package)</c>).</param>
    public ClobberedFilesException(IReadOnlyDictionary<string, IReadOnlyList<string>> clobbered)
        : base("pip-installed packages overwrote files owned by conda packages:\n"
            + string.Join("\n", clobbered.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"- {p.Key}: {string.Join(", ", p.Value.Take(3))}{(p.Value.Count > 3 ? $" (+{p.Value.Count - 3} more)" : "")}"))
            + "\nInstall each package with one tool only (conda preferred): `pip uninstall` the distribution and `conda install` it, "
            + "or pass --ignore-clobbered-files to pack the files as they are.")
        => Clobbered = clobbered;

    /// <summary>Per pip distribution, the conda package files it overwrote.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Clobbered { get; }
}
