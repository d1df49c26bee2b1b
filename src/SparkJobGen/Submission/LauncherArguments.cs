using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SparkJobGen.Submission;

/// <summary>
/// How spark-submit's launcher reads the argv: local resources become percent-encoded <c>file:</c> URIs that
/// <c>Utils.resolveURI</c> parses as written, and values that the launcher or YARN's shell would change are refused with the
/// parameter and the reason, before anything starts.
/// </summary>
internal static class LauncherArguments
{
    /// <summary>
    /// The argument spark-submit receives for a resource: a local path (absolute or relative to the current directory) becomes
    /// an absolute <c>file://</c> URI in which every byte outside <c>A-Z a-z 0-9 - . _ ~ /</c> is percent-encoded (UTF-8);
    /// URIs (<c>hdfs:</c>, <c>s3a:</c>, <c>local:</c>, <c>file:</c>) pass through as written.
    /// </summary>
    /// <param name="path">A path or URI.</param>
    /// <remarks>
    /// Spark's <c>resolveURI</c> parses the text with <c>java.net.URI</c>; a space, <c>%</c> that is not an escape, or <c>#</c> in a
    /// plain path makes it fall back to <c>File.toURI()</c>, which turns an <c>#environment</c> alias into part of the file name.
    /// <c>,</c> is the separator of <c>--archives</c>, <c>--py-files</c> and <c>--files</c>, so it is encoded too.
    /// </remarks>
    public static string Resource(string path)
    {
        if (SparkSubmitRunner.LocalPath(path) is not { } local || !ReferenceEquals(local, path))
        {
            // A URI (remote, or already a file: URI): spark-submit reads it as written.
            return path;
        }

        var full = Path.GetFullPath(path);
        var builder = new StringBuilder("file://", full.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(full.Replace('\\', '/')))
        {
            if (IsUnreservedOrSlash(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Refuses a carriage return anywhere in the argv: Spark 3.4 and 3.5's <c>bin/spark-class</c> removes every <c>\r</c> from
    /// every argument (and launcher <c>Main</c> a trailing one), so the value would not arrive as written.
    /// </summary>
    /// <param name="arguments">The argv after spark-submit.</param>
    /// <param name="firstJobArgument">The index of the first job argument (after the script).</param>
    /// <exception cref="InvalidOperationException">An argument contains <c>\r</c>.</exception>
    public static void RefuseCarriageReturns(IReadOnlyList<string> arguments, int firstJobArgument)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].Contains('\r', StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The {Describe(arguments, firstJobArgument, i)} contains a carriage return (\\r): Spark 3.4 and 3.5 remove every \\r from spark-submit's arguments " +
                    "(bin/spark-class), so the value would not reach Spark as written. Remove the \\r (use \\n line endings) or pass the text in a file.");
            }
        }
    }

    /// <summary>
    /// Refuses job arguments that YARN's launch shell would change in YARN cluster mode. Spark quotes each argument of the
    /// application master with <c>YarnSparkHadoopUtil.escapeForShell</c> (single quotes, escaping only <c>$</c>, <c>"</c> and
    /// <c>'</c>) and Hadoop runs the command as <c>bash -c "…"</c>: inside those double quotes a backquote runs a command and a
    /// backslash escapes the next character, so neither can arrive exactly.
    /// </summary>
    /// <param name="jobArguments">The job's arguments.</param>
    /// <exception cref="InvalidOperationException">An argument contains a backquote or a backslash.</exception>
    public static void RefuseYarnShellCharacters(IReadOnlyList<string> jobArguments)
    {
        for (var i = 0; i < jobArguments.Count; i++)
        {
            var value = jobArguments[i];
            var bad = value.IndexOfAny(['`', '\\']);
            if (bad >= 0)
            {
                var what = value[bad] == '`' ? "a backquote (`), which the shell would run as a command" : "a backslash (\\), which the shell would take as an escape";
                throw new InvalidOperationException(
                    $"The {DescribeJobArgument(jobArguments, i)} contains {what}. In YARN cluster mode Spark passes job arguments to the application master " +
                    "through `bash -c \"…\"` on the node (YarnSparkHadoopUtil.escapeForShell quotes only $, \" and '), so the value would not arrive exactly. " +
                    "Remove the character, pass the value in a file (WithFiles), or use YARN client mode, where arguments reach the driver without a shell.");
            }
        }
    }

    /// <summary>
    /// Refuses a local script whose file name needs percent-encoding in YARN cluster mode: the application master is told the
    /// script's name through Hadoop's <c>new Path(string).getName()</c>, which keeps the escapes, while the file is localized
    /// under its decoded name, so the two would not match.
    /// </summary>
    /// <param name="script">The script path or URI.</param>
    /// <param name="argument">The script argument spark-submit receives.</param>
    /// <exception cref="InvalidOperationException">The file name needs encoding.</exception>
    public static void RefuseEncodedYarnScriptName(string script, string argument)
    {
        if (ReferenceEquals(script, argument))
        {
            return;
        }

        var name = argument.Substring(argument.LastIndexOf('/') + 1);
        if (name.Contains('%', StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The script file name '{Path.GetFileName(script)}' has characters outside A-Z a-z 0-9 - . _ ~. In YARN cluster mode the application master " +
                "finds the script by its name as spark-submit wrote it (YARN Client: new Path(primaryPyFile).getName()) while YARN localizes it under the decoded name, " +
                "so the driver would not find it. Rename the script (for example with underscores); its folder may contain any characters.");
        }
    }

    private static bool IsUnreservedOrSlash(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' or (byte)'/';

    private static string Describe(IReadOnlyList<string> arguments, int firstJobArgument, int index)
    {
        if (index >= firstJobArgument)
        {
            var jobArguments = new List<string>();
            for (var i = firstJobArgument; i < arguments.Count; i++)
            {
                jobArguments.Add(arguments[i]);
            }

            return DescribeJobArgument(jobArguments, index - firstJobArgument);
        }

        if (index == firstJobArgument - 1)
        {
            return "script path";
        }

        if (index > 0 && arguments[index - 1] == "--conf")
        {
            var equals = arguments[index].IndexOf('=', StringComparison.Ordinal);
            return $"Spark property '{(equals > 0 ? arguments[index].Substring(0, equals) : arguments[index])}'";
        }

        return index > 0 && arguments[index - 1].StartsWith("--", StringComparison.Ordinal)
            ? $"value of spark-submit option {arguments[index - 1]}"
            : $"spark-submit argument {index + 1}";
    }

    private static string DescribeJobArgument(IReadOnlyList<string> jobArguments, int index)
    {
        var value = jobArguments[index];
        if (value.StartsWith("--", StringComparison.Ordinal))
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            return $"job parameter {(equals > 0 ? value.Substring(0, equals) : value)}";
        }

        if (index > 0 && jobArguments[index - 1].StartsWith("--", StringComparison.Ordinal) && !jobArguments[index - 1].Contains('=', StringComparison.Ordinal))
        {
            return $"value of job parameter {jobArguments[index - 1]}";
        }

        return $"job argument {index + 1}";
    }
}
