using System.Text;

namespace SparkJobGen.Tests.Submission.Launcher;

/// <summary>
/// A small Java program run with the machine's real JVM (Java 17, single-file source launch), used as the independent
/// reference for how spark-submit's JVM sees an argument: how the JVM decodes argv bytes under a locale, and how
/// <c>java.net.URI</c>/<c>java.io.File</c> read a resource the way Spark's resolution steps do (each step is cited where
/// the probe mirrors it; the parsing itself is the JDK's, not ours).
/// </summary>
internal static class JavaLauncherProbe
{
    private const string Source = """
        import java.io.File;
        import java.net.URI;
        import java.net.URISyntaxException;
        import java.nio.charset.StandardCharsets;

        public class LauncherProbe {
            // Spark 3.5.1 common/utils/src/main/scala/org/apache/spark/util/SparkFileUtils.scala:33 (resolveURI), also
            // Spark 3.1.1 core/src/main/scala/org/apache/spark/util/Utils.scala:2040: parse with java.net.URI, keep a URI
            // with a scheme, keep a fragment of a scheme-less path, else fall back to File.getCanonicalFile().toURI().
            static URI resolveURI(String path) throws Exception {
                try {
                    URI uri = new URI(path);
                    if (uri.getScheme() != null) return uri;
                    if (uri.getFragment() != null) {
                        URI absolute = new File(uri.getPath()).getAbsoluteFile().toURI();
                        return new URI(absolute.getScheme(), absolute.getHost(), absolute.getPath(), uri.getFragment());
                    }
                } catch (URISyntaxException e) {
                }
                return new File(path).getCanonicalFile().toURI();
            }

            static String hex(String s) {
                StringBuilder b = new StringBuilder();
                for (byte x : s.getBytes(StandardCharsets.UTF_8)) b.append(String.format("%02x", x & 0xff));
                return b.toString();
            }

            public static void main(String[] args) throws Exception {
                String mode = args[0];
                for (int i = 1; i < args.length; i++) {
                    if (mode.equals("argv")) {
                        System.out.println(hex(args[i]));
                    } else if (mode.equals("resolve")) {
                        // --archives/--files/--py-files values are split on ',' before each is resolved
                        // (Utils.resolveURIs, Spark 3.5.1 core/src/main/scala/org/apache/spark/util/Utils.scala:1967).
                        for (String part : args[i].split(",")) {
                            URI uri = resolveURI(part);
                            String link = uri.getFragment() != null ? uri.getFragment() : new File(uri.getPath()).getName();
                            System.out.println(hex(uri.getScheme()) + " " + hex(uri.getPath()) + " " + hex(link));
                        }
                    } else if (mode.equals("script")) {
                        // PythonRunner.formatPath, Spark 3.5.1 core/src/main/scala/org/apache/spark/deploy/PythonRunner.scala:118-127:
                        // a file: (or local:) URI becomes uri.getPath, a scheme-less path stays as written.
                        URI uri;
                        try { uri = new URI(args[i]); } catch (URISyntaxException e) { uri = new File(args[i]).toURI(); }
                        String scheme = uri.getScheme();
                        String path = scheme == null ? args[i] : (scheme.equals("file") || scheme.equals("local")) ? uri.getPath() : "";
                        System.out.println(hex(path));
                    }
                }
            }
        }
        """;

    private static readonly Lazy<string> SourceFile = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), "sjg-launcher-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "LauncherProbe.java");
        File.WriteAllText(path, Source);
        return path;
    });

    /// <summary>The probe's source file (for a stand-in spark-submit that runs it).</summary>
    public static string SourcePath => SourceFile.Value;

    /// <summary>The java executable: <c>$JAVA_HOME/bin/java</c> or <c>java</c> on PATH.</summary>
    public static string Java =>
        Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } home && File.Exists(Path.Combine(home, "bin", "java")) ? Path.Combine(home, "bin", "java") : "java";

    /// <summary>Decodes the probe's output: one UTF-8 hex string per line (space-separated fields).</summary>
    public static string[][] Decode(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => line.Trim().Split(' ').Select(static field => Encoding.UTF8.GetString(Convert.FromHexString(field))).ToArray())
            .ToArray();

    /// <summary>Runs the probe in a mode with the given arguments (under a UTF-8 locale) and returns its decoded lines.</summary>
    public static string[][] Run(string mode, params string[] arguments) =>
        RunUnder(new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" }, mode, arguments);

    /// <summary>Runs the probe with these environment changes (null removes a variable) and returns its decoded lines.</summary>
    public static string[][] RunUnder(IReadOnlyDictionary<string, string?> environment, string mode, params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo(Java) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[SourcePath, mode, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the Java probe failed ({process.ExitCode}): {stderr.Result}");
        return Decode(stdout.Result);
    }
}
