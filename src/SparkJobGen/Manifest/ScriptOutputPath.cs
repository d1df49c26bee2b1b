using System.Collections.Generic;

namespace SparkJobGen.Manifest;

/// <summary>
/// Where a job script is copied under its environment folder in the build output: the declared relative path with its
/// <c>.</c> and <c>..</c> segments resolved (<c>jobs/../etl/run.py</c> is <c>etl/run.py</c>), then the <c>..</c> segments
/// that would leave the project, and any root, dropped, so a script outside the project (<c>../python/job.py</c>) lands at
/// <c>python/job.py</c> and nothing is ever written outside the environment folder.
/// </summary>
public static class ScriptOutputPath
{
    /// <summary>Maps a declared script path to its path under the environment folder (forward slashes).</summary>
    /// <param name="script">The declared script path.</param>
    public static string ForScript(string script)
    {
        var segments = new List<string>();
        var escaping = 0;
        foreach (var segment in script.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment[segment.Length - 1] == ':')
            {
                continue;
            }

            if (segment == "..")
            {
                // Back out of the folder the path went into; a '..' with nothing to back out of leaves the project.
                if (segments.Count > escaping)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                else
                {
                    escaping++;
                    segments.Add(segment);
                }

                continue;
            }

            segments.Add(segment);
        }

        return string.Join("/", segments.GetRange(escaping, segments.Count - escaping));
    }
}
