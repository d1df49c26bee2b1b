using System;
using System.IO;
using System.Text;

namespace SparkJobGen.Packing;

/// <summary>
/// The scripts added to a packed environment: <c>bin/conda-unpack</c> (rewrites the recorded prefixes to wherever the archive
/// was unpacked; run once with the environment's own Python), sourceable <c>bin/activate</c> / <c>bin/deactivate</c> and
/// <c>bin/activate.fish</c>. Each is a file in <c>Relocation/Scripts/</c>, embedded in the assembly as it is, so it can be
/// read, linted and run on its own.
/// </summary>
internal static class UnpackScripts
{
    /// <summary>The archive path of the unpack script.</summary>
    public const string CondaUnpackPath = "bin/conda-unpack";

    /// <summary>The archive path of the fish activation script.</summary>
    public const string ActivateFishPath = "bin/activate.fish";

    /// <summary>Where the records go in <c>conda-unpack.py</c>: an empty JSON array, which the packer fills.</summary>
    private const string RecordsMarker = "RECORDS = json.loads(r'''[]''')";

    /// <summary>The version placeholder in <c>conda-unpack.py</c>.</summary>
    private const string VersionMarker = "@SPARKJOBGEN_VERSION@";

    private static readonly byte[] s_activate = Resource("activate.sh");
    private static readonly byte[] s_deactivate = Resource("deactivate.sh");
    private static readonly byte[] s_activateFish = Resource("activate.fish");
    private static readonly string s_condaUnpack = Encoding.UTF8.GetString(Resource("conda-unpack.py"));

    /// <summary>
    /// Builds <c>bin/conda-unpack</c> around <paramref name="records"/> (a JSON array of [path, placeholder, mode] rows, in
    /// archive order, so the archive is deterministic), read from the log as a stream rather than copied.
    /// </summary>
    /// <param name="records">The prefixes to rewrite at unpack time.</param>
    /// <param name="toolVersion">The packer's version, printed by <c>conda-unpack --version</c>.</param>
    /// <returns>The script's bytes as a stream of known length; the caller disposes it before the log.</returns>
    public static Stream CondaUnpack(UnpackRecordLog records, string toolVersion)
    {
        // The array goes between r''' and ''' of the records line.
        var at = s_condaUnpack.IndexOf(RecordsMarker, StringComparison.Ordinal) + RecordsMarker.IndexOf('[', StringComparison.Ordinal);
        var head = Encoding.UTF8.GetBytes(s_condaUnpack[..at]);
        var tail = Encoding.UTF8.GetBytes(s_condaUnpack[(at + 2)..].Replace(VersionMarker, toolVersion, StringComparison.Ordinal));
        return records.Embed(head, tail);
    }

    /// <summary>A POSIX-shell <c>activate</c> to be sourced: puts the environment first on PATH, wherever it was unpacked.</summary>
    public static ReadOnlyMemory<byte> Activate() => s_activate;

    /// <summary>The matching <c>deactivate</c>.</summary>
    public static ReadOnlyMemory<byte> Deactivate() => s_deactivate;

    /// <summary>
    /// <c>bin/activate.fish</c>, to be sourced from fish: the same as <c>activate</c> (PATH, CONDA_PREFIX, the prompt), runs the
    /// <c>activate.d</c> hooks written for fish (<c>*.fish</c>, sourced) and those written for sh (<c>*.sh</c>, run for their side
    /// effects, which is all fish can do with them), and defines a <c>deactivate</c> function that undoes it.
    /// </summary>
    public static ReadOnlyMemory<byte> ActivateFish() => s_activateFish;

    private static byte[] Resource(string name)
    {
        using var stream = typeof(UnpackScripts).Assembly.GetManifestResourceStream("SparkJobGen.Packing.Scripts." + name)
            ?? throw new InvalidOperationException($"The packer's script '{name}' is missing from {typeof(UnpackScripts).Assembly.GetName().Name}.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
