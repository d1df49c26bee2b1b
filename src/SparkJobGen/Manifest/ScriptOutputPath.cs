using System.Collections.Generic;

namespace SparkJobGen.Manifest;

/// <summary>
/// Where a job script is copied under its environment folder in the build output: the declared relative path with
/// <c>.</c>, <c>..</c> and root segments dropped, so a script outside the project (<c>../python/job.py</c>) lands at
/// <c>python/job.py</c> and nothing is ever written outside the environment folder.
/// </summary>
public static class ScriptOutputPath
{
    /// <summary>Maps a declared script path to its path under the environment folder (forward slashes).</summary>
    /// <param name="script">The declared script path.</param>
    public static string ForScript(string script)
    {
        var segments = new List<string>();
        foreach (var segment in script.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == ".." || segment[segment.Length - 1] == ':')
            {
                continue;
            }

            segments.Add(segment);
        }

        return string.Join("/", segments);
    }
}
