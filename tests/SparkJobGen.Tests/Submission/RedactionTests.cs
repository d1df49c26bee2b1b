using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// Secrets are masked structurally on every output path of the runtime: marked values (sensitive job parameters,
/// <c>WithSecretConf</c>), conf keys matched by Spark's own redaction default plus cloud credential keys, secret-looking
/// flag-value pairs and environment variable names, in the runner's streamed output and logs and the Livy error path.
/// </summary>
public sealed class RedactionTests : IDisposable
{
    // Shaped like the real thing: an Azure storage account key is 64 bytes of base64 (with '+', '/' and '=' padding).
    private const string AzureKey = "q1w2E3r4T5y6U7i8O9p0+a/sDfGhJkLzXcVbNm1234567890qwertyuiopASDFGH==";
    private const string GcsPrivateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    private const string SessionToken = "FwoGZXIvYXdzEJr//////////wEaDNQxSession";
    private const string JdbcPassword = "jdbc-pw-7f3e9a";
    private const string DbPass = "db-pass-c0ffee";
    private const string AppMasterSecret = "am-env-k3y-9z";
    private const string ParameterSecret = "S3CR3T-param-value";

    private readonly SparkSubmitStandIn _standIn = new();
    private readonly TempDirectory _work = new("sjg-redaction");
    private readonly string _archive;
    private readonly string _script;

    public RedactionTests()
    {
        _archive = _work.WriteFile("analytics.tar.gz", "not an archive; spark-submit is a stand-in\n");
        _script = _work.WriteFile("jobs/score_customers.py", "print('hi')\n");
    }

    public void Dispose()
    {
        _standIn.Dispose();
        _work.Dispose();
    }

    /// <summary>Keys that hold credentials in Hadoop's cloud connectors and Spark; none is in the pre-issue keyword list's reach for all of them.</summary>
    [Theory]
    [InlineData("spark.hadoop.fs.azure.account.key.myaccount.blob.core.windows.net")] // hadoop-azure: fs.azure.account.key.<account>.blob.core.windows.net
    [InlineData("spark.hadoop.fs.azure.account.key.myaccount.dfs.core.windows.net")]
    [InlineData("spark.hadoop.fs.azure.sas.container.myaccount.blob.core.windows.net")]
    [InlineData("spark.hadoop.fs.gs.auth.service.account.private.key")]
    [InlineData("spark.hadoop.fs.gs.auth.service.account.private.key.id")]
    [InlineData("spark.hadoop.fs.s3a.session.token")]
    [InlineData("spark.hadoop.fs.s3a.bucket.logs.session.token")]
    [InlineData("spark.hadoop.fs.s3a.encryption.key")]
    [InlineData("spark.sql.catalog.pg.options.password")]
    [InlineData("spark.executorEnv.DB_PASS")]
    [InlineData("spark.executorEnv.MYSQL_PWD")]
    [InlineData("spark.yarn.appMasterEnv.AZURE_STORAGE_KEY")]
    [InlineData("spark.kubernetes.driverEnv.GITHUB_TOKEN")]
    [InlineData("spark.yarn.appMasterEnv.AWS_SECRET_ACCESS_KEY")]
    [InlineData("--password")]
    [InlineData("--db-pass")]
    [InlineData("DB_PASS")]
    public void Credential_keys_are_secret(string key) => Assert.True(SecretRedactor.IsSecretKey(key), key);

    [Theory]
    [InlineData("spark.sql.shuffle.partitions")]
    [InlineData("spark.pyspark.python")]
    [InlineData("spark.yarn.appMasterEnv.PYSPARK_PYTHON")]
    [InlineData("spark.executorEnv.PASSAGE_ID")]
    [InlineData("spark.executorEnv.MONKEY_COUNT")]
    [InlineData("spark.kubernetes.container.image")]
    [InlineData("--input")]
    [InlineData("--sort-key")]
    [InlineData("PWD")]
    [InlineData("spark.executorEnv.PWD")]
    public void Ordinary_keys_are_not(string key) => Assert.False(SecretRedactor.IsSecretKey(key), key);

