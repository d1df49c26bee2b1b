using System.Collections.Generic;
using System.IO;
using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class EnvironmentLocatorTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("sjg-locate-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string CondaPrefix(params string[] parts)
    {
        var prefix = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(Path.Combine(prefix, "conda-meta"));
        return prefix;
    }

    private static Func<string, string?> Vars(Dictionary<string, string> values) => k => values.GetValueOrDefault(k);

    [Fact]
    public void Prefix_detects_conda_and_venv_and_rejects_plain_folders()
    {
        var conda = CondaPrefix("c");
        var venv = Path.Combine(root, "v");
        Directory.CreateDirectory(venv);
        File.WriteAllText(Path.Combine(venv, "pyvenv.cfg"), "home = /usr/bin\n");
        Assert.Equal(new EnvironmentLocation(conda, EnvironmentKind.Conda), EnvironmentLocator.Resolve(conda + "/", null, Vars([]), root));
        Assert.Equal(EnvironmentKind.Venv, EnvironmentLocator.Resolve(venv, null, Vars([]), root).Kind);
        var plain = Directory.CreateDirectory(Path.Combine(root, "plain")).FullName;
        var error = Assert.Throws<EnvironmentNotFoundException>(() => EnvironmentLocator.Resolve(plain, null, Vars([]), root));
        Assert.Contains("pyvenv.cfg", error.Message);
        Assert.Throws<EnvironmentNotFoundException>(() => EnvironmentLocator.Resolve(Path.Combine(root, "missing"), null, Vars([]), root));
    }

    [Fact]
    public void Name_is_found_in_envs_folders_in_order_and_in_environments_txt()
    {
        var first = CondaPrefix("envspath", "job");
        CondaPrefix("mamba", "envs", "job");
        var onlyMamba = CondaPrefix("mamba", "envs", "other");
        var vars = Vars(new() { ["CONDA_ENVS_PATH"] = Path.Combine(root, "envspath"), ["MAMBA_ROOT_PREFIX"] = Path.Combine(root, "mamba") });
        Assert.Equal(first, EnvironmentLocator.Resolve(null, "job", vars, root).Prefix);
        Assert.Equal(onlyMamba, EnvironmentLocator.Resolve(null, "other", vars, root).Prefix);
        Assert.Equal(Path.Combine(root, "mamba"), EnvironmentLocator.FromPrefix(CondaPrefix("mamba")).Prefix);
        Assert.Equal(Path.Combine(root, "mamba"), EnvironmentLocator.Resolve(null, "base", vars, root).Prefix);

        var elsewhere = CondaPrefix("somewhere", "registered");
        Directory.CreateDirectory(Path.Combine(root, ".conda"));
        File.WriteAllText(Path.Combine(root, ".conda", "environments.txt"), elsewhere + "\n");
        Assert.Equal(elsewhere, EnvironmentLocator.Resolve(null, "registered", Vars([]), root).Prefix);
        var error = Assert.Throws<EnvironmentNotFoundException>(() => EnvironmentLocator.Resolve(null, "nope", Vars([]), root));
        Assert.Contains("-p/--prefix", error.Message);
    }

    [Fact]
    public void Active_environment_is_the_default_and_its_root_envs_folder_is_searched()
    {
        var active = CondaPrefix("miniconda", "envs", "current");
        var sibling = CondaPrefix("miniconda", "envs", "sibling");
        var vars = Vars(new() { ["CONDA_PREFIX"] = active });
        Assert.Equal(active, EnvironmentLocator.Resolve(null, null, vars, root).Prefix);
        Assert.Equal(sibling, EnvironmentLocator.Resolve(null, "sibling", vars, root).Prefix);
        Assert.Throws<EnvironmentNotFoundException>(() => EnvironmentLocator.Resolve(null, null, Vars([]), root));
        Assert.Throws<ArgumentException>(() => EnvironmentLocator.Resolve(active, "x", vars, root));
    }
}
