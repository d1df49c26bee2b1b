using System.IO;
using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Fixtures;

public sealed class VenvFixtureTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    [Fact]
    public void Venv_imports_the_installed_wheel_and_reads_its_data_file()
    {
        var lines = venv.RunPython("-c", DemoWheels.ImportCheck).StandardOutput.Split('\n');
        Assert.Equal(DemoWheels.ExpectedGreeting, lines[0]);
        Assert.Equal(Path.Combine(venv.SitePackages, "sjg_demo_pkg", "__init__.py"), lines[1]);
        Assert.True(File.Exists(Path.Combine(venv.SitePackages, "sjg_demo_pkg", "data", "greeting.txt")));
    }

    [Fact]
    public void Console_script_runs_with_the_venv_interpreter()
    {
        Assert.StartsWith($"#!{venv.Prefix}/bin/python", File.ReadLines(venv.ConsoleScript).First());
        var output = ProcessRun.RunChecked(venv.ConsoleScript, ["a", "b"]).StandardOutput;
        Assert.Equal($"sjg-demo a b\nprefix={venv.Prefix}\n", output);
    }

    [Fact]
    public void Layout_is_a_symlinked_venv_over_this_machines_python()
    {
        Assert.Equal(EnvironmentKind.Venv, EnvironmentLocator.FromPrefix(venv.Prefix).Kind);
        Assert.Equal(HostPython.Current.BasePrefix, venv.BasePrefix);
        Assert.NotEqual(venv.Prefix, venv.BasePrefix);
        Assert.NotNull(new FileInfo(Path.Combine(venv.Prefix, "bin", $"python{venv.PythonVersion}")).LinkTarget);
        Assert.Contains("include-system-site-packages = false", File.ReadAllText(Path.Combine(venv.Prefix, "pyvenv.cfg")));
        // pip recorded what it installed, and says so.
        var distInfo = Path.Combine(venv.SitePackages, venv.Wheels[0].DistInfo);
        Assert.Equal("pip", File.ReadAllText(Path.Combine(distInfo, "INSTALLER")).Trim());
        Assert.Contains("sjg_demo_pkg/data/greeting.txt,sha256=", File.ReadAllText(Path.Combine(distInfo, "RECORD")));
        Assert.Null(venv.EditableSource);
    }
}

public sealed class CopiesVenvFixtureTests(CopiesVenvFixture venv) : IClassFixture<CopiesVenvFixture>
{
    [Fact]
    public void Interpreter_is_a_copy_and_still_runs_the_wheels()
    {
        var binary = new FileInfo(Path.Combine(venv.Prefix, "bin", $"python{venv.PythonVersion}"));
        Assert.Null(binary.LinkTarget);
        Assert.True(binary.Length > 0);
        Assert.True(venv.Options.Copies);
        Assert.Equal(DemoWheels.ExpectedGreeting, venv.RunPython("-c", DemoWheels.ImportCheck).StandardOutput.Split('\n')[0]);
        Assert.StartsWith("sjg-demo\n", ProcessRun.RunChecked(venv.ConsoleScript, []).StandardOutput);
    }
}

public sealed class EditableVenvFixtureTests(EditableVenvFixture venv) : IClassFixture<EditableVenvFixture>
{
    [Fact]
    public void Setup_py_develop_leaves_an_egg_link_and_imports_from_the_source_folder()
    {
        Assert.NotNull(venv.EditableSource);
        Assert.False(venv.EditableSource!.StartsWith(venv.Prefix, StringComparison.Ordinal));
        var eggLink = Path.Combine(venv.SitePackages, "sjg-editable.egg-link");
        Assert.Equal(venv.EditableSource, File.ReadLines(eggLink).First());
        Assert.Contains(venv.EditableSource, File.ReadAllText(Path.Combine(venv.SitePackages, "easy-install.pth")));
        var output = venv.RunPython("-c", "import sjg_editable; print(sjg_editable.hello())").StandardOutput.Trim();
        Assert.Equal($"editable {Path.Combine(venv.EditableSource, "sjg_editable", "__init__.py")}", output);
    }
}

public sealed class Pep660EditableVenvFixtureTests
{
    [Fact]
    public void Editable_pth_and_direct_url_make_the_source_importable_and_dispose_removes_everything()
    {
        string root;
        using (var venv = VenvFixture.Create(new VenvOptions(InstallDemoWheels: false, Editable: EditableInstall.Pep660)))
        {
            root = venv.Root;
            Assert.Empty(venv.Wheels);
            var pth = Path.Combine(venv.SitePackages, "__editable__.sjg_editable-0.1.0.pth");
            Assert.Equal(venv.EditableSource + "\n", File.ReadAllText(pth));
            var directUrl = File.ReadAllText(Path.Combine(venv.SitePackages, "sjg_editable-0.1.0.dist-info", "direct_url.json"));
            Assert.Contains("\"dir_info\": {\"editable\": true}", directUrl);
            // importlib.metadata reads the hand-made dist-info like any pip install.
            var output = venv.RunPython("-c", """
                import importlib.metadata as m, json, sjg_editable
                d = m.distribution("sjg-editable")
                print(d.version, json.loads(d.read_text("direct_url.json"))["dir_info"]["editable"], d.read_text("INSTALLER").strip())
                print(sjg_editable.hello())
                """).StandardOutput;
            Assert.Equal($"0.1.0 True pip\neditable {venv.EditableSource}/sjg_editable/__init__.py\n", output);
            Assert.Equal(1, ProcessRun.Run(venv.PythonPath, ["-c", "import sjg_demo_pkg"]).ExitCode);
        }

        Assert.False(Directory.Exists(root));
    }
}