    /// <summary>
    /// Spark's own default, <c>(?i)secret|password|token|access[.]key</c> (Spark 3.5.1,
    /// core/src/main/scala/org/apache/spark/internal/config/package.scala line 1158): every key it matches is secret here too,
    /// and, as Spark's Utils.redact does (core/src/main/scala/org/apache/spark/util/Utils.scala line 2716), a value it matches is masked whole.
    /// </summary>
    [Fact]
    public void Spark_default_redaction_regex_is_included_for_keys_and_values()
    {
        var spark = new System.Text.RegularExpressions.Regex("(?i)secret|password|token|access[.]key");
        string[] keys = ["spark.ssl.keyStorePassword", "spark.authenticate.secret", "spark.hadoop.fs.s3a.access.key", "x.TOKEN.y", "spark.yarn.appMasterEnv.SECRET"];
        Assert.All(keys, key => Assert.True(spark.IsMatch(key) && SecretRedactor.IsSecretKey(key), key));

        var redactor = new SecretRedactor().AddFromConf([new("spark.driver.extraJavaOptions", "-Djavax.net.ssl.trustStorePassword=changeit -Xmx1g")]);
        Assert.Equal("opts: ***", redactor.Redact("opts: -Djavax.net.ssl.trustStorePassword=changeit -Xmx1g"));
    }

    [Fact]
    public void Spark_redaction_regex_in_the_conf_and_added_patterns_extend_the_rules()
    {
        var redactor = new SecretRedactor().AddFromSparkArguments(
            ["--conf", "spark.myapp.dsn=postgres-dsn-value", "--conf", "spark.redaction.regex=(?i)dsn", "job.py"]);
        Assert.Equal("dsn is ***", redactor.Redact("dsn is postgres-dsn-value"));
        Assert.True(redactor.IsSecret("spark.myapp.dsn"));
        Assert.False(SecretRedactor.IsSecretKey("spark.myapp.dsn"));

        var custom = new SecretRedactor().AddKeyPattern(@"\.connection$").AddKeyPattern("((unbalanced");
        Assert.Equal("spark.x.connection=***", custom.Redact("spark.x.connection=host-and-pw"));
    }

    [Fact]
    public void Flag_value_pairs_are_masked_as_two_arguments_as_one_and_in_text()
    {
        string[] argv = ["--master", "yarn", "--keytab", "/etc/etl.keytab", "job.py", "--password", "S3CR3T-two-args", "--api-key=K3Y-one-arg", "--input", "hdfs:///x"];
        var redactor = new SecretRedactor().AddFromSparkArguments(argv);

        Assert.Equal(
            ["--master", "yarn", "--keytab", "***", "job.py", "--password", "***", "--api-key=***", "--input", "hdfs:///x"],
            redactor.RedactArguments(argv));
        Assert.Equal("child saw *** and ***", redactor.Redact("child saw S3CR3T-two-args and K3Y-one-arg"));

        // Text the redactor never saw as an argv: a usage line, a JSON array of arguments.
        var fresh = new SecretRedactor();
        Assert.Equal("running job.py --password *** --input x", fresh.Redact("running job.py --password hunter22 --input x"));
        Assert.Equal("{\"args\":[\"--db-pass\",\"***\",\"--input\",\"x\"]}", fresh.Redact("{\"args\":[\"--db-pass\",\"pw-in-json\",\"--input\",\"x\"]}"));
        Assert.Equal("jdbc:postgresql://etl:***@db:5432/x", fresh.Redact("jdbc:postgresql://etl:pg-url-pw@db:5432/x"));
    }

