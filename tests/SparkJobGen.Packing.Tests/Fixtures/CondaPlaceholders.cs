using System.Text;

namespace SparkJobGen.Packing.Tests.Fixtures;

/// <summary>
/// The build prefixes conda packages carry in their files before installation (<c>prefix_placeholder</c>
/// in <c>info/paths.json</c> and in the installed <c>conda-meta</c> record).
/// </summary>
public static class CondaPlaceholders
{
    /// <summary>The placeholder of old conda-build versions (and many text-only packages): 32 characters.</summary>
    public const string Legacy = "/opt/anaconda1anaconda2anaconda3";

    /// <summary>
    /// A modern conda-build placeholder: the build folder followed by <c>_h_env_placehold_placehold...</c>,
    /// padded to 255 characters so binaries have room for any install prefix.
    /// </summary>
    public static string CondaBuild { get; } = BuildLong();

    private static string BuildLong()
    {
        var text = new StringBuilder("/home/conda/feedstock_root/build_artifacts/sjg-demo_1700000000000/_h_env");
        while (text.Length < 255)
        {
            text.Append("_placehold");
        }

        return text.ToString(0, 255);
    }
}
