using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SparkJobGen.Submission;

namespace SparkJobGen;

/// <summary>
/// An immutable, fluent description of one submission of a job: where it runs, with which environment archive and
/// resources, and with which script arguments. Every method returns a new instance, so a configured submission can be reused.
/// Generated jobs create one with <c>job.ToSubmission()</c>; the default is local mode (<c>--master local[*]</c>).
/// </summary>
/// <remarks>
/// <para>The Python environment is wired for each mode:</para>
/// <list type="bullet">
/// <item>local: driver and workers both use <see cref="DriverPython"/>; no archive is shipped.</item>
/// <item>client modes (standalone, YARN, Kubernetes): <c>--archives &lt;archive&gt;#environment</c>,
/// executors use <c>./environment/bin/python</c> (<c>spark.pyspark.python</c>, <c>PYSPARK_PYTHON</c>), the driver uses the local
/// <see cref="DriverPython"/> (<c>spark.pyspark.driver.python</c>, <c>PYSPARK_DRIVER_PYTHON</c>).</item>
/// <item>YARN cluster: the same archive, the driver in the application master uses <c>./environment/bin/python</c>
/// (<c>spark.yarn.appMasterEnv.PYSPARK_PYTHON</c>); <c>PYSPARK_DRIVER_PYTHON</c> is removed from the environment.</item>
/// <item>Kubernetes cluster: the same, with <c>spark.kubernetes.driverEnv.PYSPARK_PYTHON</c>; a local archive or script needs
/// <see cref="KubernetesUploadPath"/> so spark-submit can upload it.</item>
/// </list>
/// </remarks>
public sealed record SparkSubmission
{
    /// <summary>The alias the environment archive is extracted under in every container: <c>environment</c>.</summary>
    public const string ArchiveAlias = "environment";

    /// <summary>The Python interpreter inside the extracted archive, relative to a container's working directory.</summary>
    public const string PackedPython = "./environment/bin/python";

    private readonly List<KeyValuePair<string, string>> _conf;

    /// <summary>Starts a local-mode submission of <paramref name="job"/> with the given script arguments.</summary>
    /// <param name="job">The job definition.</param>
    /// <param name="jobArguments">The rendered script arguments (see <see cref="JobArgumentList"/>).</param>
    public SparkSubmission(SparkJobDefinition job, IReadOnlyList<string> jobArguments)
    {
        Job = job ?? throw new ArgumentNullException(nameof(job));
        JobArguments = jobArguments ?? throw new ArgumentNullException(nameof(jobArguments));
        Name = job.Name;
        _conf = new List<KeyValuePair<string, string>>();
    }

    /// <summary>The job being submitted.</summary>
    public SparkJobDefinition Job { get; }

    /// <summary>The arguments passed to the script.</summary>
    public IReadOnlyList<string> JobArguments { get; private init; }

    /// <summary>The cluster manager; <see cref="ClusterManager.Local"/> unless one of the <c>On…</c> methods was called.</summary>
    public ClusterManager Cluster { get; private init; } = ClusterManager.Local;

    /// <summary>The deploy mode; always <see cref="SparkJobGen.DeployMode.Client"/> in local mode.</summary>
    public DeployMode DeployMode { get; private init; } = DeployMode.Client;

    /// <summary>The <c>--master</c> URL.</summary>
    public string Master { get; private init; } = "local[*]";

    /// <summary>The application name (<c>--name</c>); the job name unless overridden.</summary>
    public string Name { get; private init; }

    /// <summary>The packed environment archive (path or URI), shipped as <c>--archives &lt;archive&gt;#environment</c>.</summary>
    public string? EnvironmentArchive { get; private init; }

    /// <summary>A Python interpreter already installed on every cluster node, used instead of an archive.</summary>
    public string? ClusterPython { get; private init; }

    /// <summary>
    /// The environment store folder (<c>s3a://bucket/envs/</c>, <c>hdfs://namenode/user/me/envs/</c>, <c>file:///mnt/shared/envs/</c>)
    /// the local archive is shipped through, once per content; see <see cref="WithEnvironmentStore"/>.
    /// </summary>
    public string? EnvironmentStore { get; private init; }

