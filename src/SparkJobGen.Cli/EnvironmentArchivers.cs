using SparkJobGen.Submission;

namespace SparkJobGen.Cli;

/// <summary>The packing step the tool's <c>run</c> verb uses.</summary>
internal static class EnvironmentArchivers
{
    /// <summary>The Packing library's packer behind the <see cref="IEnvironmentArchiver"/> seam: tar.gz on all cores, verified by importing every installed distribution.</summary>
    public static IEnvironmentArchiver? Default() => new SparkJobGen.Packing.PackingEnvironmentArchiver();
}
