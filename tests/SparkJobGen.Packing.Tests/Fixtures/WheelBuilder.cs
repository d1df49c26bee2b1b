using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>One file to put in a wheel or an installed package.</summary>
/// <param name="Path">Archive-relative path with forward slashes (for example <c>sjg_demo_pkg/__init__.py</c>).</param>
/// <param name="Content">The file bytes.</param>
public sealed record PackageFile(string Path, byte[] Content)
{
    /// <summary>A UTF-8 text file.</summary>
    /// <param name="path">Archive-relative path.</param>
    /// <param name="text">The text.</param>
    /// <returns>The file.</returns>
    public static PackageFile Text(string path, string text) => new(path, Encoding.UTF8.GetBytes(text));
}

/// <summary>A wheel file built on this machine.</summary>
/// <param name="Name">The distribution name as written in METADATA (for example <c>sjg-demo-pkg</c>).</param>
/// <param name="Version">The version.</param>
/// <param name="Path">The absolute path of the <c>.whl</c> file.</param>
/// <param name="Files">The payload files (without the <c>.dist-info</c> folder).</param>
public sealed record LocalWheel(string Name, string Version, string Path, IReadOnlyList<PackageFile> Files)
{
    /// <summary>The name as used in file and folder names (PEP 427 escaping: runs of <c>-_.</c> become <c>_</c>).</summary>
    public string EscapedName => WheelBuilder.Escape(Name);

    /// <summary>The <c>.dist-info</c> folder the wheel installs into site-packages.</summary>
    public string DistInfo => $"{EscapedName}-{Version}.dist-info";
}

/// <summary>
/// Writes pure-python wheels by hand, following the wheel format (PEP 427 / the binary distribution format
/// spec): payload at the root, then <c>{name}-{version}.dist-info/</c> with <c>METADATA</c>, <c>WHEEL</c>,
/// optional <c>entry_points.txt</c>, and <c>RECORD</c> listing every file with its urlsafe-base64 SHA-256 and size.
/// No network and no build tool are needed, so the wheels install with <c>pip install --no-index --no-deps</c>.
/// </summary>
public static class WheelBuilder
{
    private static readonly DateTimeOffset Timestamp = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Builds a <c>py3-none-any</c> wheel.</summary>
    /// <param name="outputDirectory">Where to write the <c>.whl</c>.</param>
    /// <param name="name">The distribution name.</param>
    /// <param name="version">The version.</param>
    /// <param name="files">The payload files.</param>
    /// <param name="consoleScripts">Console script entry points (script name to <c>module:function</c>), or null.</param>
    /// <returns>The wheel.</returns>
    public static LocalWheel Build(
        string outputDirectory, string name, string version, IReadOnlyList<PackageFile> files,
        IReadOnlyDictionary<string, string>? consoleScripts = null)
    {
        var escaped = Escape(name);
        var distInfo = $"{escaped}-{version}.dist-info";
        var all = new List<PackageFile>(files)
        {
            PackageFile.Text($"{distInfo}/METADATA", $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: SparkJobGen packer test package\n\n"),
            PackageFile.Text($"{distInfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: sparkjobgen-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"),
        };
        if (consoleScripts is { Count: > 0 })
        {
            var entryPoints = new StringBuilder("[console_scripts]\n");
            foreach (var (script, target) in consoleScripts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                entryPoints.Append(script).Append(" = ").Append(target).Append('\n');
            }

            all.Add(PackageFile.Text($"{distInfo}/entry_points.txt", entryPoints.ToString()));
        }

        all.Add(PackageFile.Text($"{distInfo}/RECORD", Record(all, $"{distInfo}/RECORD")));
        Directory.CreateDirectory(outputDirectory);
        var path = System.IO.Path.Combine(outputDirectory, $"{escaped}-{version}-py3-none-any.whl");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var file in all)
            {
                var entry = zip.CreateEntry(file.Path, CompressionLevel.Optimal);
                entry.LastWriteTime = Timestamp;
                entry.ExternalAttributes = Convert.ToInt32("100644", 8) << 16;
                using var stream = entry.Open();
                stream.Write(file.Content);
            }
        }