    /// <summary>The script path or URI; by default the copy in the build output (<see cref="SparkJobDefinition.GetScriptPath"/>).</summary>
    public string ScriptPath { get; private init; } = string.Empty;

    /// <summary>The interpreter of the driver when it runs on this machine (local and client modes). Defaults to <c>python3</c>.</summary>
    public string DriverPython { get; private init; } = "python3";

    /// <summary>
    /// The oldest glibc on the cluster's nodes (<c>major.minor</c>), checked by the preflight against the native code in the
    /// environment archive; when null, the job assembly's <see cref="ClusterGlibcAttribute"/> is used, else nothing is checked.
    /// </summary>
    public string? ClusterGlibc { get; private init; }

    /// <summary>The user to run the application as (<c>--proxy-user</c>).</summary>
    public string? ProxyUser { get; private init; }

    /// <summary>The YARN queue (<c>--queue</c>).</summary>
    public string? Queue { get; private init; }

    /// <summary>The Kubernetes container image (<c>spark.kubernetes.container.image</c>).</summary>
    public string? KubernetesImage { get; private init; }

    /// <summary>The Kubernetes namespace (<c>spark.kubernetes.namespace</c>).</summary>
    public string? KubernetesNamespace { get; private init; }

    /// <summary>Where spark-submit uploads local files in Kubernetes cluster mode (<c>spark.kubernetes.file.upload.path</c>).</summary>
    public string? KubernetesUploadPath { get; private init; }

    /// <summary>Driver and executor sizing.</summary>
    public SparkResources Resources { get; private init; } = new();

    /// <summary>Extra Python files shipped with <c>--py-files</c>.</summary>
    public IReadOnlyList<string> PyFiles { get; private init; } = Array.Empty<string>();

    /// <summary>Extra files shipped with <c>--files</c>.</summary>
    public IReadOnlyList<string> Files { get; private init; } = Array.Empty<string>();

    /// <summary>Whether spark-submit runs with <c>--verbose</c>.</summary>
    public bool IsVerbose { get; private init; }

    /// <summary>Spark configuration set on this builder; it overrides the job's declared configuration for the same key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Conf => _conf;

    private string EffectiveScriptPath => ScriptPath.Length > 0 ? ScriptPath : Job.GetScriptPath();

    /// <summary>Runs in one local JVM, <c>--master local[*]</c> or <c>local[threads]</c>.</summary>
    /// <param name="threads">The number of worker threads; all cores when null.</param>
    public SparkSubmission Local(int? threads = null)
    {
        if (threads is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "Local mode needs at least one thread.");
        }

