using System.Diagnostics;
using System.IO;
using System.Text;
using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class ShebangTests
{
    private static string Run(string text, string prefix, string? dest) =>
        Encoding.UTF8.GetString(Shebang.Rewrite(Encoding.UTF8.GetBytes(text), prefix, dest));

    [Fact]
    public void Relocatable_env_line_short_substitution_and_untouched_scripts()
    {
        Assert.Equal("#!/usr/bin/env python3.11 -E\nprint(1)\n", Run("#!/build/env/bin/python3.11 -E\nprint(1)\n", "/build/env", null));
        Assert.Equal("#!/opt/e/bin/python\nx\n", Run("#!/build/env/bin/python\nx\n", "/build/env", "/opt/e"));
        Assert.Equal("#!/usr/bin/python\nx\n", Run("#!/usr/bin/python\nx\n", "/build/env", null));
        Assert.Equal("no shebang", Run("no shebang", "/build/env", null));
    }

    [Fact]
    public void Long_destination_uses_the_sh_exec_trick_and_really_runs()
    {
        var dir = Directory.CreateTempSubdirectory("sjg-shebang-").FullName;
        try
        {
            var deep = Path.Combine(dir, new string('d', 70), "with space", new string('e', 60));
            Directory.CreateDirectory(Path.Combine(deep, "bin"));
            File.CreateSymbolicLink(Path.Combine(deep, "bin", "python3"), "/usr/bin/env");
            var script = Path.Combine(dir, "tool");
            // The symlinked "interpreter" is env(1): running 'env python3 tool' proves the exec line ran.
            File.WriteAllText(script, Run("#!/build/env/bin/python3 python3\nimport sys; print('ran', sys.argv[1])\n", "/build/env", deep));
            Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(script));
            using (var chmod = Process.Start("chmod", ["755", script])) { chmod.WaitForExit(); }
            var process = Process.Start(new ProcessStartInfo(script, "ok") { RedirectStandardOutput = true })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal("ran ok\n", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
