using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Subprocesses;
using SparkJobGen.Submission;

namespace SparkJobGen.Environments;

/// <summary>
/// Creates the Python environment an <c>environment.yaml</c> describes, cached by its content hash.
/// </summary>
/// <remarks>
/// <para>Tools: micromamba, mamba or conda when found on PATH (preferred in that order), otherwise — for pip-only
/// environments (conda dependencies only <c>python</c> and <c>pip</c>) — <c>python -m venv</c> plus <c>pip install</c>, after
/// checking that the interpreter found satisfies the requested Python version.</para>
/// <para>Cache: <c>&lt;root&gt;/&lt;hash&gt;</c>, where hash is the first 16 hex digits of the SHA-256 of the normalized YAML
/// (the full hash is stored in the environment's marker and checked on reuse). The environment is created in a fresh
/// directory <c>&lt;root&gt;/.envs/&lt;hash&gt;-&lt;random&gt;</c>, marked complete (<c>.sparkjobgen-env.json</c>) only after every
/// step succeeded, and then published by atomically creating the symbolic link <c>&lt;root&gt;/&lt;hash&gt;</c> to it. The directory
/// itself is never renamed, because conda and venv write the prefix into the files they install; a partial or failed
/// creation is never published and is deleted. A lock file serializes concurrent creators of the same environment.</para>
/// </remarks>
public static class EnvironmentCreator
{
    /// <summary>The name of the completion marker inside a created environment.</summary>
    public const string MarkerFileName = ".sparkjobgen-env.json";

    /// <summary>Creates (or reuses) the environment of an <c>environment.yaml</c> file.</summary>
    /// <param name="environmentYamlPath">The file.</param>
    /// <param name="options">Tool, cache and output options; defaults when null.</param>
    /// <param name="cancellationToken">Stops the tool (process tree) and discards the partial environment.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a conda environment file.</exception>
    /// <exception cref="EnvironmentCreationException">No tool was found, the Python version does not match, or the tool failed.</exception>
    public static Task<CreatedEnvironment> CreateAsync(string environmentYamlPath, EnvironmentCreationOptions? options = null, CancellationToken cancellationToken = default) =>
        CreateAsync(EnvironmentSpec.Load(environmentYamlPath), options, cancellationToken);