        return new LocalWheel(name, version, path, files);
    }

    /// <summary>
    /// The text of a <c>RECORD</c> file: one <c>path,sha256=&lt;urlsafe-b64-nopad&gt;,size</c> line per file and
    /// <c>recordPath,,</c> for the record itself (it cannot hash itself).
    /// </summary>
    /// <param name="files">The files, paths relative to site-packages.</param>
    /// <param name="recordPath">The RECORD file's own path.</param>
    /// <returns>The RECORD content.</returns>
    public static string Record(IEnumerable<PackageFile> files, string recordPath)
    {
        var record = new StringBuilder();
        foreach (var file in files)
        {
            record.Append(file.Path).Append(",sha256=").Append(UrlSafeHash(file.Content)).Append(',').Append(file.Content.Length).Append('\n');
        }

        return record.Append(recordPath).Append(",,\n").ToString();
    }

    /// <summary>The urlsafe base64 SHA-256 without padding, as RECORD files store it.</summary>
    /// <param name="content">The bytes.</param>
    /// <returns>The hash text.</returns>
    public static string UrlSafeHash(byte[] content) =>
        Convert.ToBase64String(SHA256.HashData(content)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>PEP 427 file-name escaping of a distribution name.</summary>
    /// <param name="name">The distribution name.</param>
    /// <returns>The name with each run of <c>-</c>, <c>_</c> and <c>.</c> replaced by one underscore.</returns>
    public static string Escape(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name, "[-_.]+", "_");
}

/// <summary>The two small real packages the packer tests install: a library with a data file and a console script.</summary>
public static class DemoWheels
{
    /// <summary>The importable name of the library package.</summary>
    public const string PackageModule = "sjg_demo_pkg";

    /// <summary>The importable name of the CLI package.</summary>
    public const string CliModule = "sjg_demo_cli";

    /// <summary>The console script the CLI wheel declares.</summary>
    public const string CliScript = "sjg-demo";

    /// <summary>The version of both wheels.</summary>
    public const string Version = "0.1.0";

    /// <summary>What <c>sjg_demo_pkg.greeting("spark")</c> returns: it reads the package's data file.</summary>
    public const string ExpectedGreeting = "hello spark from sjg_demo_pkg data";

    /// <summary>
    /// Python that prints the library's greeting and where it was imported from; run it with <c>-c</c> and
    /// expect <see cref="ExpectedGreeting"/> on the first line.
    /// </summary>
    public const string ImportCheck = "import sjg_demo_pkg; print(sjg_demo_pkg.greeting('spark')); print(sjg_demo_pkg.__file__)";

    /// <summary>The library's files: a module with a function and a data file it reads at run time.</summary>
    public static IReadOnlyList<PackageFile> PackageFiles { get; } =
    [
        PackageFile.Text("sjg_demo_pkg/__init__.py", """
            "SparkJobGen packer test package: a function that reads a data file shipped in the package."
            from pathlib import Path

            __version__ = "0.1.0"


            def greeting(name):
                template = (Path(__file__).parent / "data" / "greeting.txt").read_text(encoding="utf-8").strip()
                return template.format(name=name)

            """),
        PackageFile.Text("sjg_demo_pkg/data/greeting.txt", "hello {name} from sjg_demo_pkg data\n"),
    ];

    /// <summary>
    /// The CLI's files. <c>sjg-demo a b</c> prints <c>sjg-demo a b</c>, then <c>prefix=&lt;sys.prefix&gt;</c>,
    /// so a relocation test sees where the interpreter thinks it lives.
    /// </summary>
    public static IReadOnlyList<PackageFile> CliFiles { get; } =
    [
        PackageFile.Text("sjg_demo_cli/__init__.py", "\"SparkJobGen packer test CLI.\"\n"),
        PackageFile.Text("sjg_demo_cli/main.py", """
            import sys


            def main():
                print(" ".join(["sjg-demo"] + sys.argv[1:]))
                print("prefix=" + sys.prefix)
                return 0

            """),
    ];

    /// <summary>Builds the <c>sjg-demo-pkg</c> wheel.</summary>
    /// <param name="outputDirectory">Where to write it.</param>
    /// <returns>The wheel.</returns>
    public static LocalWheel BuildPackage(string outputDirectory) =>
        WheelBuilder.Build(outputDirectory, "sjg-demo-pkg", Version, PackageFiles);

    /// <summary>Builds the <c>sjg-demo-cli</c> wheel with its <c>sjg-demo</c> console script.</summary>
    /// <param name="outputDirectory">Where to write it.</param>
    /// <returns>The wheel.</returns>
    public static LocalWheel BuildCli(string outputDirectory) =>
        WheelBuilder.Build(outputDirectory, "sjg-demo-cli", Version, CliFiles,
            new Dictionary<string, string> { [CliScript] = "sjg_demo_cli.main:main" });
}
