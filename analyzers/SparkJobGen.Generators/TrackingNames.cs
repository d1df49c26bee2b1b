namespace SparkJobGen.Generators;

/// <summary>Names of the tracked incremental steps, asserted by the cacheability tests.</summary>
internal static class TrackingNames
{
    /// <summary>[SparkJob] classes turned into <see cref="Model.JobModel"/> (null when they cannot be modelled).</summary>
    public const string JobModels = nameof(JobModels);

    /// <summary>The job models that could be modelled.</summary>
    public const string ValidJobModels = nameof(ValidJobModels);

    /// <summary>Whether the project's C# version is one the generated code compiles under.</summary>
    public const string LanguageSupported = nameof(LanguageSupported);

    /// <summary>Whether job files can be generated: the runtime library is referenced and the C# version is supported.</summary>
    public const string RuntimeAvailable = nameof(RuntimeAvailable);

    /// <summary>The hint name of every job's file (<see cref="HintNameTable"/>).</summary>
    public const string HintNames = nameof(HintNames);

    /// <summary>All job models, collected.</summary>
    public const string AllJobs = nameof(AllJobs);

    /// <summary>Each job's manifest attribute line.</summary>
    public const string JobManifests = nameof(JobManifests);

    /// <summary>The merged environments.</summary>
    public const string Environments = nameof(Environments);
}
