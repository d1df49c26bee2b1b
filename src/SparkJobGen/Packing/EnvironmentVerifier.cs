using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Subprocesses;
using SparkJobGen.Submission;

namespace SparkJobGen.Packing;

/// <summary>What <see cref="EnvironmentVerifier"/> checks beyond "the interpreter starts".</summary>
public sealed record VerifyOptions
{
    /// <summary>Modules to import (for example <c>pandas</c>, <c>sklearn</c>).</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>
    /// Distributions that must be installed (pip names such as <c>scikit-learn</c>); each one's top-level modules are imported.
    /// With neither modules nor distributions, every installed distribution's top-level modules are imported.
    /// </summary>
    public IReadOnlyList<string> Distributions { get; init; } = [];

    /// <summary>Conda package names: imported like <see cref="Distributions"/> when they are Python distributions, skipped otherwise.</summary>
    public IReadOnlyList<string> CondaPackages { get; init; } = [];

    /// <summary>Where the scratch folder is made; default the system temp folder.</summary>
    public string? ScratchRoot { get; init; }

    /// <summary>Keep the scratch folder for inspection.</summary>
    public bool KeepScratch { get; init; }

    /// <summary>The longest the interpreter may run; default 5 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>One import attempted by the verifier.</summary>
/// <param name="Module">The module.</param>
/// <param name="Source">Why it was checked: <c>module</c>, or the distribution/conda package it belongs to.</param>
/// <param name="Succeeded">Whether it imported.</param>
/// <param name="Error">The exception line when it did not.</param>
public sealed record ImportCheck(string Module, string Source, bool Succeeded, string? Error);

/// <summary>The outcome of verifying an archive.</summary>
/// <param name="Archive">The archive verified.</param>
/// <param name="PythonVersion">The packed interpreter's version.</param>
/// <param name="Prefix">The interpreter's <c>sys.prefix</c> in the scratch folder (proves it runs relocated).</param>
/// <param name="Imports">Every import attempted.</param>
/// <param name="Problems">Distributions that are missing and other failures besides imports.</param>
/// <param name="ScratchDirectory">The scratch folder when kept, else null.</param>
public sealed record VerifyResult(string Archive, string PythonVersion, string Prefix, IReadOnlyList<ImportCheck> Imports, IReadOnlyList<string> Problems, string? ScratchDirectory)
{
    /// <summary>Whether everything checked passed.</summary>
    public bool Succeeded => Problems.Count == 0 && Imports.All(static i => i.Succeeded);

    /// <summary>A one-paragraph description of the failures.</summary>
    public string DescribeFailures() => string.Join(Environment.NewLine,
        Problems.Concat(Imports.Where(static i => !i.Succeeded).Select(static i => $"import {i.Module} ({i.Source}) failed: {i.Error}")));
}

/// <summary>Thrown when a packed environment fails verification.</summary>
public sealed class VerificationFailedException : PackingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result">The failed verification.</param>
    public VerificationFailedException(VerifyResult result)
        : base($"The packed environment '{result.Archive}' failed verification:{Environment.NewLine}{result.DescribeFailures()}")
        => Result = result;

    /// <summary>The failed verification.</summary>
    public VerifyResult Result { get; }
}

