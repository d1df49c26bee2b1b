namespace SparkJobGen.IntegrationTests;

/// <summary>
/// The README's first command, for real: <c>dotnet run --project samples/CustomerScoring</c> creates the reporting job's
/// environment (the venv route: it declares only Python), packs it, verifies the archive and runs the job on the embedded local
/// default (a local container run here, where Spark is absent), with the packed interpreter and the typed arguments.
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class SampleRunTests
{
    [Fact]
    public void Readme_first_command_runs_the_job_with_the_packed_environment_then_reuses_environment_and_archive()
    {
        var cache = Path.Combine(Path.GetTempPath(), "sjg-sample-cache-" + Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string> { ["SPARKJOBGEN_CACHE"] = cache, ["SPARK_HOME"] = "", ["CI"] = "1" };
        try
        {
            var (exitCode, first) = DotnetCli.Run(RepositoryLayout.Sample, environment, "run", "-c", "Debug");
            Assert.True(exitCode == 0, first);
            Assert.Contains("[done] environment: created", first, StringComparison.Ordinal);
            Assert.Contains("Customer summary for 2026-11-24 (weekly \"ops\" review)", first, StringComparison.Ordinal);
            Assert.Matches(@"engine=python python=3\.\d+\.\d+ executable=\S+/environment/bin/python", first);
            Assert.Contains("Enterprise   customers=3    lifetime_value=266000.85", first, StringComparison.Ordinal);
            Assert.Contains("local-container: Succeeded (exit code 0)", first, StringComparison.Ordinal);
            var archive = Directory.GetFiles(Path.Combine(cache, "packs"), "reporting.tar.gz", SearchOption.AllDirectories).Single();
            using (var gzip = System.Diagnostics.Process.Start("gzip", ["-t", archive])!)
            {
                gzip.WaitForExit();
                Assert.Equal(0, gzip.ExitCode);
            }

            var (again, second) = DotnetCli.Run(RepositoryLayout.Sample, environment, "run", "-c", "Debug", "--no-build");
            Assert.True(again == 0, second);
            Assert.Contains("[done] environment: reused", second, StringComparison.Ordinal);
            Assert.Contains("(cached)", second, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }
}
