using System;
using System.IO;
using Microsoft.Build.Utilities;

namespace SparkJobGen.Build;

/// <summary>
/// The build messages of the SparkJobGen tasks (SJG3xxx, documented under <c>docs/diagnostics/</c> and in the package's
/// <c>docs/</c> folder). Every failure of a task is reported through one of these with a sentence saying what to change; a
/// task never lets an exception reach MSBuild (which would report MSB4018 with a stack trace).
/// </summary>
internal static class BuildMessages
{
    /// <summary>SJG3001: the compiled assembly's manifest cannot be read.</summary>
    public const string ManifestUnreadable = "SJG3001";

    /// <summary>SJG3002: an environment name cannot be a folder name.</summary>
    public const string InvalidEnvironmentFolder = "SJG3002";

    /// <summary>SJG3003 (warning): a job script was not found, so it is not copied.</summary>
    public const string ScriptMissing = "SJG3003";

    /// <summary>SJG3004: a file of the build output cannot be written (path too long, access denied, disk full, ...).</summary>
    public const string CannotWrite = "SJG3004";

    /// <summary>SJG3005: a job script exists but cannot be read.</summary>
    public const string CannotReadScript = "SJG3005";

    /// <summary>SJG3006 (warning): a file the previous build wrote and this one no longer writes cannot be removed.</summary>
    public const string CannotRemoveStale = "SJG3006";

    /// <summary>SJG3007: an unexpected failure inside the task.</summary>
    public const string Unexpected = "SJG3007";

    /// <summary>SJG3008: two different scripts of one environment would be copied to the same path of its folder.</summary>
    public const string ScriptPathClash = "SJG3008";

    /// <summary>Logs an error with <paramref name="code"/> against the project file.</summary>
    public static void Error(TaskLoggingHelper log, string code, string file, string message) =>
        log.LogError(null, code, null, file, 0, 0, 0, 0, "{0}", message);

    /// <summary>Logs a warning with <paramref name="code"/> against the project file.</summary>
    public static void Warning(TaskLoggingHelper log, string code, string file, string message) =>
        log.LogWarning(null, code, null, file, 0, 0, 0, 0, "{0}", message);

    /// <summary>Whether <paramref name="exception"/> is a file-system failure the tasks turn into a build message.</summary>
    public static bool IsFileSystemFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException;

    /// <summary>What to change when writing <paramref name="path"/> failed with <paramref name="exception"/>.</summary>
    public static string WriteAdvice(Exception exception, string path) => exception switch
    {
        PathTooLongException => $"The path is too long for the file system ({path.Length} characters; a single folder or file name can have at most 255 bytes on most file systems): shorten the environment name or the job's script path, or set SparkJobGenOutputDirectory to a shorter folder.",
        UnauthorizedAccessException => "Make the folder writable (or remove the read-only file in the way), or set SparkJobGenOutputDirectory to a folder you can write.",
        IOException when FileInTheWay(path) is { } file => $"'{file}' is a file, where the output needs a folder: move it, or set SparkJobGenOutputDirectory to another folder.",
        DirectoryNotFoundException => "Check that the output folder can be created, or set SparkJobGenOutputDirectory to another folder.",
        ArgumentException or NotSupportedException => "The path contains characters the file system does not accept: rename the environment or the script.",
        _ => "Check that the disk is not full and no other process holds the file, or set SparkJobGenOutputDirectory to another folder.",
    };

    /// <summary>The nearest existing ancestor of <paramref name="path"/> when it is a file (so no folder can be made under it).</summary>
    private static string? FileInTheWay(string path)
    {
        try
        {
            for (var folder = Path.GetDirectoryName(path); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
            {
                if (File.Exists(folder))
                {
                    return folder;
                }

                if (Directory.Exists(folder))
                {
                    return null;
                }
            }
        }
        catch (Exception exception) when (IsFileSystemFailure(exception))
        {
        }

        return null;
    }
}