    /// <summary>Creates (or reuses) the environment of a parsed specification.</summary>
    /// <param name="spec">The environment.</param>
    /// <param name="options">Tool, cache and output options; defaults when null.</param>
    /// <param name="cancellationToken">Stops the tool (process tree) and discards the partial environment.</param>
    /// <exception cref="EnvironmentCreationException">No tool was found, the Python version does not match, or the tool failed.</exception>
    public static async Task<CreatedEnvironment> CreateAsync(EnvironmentSpec spec, EnvironmentCreationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new EnvironmentCreationOptions();
        var locator = new ExecutableLocator(options.EnvironmentVariables);
        var root = ResolveCacheRoot(options, locator);
        var key = CacheKey(spec.ContentHash);
        var link = Path.Combine(root, key);
        var store = Path.Combine(root, ".envs");
        Directory.CreateDirectory(store);

        if (!options.Force && TryReuse(link, spec.ContentHash) is { } cached)
        {
            return cached;
        }

        var (tool, executable) = ChooseTool(spec, options, locator);
        using var lockFile = await AcquireLockAsync(Path.Combine(root, key + ".lock"), cancellationToken).ConfigureAwait(false);
        if (!options.Force && TryReuse(link, spec.ContentHash) is { } createdMeanwhile)
        {
            return createdMeanwhile;
        }

        RemoveStale(store, key, link);
        var prefix = Path.Combine(store, string.Concat(key, "-", Guid.NewGuid().ToString("N").AsSpan(0, 8)));
        var commands = new List<string>();
        var completed = false;
        try
        {
            if (tool == EnvironmentTool.Venv)
            {
                await CreateVenvAsync(spec, executable, prefix, options, commands, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CreateCondaAsync(spec, tool, executable, prefix, options, commands, cancellationToken).ConfigureAwait(false);
            }

            var python = PythonOf(prefix);
            if (!File.Exists(python))
            {
                throw new EnvironmentCreationException($"{tool} finished but the environment has no {python}: add python to the environment's dependencies.");
            }

            var marker = new EnvironmentMarker(spec.ContentHash, tool.ToString(), commands, DateTimeOffset.UtcNow);
            File.WriteAllText(Path.Combine(prefix, MarkerFileName), JsonSerializer.Serialize(marker, RuntimeJson.Default.EnvironmentMarker));

            string? previous = null;
            if (Directory.Exists(link) || File.Exists(link) || new FileInfo(link).LinkTarget is not null)
            {
                previous = Directory.Exists(link) ? new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName : null;
                DeleteEntry(link);
            }

            Directory.CreateSymbolicLink(link, prefix);
            completed = true;
            if (previous is not null && previous.StartsWith(store + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                // The replaced environment (incomplete, or recreated with Force) is no longer reachable through the cache.
                TryDeleteDirectory(previous);
            }

            return new CreatedEnvironment(prefix, python, spec.ContentHash, tool, commands, Reused: false);
        }
        finally
        {
            if (!completed)
            {
                TryDeleteDirectory(prefix);
            }
        }
    }

    /// <summary>The cache root for environments (see <see cref="EnvironmentCreationOptions.CacheRoot"/>).</summary>
    /// <param name="options">The options.</param>
    public static string ResolveCacheRoot(EnvironmentCreationOptions? options = null)
    {
        options ??= new EnvironmentCreationOptions();
        return ResolveCacheRoot(options, new ExecutableLocator(options.EnvironmentVariables));
    }

    /// <summary>The SparkJobGen cache directory: <c>$SPARKJOBGEN_CACHE</c>, else <c>$XDG_CACHE_HOME/sparkjobgen</c>, else <c>~/.cache/sparkjobgen</c>.</summary>
    /// <param name="environmentVariables">Overrides of the process environment.</param>
    public static string ResolveSparkJobGenCache(IReadOnlyDictionary<string, string?>? environmentVariables = null) =>
        global::SparkJobGen.CacheRoot.Resolve(environmentVariables);

    /// <summary>
    /// Which tool <see cref="EnvironmentTool.Auto"/> would use for <paramref name="spec"/> and its executable, without creating anything.
    /// </summary>
    /// <param name="spec">The environment.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="EnvironmentCreationException">No usable tool; the message names what to install.</exception>
    public static (EnvironmentTool Tool, string Executable) ChooseTool(EnvironmentSpec spec, EnvironmentCreationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new EnvironmentCreationOptions();
        return ChooseTool(spec, options, new ExecutableLocator(options.EnvironmentVariables));
    }

    internal static string CacheKey(string contentHash) => contentHash.Substring(0, 16);

    internal static string PythonOf(string prefix) =>
        OperatingSystem.IsWindows() ? Path.Combine(prefix, "python.exe") : Path.Combine(prefix, "bin", "python");

    private static string ResolveCacheRoot(EnvironmentCreationOptions options, ExecutableLocator locator)
    {
        if (options.CacheRoot is { } configured)
        {
            return Path.GetFullPath(configured);
        }

        return global::SparkJobGen.CacheRoot.Folder(global::SparkJobGen.CacheRoot.Environments, options.EnvironmentVariables);
    }

    private static CreatedEnvironment? TryReuse(string link, string contentHash)
    {
        if (!Directory.Exists(link))
        {
            return null;
        }

        var prefix = new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(link);
        var markerPath = Path.Combine(prefix, MarkerFileName);
        if (!File.Exists(markerPath))
        {
            return null;
        }

        EnvironmentMarker? marker;
        try
        {
            marker = JsonSerializer.Deserialize(File.ReadAllText(markerPath), RuntimeJson.Default.EnvironmentMarker);
        }
        catch (JsonException)
        {
            return null;
        }

        if (marker is null || marker.ContentHash != contentHash || !File.Exists(PythonOf(prefix)))
        {
            return null;
        }

        var tool = Enum.TryParse<EnvironmentTool>(marker.Tool, out var parsed) ? parsed : EnvironmentTool.Auto;
        return new CreatedEnvironment(prefix, PythonOf(prefix), contentHash, tool, marker.Commands ?? [], Reused: true);
    }

    private static (EnvironmentTool Tool, string Executable) ChooseTool(EnvironmentSpec spec, EnvironmentCreationOptions options, ExecutableLocator locator)
    {
        string? Find(EnvironmentTool tool) => options.ToolPath is { } explicitPath && options.Tool == tool
            ? (ExecutableLocator.IsExecutableFile(explicitPath) ? Path.GetFullPath(explicitPath)
                : throw new EnvironmentCreationException($"The configured {tool} executable '{explicitPath}' does not exist or is not executable."))
            : tool switch
            {
                EnvironmentTool.Micromamba => locator.FindOnPath("micromamba") ?? ExecutableIf(locator.GetVariable("MAMBA_EXE"), "micromamba"),
                EnvironmentTool.Mamba => locator.FindOnPath("mamba"),
                EnvironmentTool.Conda => locator.FindOnPath("conda") ?? ExecutableIf(locator.GetVariable("CONDA_EXE"), "conda"),
                EnvironmentTool.Venv => locator.FindOnPath("python3") ?? locator.FindOnPath("python"),
                _ => null,
            };

        if (options.Tool != EnvironmentTool.Auto)
        {
            if (options.Tool == EnvironmentTool.Venv && !spec.IsPipOnly)
            {
                throw new EnvironmentCreationException(NotPipOnly(spec));
            }

            return (options.Tool, Find(options.Tool) ?? throw new EnvironmentCreationException(
                options.Tool == EnvironmentTool.Venv
                    ? "No Python interpreter was found (python3 or python on PATH): install Python or pass its path (--tool-path / EnvironmentCreationOptions.ToolPath)."
                    : $"{options.Tool.ToString().ToLowerInvariant()} was not found on PATH: install it or pass its path (--tool-path / EnvironmentCreationOptions.ToolPath)."));
        }

        foreach (var tool in new[] { EnvironmentTool.Micromamba, EnvironmentTool.Mamba, EnvironmentTool.Conda })
        {
            if (Find(tool) is { } found)
            {
                return (tool, found);
            }
        }

        if (spec.IsPipOnly && Find(EnvironmentTool.Venv) is { } python)
        {
            return (EnvironmentTool.Venv, python);
        }

        throw new EnvironmentCreationException(
            "No environment tool was found: micromamba, mamba and conda are not on PATH" +
            (spec.IsPipOnly ? " and neither is python3." : $", and a venv cannot hold this environment ({NotPipOnly(spec)}).") +
            " Install micromamba (a single binary: https://mamba.readthedocs.io/en/latest/installation/micromamba-installation.html) " +
            "or Miniforge (conda + mamba: https://github.com/conda-forge/miniforge) and put it on PATH" +
            (spec.IsPipOnly ? ", or install Python 3 for the venv route." : "."));
    }

    private static string? ExecutableIf(string? path, string name) =>
        path is not null && Path.GetFileNameWithoutExtension(path) == name && ExecutableLocator.IsExecutableFile(path) ? path : null;

    private static string NotPipOnly(EnvironmentSpec spec) =>
        "its conda dependencies " + string.Join(", ", spec.CondaDependencies.Where(static d => EnvironmentSpec.PackageName(d) is not ("python" or "pip"))) +
        " need conda; only python and pip may be conda dependencies of a venv environment";

    private static async Task CreateCondaAsync(
        EnvironmentSpec spec, EnvironmentTool tool, string executable, string prefix, EnvironmentCreationOptions options, List<string> commands, CancellationToken cancellationToken)
    {
        var name = tool.ToString().ToLowerInvariant();

        // The tools run pip for the file's pip: section themselves, with this process's environment and no way to add
        // arguments, so pip options travel as the PIP_* variables pip reads (or are refused before anything runs).
        var pipVariables = PipOptions.ToEnvironment(options.PipArguments ?? [], name);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in options.EnvironmentVariables ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in pipVariables)
        {
            environment[key] = value;
        }

        // The tools want a file ending in .yml/.yaml; keep it beside (not inside) the prefix, which must not exist yet.
        var yamlFile = prefix + ".environment.yaml";
        File.WriteAllText(yamlFile, ToolEnvironmentFile(spec), new UTF8Encoding(false));
        try
        {
            string[] arguments = tool == EnvironmentTool.Micromamba
                ? ["create", "-y", "-p", prefix, "-f", yamlFile]
                : ["env", "create", "-p", prefix, "-f", yamlFile];
            var shownVariables = string.Concat(pipVariables.Select(static v => v.Key + "=" + SparkSubmitRunner.FormatCommandLine([v.Value]) + " "));
            await RunStepAsync(name, executable, arguments, options, commands, cancellationToken, environment, shownVariables).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(yamlFile);
        }
    }

    /// <summary>
    /// The environment file given to micromamba, mamba or conda: the environment's own, with <c>nodefaults</c> added to its
    /// channels so that the tool solves from the declared channels only, not also from those of the user's or the system's
    /// configuration (.condarc, CONDA_CHANNELS, MAMBA_CHANNELS). conda leaves its configured channels out when the file's
    /// channels name <c>nodefaults</c>; so does libmamba (micromamba, mamba 2), which takes the file's channels as given on the
    /// command line. An environment without channels is left as it is: the configured channels are then all it has.
    /// </summary>
    /// <param name="spec">The environment.</param>
    internal static string ToolEnvironmentFile(EnvironmentSpec spec)
    {
        if (spec.Channels.Count == 0 || spec.Channels.Contains(NoDefaultsChannel))
        {
            return spec.Yaml;
        }

        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(spec.Yaml));
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)stream.Documents[0].RootNode;
        var channels = (YamlDotNet.RepresentationModel.YamlSequenceNode)root.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("channels")];
        channels.Add(new YamlDotNet.RepresentationModel.YamlScalarNode(NoDefaultsChannel));
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private const string NoDefaultsChannel = "nodefaults";

    private static async Task CreateVenvAsync(
        EnvironmentSpec spec, string basePython, string prefix, EnvironmentCreationOptions options, List<string> commands, CancellationToken cancellationToken)
    {
        var version = await PythonVersionAsync(basePython, options, cancellationToken).ConfigureAwait(false);
        if (spec.PythonSpec is { Length: > 0 } wanted && !PythonVersionMatch.Matches(version, wanted))
        {
            throw new EnvironmentCreationException(
                $"The environment asks for python{wanted} but the interpreter found, {basePython}, is Python {version}. " +
                $"Install a matching Python and pass it with --tool-path (EnvironmentCreationOptions.ToolPath), or install micromamba/conda so the requested version is created.");
        }

        await RunStepAsync("venv", basePython, ["-m", "venv", prefix], options, commands, cancellationToken).ConfigureAwait(false);
        if (spec.PipDependencies.Count > 0)
        {
            string[] pip = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", .. options.PipArguments ?? [], .. spec.PipDependencies];
            await RunStepAsync("pip", PythonOf(prefix), pip, options, commands, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> PythonVersionAsync(string python, EnvironmentCreationOptions options, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        ChildProcessExit exit;
        try
        {
            exit = await ChildProcess.RunAsync(
                python, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], options.EnvironmentVariables, null,
                line => output.Append(line.Channel == OutputChannel.StandardOutput ? line.Text : string.Empty), cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception exception)
        {
            throw new EnvironmentCreationException($"The Python interpreter '{python}' could not be started: {exception.Message}.", exception);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var version = output.ToString().Trim();
        if (exit.ExitCode != 0 || version.Length == 0)
        {
            throw new EnvironmentCreationException($"'{python}' did not report its version (exit code {exit.ExitCode}); is it a working Python interpreter?");
        }

        return version;
    }

    private static async Task RunStepAsync(
        string step,
        string executable,
        IReadOnlyList<string> arguments,
        EnvironmentCreationOptions options,
        List<string> commands,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null,
        string shownVariables = "")
    {
        var display = shownVariables + executable + " " + SparkSubmitRunner.FormatCommandLine(arguments);
        commands.Add(display);
        options.OnCommand?.Invoke(display);
        if (options.Logger is { } logger)
        {
            var shown = SparkSubmitRunner.FormatCommandLine(arguments);
            SubmissionLog.Running(logger, executable, shown);
        }

        var tail = new Queue<string>();
        ChildProcessExit exit;
        try
        {
            exit = await ChildProcess.RunAsync(
                executable,
                arguments,
                environment ?? options.EnvironmentVariables,
                null,
                line =>
                {
                    tail.Enqueue(line.Text);
                    if (tail.Count > 15)
                    {
                        tail.Dequeue();
                    }

                    if (options.Logger is { } log)
                    {
                        SubmissionLog.Output(log, line.Text);
                    }

                    options.OnOutput?.Invoke(line);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception exception)
        {
            throw new EnvironmentCreationException($"{step}: '{executable}' could not be started: {exception.Message}.", exception);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (exit.ExitCode != 0)
        {
            throw new EnvironmentCreationException(
                $"{step} failed with exit code {exit.ExitCode}: `{display}`. Last output:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another process is creating the same environment.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void RemoveStale(string store, string key, string link)
    {
        string? current = null;
        if (Directory.Exists(link))
        {
            current = new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }

        foreach (var directory in Directory.EnumerateDirectories(store, key + "-*"))
        {
            if (!string.Equals(Path.GetFullPath(directory), current, StringComparison.Ordinal))
            {
                TryDeleteDirectory(directory);
            }
        }

        foreach (var file in Directory.EnumerateFiles(store, key + "-*.environment.yaml"))
        {
            File.Delete(file);
        }
    }

    private static void DeleteEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

}

/// <summary>What an environment the creator made records about itself (beside its files), to tell reuse from a rebuild.</summary>
internal sealed record EnvironmentMarker(string ContentHash, string Tool, IReadOnlyList<string>? Commands, DateTimeOffset Created);
