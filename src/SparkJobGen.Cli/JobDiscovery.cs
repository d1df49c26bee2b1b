using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Manifest;
using SparkJobGen.Subprocesses;
using SparkJobGen.Submission;

namespace SparkJobGen.Cli;

/// <summary>A job found in a built assembly, with everything needed to run it.</summary>
/// <param name="Job">The job as recorded by the generator.</param>
/// <param name="EnvironmentYaml">Its environment's environment.yaml text.</param>
/// <param name="ScriptPath">Its script in the build output (<c>sparkjobs/&lt;environment&gt;/…</c>).</param>
/// <param name="AssemblyPath">The assembly it was read from.</param>
internal sealed record DiscoveredJob(ManifestJob Job, string EnvironmentYaml, string ScriptPath, string AssemblyPath)
{
    /// <summary>The job's definition as the generator recorded it: the same Spark conf, requirements and parameters as the job class's <c>Definition</c>.</summary>
    public SparkJobDefinition ToDefinition() => Job.ToDefinition(EnvironmentYaml);
}

/// <summary>A job, project or assembly could not be found or read.</summary>
internal sealed class JobDiscoveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public JobDiscoveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobDiscoveryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public JobDiscoveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Finds the built assembly of a project (building it with <c>dotnet build</c> unless told not to, then asking MSBuild for
/// <c>TargetPath</c>) and reads its jobs from the generator's assembly attributes with System.Reflection.Metadata.
/// </summary>
internal static class JobDiscovery
{
    /// <summary>Reads the manifest of <paramref name="assembly"/> or of the project's build output.</summary>
    /// <param name="project">A .csproj or a directory holding exactly one; the current directory when both are null.</param>
    /// <param name="assembly">A built assembly; wins over the project.</param>
    /// <param name="configuration">The build configuration.</param>
    /// <param name="build">Whether to build the project first.</param>
    /// <param name="console">For build output.</param>
    /// <param name="cancellationToken">Stops the build.</param>
    public static async Task<(SparkJobManifest Manifest, string AssemblyPath)> LoadAsync(
        string? project, string? assembly, string configuration, bool build, Output.CliConsole console, CancellationToken cancellationToken)
    {
        var path = assembly is not null ? Path.GetFullPath(assembly) : await AssemblyOfProjectAsync(project, configuration, build, console, cancellationToken).ConfigureAwait(false);
        try
        {
            return (SparkJobManifest.Read(path), path);
        }
        catch (FileNotFoundException exception)
        {
            throw new JobDiscoveryException(exception.Message, exception);
        }
        catch (InvalidDataException exception)
        {
            throw new JobDiscoveryException(exception.Message, exception);
        }
    }

    /// <summary>Finds one job in a manifest.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="assemblyPath">The assembly (its folder holds <c>sparkjobs/</c>).</param>
    /// <param name="name">The job name or class name.</param>
    public static DiscoveredJob Find(SparkJobManifest manifest, string assemblyPath, string name)
    {
        var found = manifest.FindJobs(name);
        if (found.Count > 1)
        {
            throw new JobDiscoveryException(
                $"'{name}' names {found.Count} jobs in '{assemblyPath}': {string.Join(", ", found.Select(static j => $"{j.TypeName} (job '{j.Name}', script {j.Script})"))}. "
                + "Give the full class name, or give the jobs different names with [SparkJob(..., Name = \"...\")].");
        }

        var job = found.Count == 1 ? found[0] : throw new JobDiscoveryException(
            manifest.Jobs.Count == 0
                ? $"'{assemblyPath}' declares no Spark jobs: add [SparkJob(\"script.py\")] to a class and reference the SparkJobGen package."
                : $"No job named '{name}' in '{assemblyPath}'. Jobs: {string.Join(", ", manifest.Jobs.Select(static j => j.Name))} (see `sparkjobgen jobs list`).");
        var environment = manifest.FindEnvironment(job.Environment) ?? throw new JobDiscoveryException(
            $"Job '{job.Name}' names environment '{job.Environment}' but the assembly carries no environment of that name; rebuild the project.");
        var script = Path.Combine(Path.GetDirectoryName(assemblyPath)!, "sparkjobs", job.Environment, ScriptOutputPath.ForScript(job.Script).Replace('/', Path.DirectorySeparatorChar));
        return new DiscoveredJob(job, environment.EnvironmentYaml, script, assemblyPath);
    }

    private static async Task<string> AssemblyOfProjectAsync(string? project, string configuration, bool build, Output.CliConsole console, CancellationToken cancellationToken)
    {
        var projectFile = ResolveProject(project ?? Directory.GetCurrentDirectory());
        if (build)
        {
            console.Step(new JobRunStep("build", $"dotnet build {projectFile} -c {configuration}", false));
            var (code, output) = await DotnetAsync(["build", projectFile, "-c", configuration, "-nologo", "-v:q", "-clp:NoSummary;ErrorsOnly"], console, cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new JobDiscoveryException($"`dotnet build {projectFile}` failed (exit code {code}):{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(20))}");
            }
        }

        var (exit, lines) = await DotnetAsync(["msbuild", projectFile, "-getProperty:TargetPath", "-p:Configuration=" + configuration, "-nologo"], null, cancellationToken).ConfigureAwait(false);
        var targetPath = lines.LastOrDefault(static l => l.Trim().Length > 0)?.Trim();
        if (exit == 0 && string.IsNullOrEmpty(targetPath))
        {
            await ThrowIfMultiTargetedAsync(projectFile, configuration, cancellationToken).ConfigureAwait(false);
        }

        if (exit != 0 || string.IsNullOrEmpty(targetPath))
        {
            throw new JobDiscoveryException($"Could not read TargetPath of '{projectFile}' (dotnet msbuild exit code {exit}): {string.Join(" ", lines)}");
        }

        if (!File.Exists(targetPath))
        {
            throw new JobDiscoveryException($"'{targetPath}' does not exist: build the project (drop --no-build) or pass --assembly.");
        }

        return targetPath;
    }

    /// <summary>
    /// A project with several target frameworks has no single <c>TargetPath</c>: names each framework's assembly, for
    /// <c>--assembly</c>, instead of guessing which one holds the jobs the user means.
    /// </summary>
    private static async Task ThrowIfMultiTargetedAsync(string projectFile, string configuration, CancellationToken cancellationToken)
    {
        var (exit, lines) = await DotnetAsync(["msbuild", projectFile, "-getProperty:TargetFrameworks", "-p:Configuration=" + configuration, "-nologo"], null, cancellationToken).ConfigureAwait(false);
        var frameworks = exit == 0
            ? (lines.LastOrDefault(static l => l.Trim().Length > 0) ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        if (frameworks.Length == 0)
        {
            return;
        }

        var assemblies = new List<string>();
        foreach (var framework in frameworks)
        {
            var (code, output) = await DotnetAsync(
                ["msbuild", projectFile, "-getProperty:TargetPath", "-p:Configuration=" + configuration, "-p:TargetFramework=" + framework, "-nologo"], null, cancellationToken).ConfigureAwait(false);
            if (code == 0 && output.LastOrDefault(static l => l.Trim().Length > 0)?.Trim() is { Length: > 0 } path)
            {
                assemblies.Add($"--assembly {Path.GetRelativePath(Environment.CurrentDirectory, path)} ({framework})");
            }
        }

        throw new JobDiscoveryException(
            $"'{projectFile}' targets several frameworks ({string.Join(", ", frameworks)}), so it has no single assembly to read the jobs from: "
            + (assemblies.Count > 0 ? "pass one with " + string.Join(" or ", assemblies) + "." : "pass the built assembly of one with --assembly <file.dll>."));
    }

    private static string ResolveProject(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return full;
        }

        if (!Directory.Exists(full))
        {
            throw new JobDiscoveryException($"'{path}' is neither a project file nor a directory.");
        }

        var projects = Directory.GetFiles(full, "*.csproj");
        return projects.Length switch
        {
            1 => projects[0],
            0 => throw new JobDiscoveryException($"No .csproj in '{full}': pass --project <file.csproj> or --assembly <built.dll>."),
            _ => throw new JobDiscoveryException($"Several projects in '{full}' ({string.Join(", ", projects.Select(Path.GetFileName))}): pass --project <file.csproj>."),
        };
    }

    private static async Task<(int ExitCode, IReadOnlyList<string> Output)> DotnetAsync(string[] arguments, Output.CliConsole? console, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        try
        {
            var exit = await ChildProcess.RunAsync(
                "dotnet",
                arguments,
                new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
                null,
                line =>
                {
                    output.Add(line.Text);
                    console?.Output(line with { Channel = OutputChannel.StandardError });
                },
                cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return (exit.ExitCode, output);
        }
        catch (Win32Exception exception)
        {
            throw new JobDiscoveryException("The dotnet CLI was not found on PATH; pass --assembly <built.dll> instead of --project.", exception);
        }
    }
}
