using SparkJobGen.Generated;
using SparkJobGen.Tests;

// This test assembly declares a job the way the generator does, so `--assembly <copy of this dll>` exercises job discovery
// through System.Reflection.Metadata for real.
[assembly: GeneratedSparkEnvironment("probe", SparkJobGen.Cli.Tests.ProbeAssembly.Yaml)]
[assembly: GeneratedSparkJob("probe-job", "probe", "jobs/probe_job.py", "SparkJobGen.Cli.Tests.ProbeJob")]
[assembly: GeneratedSparkJob("other-job", "probe", "jobs/other_job.py", "SparkJobGen.Cli.Tests.OtherJob")]

// A cluster glibc floor older than anything this machine's binaries need, so the preflight refuses a local archive holding
// one of them; read from the copied dll's metadata by the tool.
[assembly: SparkJobGen.ClusterGlibc("2.1")]

namespace SparkJobGen.Cli.Tests;

/// <summary>Lays out an "application output folder": a copy of this assembly plus sparkjobs/probe/{environment.yaml, jobs/*.py}.</summary>
internal static class ProbeAssembly
{
    public const string Yaml = "name: probe\nchannels:\n  - conda-forge\ndependencies:\n  - python=3\n  - pip\n  - pip:\n      - sjg-probe==1.0\n";

    public const string Script = """
        import json, os, sys
        import sjg_probe
        print(json.dumps({"value": sjg_probe.VALUE, "argv": sys.argv[1:], "pyspark_python": os.environ.get("PYSPARK_PYTHON")}))
        """;

    public static string LayOut(TempDirectory directory)
    {
        var dll = directory.Combine("app", "ProbeApp.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.Copy(typeof(ProbeAssembly).Assembly.Location, dll);
        directory.WriteFile("app/sparkjobs/probe/environment.yaml", Yaml);
        directory.WriteFile("app/sparkjobs/probe/jobs/probe_job.py", Script + "\n");
        return dll;
    }
}
