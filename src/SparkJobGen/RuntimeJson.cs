using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen;

/// <summary>
/// The runtime library's JSON, source-generated: no reflection at run time, so the library works in a trimmed or Native AOT
/// application (the <c>sparkjobgen</c> tool is one) and serializes the same bytes as reflection would.
/// </summary>
[JsonSerializable(typeof(Packing.VerifyRequest))]
[JsonSerializable(typeof(Environments.EnvironmentMarker))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class RuntimeJson : JsonSerializerContext;

/// <summary>Livy's REST bodies: camelCase (the web defaults), nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LivyBatchRequest))]
[JsonSerializable(typeof(LivyBatch))]
[JsonSerializable(typeof(LivyBatchState))]
[JsonSerializable(typeof(LivyBatchLog))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class LivyJson : JsonSerializerContext;
