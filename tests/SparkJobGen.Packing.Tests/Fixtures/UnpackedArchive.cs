using System.Collections.Generic;
using System.IO;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>
/// A packed archive as a node meets it: unpacked by GNU tar (a reader independent of the packer) into a folder of its own,
/// and its interpreter run there without the test process's <c>PYTHONHOME</c> or <c>PYTHONPATH</c>.
/// </summary>
public static class UnpackedArchive
{
    private static readonly Dictionary<string, string?> NoPythonVariables = new() { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null };

    /// <summary>Unpacks a <c>.tar.gz</c> archive into <paramref name="folder"/>, which is created first.</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="folder">Where to unpack it.</param>
    /// <returns><paramref name="folder"/>.</returns>
    public static string Extract(string archive, string folder)
    {
        Directory.CreateDirectory(folder);
        ProcessRun.RunChecked("tar", ["-xzf", archive, "-C", folder]);
        return folder;
    }

    /// <summary>Runs <c>&lt;root&gt;/bin/python -c <paramref name="code"/></c> in <paramref name="root"/>, with <c>PYTHONHOME</c> and <c>PYTHONPATH</c> unset.</summary>
    /// <param name="root">The unpacked environment.</param>
    /// <param name="code">The Python code.</param>
    /// <returns>The captured output.</returns>
    public static ProcessResult RunPython(string root, string code) =>
        ProcessRun.RunChecked(Path.Combine(root, "bin", "python"), ["-c", code], root, NoPythonVariables);
}
