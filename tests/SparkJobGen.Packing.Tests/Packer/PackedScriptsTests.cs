using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// The scripts the packer adds (conda-unpack, activate, deactivate, activate.fish) are files in
/// src/SparkJobGen/Packing/Relocation/Scripts, embedded as they are: each parses with its own interpreter, and what the
/// packer writes is those files' bytes.
/// </summary>
public sealed class PackedScriptsTests
{
    private static string ScriptsFolder([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "..", "src", "SparkJobGen", "Packing", "Relocation", "Scripts"));

    public static TheoryData<string, string, string> Linters => new()
    {
        { "conda-unpack.py", "python3", "import ast, sys; ast.parse(open(sys.argv[1], 'rb').read(), sys.argv[1])" },
        { "activate.sh", "dash", "-n" },
        { "activate.sh", "bash", "-n" },
        { "deactivate.sh", "dash", "-n" },
        { "deactivate.sh", "bash", "-n" },
        { "activate.fish", "fish", "-n" },
    };

    [SkippableTheory]
    [MemberData(nameof(Linters))]
    public void Each_script_parses_with_its_interpreter(string script, string interpreter, string check)
    {
        Skip.If(ProcessRun.Run("sh", ["-c", "command -v " + interpreter]).ExitCode != 0, interpreter + " is not installed");
        var file = Path.Combine(ScriptsFolder(), script);
        List<string> arguments = interpreter == "python3" ? ["-c", check, file] : [check, file];
        var run = ProcessRun.Run(interpreter, arguments);
        Assert.True(run.ExitCode == 0, $"{interpreter} {string.Join(' ', arguments)}: {run.StandardError}");
    }

    [Fact]
    public void The_packer_writes_the_script_files_as_they_are()
    {
        var folder = ScriptsFolder();
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "activate.sh")), UnpackScripts.Activate().ToArray());
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "deactivate.sh")), UnpackScripts.Deactivate().ToArray());
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "activate.fish")), UnpackScripts.ActivateFish().ToArray());

        // conda-unpack: the file with its empty record array filled and its version placeholder replaced.
        using var log = new UnpackRecordLog();
        using var script = UnpackScripts.CondaUnpack(log, "1.2.3");
        var packed = new StreamReader(script).ReadToEnd();
        var expected = File.ReadAllText(Path.Combine(folder, "conda-unpack.py")).Replace("@SPARKJOBGEN_VERSION@", "1.2.3");
        Assert.Equal(expected, packed);
    }
}
