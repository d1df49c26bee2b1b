using System.Text.Json;
using System.Text.Json.Serialization;
using SparkJobGen.Cli.Output;

namespace SparkJobGen.Cli.Tests;

/// <summary>The source-generated JSON of the --json documents (what both the JIT and the native tool write).</summary>
public sealed class CliJsonTests
{
    [Fact]
    public void Every_enum_a_document_can_hold_is_written_as_a_camel_case_string()
    {
        // Without its JsonStringEnumConverter<T> in CliJson.Documents an enum would silently be written as a number.
        var options = CliJson.Documents.Options;
        var enums = new HashSet<Type>();
        var seen = new HashSet<Type>();
        void Walk(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!seen.Add(type))
            {
                return;
            }

            if (type.IsEnum)
            {
                enums.Add(type);
                return;
            }

            var info = options.GetTypeInfo(type);
            foreach (var property in info.Properties)
            {
                Walk(property.PropertyType);
            }

            foreach (var element in new[] { info.ElementType, info.KeyType })
            {
                if (element is not null)
                {
                    Walk(element);
                }
            }
        }

        foreach (var document in typeof(DocumentJsonContext).GetCustomAttributesData().Where(static a => a.AttributeType == typeof(JsonSerializableAttribute)))
        {
            Walk((Type)document.ConstructorArguments[0].Value!);
        }

        Assert.Contains(typeof(SparkJobGen.Submission.SubmissionState), enums);
        Assert.Contains(typeof(SparkJobGen.Environments.EnvironmentTool), enums);
        foreach (var type in enums)
        {
            foreach (var name in Enum.GetNames(type))
            {
                var json = JsonSerializer.Serialize(Enum.Parse(type, name), options.GetTypeInfo(type));
                Assert.Equal(JsonSerializer.Serialize(JsonNamingPolicy.CamelCase.ConvertName(name)), json);
            }
        }
    }

    [Fact]
    public void Documents_keep_the_tool_s_json_conventions()
    {
        var document = new ErrorDocument(5, new ErrorInfo("pack", "ünïcode <tag> & \"quoted\""), null);

        var json = JsonSerializer.Serialize(document, CliJson.Documents.ErrorDocument);

        Assert.Equal("{\n  \"exitCode\": 5,\n  \"error\": {\n    \"kind\": \"pack\",\n    \"message\": \"ünïcode <tag> & \\\"quoted\\\"\"\n  }\n}", json.ReplaceLineEndings("\n"));
    }
}
