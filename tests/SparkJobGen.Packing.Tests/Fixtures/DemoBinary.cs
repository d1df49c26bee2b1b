using System.IO;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>The compiled parts of the <c>demo-binary</c> conda package, as they sit in the package (placeholder inside).</summary>
/// <param name="Executable">The <c>demo-binary</c> ELF program.</param>
/// <param name="Library">The <c>libdemo.so.1</c> shared library it loads through the <c>libdemo.so</c> symlink.</param>
public sealed record DemoBinaryBuild(string Executable, string Library)
{
    /// <summary>
    /// Compiles the program with g++. It embeds <c>&lt;placeholder&gt;/share/demo-binary</c> as one NUL-terminated
    /// string, prints it as <c>data=...</c>, then prints <c>library=libdemo.so.1</c> from the shared library it
    /// finds through <c>RUNPATH $ORIGIN/../lib</c> and the <c>lib/libdemo.so</c> symlink (its <c>NEEDED</c> entry),
    /// so running a relocated copy proves the binary rewrite and the symlink both survived.
    /// </summary>
    /// <param name="folder">A scratch folder for sources and outputs.</param>
    /// <param name="placeholder">The build prefix to embed.</param>
    /// <returns>The built files.</returns>
    public static DemoBinaryBuild Compile(string folder, string placeholder)
    {
        Directory.CreateDirectory(folder);
        var librarySource = Path.Combine(folder, "libdemo.cpp");
        File.WriteAllText(librarySource, "extern \"C\" const char* sjg_demo_library() { return \"libdemo.so.1\"; }\n");
        var programSource = Path.Combine(folder, "main.cpp");
        File.WriteAllText(programSource, $$"""
            #include <cstdio>

            extern "C" const char* sjg_demo_library();

            // A compiled-in install path, the way configure-time prefixes end up in binaries.
            static const char data_dir[] = "{{placeholder}}/share/demo-binary";

            int main()
            {
                std::printf("data=%s\n", data_dir);
                std::printf("library=%s\n", sjg_demo_library());
                return 0;
            }

            """);
        var library = Path.Combine(folder, "libdemo.so.1");
        // No -soname: the program then records the link-time name 'libdemo.so' (the symlink) as NEEDED.
        ProcessRun.RunChecked("g++", ["-O0", "-shared", "-fPIC", "-o", library, librarySource], folder);
        var link = Path.Combine(folder, "libdemo.so");
        File.CreateSymbolicLink(link, "libdemo.so.1");
        var executable = Path.Combine(folder, "demo-binary");
        ProcessRun.RunChecked("g++", ["-O0", "-o", executable, programSource, "-L" + folder, "-ldemo", "-Wl,-rpath,$ORIGIN/../lib"], folder);
        File.Delete(link);
        return new DemoBinaryBuild(executable, library);
    }

    /// <summary>What the program prints when its embedded prefix is <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The prefix the binary was installed or relocated to.</param>
    /// <returns>The expected standard output.</returns>
    public static string ExpectedOutput(string prefix) => $"data={prefix}/share/demo-binary\nlibrary=libdemo.so.1\n";
}