/// <summary>
/// Preflight for a packed archive, before anything reaches a cluster: unpacks it into a scratch folder named <c>environment</c>
/// (as YARN does), runs <c>bin/conda-unpack</c> with the packed interpreter, then imports each declared top-level package with it.
/// </summary>
public static class EnvironmentVerifier
{
    private const string Probe = """
import importlib, json, os, re, sys, traceback
try:
    import importlib.metadata as metadata
except ImportError:
    metadata = None
request = json.loads(sys.argv[1])

def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def on_disk(dist, name):
    try:
        path = os.path.join(str(dist.locate_file("")), *name.split("/"))
        if os.path.isdir(path):
            return True
        folder, leaf = os.path.split(path)
        return any(f == leaf + ".py" or (f.startswith(leaf + ".") and f.endswith((".so", ".pyd"))) for f in os.listdir(folder))
    except Exception:
        return True

def top_levels(dist):
    text = dist.read_text("top_level.txt")
    names = set(line.strip() for line in (text or "").splitlines() if line.strip())
    if names and dist.read_text("RECORD") is not None:
        # RECORD lists every file a wheel installed: a name in top_level.txt with no file there is not installed by this
        # distribution (Debian's setuptools 66.1.1 wheel names "debian", which it does not ship), so there is nothing to import.
        paths = [str(file).replace("\\", "/") for file in dist.files or []]
        names = set(n for n in names if any(p.startswith(n + "/") or (p.startswith(n + ".") and p.endswith((".py", ".so", ".pyd"))
            and "/" not in p) for p in paths))
    elif names:
        # No RECORD (a distribution's .egg-info, as Debian's python3-* packages install): a name in top_level.txt counts when
        # a package folder or module of that name is beside the metadata (Debian's python3-setuptools 66.1.1 names "debian" too).
        names = set(n for n in names if on_disk(dist, n))
    if not names:
        for file in dist.files or []:
            parts = file.parts
            if not parts or parts[0].endswith((".dist-info", ".egg-info", ".data")) or parts[0] in ("..", "__pycache__", "bin"):
                continue
            if len(parts) > 1 and (parts[-1] == "__init__.py"):
                names.add(parts[0])
            elif len(parts) == 1 and parts[0].endswith(".py"):
                names.add(parts[0][:-3])
            elif len(parts) == 1 and ".cpython-" in parts[0] or (len(parts) == 1 and parts[0].endswith(".abi3.so")):
                names.add(parts[0].split(".")[0])
    return sorted(n.replace("/", ".") for n in names if n and not n.startswith("_") and n not in ("test", "tests"))

dists = {}
if metadata is not None:
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            dists.setdefault(normalize(name), dist)

checks = []
problems = []
# Installed distributions the interpreter cannot see would make "import every installed distribution" import nothing and pass:
# a site-packages of the packed prefix that holds *.dist-info or *.egg-info must be on sys.path (through any link).
import os
visible = set(os.path.realpath(entry or os.getcwd()) for entry in sys.path)
for libdir in sorted(set(["lib", getattr(sys, "platlibdir", "lib")])):
    folder = os.path.join(sys.prefix, libdir, "python%d.%d" % sys.version_info[:2], "site-packages")
    if not os.path.isdir(folder) or os.path.realpath(folder) in visible:
        continue
    hidden = sorted(set(n.rsplit(".", 1)[0].split("-")[0] for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info"))))
    if hidden:
        problems.append("%s holds installed distributions (%s) that the packed interpreter cannot import: the folder is not on its sys.path (%s)"
            % (os.path.relpath(folder, sys.prefix), ", ".join(hidden), os.pathsep.join(sys.path)))
for module in request["modules"]:
    checks.append((module, "module"))
wanted = [(d, True) for d in request["distributions"]] + [(c, False) for c in request["conda"]]
if not request["modules"] and not wanted:
    wanted = [(name, True) for name in sorted(dists)]
for name, required in wanted:
    dist = dists.get(normalize(name))
    if dist is None:
        if required:
            problems.append("distribution %s is not installed in the packed environment" % name)
        continue
    for module in top_levels(dist):
        checks.append((module, name))

results = []
for module, source in checks:
    try:
        importlib.import_module(module)
        results.append({"module": module, "source": source, "ok": True, "error": None})
    except BaseException as error:
        # One interpreter imports everything; a package that conflicts with an earlier import (setuptools' distutils
        # hack, for example) gets a second chance alone in a fresh interpreter before it counts as broken.
        import subprocess
        alone = subprocess.run([sys.executable, "-c", "import " + module], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if alone.returncode == 0:
            results.append({"module": module, "source": source, "ok": True, "error": None})
        else:
            last = (alone.stderr.decode("utf-8", "replace").strip().splitlines() or ["%s: %s" % (type(error).__name__, error)])[-1]
            results.append({"module": module, "source": source, "ok": False, "error": last})
print("SJG-VERIFY " + json.dumps({"version": sys.version.split()[0], "prefix": sys.prefix, "imports": results, "problems": problems}))
""";

