using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparkJobGen.Environments;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Cli.Output;

/// <summary>
/// The JSON the tool writes, through System.Text.Json's source-generated metadata: no reflection at run time, so the native
/// (Native AOT) build of the tool writes exactly what the JIT build writes.
/// </summary>
internal static class CliJson
{
    /// <summary>
    /// The <c>--json</c> documents: indented, camelCase names, nulls left out, non-ASCII text kept as is, and enums as camelCase
    /// strings. Each enum a document can hold needs its converter here (the non-generic <see cref="JsonStringEnumConverter"/>
    /// needs run-time code generation); a test checks that none is missing.
    /// </summary>
    public static DocumentJsonContext Documents { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters =
        {
            new JsonStringEnumConverter<SubmissionState>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<ClusterManager>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<DeployMode>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<EnvironmentTool>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<SparkJobGen.Stores.StoreShipOutcome>(JsonNamingPolicy.CamelCase),
        },
    });
}

/// <summary>Source-generated metadata of the <c>--json</c> documents; use it through <see cref="CliJson.Documents"/>, which carries their options.</summary>
[JsonSerializable(typeof(ErrorDocument))]
[JsonSerializable(typeof(Commands.PackDocument))]
[JsonSerializable(typeof(RunDocument))]
[JsonSerializable(typeof(DryRunDocument))]
[JsonSerializable(typeof(EnvCreateDocument))]
[JsonSerializable(typeof(JobsDocument))]
[JsonSerializable(typeof(Commands.StoreDocument))]
internal sealed partial class DocumentJsonContext : JsonSerializerContext;

