namespace SparkJobGen.Cli;

/// <summary>The exit codes of <c>sparkjobgen</c> (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Success: the job succeeded (or was accepted by the cluster when spark-submit does not wait).</summary>
    public const int Success = 0;

    /// <summary>The job ran and failed, or the cluster reports it killed.</summary>
    public const int JobFailed = 1;

    /// <summary>Invalid command line (unknown verb or option, missing argument, bad value).</summary>
    public const int Usage = 2;

    /// <summary>A prerequisite is missing before anything started: spark-submit, Java, a file, the packer.</summary>
    public const int Prerequisite = 3;

    /// <summary>The environment could not be created (no tool, Python version mismatch, tool failure).</summary>
    public const int EnvironmentFailed = 4;

    /// <summary>The environment could not be packed or its archive failed verification.</summary>
    public const int PackFailed = 5;

    /// <summary>The Livy server refused a request or could not be reached.</summary>
    public const int LivyFailed = 6;

    /// <summary>The job or project could not be found (build failure, unknown job name, unreadable assembly).</summary>
    public const int JobNotFound = 7;

    /// <summary>The environment store refused a request or could not be reached (credentials, not a folder, missing bucket).</summary>
    public const int StoreFailed = 10;

    /// <summary>The --timeout elapsed; the job was stopped.</summary>
    public const int TimedOut = 124;

    /// <summary>Cancelled (Ctrl+C); the job was stopped.</summary>
    public const int Cancelled = 130;

    /// <summary>The tool was stopped by SIGTERM (128 + 15).</summary>
    public const int Terminated = 143;

    /// <summary>An unexpected internal error.</summary>
    public const int InternalError = 70;
}
