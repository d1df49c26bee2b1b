using CustomerScoring;
using SparkJobGen;
using SparkJobGen.Environments;
using SparkJobGen.Packing;
using SparkJobGen.Submission;

// The scoring job as a typed object: required parameters are compile errors when missing.
var score = new ScoreCustomers
{
    Input = new Uri("hdfs:///warehouse/customers"),
    Output = new Uri("hdfs:///warehouse/customer_scores"),
    RunDate = new DateOnly(2026, 11, 24),
    Threshold = 0.7,
    Segments = [Segment.Retail, Segment.Enterprise],
};

Console.WriteLine($"== {ScoreCustomers.Definition.Name}: environment '{ScoreCustomers.Definition.Environment}'");
var yamlPath = Path.Combine(ScoreCustomers.Definition.GetOutputDirectory(), "environment.yaml");
Console.WriteLine($"-- {yamlPath}");
Console.Write(File.ReadAllText(yamlPath));

// The exact spark-submit command for YARN cluster mode with the packed environment.
var submission = score.ToSubmission()
    .OnYarn(DeployMode.Cluster)
    .WithEnvironmentArchive("hdfs:///envs/analytics.tar.gz")
    .ExecutorMemory("4g")
    .NumExecutors(20);
// Printing the command (SparkSubmitCommand.ToString) quotes each argument for a shell and masks Sensitive parameters.
Console.WriteLine("-- spark-submit (YARN cluster):");
Console.WriteLine(submission.ToCommand());
Console.WriteLine();

// The reporting job's environment and local-mode command.
var summarize = new SummarizeCustomers
{
    Input = Path.Combine(AppContext.BaseDirectory, "data", "customers.csv"),
    RunDate = new DateOnly(2026, 11, 24),
    MinValue = 100m,
    Label = "weekly \"ops\" review",
};
Console.WriteLine($"== {SummarizeCustomers.Definition.Name}: environment '{SummarizeCustomers.Definition.Environment}'");
Console.Write(SummarizeCustomers.Definition.EnvironmentYaml);
Console.WriteLine("-- spark-submit (local):");
Console.WriteLine(summarize.ToSubmission().ToCommand());
Console.WriteLine();

// Run the reporting job for real on the embedded local default: create (or reuse) its environment, pack it into one
// relocatable archive (cached), verify the archive, then spark-submit --master local[*] when Spark is installed, or else a
// local container run that unpacks the archive as ./environment and runs the script with the packed interpreter.
// Pass --print-only to stop after printing the commands.
if (args.Contains("--print-only"))
{
    return 0;
}

Console.WriteLine($"== running {SummarizeCustomers.Definition.Name} locally");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
JobRunResult run;
try
{
    run = await SparkJobRunner.RunAsync(summarize.ToSubmission(), new SparkJobRunOptions
    {
        Archiver = new PackingEnvironmentArchiver(),
        OnStep = step => Console.WriteLine($"{(step.IsDone ? "[done]" : "==>")} {step.Name}: {step.Detail}"),
        Container = new LocalContainerOptions { OnOutput = line => Console.WriteLine("   | " + line.Text) },
        SparkSubmit = new SparkSubmitOptions { OnOutput = line => Console.WriteLine("   | " + line.Text) },
    }, cancel.Token);
}
catch (Exception exception) when (ExitCodeOf(exception) is { } code)
{
    // A missing component (no matching Python, no packer, no Java...) is a message on stderr, not a stack trace. The exit
    // codes are the sparkjobgen tool's (docs/cli.md): 4 the environment could not be created, 5 packing or archive
    // verification failed, 3 a prerequisite of the submission is missing, 124 timed out, 130 cancelled.
    Console.Error.WriteLine("error: " + exception.Message);
    return code;
}

Console.WriteLine($"-- {run.Submission.Backend}: {run.Submission.FinalState} (exit code {run.Submission.ExitCode}); archive {run.EnvironmentArchive}{(run.ArchiveReused ? " (cached)" : "")}");
return run.Submission.FinalState == SubmissionState.Succeeded ? 0 : 1;

// The exit code for the failures SparkJobRunner.RunAsync documents (and the packer's); null lets anything else surface as a bug.
static int? ExitCodeOf(Exception exception) => exception switch
{
    EnvironmentCreationException or InvalidDataException => 4,
    PackingException => 5,
    SubmissionPreflightException => 3,
    SubmissionTimeoutException => 124,
    OperationCanceledException => 130,
    _ => null,
};

