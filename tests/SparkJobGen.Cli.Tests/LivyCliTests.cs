using System.Net;
using System.Text;
using System.Text.Json;
using SparkJobGen.Tests;
using SparkJobGen.Tests.Submission.Livy;

namespace SparkJobGen.Cli.Tests;

/// <summary><c>submit --livy</c> as a real process against the Livy contract server.</summary>
public sealed class LivyCliTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-cli-livy");
    private readonly string _assembly;

    public LivyCliTests()
    {
        _assembly = ProbeAssembly.LayOut(_work);
    }

    public void Dispose() => _work.Dispose();

    private string[] Submit(LivyContractServer server, params string[] more) =>
        ["submit", "probe-job", "--assembly", _assembly, "--livy", server.BaseUri.AbsoluteUri, "--master", "yarn", "--deploy-mode", "cluster",
            "--archive", "hdfs:///envs/probe.tar.gz", "--script", "hdfs:///jobs/probe_job.py", .. more];

    // Livy fails a request whose list fields are null with 500 (server/.../batch/CreateBatchRequest.scala:24-37,
    // sessions/Session.scala:85-102, JsonServlet.scala:64-66); the dry run prints the body the client posts.
    [Fact]
    public async Task The_dry_run_prints_a_body_livy_accepts_as_printed()
    {
        using var server = new LivyContractServer();

        var (code, stdout, stderr) = await CliProcess.RunAsync(null, Submit(server, "--dry-run", "--", "--input", "x"));

        Assert.True(code == 0, stderr);
        var body = stdout.Trim();
        Assert.DoesNotContain("null", body);
        Assert.Equal("cluster", JsonDocument.Parse(body).RootElement.GetProperty("conf").GetProperty("spark.submit.deployMode").GetString());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "batches")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Requested-By", "curl");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(server.Violations);
    }

    // The tool masks secret-looking shapes in everything it prints ("--password X", "password: X"); its own hints name the
    // credential flags and must reach the user whole, exactly when the credentials are the problem.
    [Fact]
    public async Task Credential_hints_name_the_flags_unmasked_and_never_the_secret()
    {
        using var server = new LivyContractServer(expectedAuthorization: "Bearer the-right-one");

        var refused = await CliProcess.RunAsync(null, Submit(server, "--livy-token", "wrong-token-123"));
        var noPassword = await CliProcess.RunAsync(new Dictionary<string, string?> { ["SPARKJOBGEN_LIVY_PASSWORD"] = null }, Submit(server, "--livy-user", "bob"));

        Assert.Equal(6, refused.ExitCode);
        Assert.Contains("401", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("check the token (--livy-token, LivyAuthentication.Bearer), or the user and password (--livy-user and --livy-password, LivyAuthentication.Basic).", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-123", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, noPassword.ExitCode);
        Assert.Contains("--livy-user needs a password, from --livy-password, or the SPARKJOBGEN_LIVY_PASSWORD variable.", noPassword.Stderr, StringComparison.Ordinal);
    }

    // Livy refuses a name held by a batch it still tracks (server/.../sessions/SessionManager.scala:102-110).
    [Fact]
    public async Task Two_submissions_of_a_job_get_distinct_names_shown_in_the_output()
    {
        using var server = new LivyContractServer { States = ["running", "success"] };

        var first = await CliProcess.RunAsync(null, Submit(server, "--json"));
        var second = await CliProcess.RunAsync(null, Submit(server));

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Empty(server.Violations);
        Assert.Equal(2, server.CreatedNames.Distinct().Count());
        Assert.Equal(server.CreatedNames[0], JsonDocument.Parse(first.Stdout).RootElement.GetProperty("submission").GetProperty("applicationName").GetString());
        Assert.Contains($"Livy batch '{server.CreatedNames[1]}'", second.Stdout + second.Stderr);

        var named = await CliProcess.RunAsync(null, Submit(server, "--name", "probe-nightly"));
        var duplicate = await CliProcess.RunAsync(null, Submit(server, "--name", "probe-nightly"));
        Assert.Equal(0, named.ExitCode);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("Duplicate session name", duplicate.Stderr);
        Assert.DoesNotContain("   at ", duplicate.Stderr);
    }
}

/// <summary><c>env create --pip-arg</c> with a conda-family tool.</summary>
public sealed class PipArgCliTests : IDisposable
{
    private readonly TempDirectory _work = new("sjg-cli-pip");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task A_pip_option_conda_cannot_pass_on_exits_4_before_the_tool_runs()
    {
        var yaml = _work.WriteFile("environment.yaml", "name: probe\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - sjg-probe==1.0\n");
        // The tool would leave this marker if it ran.
        var tool = _work.WriteFile("bin/conda", "#!/bin/sh\ntouch \"$(dirname \"$0\")/ran\"\nexit 1\n", executable: true);

        var (code, _, stderr) = await CliProcess.RunAsync(
            null, "env", "create", yaml, "--tool", "conda", "--tool-path", tool, "--cache-dir", _work.Combine("cache"), "--pip-arg=--no-index", "--pip-arg=--user");

        Assert.Equal(4, code);
        Assert.Contains("'--user' cannot be used with conda", stderr);
        Assert.False(File.Exists(_work.Combine("bin", "ran")));
    }
}
