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
/// each job's script beside it: <c>&lt;OutputDirectory&gt;/&lt;environment&gt;/environment.yaml</c>.
/// </summary>
/// <remarks>
/// The task runs on every build and compares what it would write with what is on disk: a file whose content is unchanged is
/// not rewritten, and a deleted or moved output is written again. Every file is written to a temporary name first and
/// renamed, so none is ever half-written. The files the previous run wrote and this one no longer writes (recorded in
/// <see cref="RecordFile"/>) are removed, with the folders they leave empty, but only while they still hold the bytes written.
/// Every failure is a build message (SJG3xxx) saying what to change, never an exception.
/// </remarks>
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

    /// <summary>Where the record of the files written is kept between builds (in <c>obj/</c>); optional.</summary>
    public string RecordFile { get; set; } = string.Empty;

    /// <summary>
    /// Every file this task owns (written or already up to date), for publishing (deliberately not <c>FileWrites</c>: the task
    /// removes its stale outputs itself, see the package's targets), with metadata
    /// <c>OutputRelativePath</c>: the path under <see cref="OutputDirectory"/>.
    /// </summary>
    [Output]
    public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>The environment.yaml files, with metadata <c>Environment</c>.</summary>
    [Output]
    public ITaskItem[] EnvironmentFiles { get; private set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            Run();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException and not StackOverflowException)
        {
            BuildMessages.Error(Log, BuildMessages.Unexpected, ProjectDirectory,
                $"SparkJobGen could not write the Spark job environments to '{OutputDirectory}': {exception.GetType().Name}: {exception.Message} "
                + "Set SparkJobGenWriteEnvironments=false to build without them, and report the problem with this message.");
        }

        return !Log.HasLoggedErrors;
    }

    private void Run()
    {
        SparkJobManifest manifest;
        try
        {
            manifest = SparkJobManifest.Read(AssemblyPath);
        }
        catch (Exception exception) when (exception is InvalidDataException || BuildMessages.IsFileSystemFailure(exception))
        {
            BuildMessages.Error(Log, BuildMessages.ManifestUnreadable, AssemblyPath,
                $"Cannot read the Spark job manifest of '{AssemblyPath}': {exception.Message} Rebuild the project (dotnet build --no-incremental); if it persists, set SparkJobGenWriteEnvironments=false.");
            return;
        }

        var root = Path.GetFullPath(OutputDirectory);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<ITaskItem>();
        var yamlFiles = new List<ITaskItem>();
        var yamls = new List<PlannedFile>();
        foreach (var environment in manifest.Environments)
        {
            if (!IsValidFolderName(environment.Name))
            {
                BuildMessages.Error(Log, BuildMessages.InvalidEnvironmentFolder, ProjectDirectory,
                    $"The environment name '{environment.Name}' cannot be a folder name: use letters, digits, '.', '-' or '_' (no path separators, no '..').");
                continue;
            }

            yamls.Add(new PlannedFile(Path.Combine(root, environment.Name, "environment.yaml"), Utf8NoBom.GetBytes(environment.EnvironmentYaml),
                $"environment '{environment.Name}'", environment.Name));
        }

        // The environment files first: a job's script is copied only into an environment folder whose file was written.
        var writable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var yaml in WriteAll(yamls))
        {
            if (Complete(yaml, root, written) is { } item)
            {
                writable.Add(yaml.Environment);
                item.SetMetadata("Environment", yaml.Environment);
                files.Add(item);
                yamlFiles.Add(item);
            }
        }

        var scripts = new List<PlannedFile>();
        var sources = new Dictionary<string, (string Source, string Job, string Script)>(StringComparer.Ordinal);
        foreach (var job in manifest.Jobs)
        {
            var relative = ScriptOutputPath.ForScript(job.Script);
            if (!writable.Contains(job.Environment))
            {
                continue;
            }

            var source = Path.GetFullPath(Path.Combine(ProjectDirectory, job.Script.Replace('/', Path.DirectorySeparatorChar)));
            if (relative.Length == 0 || Directory.Exists(source))
            {
                // '.', '..', '/' or a folder: there is no file to copy.
                BuildMessages.Warning(Log, BuildMessages.ScriptMissing, ProjectDirectory,
                    $"The script '{job.Script}' of Spark job '{job.Name}' names the folder '{source}', not a Python file; nothing is copied to the output. Give the script's file in [SparkJob(\"...\")].");
                continue;
            }

            if (!File.Exists(source))
            {
                BuildMessages.Warning(Log, BuildMessages.ScriptMissing, ProjectDirectory,
                    $"The script '{job.Script}' of Spark job '{job.Name}' was not found at '{source}'; it is not copied to the output. Fix the path in [SparkJob(\"...\")].");
                continue;
            }

            var destination = Path.Combine(root, job.Environment, relative.Replace('/', Path.DirectorySeparatorChar));
            if (string.Equals(relative, "environment.yaml", StringComparison.OrdinalIgnoreCase))
            {
                BuildMessages.Error(Log, BuildMessages.ScriptPathClash, ProjectDirectory,
                    $"The script of Spark job '{job.Name}' ('{job.Script}') would be copied over the environment file '{destination}' of environment '{job.Environment}'. " +
                    "Rename or move the script.");
                continue;
            }

            if (sources.TryGetValue(destination, out var earlier) && !string.Equals(earlier.Source, source, StringComparison.Ordinal))
            {
                // Two scripts at one path of the environment folder: copying both would leave one job running the other's script.
                BuildMessages.Error(Log, BuildMessages.ScriptPathClash, ProjectDirectory,
                    $"The scripts of Spark jobs '{earlier.Job}' ('{earlier.Script}', {earlier.Source}) and '{job.Name}' ('{job.Script}', {source}) would both be copied to '{destination}' in environment '{job.Environment}'. " +
                    "Move or rename one of the scripts, or give the jobs different environments.");
                continue;
            }

            sources[destination] = (source, job.Name, job.Script);
            byte[] content;
            try
            {
                content = File.ReadAllBytes(source);
            }
            catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
            {
                BuildMessages.Error(Log, BuildMessages.CannotReadScript, source,
                    $"Cannot read the script '{source}' of Spark job '{job.Name}': {exception.Message} Make the file readable, or point [SparkJob(\"...\")] at the right script.");
                continue;
            }

            scripts.Add(new PlannedFile(destination, content,
                $"the script of Spark job '{job.Name}'", job.Environment));
        }

        foreach (var script in WriteAll(scripts))
        {
            if (Complete(script, root, written) is { } item)
            {
                files.Add(item);
            }
        }

        if (RecordFile.Length != 0)
        {
            UpdateRecord(root, written);
        }

        Files = files.ToArray();
        EnvironmentFiles = yamlFiles.ToArray();
    }

    /// <summary>
    /// Writes the files (each only when changed) on a few threads: creating a file is mostly waiting on the file system, so a
    /// clean build's few hundred scripts take a fraction of the time one after another would (bench/consumer-build). Only the
    /// I/O runs in parallel; the messages and items follow, in the planned order, on the task's own thread.
    /// </summary>
    private static List<PlannedFile> WriteAll(List<PlannedFile> planned)
    {
        // One write per path: jobs of one environment may share a script, and two threads must never race to create one file.
        var first = new Dictionary<string, PlannedFile>(StringComparer.Ordinal);
        var distinct = new List<PlannedFile>();
        foreach (var file in planned)
        {
            if (!first.ContainsKey(file.Path))
            {
                first.Add(file.Path, file);
                distinct.Add(file);
            }
        }

        var threads = Math.Min(Math.Max(Environment.ProcessorCount, 2), 8);
        System.Threading.Tasks.Parallel.ForEach(distinct, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = threads }, static file =>
        {
            try
            {
                file.Wrote = OutputFiles.WriteIfChanged(file.Path, file.Content);
                file.Hash = OutputRecord.Hash(file.Content);
            }
            catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
            {
                file.Failure = exception;
            }
        });

        // A repeated path has the outcome of its first write, as a second write of the same bytes would (unchanged, not rewritten).
        foreach (var file in planned)
        {
            if (first[file.Path] is var written && !ReferenceEquals(written, file))
            {
                file.Hash = written.Hash;
                file.Failure = written.Failure;
            }
        }

        return planned;
    }

    /// <summary>Logs one planned file's outcome and returns its item, or logs SJG3004 and returns <see langword="null"/>.</summary>
    private TaskItem? Complete(PlannedFile file, string root, Dictionary<string, string> written)
    {
        if (file.Failure is { } exception)
        {
            BuildMessages.Error(Log, BuildMessages.CannotWrite, ProjectDirectory,
                $"Cannot write {file.What} to '{file.Path}': {exception.Message} {BuildMessages.WriteAdvice(exception, file.Path)}");
            return null;
        }

        if (file.Wrote)
        {
            Log.LogMessage(MessageImportance.Normal, "SparkJobGen: wrote {0}", file.Path);
        }

        written[file.Path] = file.Hash!;
        var item = new TaskItem(file.Path);
        item.SetMetadata("OutputRelativePath", file.Path.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return item;
    }

    /// <summary>Removes what the previous build wrote and this one did not, then records this build's files.</summary>
    private void UpdateRecord(string root, Dictionary<string, string> written)
    {
        var previous = OutputRecord.TryRead(RecordFile);
        IEnumerable<string>? earlierRoots = null;
        if (Log.HasLoggedErrors)
        {
            // A failed run removes nothing; it keeps recording what earlier runs wrote, in whichever output folder, so a later
            // run or clean still finds it.
            if (previous is not null)
            {
                foreach (var entry in previous.Files)
                {
                    if (!written.ContainsKey(entry.Key))
                    {
                        written[entry.Key] = entry.Value;
                    }
                }

                earlierRoots = previous.Roots;
            }
        }
        else
        {
            RemoveStale(previous, root, written);
        }

        try
        {
            new OutputRecord(root, written, earlierRoots).Write(RecordFile);
        }
        catch (Exception exception) when (BuildMessages.IsFileSystemFailure(exception))
        {
            BuildMessages.Error(Log, BuildMessages.CannotWrite, ProjectDirectory,
                $"Cannot write the record of the Spark job outputs to '{RecordFile}': {exception.Message} {BuildMessages.WriteAdvice(exception, RecordFile)}");
        }
    }

    /// <summary>Removes the files <paramref name="previous"/> recorded that this run did not write (see <see cref="OutputRecord"/>).</summary>
    private void RemoveStale(OutputRecord? previous, string root, Dictionary<string, string> written)
    {
        previous?.RemoveFilesExcept(
            new HashSet<string>(written.Keys, StringComparer.Ordinal),
            removeRoot: earlier => !string.Equals(earlier, root, StringComparison.Ordinal),
            removed: path => Log.LogMessage(MessageImportance.Normal, "SparkJobGen: removed {0}, which this build no longer writes", path),
            failed: (path, exception) => BuildMessages.Warning(Log, BuildMessages.CannotRemoveStale, ProjectDirectory,
                $"Cannot remove '{path}', which the previous build wrote and this one no longer writes: {exception.Message} Remove it by hand, or close the program that holds it."));
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

    /// <summary>A file to write and, once written, how it went.</summary>
    private sealed class PlannedFile
    {
        public PlannedFile(string path, byte[] content, string what, string environment)
        {
            Path = path;
            Content = content;
            What = what;
            Environment = environment;
        }

        public string Path { get; }

        public byte[] Content { get; }

        /// <summary>What the file is, for messages.</summary>
        public string What { get; }

        public string Environment { get; }

        public bool Wrote { get; set; }

        public string? Hash { get; set; }

        public Exception? Failure { get; set; }
    }
}
