using System.IO;
using System.Text;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>How (and whether) the venv fixture installs an editable project.</summary>
public enum EditableInstall
{
    /// <summary>No editable install.</summary>
    None,

    /// <summary>
    /// The legacy layout, made for real by the venv's setuptools running <c>setup.py develop</c> (what
    /// <c>pip install -e</c> runs for legacy projects): <c>sjg-editable.egg-link</c> and <c>easy-install.pth</c>
    /// in site-packages, both naming the source folder.
    /// </summary>
    SetupPyDevelop,

    /// <summary>
    /// The PEP 660 layout pip writes for a setuptools editable wheel: <c>__editable__.sjg_editable-0.1.0.pth</c>
    /// naming the source folder and <c>sjg_editable-0.1.0.dist-info</c> with <c>INSTALLER</c> (<c>pip</c>) and
    /// <c>direct_url.json</c> (<c>"dir_info": {"editable": true}</c>). Written by hand: the real
    /// <c>pip install --no-build-isolation --no-index -e</c> needs the <c>wheel</c> package in the venv for
    /// setuptools 65's <c>bdist_wheel</c>, which this offline machine cannot install.
    /// </summary>
    Pep660,
}

/// <summary>What the venv fixture builds.</summary>
/// <param name="Copies">Pass <c>--copies</c> (the interpreter is copied into <c>bin/</c> instead of symlinked).</param>
/// <param name="InstallDemoWheels">Install <see cref="DemoWheels"/> with the venv's pip.</param>
/// <param name="Editable">Which editable install to add, if any.</param>
public sealed record VenvOptions(bool Copies = false, bool InstallDemoWheels = true, EditableInstall Editable = EditableInstall.None);

/// <summary>
/// A real virtual environment made by this machine's <c>python3 -m venv</c> in a unique temp folder, with the
/// demo wheels installed by its own pip (<c>pip install --no-index --no-deps</c>). Creating one takes seconds on
/// a loaded machine, so share it per test class with <c>IClassFixture&lt;VenvFixture&gt;</c> (or one of the
/// derived fixtures) and treat it as read-only; copy it or pack it, never modify it. Disposing deletes everything.
/// </summary>
public class VenvFixture : IDisposable
{
    /// <summary>Creates a symlinked venv (the <c>venv</c> default) with the demo wheels.</summary>
    public VenvFixture() : this(new VenvOptions())
    {
    }