    /// <summary>Verifies an archive.</summary>
    /// <param name="archive">The packed archive (any format the packer writes) or a no-archive directory.</param>
    /// <param name="options">What to import.</param>
    /// <param name="cancellationToken">Stops extraction and the interpreter.</param>
    /// <returns>The outcome; check <see cref="VerifyResult.Succeeded"/>.</returns>
    /// <exception cref="PackingException">The archive cannot be unpacked or has no runnable interpreter.</exception>
    public static async Task<VerifyResult> VerifyAsync(string archive, VerifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        options ??= new VerifyOptions();
        archive = Path.GetFullPath(archive);
        var scratch = Path.Combine(options.ScratchRoot ?? Path.GetTempPath(), "sjg-verify-" + Guid.NewGuid().ToString("N")[..12]);
        var environment = Path.Combine(scratch, "environment");
        Directory.CreateDirectory(environment);
        try
        {
            if (Directory.Exists(archive))
            {
                await CopyTreeAsync(archive, environment, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await ArchiveExtractor.ExtractAsync(archive, environment, cancellationToken).ConfigureAwait(false);
                }
                catch (SubmissionPreflightException e)
                {
                    throw new PackingException($"Cannot unpack '{archive}' for verification: {e.Message}", e);
                }
            }

            var python = Path.Combine(environment, "bin", "python");
            if (!File.Exists(python))
            {
                throw new PackingException($"'{archive}' has no bin/python at its root: it is not a packed Python environment (was it packed with --arcroot?).");
            }

            var lines = new List<string>();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.Timeout);
            var unpack = Path.Combine(environment, "bin", "conda-unpack");
            if (File.Exists(unpack))
            {
                var unpacked = await ChildProcess.RunAsync(python, [unpack], null, scratch, line => lines.Add(line.Text), limit.Token).ConfigureAwait(false);
                if (unpacked.ExitCode != 0)
                {
                    throw new PackingException($"bin/conda-unpack failed in the unpacked environment (exit code {unpacked.ExitCode}): {string.Join(Environment.NewLine, lines)}");
                }
            }

            lines.Clear();
            var request = JsonSerializer.Serialize(new VerifyRequest(options.Modules, options.Distributions, options.CondaPackages), RuntimeJson.Default.VerifyRequest);
            var variables = new Dictionary<string, string?> { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null, ["PYTHONNOUSERSITE"] = "1" };
            var exit = await ChildProcess.RunAsync(python, ["-c", Probe, request], variables, scratch, line => lines.Add(line.Text), limit.Token).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var report = lines.LastOrDefault(static l => l.StartsWith("SJG-VERIFY ", StringComparison.Ordinal));
            if (exit.WasKilled || report is null)
            {
                var why = exit.WasKilled ? $"did not finish within {options.Timeout}" : $"exited with code {exit.ExitCode}";
                throw new PackingException($"The packed interpreter {why} while verifying '{archive}':{Environment.NewLine}{string.Join(Environment.NewLine, lines.TakeLast(20))}");
            }

            using var document = JsonDocument.Parse(report["SJG-VERIFY ".Length..]);
            var root = document.RootElement;
            var imports = root.GetProperty("imports").EnumerateArray().Select(static i => new ImportCheck(
                i.GetProperty("module").GetString()!, i.GetProperty("source").GetString()!, i.GetProperty("ok").GetBoolean(),
                i.GetProperty("error").GetString())).ToList();
            var problems = root.GetProperty("problems").EnumerateArray().Select(static p => p.GetString()!).ToList();
            return new VerifyResult(archive, root.GetProperty("version").GetString()!, root.GetProperty("prefix").GetString()!, imports, problems,
                options.KeepScratch ? scratch : null);
        }
        finally
        {
            if (!options.KeepScratch && Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static async Task CopyTreeAsync(string source, string destination, CancellationToken cancellationToken)
    {
        var exit = await ChildProcess.RunAsync("cp", ["-a", source + "/.", destination], null, null, null, cancellationToken).ConfigureAwait(false);
        if (exit.ExitCode != 0)
        {
            throw new PackingException($"Cannot copy '{source}' into a scratch folder for verification (cp exit code {exit.ExitCode}).");
        }
    }
}

/// <summary>The packer and verifier behind <see cref="IEnvironmentArchiver"/>, used by <see cref="SparkJobRunner"/> and <c>sparkjobgen run</c>.</summary>
/// <param name="Options">Pack options (format, level, threads); prefix and output are set per call.</param>
/// <param name="Verify">What to import when verifying.</param>
public sealed record PackingEnvironmentArchiver(PackOptions Options, VerifyOptions Verify) : IEnvironmentArchiver
{
    /// <summary>A tar.gz packer on all cores that verifies by importing every installed distribution.</summary>
    public PackingEnvironmentArchiver() : this(new PackOptions { Format = "tar.gz" }, new VerifyOptions()) { }

    /// <inheritdoc/>
    public string ArchiveExtension => Archives.ArchiveFormats.DefaultExtension(Options.ResolveFormat());

    /// <inheritdoc/>
    public Task PackAsync(string prefix, string archivePath, CancellationToken cancellationToken) =>
        EnvironmentPacker.PackAsync(Options with { Prefix = prefix, Name = null, Output = archivePath, Force = true, UseCache = false, RecordInCache = false }, null, cancellationToken);

    /// <inheritdoc/>
    public async Task VerifyAsync(string archivePath, CancellationToken cancellationToken)
    {
        var result = await EnvironmentVerifier.VerifyAsync(archivePath, Verify, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new VerificationFailedException(result);
        }
    }
}

/// <summary>What the verify probe is asked to import (its JSON argument).</summary>
/// <param name="Modules">Modules to import.</param>
/// <param name="Distributions">Distributions whose top-level modules are imported.</param>
/// <param name="Conda">Conda package names, imported when they are Python distributions.</param>
internal sealed record VerifyRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("modules")] IReadOnlyList<string> Modules,
    [property: System.Text.Json.Serialization.JsonPropertyName("distributions")] IReadOnlyList<string> Distributions,
    [property: System.Text.Json.Serialization.JsonPropertyName("conda")] IReadOnlyList<string> Conda);
