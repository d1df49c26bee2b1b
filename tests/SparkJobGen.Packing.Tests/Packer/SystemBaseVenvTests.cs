using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// A venv of a distribution's system Python, whose standard library links out of its own installation: Debian and Ubuntu
/// ship <c>/usr/lib/python3.X/sitecustomize.py</c> as a symlink to <c>/etc/python3.X/sitecustomize.py</c> (the
/// python3.X-minimal package). The archive copies the base's standard library, so such a link becomes the file it points to.
/// Debian's <c>site.py</c> is patched too: outside a virtual environment it puts no <c>lib/pythonX.Y/site-packages</c> on
/// <c>sys.path</c>, only <c>dist-packages</c> folders, so the standalone archive needs a way to its own site-packages.
/// </summary>
public sealed class SystemBaseVenvTests
{
    private const string SystemPython = "/usr/bin/python3.11";

    /// <summary>The base's standard library without the large folders these tests never import; pip and setuptools stay.</summary>
    private static readonly PathFilterRule[] KeepPip = VenvPackingTests.Slim.Where(static r => !r.Pattern.Contains("site-packages", StringComparison.Ordinal)).ToArray();

    /// <summary>Skips unless Debian's python3.11 (its site.py adds dist-packages) can make a venv with pip.</summary>
    private static void SkipUnlessDebianPythonWithPip()
    {
        Skip.IfNot(File.Exists(SystemPython), $"needs Debian's system Python at {SystemPython}");
        Skip.IfNot(File.ReadAllText("/usr/lib/python3.11/site.py").Contains("\"dist-packages\"", StringComparison.Ordinal),
            "needs Debian's patched /usr/lib/python3.11/site.py (the one that adds dist-packages folders)");
        var modules = ProcessRun.Run(SystemPython, ["-c", "import venv, ensurepip"]);
        Skip.IfNot(modules.ExitCode == 0, $"{SystemPython} lacks venv or ensurepip (Debian's python3.11-venv package): {modules.StandardError.Trim()}");
    }

    private static string MakeVenvWithPip(ScratchDirectory scratch)
    {
        var prefix = Path.Combine(scratch.Path, "v");
        ProcessRun.RunChecked(SystemPython, ["-m", "venv", prefix], scratch.Path);
        Assert.NotEmpty(Directory.GetDirectories(Path.Combine(prefix, "lib", "python3.11", "site-packages"), "pip-*.dist-info"));
        return prefix;
    }

