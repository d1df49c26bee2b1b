using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SparkJobGen.Build;

/// <summary>
/// <c>dotnet clean</c>'s part for the Spark job environments: removes the files <see cref="WriteSparkJobEnvironments"/>
/// recorded (only while they still hold the bytes it wrote), the folders that leaves empty, and the record itself. Anything
/// else in the output folder stays.
/// </summary>
public sealed class CleanSparkJobEnvironments : Task
{
    /// <summary>The record written by <see cref="WriteSparkJobEnvironments.RecordFile"/>.</summary>
    [Required]
    public string RecordFile { get; set; } = string.Empty;

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            var record = OutputRecord.TryRead(RecordFile);
            if (record is null)
            {
                return true;
            }

            record.RemoveFilesExcept(
                new HashSet<string>(StringComparer.Ordinal),
                removeRoot: static _ => true,
                removed: path => Log.LogMessage(MessageImportance.Low, "SparkJobGen: removed {0}", path),
                failed: (path, exception) => BuildMessages.Warning(Log, BuildMessages.CannotRemoveStale, RecordFile,
                    $"Cannot remove '{path}': {exception.Message} Remove it by hand, or close the program that holds it."));
            File.Delete(RecordFile);
        }
        catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
        {
            BuildMessages.Warning(Log, BuildMessages.CannotRemoveStale, RecordFile,
                $"Cannot clean the Spark job outputs recorded in '{RecordFile}': {exception.Message} Remove the sparkjobs folder by hand.");
        }

        return !Log.HasLoggedErrors;
    }
}
