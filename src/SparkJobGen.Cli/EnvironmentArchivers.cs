using SparkJobGen.Submission;

namespace SparkJobGen.Cli;

/// <summary>The packing step the tool's <c>run</c> verb uses.</summary>
internal static class EnvironmentArchivers
{
    /// <summary>The Packing library's packer behind the <see cref="IEnvironmentArchiver"/> seam, or null while it is not available.</summary>
    public static IEnvironmentArchiver? Default() => null;
}