    [SkippableFact]
    public async Task A_venv_of_debians_system_python_with_pip_imports_pip_from_the_unpacked_archive_and_verify_imports_it()
    {
        SkipUnlessDebianPythonWithPip();
        using var scratch = new ScratchDirectory();
        var prefix = MakeVenvWithPip(scratch);
        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("v.tar.gz"), CompressionLevel = 1, Filters = KeepPip, CacheDirectory = scratch.File("cache"),
        });

        var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, "elsewhere", "environment"));
        Assert.False(File.Exists(Path.Combine(root, "pyvenv.cfg")));

        // Without pyvenv.cfg, sys.prefix == sys.base_prefix, and Debian's getsitepackages() (/usr/lib/python3.11/site.py of
        // libpython3.11-minimal 3.11.2-6+deb12u6, line 365: is_virtual_environment) adds {prefix}/lib/python3.11/site-packages
        // only inside a virtual environment (lines 377-380); it always lists {prefix}/local/lib/python3.11/dist-packages,
        // {prefix}/lib/python3/dist-packages and {prefix}/lib/python3.11/dist-packages (lines 381-391), and addsitepackages
        // keeps each that is a folder (lines 401-403). The packed lib/python3.11/dist-packages -> site-packages is the last.
        Assert.Equal("site-packages", new FileInfo(Path.Combine(root, "lib", "python3.11", "dist-packages")).LinkTarget);
        var run = UnpackedArchive.RunPython(root, "import sys, os, pip; print(sys.prefix); print(os.path.realpath(pip.__file__))");
        Assert.Equal(root + "\n" + Path.Combine(root, "lib", "python3.11", "site-packages", "pip", "__init__.py"), run.StandardOutput.Trim());

        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { ScratchRoot = scratch.Path });
        Assert.True(verified.Succeeded, verified.DescribeFailures());
        Assert.Contains(verified.Imports, i => i is { Module: "pip", Source: "pip", Succeeded: true });
        Assert.Contains(verified.Imports, i => i is { Module: "setuptools", Source: "setuptools", Succeeded: true });

        // Debian's setuptools wheel (/usr/share/python-wheels/setuptools-66.1.1-py3-none-any.whl) names "debian" in its
        // top_level.txt but installs no such module (its RECORD has no debian/ file): verify imports what was installed.
        Assert.DoesNotContain(verified.Imports, i => !i.Succeeded);
    }

    [SkippableFact]
    public async Task A_venv_with_system_site_packages_of_debians_python_imports_the_system_packages_from_the_unpacked_archive()
    {
        SkipUnlessDebianPythonWithPip();
        const string systemPackages = "/usr/lib/python3/dist-packages";
        Skip.IfNot(File.Exists(Path.Combine(systemPackages, "yaml", "__init__.py")), $"needs Debian's python3-yaml in {systemPackages}");
        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "s");
        ProcessRun.RunChecked(SystemPython, ["-m", "venv", "--without-pip", "--system-site-packages", prefix], scratch.Path);

        // What the venv sees: Debian's getsitepackages() (/usr/lib/python3.11/site.py of libpython3.11-minimal
        // 3.11.2-6+deb12u6, lines 381-386) lists {prefix}/local/lib/python3.11/dist-packages and {prefix}/lib/python3/dist-packages
        // for every prefix, the base's /usr among them when pyvenv.cfg says include-system-site-packages = true.
        var inVenv = ProcessRun.RunChecked(Path.Combine(prefix, "bin", "python"), ["-c", "import yaml; print(yaml.__file__)"], scratch.Path);
        Assert.Equal(Path.Combine(systemPackages, "yaml", "__init__.py"), inVenv.StandardOutput.Trim());

        var options = new PackOptions
        {
            Prefix = prefix, Output = scratch.File("s.tar.gz"), CompressionLevel = 1, Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        };
        var result = await EnvironmentPacker.PackAsync(options);
        Assert.Contains(result.Warnings, w => w.Contains(systemPackages, StringComparison.Ordinal));

        // Unpacked elsewhere, with no pyvenv.cfg, the interpreter's prefix is the archive's root, and the same lines of site.py
        // list {root}/lib/python3/dist-packages: the module comes from the archive, not from /usr.
        var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, "elsewhere", "environment"));
        var run = UnpackedArchive.RunPython(root, "import os, yaml; print(os.path.realpath(yaml.__file__))");
        Assert.Equal(Path.Combine(root, "lib", "python3", "dist-packages", "yaml", "__init__.py"), run.StandardOutput.Trim());
        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { ScratchRoot = scratch.Path });
        Assert.True(verified.Succeeded, verified.DescribeFailures());
        Assert.Contains(verified.Imports, i => i is { Module: "yaml", Succeeded: true });

        // Packing the unchanged venv to the same archive again is a cache hit (its metadata key walks the system folder too).
        var again = await EnvironmentPacker.PackAsync(options);
        Assert.True(again.FromCache);
        Assert.Equal(result.ContentKey, again.ContentKey);
    }

    [SkippableFact]
    public async Task A_venv_of_an_upstream_python_gets_no_dist_packages_link()
    {
        var host = HostPython.Current;
        var site = Path.Combine(host.StandardLibrary, "site.py");
        Skip.If(File.ReadAllText(site).Contains("\"dist-packages\"", StringComparison.Ordinal), $"needs an upstream CPython (pyenv, python.org) as the test Python; {site} is patched");
        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "u");
        ProcessRun.RunChecked(host.Executable, ["-m", "venv", "--without-pip", prefix], scratch.Path);
        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("u.tar"), Format = "tar", Filters = VenvPackingTests.Slim, UseCache = false,
        });

        var listing = ProcessRun.RunChecked("tar", ["-tf", result.ArchivePath]).StandardOutput.Split('\n');
        Assert.Contains($"lib/python{host.Version}/site.py", listing);
        Assert.DoesNotContain(listing, l => l.Contains("dist-packages", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Verify_fails_naming_the_folder_when_installed_distributions_are_not_on_the_packed_interpreters_path()
    {
        SkipUnlessDebianPythonWithPip();
        using var scratch = new ScratchDirectory();
        var prefix = MakeVenvWithPip(scratch);

        // Leaving out the dist-packages link gives the archive Debian's site.py cannot see into: site-packages holds pip's
        // dist-info, but no sys.path entry leads there, so importing every installed distribution would import nothing.
        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix, Output = scratch.File("hidden.tar.gz"), CompressionLevel = 1, UseCache = false,
            Filters = [.. KeepPip, new PathFilterRule(Include: false, "lib/python3.11/dist-packages")],
        });

        var verified = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { ScratchRoot = scratch.Path });
        Assert.False(verified.Succeeded);
        var problem = Assert.Single(verified.Problems);
        Assert.Contains("lib/python3.11/site-packages", problem, StringComparison.Ordinal);
        Assert.Contains("pip", problem, StringComparison.Ordinal);
        Assert.Contains("sys.path", problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_venv_of_debians_system_python_packs_its_linked_sitecustomize_as_the_file()
    {
        const string python = SystemPython;
        const string stdlibLink = "/usr/lib/python3.11/sitecustomize.py";
        Skip.IfNot(File.Exists(python) && new FileInfo(stdlibLink).LinkTarget is { } target && !target.StartsWith("/usr/", StringComparison.Ordinal),
            "needs Debian's python3.11 with lib/python3.11/sitecustomize.py linked out of /usr");
        var linkedFile = new FileInfo(stdlibLink).ResolveLinkTarget(returnFinalTarget: true)!.FullName;

        using var scratch = new ScratchDirectory();
        var prefix = Path.Combine(scratch.Path, "v");
        ProcessRun.RunChecked(python, ["-m", "venv", "--without-pip", prefix], scratch.Path);

        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = prefix,
            Output = scratch.File("v.tar.gz"),
            CompressionLevel = 1,
            Filters = VenvPackingTests.Slim,
            CacheDirectory = scratch.File("cache"),
        });

        var root = UnpackedArchive.Extract(result.ArchivePath, Path.Combine(scratch.Path, "elsewhere", "environment"));
        var packed = Path.Combine(root, "lib", "python3.11", "sitecustomize.py");
        Assert.Null(new FileInfo(packed).LinkTarget);
        Assert.Equal(File.ReadAllBytes(linkedFile), File.ReadAllBytes(packed));

        // The relocated interpreter starts (site imports sitecustomize at start-up) and finds it inside the environment.
        var run = UnpackedArchive.RunPython(root, "import sys, sitecustomize; print(sys.prefix); print(sitecustomize.__file__)");
        Assert.Equal(root + "\n" + packed, run.StandardOutput.Trim());
    }
}
