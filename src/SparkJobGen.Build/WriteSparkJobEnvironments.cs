using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkJobGen.Manifest;

namespace SparkJobGen.Build;

/// <summary>
/// Writes each environment's <c>environment.yaml</c> (exactly the text the generator compiled into the assembly) and copies
/// each job's script beside it: <c>&lt;OutputDirectory&gt;/&lt;environment&gt;/environment.yaml</c>. Files whose content is
/// unchanged are not rewritten; every file is written to a temporary name first and renamed, so none is ever half-written.
/// </summary>
public sealed class WriteSparkJobEnvironments : Task
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The compiled assembly carrying the generator's manifest attributes.</summary>
    [Required]
    public string AssemblyPath { get; set; } = string.Empty;

    /// <summary>The project directory, against which script paths are resolved.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The root folder of the environments, usually <c>$(OutDir)sparkjobs</c>.</summary>
    [Required]
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary>Every file this task owns (written or already up to date), for <c>FileWrites</c> and <c>dotnet clean</c>.</summary>
    [Output]
    public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>The environment.yaml files, with metadata <c>Environment</c>.</summary>
    [Output]
    public ITaskItem[] EnvironmentFiles { get; private set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc />
    public override bool Execute()
    {
        SparkJobManifest manifest;
        try
        {
            manifest = SparkJobManifest.Read(AssemblyPath);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.LogError(null, "SJG3001", null, AssemblyPath, 0, 0, 0, 0, "Cannot read the Spark job manifest of '{0}': {1}", AssemblyPath, exception.Message);
            return false;
        }

        var files = new List<ITaskItem>();
        var yamlFiles = new List<ITaskItem>();
        foreach (var environment in manifest.Environments)
        {
            if (!IsValidFolderName(environment.Name))
            {
                Log.LogError(null, "SJG3002", null, ProjectDirectory, 0, 0, 0, 0,
                    "The environment name '{0}' cannot be a folder name: use letters, digits, '.', '-' or '_' (no path separators, no '..').", environment.Name);
                continue;
            }

            var folder = Path.Combine(OutputDirectory, environment.Name);
            var yamlPath = Path.Combine(folder, "environment.yaml");
            if (WriteIfChanged(yamlPath, Utf8NoBom.GetBytes(environment.EnvironmentYaml)))
            {
                Log.LogMessage(MessageImportance.Normal, "SparkJobGen: wrote {0}", yamlPath);
            }

            var item = new TaskItem(yamlPath);
            item.SetMetadata("Environment", environment.Name);
            files.Add(item);
            yamlFiles.Add(item);
        }

        foreach (var job in manifest.Jobs)
        {
            if (!IsValidFolderName(job.Environment))
            {
                continue;
            }

            var source = Path.GetFullPath(Path.Combine(ProjectDirectory, job.Script.Replace('/', Path.DirectorySeparatorChar)));
            var relative = ScriptOutputPath.ForScript(job.Script);
            if (relative.Length == 0)
            {
                continue;
            }

            var destination = Path.Combine(OutputDirectory, job.Environment, relative.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(source))
            {
                Log.LogWarning(null, "SJG3003", null, ProjectDirectory, 0, 0, 0, 0,
                    "The script '{0}' of Spark job '{1}' was not found at '{2}'; it is not copied to the output. Fix the path in [SparkJob(\"...\")].",
                    job.Script, job.Name, source);
                continue;
            }

            if (WriteIfChanged(destination, File.ReadAllBytes(source)))
            {
                Log.LogMessage(MessageImportance.Normal, "SparkJobGen: copied {0} to {1}", source, destination);
            }

            files.Add(new TaskItem(destination));
        }

        Files = files.ToArray();
        EnvironmentFiles = yamlFiles.ToArray();
        return !Log.HasLoggedErrors;
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> unless the file already holds exactly those bytes.</summary>
    /// <returns>Whether the file was written.</returns>
    private static bool WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path))
        {
            var info = new FileInfo(path);
            if (info.Length == content.Length && ContentEquals(path, content))
            {
                return false;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, content);
            if (File.Exists(path))
            {
                File.Replace(temporary, path, null);
            }
            else
            {
                File.Move(temporary, path);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return true;
    }

    private static bool ContentEquals(string path, byte[] content)
    {
        var existing = File.ReadAllBytes(path);
        if (existing.Length != content.Length)
        {
            return false;
        }

        for (var i = 0; i < existing.Length; i++)
        {
            if (existing[i] != content[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidFolderName(string name)
    {
        if (name.Length == 0 || name == "." || name == ".." || name.Trim() != name)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c < 0x20 || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|')
            {
                return false;
            }
        }

        return true;
    }
}
