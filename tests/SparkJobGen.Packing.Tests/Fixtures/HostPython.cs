using System.IO;
using System.Text.Json;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>
/// This machine's real CPython, the one every fixture builds from: <c>python3</c> on PATH (pyenv shims
/// resolved through <c>sys.executable</c>), or the interpreter named by <c>SJG_TEST_PYTHON</c>.
/// </summary>
/// <param name="Executable">The real interpreter binary (<c>sys.executable</c>).</param>
/// <param name="BasePrefix">The installation prefix (<c>sys.base_prefix</c>).</param>
/// <param name="Version">Major.minor, for example <c>3.11</c>.</param>
/// <param name="FullVersion">Major.minor.micro, for example <c>3.11.7</c>.</param>
/// <param name="StandardLibrary">The stdlib folder (<c>sysconfig</c> path <c>stdlib</c>).</param>
/// <param name="DynamicModules">The folder of compiled stdlib extension modules (<c>lib-dynload</c>).</param>
/// <param name="LibraryDirectory">The folder holding libpython (<c>LIBDIR</c>).</param>
/// <param name="SharedLibrary">The libpython file name when the interpreter is built shared (<c>LDLIBRARY</c>), else null.</param>
public sealed record HostPython(
    string Executable, string BasePrefix, string Version, string FullVersion,
    string StandardLibrary, string DynamicModules, string LibraryDirectory, string? SharedLibrary)
{
    private static readonly Lazy<HostPython> Instance = new(Probe);

    /// <summary>The machine's interpreter, probed once per test process.</summary>
    public static HostPython Current => Instance.Value;

    private const string ProbeScript = """
        import json, sys, sysconfig, os
        print(json.dumps({
            "executable": sys.executable,
            "base_prefix": sys.base_prefix,
            "version": "%d.%d" % sys.version_info[:2],
            "full_version": "%d.%d.%d" % sys.version_info[:3],
            "stdlib": sysconfig.get_path("stdlib"),
            "dynload": os.path.join(sysconfig.get_path("platstdlib"), "lib-dynload"),
            "libdir": sysconfig.get_config_var("LIBDIR") or "",
            "shared": sysconfig.get_config_var("LDLIBRARY") if sysconfig.get_config_var("Py_ENABLE_SHARED") else None,
        }))
        """;

    private static HostPython Probe()
    {
        var python = Environment.GetEnvironmentVariable("SJG_TEST_PYTHON") is { Length: > 0 } configured ? configured : "python3";
        // Run from a neutral folder so a pyenv '.python-version' in the test's working directory cannot change the choice.
        var result = ProcessRun.RunChecked(python, ["-c", ProbeScript], workingDirectory: Path.GetTempPath());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        string Get(string key) => root.GetProperty(key).GetString()!;
        return new HostPython(
            Get("executable"), Get("base_prefix"), Get("version"), Get("full_version"), Get("stdlib"), Get("dynload"),
            Get("libdir"), root.GetProperty("shared").ValueKind == JsonValueKind.String ? Get("shared") : null);
    }
}
