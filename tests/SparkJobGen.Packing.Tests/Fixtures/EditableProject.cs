using System.IO;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>
/// A one-module project (<c>sjg_editable</c>) installed in development mode, and the files each editable
/// style leaves in site-packages. Shared by the venv and conda fixtures.
/// </summary>
public static class EditableProject
{
    /// <summary>The importable name of the project.</summary>
    public const string Module = "sjg_editable";

    /// <summary>The distribution name.</summary>
    public const string Name = "sjg-editable";

    /// <summary>The project's version.</summary>
    public const string Version = "0.1.0";

    /// <summary>Python that prints <c>editable &lt;path of the imported module&gt;</c>.</summary>
    public const string ImportCheck = "import sjg_editable; print(sjg_editable.hello())";

    /// <summary>Writes the project (<c>setup.py</c> and the module) into a folder.</summary>
    /// <param name="source">The folder; created when missing.</param>
    /// <returns>The folder.</returns>
    public static string WriteSource(string source)
    {
        Directory.CreateDirectory(Path.Combine(source, Module));
        File.WriteAllText(Path.Combine(source, Module, "__init__.py"), "def hello():\n    return \"editable \" + __file__\n");
        File.WriteAllText(Path.Combine(source, "setup.py"),
            $"from setuptools import setup\nsetup(name=\"{Name}\", version=\"{Version}\", packages=[\"{Module}\"])\n");
        return source;
    }

    /// <summary>
    /// The files pip installs from setuptools' PEP 660 editable wheel for a flat layout:
    /// <c>__editable__.sjg_editable-0.1.0.pth</c> naming the source folder, and a dist-info with
    /// <c>INSTALLER</c> (<c>pip</c>) and <c>direct_url.json</c> (<c>"dir_info": {"editable": true}</c>).
    /// </summary>
    /// <param name="source">The project folder.</param>
    /// <returns>The files, paths relative to site-packages.</returns>
    public static IReadOnlyList<PackageFile> Pep660Files(string source)
    {
        var distInfo = $"{Module}-{Version}.dist-info";
        var files = new List<PackageFile>
        {
            PackageFile.Text($"__editable__.{Module}-{Version}.pth", source + "\n"),
            PackageFile.Text($"{distInfo}/METADATA", $"Metadata-Version: 2.1\nName: {Name}\nVersion: {Version}\n\n"),
            PackageFile.Text($"{distInfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: setuptools (65.5.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"),
            PackageFile.Text($"{distInfo}/top_level.txt", Module + "\n"),
            PackageFile.Text($"{distInfo}/INSTALLER", "pip\n"),
            PackageFile.Text($"{distInfo}/REQUESTED", ""),
            PackageFile.Text($"{distInfo}/direct_url.json", $"{{\"dir_info\": {{\"editable\": true}}, \"url\": \"{new Uri(source).AbsoluteUri}\"}}"),
        };
        files.Add(PackageFile.Text($"{distInfo}/RECORD", WheelBuilder.Record(files, $"{distInfo}/RECORD")));
        return files;
    }

    /// <summary>
    /// The files <c>setup.py develop</c> leaves in site-packages: <c>sjg-editable.egg-link</c> (source folder,
    /// then the relative path back) and <c>easy-install.pth</c> naming the source folder.
    /// </summary>
    /// <param name="source">The project folder.</param>
    /// <returns>The files, paths relative to site-packages.</returns>
    public static IReadOnlyList<PackageFile> EggLinkFiles(string source) =>
    [
        PackageFile.Text($"{Name}.egg-link", source + "\n."),
        PackageFile.Text("easy-install.pth", source + "\n"),
    ];

    /// <summary>Writes files into site-packages.</summary>
    /// <param name="sitePackages">The site-packages folder.</param>
    /// <param name="files">The files.</param>
    /// <returns>The absolute paths written.</returns>
    public static IReadOnlyList<string> Write(string sitePackages, IEnumerable<PackageFile> files)
    {
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(sitePackages, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, file.Content);
            written.Add(path);
        }

        return written;
    }
}