        return this with
        {
            Cluster = ClusterManager.Local,
            DeployMode = DeployMode.Client,
            Master = threads is { } n ? "local[" + n.ToString(CultureInfo.InvariantCulture) + "]" : "local[*]",
        };
    }

    /// <summary>Runs on a Spark standalone cluster. Python applications support client deploy mode only there.</summary>
    /// <param name="masterUrl">The master, <c>spark://host:7077</c>.</param>
    /// <param name="deployMode">The deploy mode; must be <see cref="SparkJobGen.DeployMode.Client"/> for Python.</param>
    public SparkSubmission OnStandalone(string masterUrl, DeployMode deployMode = DeployMode.Client)
    {
        if (string.IsNullOrWhiteSpace(masterUrl) || !masterUrl.StartsWith("spark://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"A standalone master URL starts with spark:// (for example spark://master:7077); got '{masterUrl}'.", nameof(masterUrl));
        }

        if (deployMode == DeployMode.Cluster)
        {
            throw new NotSupportedException(
                "Spark standalone clusters do not support cluster deploy mode for Python applications; use DeployMode.Client, or YARN or Kubernetes for cluster mode.");
        }

        return this with { Cluster = ClusterManager.Standalone, DeployMode = deployMode, Master = masterUrl };
    }

    /// <summary>Runs on YARN (<c>--master yarn</c>); the Hadoop configuration comes from <c>HADOOP_CONF_DIR</c>/<c>YARN_CONF_DIR</c>.</summary>
    /// <param name="deployMode">Client (driver here) or cluster (driver in the application master).</param>
    public SparkSubmission OnYarn(DeployMode deployMode = DeployMode.Cluster) =>
        this with { Cluster = ClusterManager.Yarn, DeployMode = deployMode, Master = "yarn" };

    /// <summary>Runs on Kubernetes.</summary>
    /// <param name="apiServerUrl">The API server, <c>https://host:6443</c> (a <c>k8s://</c> prefix is added when missing).</param>
    /// <param name="deployMode">Client (driver here) or cluster (driver in a pod).</param>
    /// <param name="image">The Spark container image with Python support.</param>
    public SparkSubmission OnKubernetes(string apiServerUrl, DeployMode deployMode, string image)
    {
        if (string.IsNullOrWhiteSpace(apiServerUrl))
        {
            throw new ArgumentException("The Kubernetes API server URL must not be empty.", nameof(apiServerUrl));
        }

        RequireValue(image, nameof(image), "the Spark container image");
        var master = apiServerUrl.StartsWith("k8s://", StringComparison.Ordinal) ? apiServerUrl : "k8s://" + apiServerUrl;
        return this with { Cluster = ClusterManager.Kubernetes, DeployMode = deployMode, Master = master, KubernetesImage = image };
    }

    /// <summary>Sets the Kubernetes namespace.</summary>
    /// <param name="kubernetesNamespace">The namespace.</param>
    public SparkSubmission InNamespace(string kubernetesNamespace) =>
        this with { KubernetesNamespace = RequireValue(kubernetesNamespace, nameof(kubernetesNamespace), "the namespace") };

    /// <summary>Sets where spark-submit uploads local files in Kubernetes cluster mode, for example <c>s3a://bucket/spark-uploads</c>.</summary>
    /// <param name="uploadPath">A Hadoop-compatible path reachable from the driver pod.</param>
    public SparkSubmission WithKubernetesUploadPath(string uploadPath) =>
        this with { KubernetesUploadPath = RequireValue(uploadPath, nameof(uploadPath), "the upload path") };

    /// <summary>Ships the packed environment with <c>--archives &lt;archive&gt;#environment</c>.</summary>
    /// <param name="archive">
    /// A local path or a URI (<c>hdfs://</c>, <c>s3a://</c>, <c>local://</c>); an alias other than <c>#environment</c> is refused.
    /// A <c>#</c> followed by text with a <c>/</c> or a <c>.</c> is part of the path, not an alias.
    /// </param>
    public SparkSubmission WithEnvironmentArchive(string archive)
    {
        RequireValue(archive, nameof(archive), "the environment archive");
        var hash = archive.LastIndexOf('#');
        if (hash >= 0 && archive.AsSpan(hash + 1).IndexOfAny('/', '.') < 0)
        {
            var alias = archive.Substring(hash + 1);
            if (alias != ArchiveAlias)
            {
                throw new ArgumentException(
                    $"The environment archive is always extracted as '{ArchiveAlias}' (executors run {PackedPython}); remove the '#{alias}' alias from '{archive}'.",
                    nameof(archive));
            }

            archive = archive.Substring(0, hash);
        }

        return this with { EnvironmentArchive = archive, ClusterPython = null };
    }

    /// <summary>
    /// Ships the environment archive through a content-addressed store instead of uploading it with every submission:
    /// <c>SparkJobRunner</c> and <c>sparkjobgen run</c>/<c>submit</c> look the archive up as
    /// <c>&lt;store&gt;/&lt;environment&gt;-&lt;key&gt;.tar.gz</c>, upload it only when it is missing or corrupt, and submit
    /// <c>--archives &lt;store object&gt;#environment</c>. Cluster modes only; local mode ignores it.
    /// </summary>
    /// <param name="store">A folder URI: <c>s3a://bucket/envs/</c>, <c>hdfs://namenode/user/me/envs/</c> (through WebHDFS), <c>webhdfs://host:port/path/</c> or <c>file:///mnt/shared/envs/</c>.</param>
    /// <exception cref="ArgumentException">Not a folder URI of a supported scheme.</exception>
    public SparkSubmission WithEnvironmentStore(string store) =>
        this with { EnvironmentStore = Stores.EnvironmentStores.ParseLocation(RequireValue(store, nameof(store), "the environment store")).OriginalString };

    /// <summary>Uses a Python interpreter already installed at the same path on every node instead of shipping an archive.</summary>
    /// <param name="pythonPath">The interpreter path on the cluster nodes, for example <c>/opt/conda/envs/analytics/bin/python</c>.</param>
    public SparkSubmission WithClusterPython(string pythonPath) =>
        this with { ClusterPython = RequireValue(pythonPath, nameof(pythonPath), "the cluster Python path"), EnvironmentArchive = null };

    /// <summary>Overrides the script path (a local path or a URI such as <c>hdfs:///jobs/score.py</c>).</summary>
    /// <param name="scriptPath">The primary Python resource.</param>
    public SparkSubmission WithScript(string scriptPath) =>
        this with { ScriptPath = RequireValue(scriptPath, nameof(scriptPath), "the script path") };

    /// <summary>Sets the interpreter of a driver running on this machine (local and client modes).</summary>
    /// <param name="pythonPath">For example the created environment's <c>bin/python</c>.</param>
    public SparkSubmission WithDriverPython(string pythonPath) =>
        this with { DriverPython = RequireValue(pythonPath, nameof(pythonPath), "the driver Python path"), DriverPythonIsSet = true };

    /// <summary>Whether <see cref="WithDriverPython"/> named the driver's Python (<c>python3</c> included), rather than the default.</summary>
    internal bool DriverPythonIsSet { get; private init; }

    /// <summary>
    /// Declares the oldest glibc on the cluster's nodes; the preflight then refuses an archive whose native code needs a newer
    /// one (it reads the highest <c>GLIBC_x.y</c> symbol version of the archive's ELF files). Wins over <see cref="ClusterGlibcAttribute"/>.
    /// </summary>
    /// <param name="version">The glibc version, <c>major.minor</c>, for example <c>2.17</c> (CentOS 7) or <c>2.28</c> (RHEL 8).</param>
    public SparkSubmission WithClusterGlibc(string version)
    {
        RequireValue(version, nameof(version), "the glibc version");
        var parts = version.Split('.');
        if (parts.Length != 2 || !parts.All(static p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            throw new ArgumentException($"The cluster glibc version is major.minor, for example 2.17; got '{version}'.", nameof(version));
        }

        return this with { ClusterGlibc = version };
    }

    /// <summary>Overrides the application name.</summary>
    /// <param name="name">The name shown in the Spark UI and the cluster manager.</param>
    public SparkSubmission WithName(string name) => this with { Name = RequireValue(name, nameof(name), "the application name") };

    /// <summary>Runs the application as another user (<c>--proxy-user</c>).</summary>
    /// <param name="user">The user name.</param>
    public SparkSubmission AsProxyUser(string user) => this with { ProxyUser = RequireValue(user, nameof(user), "the proxy user") };

    /// <summary>Submits to a YARN queue (<c>--queue</c>).</summary>
    /// <param name="queue">The queue name.</param>
    public SparkSubmission InQueue(string queue) => this with { Queue = RequireValue(queue, nameof(queue), "the queue") };

    /// <summary>Sets the driver memory (<c>--driver-memory</c>), for example <c>2g</c>.</summary>
    /// <param name="memory">A JVM memory string.</param>
    public SparkSubmission DriverMemory(string memory) =>
        this with { Resources = Resources with { DriverMemory = RequireValue(memory, nameof(memory), "the driver memory") } };

    /// <summary>Sets the driver cores (<c>--driver-cores</c>, cluster deploy mode).</summary>
    /// <param name="cores">A positive number of cores.</param>
    public SparkSubmission DriverCores(int cores) =>
        this with { Resources = Resources with { DriverCores = RequirePositive(cores, nameof(cores)) } };

    /// <summary>Sets the memory per executor (<c>--executor-memory</c>), for example <c>4g</c>.</summary>
    /// <param name="memory">A JVM memory string.</param>
    public SparkSubmission ExecutorMemory(string memory) =>
        this with { Resources = Resources with { ExecutorMemory = RequireValue(memory, nameof(memory), "the executor memory") } };

    /// <summary>Sets the cores per executor (<c>--executor-cores</c>).</summary>
    /// <param name="cores">A positive number of cores.</param>
    public SparkSubmission ExecutorCores(int cores) =>
        this with { Resources = Resources with { ExecutorCores = RequirePositive(cores, nameof(cores)) } };

    /// <summary>Sets the number of executors (<c>--num-executors</c>).</summary>
    /// <param name="count">A positive number of executors.</param>
    public SparkSubmission NumExecutors(int count) =>
        this with { Resources = Resources with { NumExecutors = RequirePositive(count, nameof(count)) } };

    /// <summary>Ships extra Python files (<c>--py-files</c>).</summary>
    /// <param name="paths">Zip, egg or .py files.</param>
    public SparkSubmission WithPyFiles(params string[] paths) => this with { PyFiles = Append(PyFiles, paths, nameof(paths)) };

    /// <summary>Ships extra files into each container's working directory (<c>--files</c>).</summary>
    /// <param name="paths">File paths or URIs.</param>
    public SparkSubmission WithFiles(params string[] paths) => this with { Files = Append(Files, paths, nameof(paths)) };

    /// <summary>Runs spark-submit with <c>--verbose</c>.</summary>
    public SparkSubmission Verbose() => this with { IsVerbose = true };

    /// <summary>
    /// Sets a Spark property whose value is a secret (a password, a storage key, a token): it reaches spark-submit or Livy like
    /// any <see cref="WithConf"/> value, but is masked in every output SparkJobGen produces (see <see cref="SecretValues"/>).
    /// </summary>
    /// <param name="key">The property, for example <c>spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net</c>.</param>
    /// <param name="value">The secret value.</param>
    public SparkSubmission WithSecretConf(string key, string value)
    {
        var submission = WithConf(key, value);
        return submission with { SecretConfKeys = Append(SecretConfKeys, [key], nameof(key)) };
    }

    /// <summary>The keys set with <see cref="WithSecretConf"/>.</summary>
    public IReadOnlyList<string> SecretConfKeys { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// The values that must never be printed: those of <c>[JobParameter(Sensitive = true)]</c> parameters and of
    /// <see cref="WithSecretConf"/> properties. A sensitive parameter's value is known from <c>job.ToJobArguments()</c>,
    /// and from plain string arguments too: the value after a sensitive parameter's flag (<c>--flag value</c>) or after its
    /// <c>=</c> (<c>--flag=value</c>), as the job's <see cref="SparkJobDefinition.Parameters"/> describe it. Runners, the Livy
    /// client and the <c>sparkjobgen</c> tool mask them in output lines, logs, exceptions and JSON; the child process gets
    /// them unmasked.
    /// </summary>
    public IReadOnlyList<string> SecretValues
    {
        get
        {
            var secrets = new List<string>();
            if (JobArguments is RenderedJobArguments rendered)
            {
                secrets.AddRange(rendered.SensitiveValues);
            }

            foreach (var value in SensitiveArgumentValues(Job.Parameters, JobArguments))
            {
                if (!secrets.Contains(value))
                {
                    secrets.Add(value);
                }
            }

            foreach (var entry in EffectiveConf())
            {
                if (SecretConfKeys.Contains(entry.Key))
                {
                    secrets.Add(entry.Value);
                }
            }

            return secrets;
        }
    }

    /// <summary>Sets a Spark property; it overrides the job's declared value and any earlier value for the same key.</summary>
    /// <param name="key">The property, for example <c>spark.sql.shuffle.partitions</c>.</param>
    /// <param name="value">Its value.</param>
    public SparkSubmission WithConf(string key, string value)
    {
        ValidateConfKey(key);
        ArgumentNullException.ThrowIfNull(value);

        var conf = new List<KeyValuePair<string, string>>(_conf);
        SetOrAppend(conf, key, value);
        return new SparkSubmission(this, conf);
    }

    /// <summary>
    /// The Spark configuration passed as <c>--conf</c>, in order: the Python wiring for the mode, the Kubernetes settings,
    /// the job's declared configuration, then this builder's. For a repeated key the last layer wins, in the first position.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> EffectiveConf()
    {
        var conf = new List<KeyValuePair<string, string>>();
        foreach (var entry in PythonWiring())
        {
            SetOrAppend(conf, entry.Key, entry.Value);
        }

        if (Cluster == ClusterManager.Kubernetes)
        {
            SetOrAppend(conf, "spark.kubernetes.container.image", KubernetesImage!);
            if (KubernetesNamespace is not null)
            {
                SetOrAppend(conf, "spark.kubernetes.namespace", KubernetesNamespace);
            }

            if (KubernetesUploadPath is not null)
            {
                SetOrAppend(conf, "spark.kubernetes.file.upload.path", KubernetesUploadPath);
            }
        }

        foreach (var entry in Job.SparkConf)
        {
            SetOrAppend(conf, entry.Key, entry.Value);
        }

        foreach (var entry in _conf)
        {
            SetOrAppend(conf, entry.Key, entry.Value);
        }

        return conf;
    }

    /// <summary>
    /// The exact argument list after <c>spark-submit</c>: options, <c>--conf</c> entries, the script, then the job's arguments.
    /// </summary>
    /// <exception cref="InvalidOperationException">The submission is incomplete for its mode (for example no environment archive on a cluster).</exception>
    public IReadOnlyList<string> ToSparkSubmitArguments() => ToCommand().Arguments;

    /// <summary>The arguments and environment variables for running <c>spark-submit</c>.</summary>
    /// <exception cref="InvalidOperationException">The submission is incomplete for its mode (for example no environment archive on a cluster).</exception>
    public SparkSubmitCommand ToCommand()
    {
        Validate();
        var script = EffectiveScriptPath;
        var args = new List<string> { "--master", Master };
        if (Cluster != ClusterManager.Local)
        {
            args.Add("--deploy-mode");
            args.Add(DeployMode == DeployMode.Cluster ? "cluster" : "client");
        }

        args.Add("--name");
        args.Add(Name);
        AddOption(args, "--queue", Queue);
        AddOption(args, "--proxy-user", ProxyUser);
        AddOption(args, "--driver-memory", Resources.DriverMemory);
        AddOption(args, "--driver-cores", Resources.DriverCores?.ToString(CultureInfo.InvariantCulture));
        AddOption(args, "--executor-memory", Resources.ExecutorMemory);
        AddOption(args, "--executor-cores", Resources.ExecutorCores?.ToString(CultureInfo.InvariantCulture));
        AddOption(args, "--num-executors", Resources.NumExecutors?.ToString(CultureInfo.InvariantCulture));
        if (ShipsArchive)
        {
            args.Add("--archives");
            args.Add(LauncherArguments.Resource(EnvironmentArchive!) + "#" + ArchiveAlias);
        }

        if (PyFiles.Count > 0)
        {
            AddOption(args, "--py-files", string.Join(",", PyFiles.Select(LauncherArguments.Resource)));
        }

        if (Files.Count > 0)
        {
            AddOption(args, "--files", string.Join(",", Files.Select(LauncherArguments.Resource)));
        }

        foreach (var entry in EffectiveConf())
        {
            args.Add("--conf");
            args.Add(entry.Key + "=" + entry.Value);
        }

        if (IsVerbose)
        {
            args.Add("--verbose");
        }

        // Everything after the primary resource is handed to the script untouched by spark-submit's own option parser.
        var scriptArgument = LauncherArguments.Resource(script);
        args.Add(scriptArgument);
        var firstJobArgument = args.Count;
        args.AddRange(JobArguments);

        LauncherArguments.RefuseCarriageReturns(args, firstJobArgument);
        if (Cluster == ClusterManager.Yarn && DeployMode == DeployMode.Cluster)
        {
            LauncherArguments.RefuseEncodedYarnScriptName(script, scriptArgument);
            LauncherArguments.RefuseYarnShellCharacters(JobArguments);
        }

        return new SparkSubmitCommand(
            args.ToArray(),
            PythonEnvironment(),
            Cluster,
            DeployMode,
            ShipsArchive ? EnvironmentArchive : null,
            script,
            JobArguments)
        {
            Secrets = SecretValues,
        };
    }

    private SparkSubmission(SparkSubmission source, List<KeyValuePair<string, string>> conf)
        : this(source)
    {
        _conf = conf;
    }

    private bool ShipsArchive => Cluster != ClusterManager.Local && EnvironmentArchive is not null;

    /// <summary>The interpreter workers use: the local driver's in local mode, else the cluster's or the archive's.</summary>
    private string WorkerPython => Cluster == ClusterManager.Local ? DriverPython : ClusterPython ?? PackedPython;

    private string DriverSidePython => Cluster == ClusterManager.Local || DeployMode == DeployMode.Client ? DriverPython : WorkerPython;

    private IEnumerable<KeyValuePair<string, string>> PythonWiring()
    {
        yield return new("spark.pyspark.python", WorkerPython);
        yield return new("spark.pyspark.driver.python", DriverSidePython);
        if (DeployMode == DeployMode.Cluster)
        {
            if (Cluster == ClusterManager.Yarn)
            {
                yield return new("spark.yarn.appMasterEnv.PYSPARK_PYTHON", WorkerPython);
            }
            else if (Cluster == ClusterManager.Kubernetes)
            {
                yield return new("spark.kubernetes.driverEnv.PYSPARK_PYTHON", WorkerPython);
            }
        }
    }

    private Dictionary<string, string?> PythonEnvironment() => new(StringComparer.Ordinal)
    {
        ["PYSPARK_PYTHON"] = WorkerPython,
        // A driver python inherited from the caller's shell would override the cluster-side interpreter in cluster mode.
        ["PYSPARK_DRIVER_PYTHON"] = DeployMode == DeployMode.Client ? DriverPython : null,
    };

    private void Validate()
    {
        if (Cluster == ClusterManager.Local || DeployMode == DeployMode.Client)
        {
            // Outside cluster deploy mode spark-submit decodes each local --py-files URI to a path and then splits the list at
            // commas again (Spark v3.5.1 core/src/main/scala/org/apache/spark/deploy/SparkSubmit.scala:895-905 with
            // PythonRunner.formatPath's uri.getPath), so an encoded comma in a file or folder name splits the path in two.
            foreach (var pyFile in PyFiles)
            {
                if (IsLocalPath(pyFile) && LocalPathText(pyFile).Contains(',', StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"The Python file '{pyFile}' has a comma in its path: in {(Cluster == ClusterManager.Local ? "local" : "client deploy")} mode " +
                        "spark-submit decodes --py-files and splits the list at commas, so it would look for two paths. Rename the file or folder, " +
                        "or ship it from a remote URI.");
                }
            }
        }

        if (Cluster == ClusterManager.Local)
        {
            return;
        }

        if (EnvironmentArchive is null && ClusterPython is null)
        {
            throw new InvalidOperationException(
                $"Job '{Job.Name}' runs in environment '{Job.Environment}' but no environment archive was given for {Cluster} mode: " +
                $"call WithEnvironmentArchive(\"{Job.Environment}.tar.gz\") with an archive made by `sparkjobgen pack`, " +
                "or WithClusterPython(path) to use a Python installed on every node.");
        }

        if (Cluster == ClusterManager.Kubernetes && DeployMode == DeployMode.Cluster && KubernetesUploadPath is null)
        {
            foreach (var (what, path) in new[] { ("environment archive", EnvironmentArchive), ("script", EffectiveScriptPath) })
            {
                if (path is not null && IsLocalPath(path))
                {
                    throw new InvalidOperationException(
                        $"In Kubernetes cluster mode the {what} '{path}' is a local file the driver pod cannot read: " +
                        "call WithKubernetesUploadPath(\"s3a://bucket/spark-uploads\") so spark-submit uploads it, or pass a remote or local:// URI.");
                }
            }
        }
    }

    private static string LocalPathText(string path) =>
        path.StartsWith("file://", StringComparison.Ordinal) ? Uri.UnescapeDataString(path) : path;

    private static bool IsLocalPath(string path)
    {
        var colon = path.IndexOf("://", StringComparison.Ordinal);
        return colon < 0 || path.StartsWith("file://", StringComparison.Ordinal);
    }

    private static void AddOption(List<string> args, string option, string? value)
    {
        if (value is not null)
        {
            args.Add(option);
            args.Add(value);
        }
    }

    private static void SetOrAppend(List<KeyValuePair<string, string>> conf, string key, string value)
    {
        for (var i = 0; i < conf.Count; i++)
        {
            if (string.Equals(conf[i].Key, key, StringComparison.Ordinal))
            {
                conf[i] = new(key, value);
                return;
            }
        }

        conf.Add(new(key, value));
    }

    private static void ValidateConfKey(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains('=', StringComparison.Ordinal) || key.Trim() != key)
        {
            throw new ArgumentException($"'{key}' is not a Spark property name: it must be non-empty, without '=' or surrounding spaces.", nameof(key));
        }
    }

    private static string RequireValue(string value, string parameter, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{char.ToUpperInvariant(what[0])}{what.Substring(1)} must not be empty.", parameter);
        }

        return value;
    }

    private static int RequirePositive(int value, string parameter) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(parameter, value, "The value must be positive.");

    /// <summary>
    /// The values given to sensitive parameters in a script's argv: the element after the flag (unless that element is itself one
    /// of the job's flags, the value being missing) and the text after <c>--flag=</c>. Boolean flags carry no value.
    /// </summary>
    private static IEnumerable<string> SensitiveArgumentValues(IReadOnlyList<JobParameterInfo> parameters, IReadOnlyList<string> arguments)
    {
        var sensitive = new HashSet<string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            flags.Add(parameter.Flag);
            if (parameter.IsSensitive && !parameter.IsFlag)
            {
                sensitive.Add(parameter.Flag);
            }
        }

        if (sensitive.Count == 0)
        {
            yield break;
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument is null)
            {
                continue;
            }

            if (NamesSensitive(argument))
            {
                if (i + 1 < arguments.Count && arguments[i + 1] is { } value && !flags.Contains(value))
                {
                    yield return value;
                    i++;
                }

                continue;
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && NamesSensitive(argument.Substring(0, equals)))
            {
                yield return argument.Substring(equals + 1);
            }
        }

        // The flag itself, or what Python's argparse takes for it: by default (allow_abbrev) a long option may be shortened to
        // any prefix that names one option, so "--customer" reaches the script as "--customer-ref". A prefix of a sensitive flag
        // that is not itself one of the job's flags is taken as naming it; masking one value too many is the safe side.
        bool NamesSensitive(string option)
        {
            if (sensitive.Contains(option))
            {
                return true;
            }

            if (option.Length <= 2 || !option.StartsWith("--", StringComparison.Ordinal) || flags.Contains(option))
            {
                return false;
            }

            foreach (var flag in sensitive)
            {
                if (flag.StartsWith(option, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static string[] Append(IReadOnlyList<string> existing, string[] more, string parameter)
    {
        ArgumentNullException.ThrowIfNull(more, parameter);

        var result = new string[existing.Count + more.Length];
        for (var i = 0; i < existing.Count; i++)
        {
            result[i] = existing[i];
        }

        for (var i = 0; i < more.Length; i++)
        {
            result[existing.Count + i] = RequireValue(more[i], parameter, "a file path");
        }

        return result;
    }
}