    /// <summary>Creates a venv as the options say (derived class fixtures pass fixed options).</summary>
    /// <param name="options">What to build.</param>
    protected VenvFixture(VenvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Root = Directory.CreateTempSubdirectory("sjg-venv-").FullName;
        Prefix = Path.Combine(Root, "venv");
        try
        {
            var host = HostPython.Current;
            var arguments = new List<string> { "-m", "venv" };
            if (options.Copies)
            {
                arguments.Add("--copies");
            }

            arguments.Add(Prefix);
            ProcessRun.RunChecked(host.Executable, arguments, Root);
            PythonVersion = host.Version;
            SitePackages = Path.Combine(Prefix, "lib", $"python{PythonVersion}", "site-packages");
            BasePrefix = RunPython("-c", "import sys; print(sys.base_prefix)").StandardOutput.Trim();
            if (options.InstallDemoWheels)
            {
                var wheelFolder = Path.Combine(Root, "wheels");
                Wheels = [DemoWheels.BuildPackage(wheelFolder), DemoWheels.BuildCli(wheelFolder)];
                RunPython(["-m", "pip", "install", "--no-index", "--no-deps", "--no-cache-dir", .. Wheels.Select(w => w.Path)]);
            }

            if (options.Editable != EditableInstall.None)
            {
                EditableSource = EditableProject.WriteSource(Path.Combine(Root, "editable-src"));
                InstallEditable(options.Editable, EditableSource);
            }
        }
        catch
        {
            Directory.Delete(Root, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Creates a venv as the options say, for a test that owns it (dispose it); class fixtures use the
    /// parameterless constructor or a derived fixture instead, since xunit needs one public constructor.
    /// </summary>
    /// <param name="options">What to build.</param>
    /// <returns>The venv.</returns>
    public static VenvFixture Create(VenvOptions options) => new(options);

    /// <summary>What this fixture was built with.</summary>
    public VenvOptions Options { get; }

    /// <summary>The temp folder holding the venv, the wheels and the editable sources; deleted on dispose.</summary>
    public string Root { get; }

    /// <summary>The venv prefix (<c>sys.prefix</c> inside it; has <c>pyvenv.cfg</c>).</summary>
    public string Prefix { get; }

    /// <summary>The venv's <c>bin/python</c>.</summary>
    public string PythonPath => Path.Combine(Prefix, "bin", "python");

    /// <summary>The interpreter installation the venv points at (<c>sys.base_prefix</c>).</summary>
    public string BasePrefix { get; } = "";

    /// <summary>Major.minor of the interpreter, for example <c>3.11</c>.</summary>
    public string PythonVersion { get; } = "";

    /// <summary>The venv's <c>lib/pythonX.Y/site-packages</c>.</summary>
    public string SitePackages { get; } = "";

    /// <summary>The installed wheels (empty when <see cref="VenvOptions.InstallDemoWheels"/> is false).</summary>
    public IReadOnlyList<LocalWheel> Wheels { get; } = [];

    /// <summary>The editable project's source folder (outside the venv), or null when none was installed.</summary>
    public string? EditableSource { get; }

    /// <summary>The console script pip generated for the CLI wheel (<c>bin/sjg-demo</c>).</summary>
    public string ConsoleScript => Path.Combine(Prefix, "bin", DemoWheels.CliScript);

    /// <summary>Runs the venv's python and throws with its output unless it exits with 0.</summary>
    /// <param name="arguments">The interpreter arguments.</param>
    /// <returns>The captured output.</returns>
    public ProcessResult RunPython(params string[] arguments) => ProcessRun.RunChecked(PythonPath, arguments, Root);

    /// <summary>Deletes the venv and everything else the fixture wrote.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Deletes the fixture's folder.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private void InstallEditable(EditableInstall style, string source)
    {
        if (style == EditableInstall.Pep660)
        {
            EditableProject.Write(SitePackages, EditableProject.Pep660Files(source));
            return;
        }

        // The venv's own setuptools (bundled by ensurepip up to 3.11) does the work; fail clearly if it is gone.
        var probe = ProcessRun.Run(PythonPath, ["-c", "import setuptools"], Root);
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The venv at '{Prefix}' has no setuptools (python {PythonVersion}; ensurepip bundles it only up to 3.11). "
                + $"Use {nameof(EditableInstall)}.{nameof(EditableInstall.Pep660)} instead.\n{probe.StandardError}");
        }

        ProcessRun.RunChecked(PythonPath, ["setup.py", "--quiet", "develop"], source);
    }
}

/// <summary>A venv made with <c>python3 -m venv --copies</c> (the interpreter copied, not symlinked), with the demo wheels.</summary>
public sealed class CopiesVenvFixture : VenvFixture
{
    /// <summary>Creates the venv.</summary>
    public CopiesVenvFixture() : base(new VenvOptions(Copies: true))
    {
    }
}

/// <summary>A venv with the demo wheels and an editable project installed by <c>setup.py develop</c> (egg-link layout).</summary>
public sealed class EditableVenvFixture : VenvFixture
{
    /// <summary>Creates the venv.</summary>
    public EditableVenvFixture() : base(new VenvOptions(Editable: EditableInstall.SetupPyDevelop))
    {
    }
}

/// <summary>A venv with an editable project in the PEP 660 layout (<c>__editable__*.pth</c> + <c>direct_url.json</c>), no wheels.</summary>
public sealed class Pep660EditableVenvFixture : VenvFixture
{
    /// <summary>Creates the venv.</summary>
    public Pep660EditableVenvFixture() : base(new VenvOptions(InstallDemoWheels: false, Editable: EditableInstall.Pep660))
    {
    }
}