    [Fact]
    public void Secrets_are_masked_in_their_json_escaped_form_too()
    {
        var redactor = new SecretRedactor([AzureKey]);
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["note"] = "key " + AzureKey });
        Assert.Contains("\\u002B", json, StringComparison.Ordinal); // the serializer escapes '+', so the raw value is not in the text
        Assert.DoesNotContain("q1w2E3r4", redactor.Redact(json), StringComparison.Ordinal);
    }

    [Fact]
    public void Sensitive_parameters_and_secret_conf_travel_with_the_submission_and_its_command()
    {
        var arguments = new JobArgumentList().Add("--input", "hdfs:///x");
        using (arguments.Sensitive())
        {
            arguments.Add("--connection", ParameterSecret);
        }

        arguments.Add("--label", "visible");
        var submission = new SparkSubmission(Jobs.ScoreCustomers(), arguments.ToArray())
            .WithSecretConf("spark.myapp.opaque", "hidden-conf-value-31")
            .WithConf("spark.sql.shuffle.partitions", "8");

        Assert.Equal(["--input", "hdfs:///x", "--connection", ParameterSecret, "--label", "visible"], submission.JobArguments);
        Assert.Equal([ParameterSecret, "hidden-conf-value-31"], submission.SecretValues);
        Assert.Equal([ParameterSecret, "hidden-conf-value-31"], submission.ToCommand().Secrets);
        Assert.Equal(["spark.myapp.opaque"], submission.SecretConfKeys);
        Assert.Equal([ParameterSecret, "hidden-conf-value-31"], LivyBatchRequest.FromSubmission(
            submission.OnYarn(DeployMode.Cluster).WithEnvironmentArchive("hdfs:///e.tar.gz").WithScript("hdfs:///s.py")).Secrets);
    }

    /// <summary>
    /// A command printed from C# (<c>Console.WriteLine(submission.ToCommand())</c>) shows the spark-submit line with every
    /// secret masked, as the runner's log line does; <see cref="SparkSubmitCommand.Arguments"/> keeps them for the child process.
    /// </summary>
    [Fact]
    public void A_printed_command_masks_its_secrets_and_its_arguments_keep_them()
    {
        var arguments = new JobArgumentList().Add("--input", "hdfs:///x");
        using (arguments.Sensitive())
        {
            arguments.Add("--connection", ParameterSecret);
        }

        var command = new SparkSubmission(Jobs.ScoreCustomers(), arguments.ToArray())
            .WithSecretConf("spark.myapp.opaque", "hidden-conf-value-31")
            .WithConf("spark.hadoop.fs.s3a.secret.key", "s3a-secret-77")
            .WithConf("spark.sql.shuffle.partitions", "8")
            .WithScript("jobs/score.py")
            .ToCommand();

        var printed = command.ToString();

        Assert.StartsWith("spark-submit --master ", printed, StringComparison.Ordinal);
        foreach (var secret in new[] { ParameterSecret, "hidden-conf-value-31", "s3a-secret-77" })
        {
            Assert.DoesNotContain(secret, printed, StringComparison.Ordinal);
            Assert.Contains(command.Arguments, a => a.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains("--connection '***'", printed, StringComparison.Ordinal);
        Assert.Contains("--conf 'spark.myapp.opaque=***'", printed, StringComparison.Ordinal);
        Assert.Contains("--conf 'spark.hadoop.fs.s3a.secret.key=***'", printed, StringComparison.Ordinal);
        Assert.Contains("spark.sql.shuffle.partitions=8", printed, StringComparison.Ordinal);
        Assert.Equal(SparkSubmitRunner.FormatCommandLine(command.ToRedactedArguments()), printed["spark-submit ".Length..]);
    }

    /// <summary>
    /// Arguments given as plain strings (the <c>sparkjobgen</c> tool's <c>-- args</c>): the definition's
    /// <see cref="JobParameterInfo.IsSensitive"/> alone finds the values, in the <c>--flag value</c> and <c>--flag=value</c> forms,
    /// whatever the flag is called; a boolean sensitive flag has no value and a sensitive flag followed by another of the job's
    /// flags (its value missing) marks nothing.
    /// </summary>
    [Fact]
    public void Sensitive_parameters_given_as_plain_strings_are_found_from_the_definition()
    {
        var definition = new SparkJobDefinition(
            "load", "jobs/load.py", "analytics", "name: analytics\n", "3.11", null, [], [], [], [],
            [
                new JobParameterInfo("Input", "--input", "string", true, false, false),
                new JobParameterInfo("CustomerRef", "--customer-ref", "string", false, false, false, IsSensitive: true),
                new JobParameterInfo("Accounts", "--account", "IReadOnlyList<string>", false, false, true, IsSensitive: true),
                new JobParameterInfo("Strict", "--strict", "bool", false, true, false, IsSensitive: true),
                new JobParameterInfo("Label", "--label", "string", false, false, false),
            ]);
        string[] arguments =
        [
            "--input", "hdfs:///x", "--customer-ref", "CUST-REF-2211", "--account=acct-one-1", "--account", "-acct-two-2",
            "--strict", "--label", "visible-label", "--customer-ref", "--label", "other-label",
        ];
        var submission = new SparkSubmission(definition, arguments);

        Assert.Equal(["CUST-REF-2211", "acct-one-1", "-acct-two-2"], submission.SecretValues);
        Assert.Equal(arguments, submission.JobArguments);
        Assert.Equal(submission.SecretValues, submission.WithScript("jobs/load.py").ToCommand().Secrets);
        var undeclared = new SparkJobDefinition("load", "jobs/load.py", "analytics", "name: analytics\n", "3.11", null, [], [], [], [], []);
        Assert.Empty(new SparkSubmission(undeclared, arguments).SecretValues);
    }

    /// <summary>
    /// What the script's own parser takes for a sensitive parameter is masked: Python's argparse, built from the job's flags as
    /// a script reads them, parses random argument lists (flags, their abbreviations, which argparse accepts by default, and
    /// both value forms), and every value it stores for a sensitive parameter must be among the submission's secret values.
    /// </summary>
    [Fact]
    public void Every_value_argparse_gives_a_sensitive_parameter_is_masked_abbreviations_included()
    {
        JobParameterInfo[] parameters =
        [
            new("Input", "--input", "string", false, false, false),
            new("CustomerRef", "--customer-ref", "string", false, false, false, IsSensitive: true),
            new("Customer", "--customer", "string", false, false, false),
            new("Accounts", "--account", "IReadOnlyList<string>", false, false, true, IsSensitive: true),
            new("Accent", "--accent", "string", false, false, false),
            new("Token", "--token", "string", false, false, false, IsSensitive: true),
            new("Strict", "--strict", "bool", false, true, false),
        ];
        var definition = new SparkJobDefinition("load", "jobs/load.py", "analytics", "name: analytics\n", "3.11", null, [], [], [], [], parameters);
        string[] options = ["--input", "--customer-ref", "--customer-r", "--customer", "--cust", "--account", "--acc", "--acco", "--accent", "--tok", "--t", "--strict", "--str"];
        var random = new Random(20261207);
        var cases = new List<string[]>();
        for (var n = 0; n < 600; n++)
        {
            var arguments = new List<string>();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                var option = options[random.Next(options.Length)];
                var value = "v" + random.Next(1000);
                if (random.Next(3) == 0)
                {
                    arguments.Add(option + "=" + value);
                }
                else
                {
                    arguments.Add(option);
                    arguments.Add(value);
                }
            }

            cases.Add([.. arguments]);
        }

        var input = _work.WriteFile("argparse-cases.json", JsonSerializer.Serialize(new { parameters = parameters.Select(p => new[] { p.Flag, p.IsFlag ? "flag" : p.IsList ? "list" : "value", p.IsSensitive ? "secret" : "" }), cases }));
        var output = Path.Combine(_work.Path, "argparse-results.json");
        const string script = """
            import argparse, json, sys
            spec = json.load(open(sys.argv[1]))
            results = []
            for argv in spec["cases"]:
                parser = argparse.ArgumentParser(exit_on_error=False)
                secret = []
                for i, (flag, kind, sensitive) in enumerate(spec["parameters"]):
                    dest = "p%d" % i
                    if kind == "flag":
                        parser.add_argument(flag, dest=dest, action="store_true")
                    elif kind == "list":
                        parser.add_argument(flag, dest=dest, action="append")
                    else:
                        parser.add_argument(flag, dest=dest)
                    if sensitive:
                        secret.append(dest)
                try:
                    known, _ = parser.parse_known_args(argv)
                except (argparse.ArgumentError, SystemExit):
                    results.append(None)
                    continue
                values = []
                for dest in secret:
                    value = getattr(known, dest)
                    values.extend(value if isinstance(value, list) else [] if value is None else [value])
                results.append(values)
            json.dump(results, open(sys.argv[2], "w"))
            """;
        var (exitCode, log) = Processes.Run("python3", "-c", script, input, output);
        Assert.True(exitCode == 0, log);
        var expected = JsonSerializer.Deserialize<string[]?[]>(File.ReadAllText(output))!;
        var parsed = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            if (expected[i] is not { } secrets)
            {
                continue; // argparse refused the list (an ambiguous abbreviation, a missing value): the script never runs
            }

            parsed++;
            var masked = new SparkSubmission(definition, cases[i]).SecretValues;
            var missed = secrets.Where(v => !masked.Contains(v)).ToList();
            Assert.True(missed.Count == 0, $"[{string.Join(' ', cases[i])}]: argparse gives sensitive parameters {string.Join(", ", secrets)}; not masked: {string.Join(", ", missed)}");
        }

        Assert.True(parsed > 200, $"only {parsed} of {cases.Count} lists parsed");
    }

    [Fact]
    public async Task The_runner_masks_every_kind_of_secret_in_streamed_output_and_logs_while_the_child_gets_them()
    {
        var arguments = new JobArgumentList().Add("--input", "hdfs:///x");
        using (arguments.Sensitive())
        {
            arguments.Add("--connection", ParameterSecret);
        }

        arguments.Add("--password", "two-arg-pw-42"); // not marked: masked because of its flag
        var submission = new SparkSubmission(Jobs.ScoreCustomers(), arguments.ToArray())
            .WithScript(_script)
            .OnYarn(DeployMode.Client)
            .WithEnvironmentArchive(_archive)
            .WithConf("spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net", AzureKey)
            .WithConf("spark.hadoop.fs.s3a.session.token", SessionToken)
            .WithConf("spark.sql.catalog.pg.options.password", JdbcPassword)
            .WithConf("spark.executorEnv.DB_PASS", DbPass)
            .WithConf("spark.yarn.appMasterEnv.AZURE_STORAGE_KEY", AppMasterSecret)
            .WithSecretConf("spark.myapp.opaque", "hidden-conf-value-31");

        // What spark-submit --verbose and a chatty job print: properties, the argv, the environment.
        _standIn.PrintsOnStderr(string.Join("\n",
            $"(spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net,{AzureKey})",
            $"Parsed arguments: childArgs [--input hdfs:///x --connection {ParameterSecret} --password two-arg-pw-42]",
            $"DB_PASS={DbPass} AZURE_STORAGE_KEY={AppMasterSecret}",
            $"token {SessionToken} jdbc {JdbcPassword} cfg hidden-conf-value-31"));
        var lines = new ConcurrentQueue<OutputLine>();
        var logger = new CollectingLogger();

        await SparkSubmitRunner.SubmitAsync(submission, new SparkSubmitOptions
        {
            EnvironmentVariables = new Dictionary<string, string?> { ["SPARK_HOME"] = _standIn.SparkHome },
            OnOutput = lines.Enqueue,
            Logger = logger,
        });

        var everything = string.Join("\n", lines.Select(l => l.Text)) + "\n" + logger.AllText;
        foreach (var secret in new[] { AzureKey, SessionToken, JdbcPassword, DbPass, AppMasterSecret, ParameterSecret, "two-arg-pw-42", "hidden-conf-value-31" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[..6], everything, StringComparison.Ordinal);
        }

        Assert.Contains("--input hdfs:///x", everything, StringComparison.Ordinal);
        Assert.Contains(ParameterSecret, _standIn.ReceivedArguments());
        Assert.Contains("spark.executorEnv.DB_PASS=" + DbPass, _standIn.ReceivedArguments());
    }

    [Fact]
    public void A_multi_line_private_key_in_an_argv_element_is_masked_whole()
    {
        string[] argv = ["--conf", "spark.hadoop.fs.gs.auth.service.account.private.key=" + GcsPrivateKey, "job.py"];
        var shown = string.Join(" ", new SecretRedactor().RedactArguments(argv));
        Assert.DoesNotContain("MIIE", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", shown, StringComparison.Ordinal);
    }

    /// <summary>
    /// A Livy (or gateway) error body that echoes the request is cut to 500 characters for the message. Redacting after
    /// cutting left the first part of a secret that straddles the cut unmasked; the body is now redacted first.
    /// </summary>
    [Fact]
    public async Task Livy_error_bodies_are_redacted_before_they_are_truncated()
    {
        const string secret = "livy-echoed-conf-secret-0123456789";
        var body = "{\"msg\":\"" + new string('x', 462) + " spark.myapp.opaque " + secret + "\"}";
        Assert.True(body.IndexOf(secret, StringComparison.Ordinal) <= 490 && body.IndexOf(secret, StringComparison.Ordinal) + secret.Length > 500); // at least 10 characters before the cut
        using var server = new FixedResponseServer(400, body);
        var submission = new SparkSubmission(Jobs.ScoreCustomers(), ["--input", "x"])
            .OnYarn(DeployMode.Cluster).WithEnvironmentArchive("hdfs:///e.tar.gz").WithScript("hdfs:///jobs/s.py")
            .WithSecretConf("spark.myapp.opaque", secret);

        var error = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(submission, new LivyOptions(server.BaseUri)));

        Assert.Contains("400", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[..8], error.Message, StringComparison.Ordinal);
        Assert.Contains("spark.myapp.opaque ***", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An HTTP server on 127.0.0.1 that answers every request with one status and body.</summary>
    private sealed class FixedResponseServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public FixedResponseServer(int status, string body)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUri = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseUri.AbsoluteUri);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    var bytes = Encoding.UTF8.GetBytes(body);
                    context.Response.StatusCode = status;
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public Uri BaseUri { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
