namespace SparkJobGen.Generators;

/// <summary>Metadata names of the SparkJobGen attributes and runtime types the generator and analyzers look for.</summary>
internal static class KnownAttributes
{
    /// <summary><c>[SparkJob]</c>.</summary>
    public const string SparkJob = "SparkJobGen.SparkJobAttribute";

    /// <summary><c>[PythonVersion]</c>.</summary>
    public const string PythonVersion = "SparkJobGen.PythonVersionAttribute";

    /// <summary><c>[PySpark]</c>.</summary>
    public const string PySpark = "SparkJobGen.PySparkAttribute";

    /// <summary><c>[CondaChannel]</c>.</summary>
    public const string CondaChannel = "SparkJobGen.CondaChannelAttribute";

    /// <summary><c>[CondaPackage]</c>.</summary>
    public const string CondaPackage = "SparkJobGen.CondaPackageAttribute";

    /// <summary><c>[PipPackage]</c>.</summary>
    public const string PipPackage = "SparkJobGen.PipPackageAttribute";

    /// <summary><c>[SparkConf]</c>.</summary>
    public const string SparkConf = "SparkJobGen.SparkConfAttribute";

    /// <summary><c>[JobParameter]</c>.</summary>
    public const string JobParameter = "SparkJobGen.JobParameterAttribute";

    /// <summary>The runtime's job interface; job classes are generated only when the runtime library is referenced.</summary>
    public const string SparkJobInterface = "SparkJobGen.ISparkJob";
}
