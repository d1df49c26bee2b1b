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
/// environments (conda dependencies only <c>python</c> and <c>pip</c>) — <c>python -m venv</c> plus <c>pip install</c> with the
/// first interpreter whose version satisfies the requested Python: <c>python3.&lt;minor&gt;</c> first when the environment pins a
/// <c>major.minor</c> series (<c>python=3.11</c>, <c>3.11.*</c>, <c>&gt;=3.11,&lt;3.12</c>), then <c>python3</c>, then <c>python</c>.
/// <see cref="EnvironmentCreationOptions.ToolPath"/> without a <see cref="EnvironmentCreationOptions.Tool"/> selects the route
/// its executable belongs to (a Python interpreter: the venv route).</para>
/// <para>Cache: <c>&lt;root&gt;/&lt;hash&gt;</c>, where hash is the first 16 hex digits of the SHA-256 of the normalized YAML
/// (the full hash is stored in the environment's marker and checked on reuse). The environment is created in a fresh
/// directory <c>&lt;root&gt;/.envs/&lt;hash&gt;-&lt;random&gt;</c>, marked complete (<c>.sparkjobgen-env.json</c>) only after every
/// step succeeded, and then published by atomically creating the symbolic link <c>&lt;root&gt;/&lt;hash&gt;</c> to it. The directory
/// itself is never renamed, because conda and venv write the prefix into the files they install; a partial or failed
/// creation is never published and is deleted. A lock file serializes concurrent creators of the same environment.</para>
/// </remarks>
public static partial class EnvironmentCreator
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

        var (tool, executable) = await ChooseToolAsync(spec, options, locator, cancellationToken).ConfigureAwait(false);
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
    /// Which tool <see cref="CreateAsync(EnvironmentSpec, EnvironmentCreationOptions?, CancellationToken)"/> would use for
    /// <paramref name="spec"/> and its executable, without creating anything. For the venv route it runs the candidate
    /// interpreters to read their versions; for a <see cref="EnvironmentCreationOptions.ToolPath"/> without a tool whose name does
    /// not say which tool it is, it runs the executable with <c>--version</c>.
    /// </summary>
    /// <param name="spec">The environment.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="EnvironmentCreationException">No usable tool; the message names what to install.</exception>
    public static (EnvironmentTool Tool, string Executable) ChooseTool(EnvironmentSpec spec, EnvironmentCreationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new EnvironmentCreationOptions();
        return ChooseToolAsync(spec, options, new ExecutableLocator(options.EnvironmentVariables), CancellationToken.None).GetAwaiter().GetResult();
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

    private const string ToolPathHint = "--tool-path (EnvironmentCreationOptions.ToolPath)";

    private static async Task<(EnvironmentTool Tool, string Executable)> ChooseToolAsync(
        EnvironmentSpec spec, EnvironmentCreationOptions options, ExecutableLocator locator, CancellationToken cancellationToken)
    {
        var tool = options.Tool;
        string? explicitPath = null;
        if (options.ToolPath is { } configured)
        {
            if (!ExecutableLocator.IsExecutableFile(configured))
            {
                var what = tool == EnvironmentTool.Auto ? "tool" : tool == EnvironmentTool.Venv ? "Python interpreter" : tool.ToString().ToLowerInvariant();
                throw new EnvironmentCreationException($"The {what} given with {ToolPathHint}, '{configured}', does not exist or is not executable.");
            }

            explicitPath = Path.GetFullPath(configured);
            if (tool == EnvironmentTool.Auto)
            {
                // The path names the route: its file name (or, failing that, what its --version prints) says which tool it is.
                tool = await RouteOfAsync(explicitPath, options, cancellationToken).ConfigureAwait(false);
            }
        }

        if (tool == EnvironmentTool.Venv)
        {
            if (!spec.IsPipOnly)
            {
                throw new EnvironmentCreationException(
                    (explicitPath is null ? string.Empty : $"{explicitPath} is a Python interpreter, so a venv would be created, but ") + NotPipOnly(spec) + ".");
            }

            return (tool, await ChoosePythonAsync(spec, explicitPath, options, locator, cancellationToken).ConfigureAwait(false)
                ?? throw new EnvironmentCreationException(
                    $"No Python interpreter was found ({string.Join(", ", PythonNames(spec))} on PATH): install Python or pass its path with {ToolPathHint}."));
        }

        if (tool != EnvironmentTool.Auto)
        {
            return (tool, explicitPath ?? FindTool(tool, locator) ?? throw new EnvironmentCreationException(
                $"{tool.ToString().ToLowerInvariant()} was not found on PATH: install it or pass its path with {ToolPathHint}."));
        }

        foreach (var candidate in new[] { EnvironmentTool.Micromamba, EnvironmentTool.Mamba, EnvironmentTool.Conda })
        {
            if (FindTool(candidate, locator) is { } found)
            {
                return (candidate, found);
            }
        }

        if (spec.IsPipOnly && await ChoosePythonAsync(spec, null, options, locator, cancellationToken).ConfigureAwait(false) is { } python)
        {
            return (EnvironmentTool.Venv, python);
        }

        throw new EnvironmentCreationException(
            "No environment tool was found: micromamba, mamba and conda are not on PATH" +
            (spec.IsPipOnly ? $" and neither is a Python interpreter ({string.Join(", ", PythonNames(spec))})." : $", and a venv cannot hold this environment ({NotPipOnly(spec)}).") +
            " Install micromamba (a single binary: https://mamba.readthedocs.io/en/latest/installation/micromamba-installation.html) " +
            "or Miniforge (conda + mamba: https://github.com/conda-forge/miniforge) and put it on PATH" +
            (spec.IsPipOnly ? $", or install Python{SeriesText(spec)} for the venv route (on PATH, or passed with {ToolPathHint})." : $", or pass its path with {ToolPathHint}."));
    }

    private static string? FindTool(EnvironmentTool tool, ExecutableLocator locator) => tool switch
    {
        EnvironmentTool.Micromamba => locator.FindOnPath("micromamba") ?? ExecutableIf(locator.GetVariable("MAMBA_EXE"), "micromamba"),
        EnvironmentTool.Mamba => locator.FindOnPath("mamba"),
        EnvironmentTool.Conda => locator.FindOnPath("conda") ?? ExecutableIf(locator.GetVariable("CONDA_EXE"), "conda"),
        _ => null,
    };

    /// <summary>The interpreter names the venv route looks for on PATH, in order: <c>python3.11</c> when the spec pins 3.11, then <c>python3</c>, <c>python</c>.</summary>
    /// <param name="spec">The environment.</param>
    internal static IReadOnlyList<string> PythonNames(EnvironmentSpec spec) =>
        spec.PythonSpec is { Length: > 0 } wanted && PythonVersionMatch.PinnedSeries(wanted) is { } series
            ? ["python" + series, "python3", "python"]
            : ["python3", "python"];

    private static string SeriesText(EnvironmentSpec spec) =>
        spec.PythonSpec is { Length: > 0 } wanted && PythonVersionMatch.PinnedSeries(wanted) is { } series ? " " + series : " 3";

    private static string DisplaySpec(string wanted) =>
        "python" + (wanted[0] is '=' or '<' or '>' or '!' or '~' ? wanted : " " + wanted);

    /// <summary>
    /// The first interpreter (the explicit one, else the PATH candidates of <see cref="PythonNames"/>) whose version satisfies the
    /// environment's Python; null when there is no candidate at all. When candidates exist and none satisfies, the error lists each
    /// with the version it reported.
    /// </summary>
    private static async Task<string?> ChoosePythonAsync(
        EnvironmentSpec spec, string? explicitPath, EnvironmentCreationOptions options, ExecutableLocator locator, CancellationToken cancellationToken)
    {
        var names = PythonNames(spec);
        var candidates = explicitPath is not null
            ? [explicitPath]
            : names.Select(locator.FindOnPath).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var wanted = spec.PythonSpec ?? string.Empty;
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            string version;
            try
            {
                version = await PythonVersionAsync(candidate, options, cancellationToken).ConfigureAwait(false);
            }
            catch (EnvironmentCreationException exception)
            {
                tried.Add($"{candidate} did not report a Python version ({exception.Message.TrimEnd('.')})");
                continue;
            }

            if (wanted.Length == 0 || PythonVersionMatch.Matches(version, wanted))
            {
                return candidate;
            }

            tried.Add($"{candidate} is Python {version}");
        }

        var missing = explicitPath is null ? names.Where(n => locator.FindOnPath(n) is null).ToList() : [];
        var asked = wanted.Length == 0 ? "a Python interpreter" : DisplaySpec(wanted);
        var series = SeriesText(spec);
        throw new EnvironmentCreationException(
            (explicitPath is not null
                ? $"The environment asks for {asked} but the interpreter given with {ToolPathHint} does not satisfy it: {tried[0]}. "
                : $"The environment asks for {asked} but no Python interpreter on PATH satisfies it: {string.Join("; ", tried)}" +
                  (missing.Count > 0 ? $" ({string.Join(", ", missing)} not on PATH). " : ". ")) +
            $"Install Python{series} (so that {names[0]} is on PATH) or pass a matching interpreter with --tool venv --tool-path <python> " +
            "(EnvironmentCreationOptions.Tool = Venv, ToolPath), or install micromamba/conda so the requested version is created.");
    }

    /// <summary>Which route an explicit tool path belongs to: by its file name (or its link target's), else by what <c>--version</c> prints.</summary>
    private static async Task<EnvironmentTool> RouteOfAsync(string path, EnvironmentCreationOptions options, CancellationToken cancellationToken)
    {
        var names = new List<string> { Path.GetFileNameWithoutExtension(path) };
        if (new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            names.Add(Path.GetFileNameWithoutExtension(target.FullName));
        }

        foreach (var name in names.Select(static n => n.ToLowerInvariant()))
        {
            switch (name)
            {
                case "micromamba":
                    return EnvironmentTool.Micromamba;
                case "mamba":
                    return EnvironmentTool.Mamba;
                case "conda":
                    return EnvironmentTool.Conda;
            }

            if (PythonName().IsMatch(name))
            {
                return EnvironmentTool.Venv;
            }
        }

        var output = new StringBuilder();
        ChildProcessExit exit;
        try
        {
            exit = await ChildProcess.RunAsync(path, ["--version"], options.EnvironmentVariables, null, line =>
            {
                if (output.Length < 4096)
                {
                    output.AppendLine(line.Text);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception exception)
        {
            throw new EnvironmentCreationException($"The tool given with {ToolPathHint}, '{path}', could not be started: {exception.Message}.", exception);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var first = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        if (exit.ExitCode == 0)
        {
            // python --version: "Python 3.11.7"; conda: "conda 24.1.2"; mamba 1.x: "mamba 1.5.8"; micromamba and mamba 2: the bare version.
            if (first.StartsWith("Python ", StringComparison.Ordinal))
            {
                return EnvironmentTool.Venv;
            }

            if (first.StartsWith("conda ", StringComparison.Ordinal))
            {
                return EnvironmentTool.Conda;
            }

            if (first.StartsWith("mamba ", StringComparison.Ordinal))
            {
                return EnvironmentTool.Mamba;
            }
        }

        throw new EnvironmentCreationException(
            $"Which tool the {ToolPathHint} '{path}' is cannot be told from its name (micromamba, mamba, conda or python…) or from " +
            $"`--version` (exit code {exit.ExitCode}: {(first.Length == 0 ? "no output" : first)}): name it with --tool micromamba|mamba|conda|venv (EnvironmentCreationOptions.Tool).");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^python(\d+(\.\d+)?)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PythonName();

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
        // basePython was chosen by ChoosePythonAsync, which checked its version against the spec.
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
