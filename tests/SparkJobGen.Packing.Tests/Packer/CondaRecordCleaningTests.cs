using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SparkJobGen.Packing;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// conda-meta records lose their local paths when packed. They are cleaned token by token over segmented input, so the
/// result is checked against a document-based cleaning (the same bytes: archives stay content-addressable across versions)
/// and read back by Python's json.
/// </summary>
public sealed class CondaRecordCleaningTests
{
    /// <summary>The document way: parse, blank the three fields, write indented.</summary>
    private static byte[] CleanWithDocument(byte[] json)
    {
        if (JsonNode.Parse(json) is not JsonObject record)
        {
            return json;
        }

        foreach (var field in new[] { "extracted_package_dir", "package_tarball_full_path" })
        {
            if (record.ContainsKey(field))
            {
                record[field] = "";
            }
        }

        if (record["link"] is JsonObject link && link.ContainsKey("source"))
        {
            link["source"] = "";
        }

        return Encoding.UTF8.GetBytes(record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Cleans <paramref name="json"/> handed over in pieces of <paramref name="piece"/> bytes, as segments.</summary>
    private static byte[] CleanInPieces(byte[] json, int piece)
    {
        var input = new SegmentedBuffer();
        for (var offset = 0; offset < json.Length; offset += piece)
        {
            // Each piece forced into a fresh segment: writing more than a segment's room moves to the next one.
            var length = Math.Min(piece, json.Length - offset);
            json.AsSpan(offset, length).CopyTo(input.GetSpan(64 * 1024));
            input.Advance(length);
        }

        var output = new SegmentedBuffer();
        if (!PackedFileContent.TryCleanCondaRecord(input.AsSequence(), output))
        {
            return json;
        }

        using var stream = output.OpenRead();
        var bytes = new byte[output.Length];
        stream.ReadExactly(bytes);
        Assert.Equal(0, stream.Read(new byte[1]));
        return bytes;
    }

    public static TheoryData<string> Records => new()
    {
        """{"name":"demo","version":"1.0","build":"0","extracted_package_dir":"/home/me/pkgs/demo-1.0-0","package_tarball_full_path":"/home/me/pkgs/demo-1.0-0.conda","link":{"source":"/home/me/pkgs/demo-1.0-0","type":1},"files":["a","b"]}""",
        """{"name":"é ü \u00e9 <&> +'\"\n\t\/ \ud83d\ude00","n":1.50e3,"m":-0,"big":123456789012345678901234567890,"b":true,"c":false,"z":null,"a":[],"o":{},"arr":[1,2.0,-3e-2,[4],{"x":5}]}""",
        """{"link":{"source":{"nested":[1,2]},"type":1},"extracted_package_dir":[1,{"a":2}],"package_tarball_full_path":null,"nested":{"link":{"source":"kept"},"extracted_package_dir":"kept"}}""",
        """  {"link":"a string link","a" : [ 1 , 2 ] }  """,
        "{}",
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Cleans_like_a_document_whatever_the_segment_edges(string record)
    {
        var json = Encoding.UTF8.GetBytes(record);
        var expected = CleanWithDocument(json);
        Assert.Equal(expected, PackedFileContent.CleanCondaRecord(json));
        foreach (var piece in new[] { 1, 2, 3, 7, 64 })
        {
            Assert.Equal(expected, CleanInPieces(json, piece));
        }
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("12")]
    [InlineData("null")]
    [InlineData("{\"unterminated\":")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("")]
    public void Stores_what_is_not_a_json_object_as_it_is(string record)
    {
        var json = Encoding.UTF8.GetBytes(record);
        Assert.Same(json, PackedFileContent.CleanCondaRecord(json));
        Assert.Equal(json, CleanInPieces(json, 3));
    }

    [Fact]
    public void A_record_of_many_megabytes_is_cleaned_and_reads_back_in_python()
    {
        // A package with 60,000 files: about 10 MB of record, far above one segment.
        var record = new JsonObject
        {
            ["name"] = "huge",
            ["version"] = "1.0",
            ["build"] = "0",
            ["extracted_package_dir"] = "/home/me/pkgs/huge-1.0-0",
            ["link"] = new JsonObject { ["source"] = "/home/me/pkgs/huge-1.0-0", ["type"] = 1 },
            ["paths_data"] = new JsonObject
            {
                ["paths"] = new JsonArray(Enumerable.Range(0, 60_000).Select(i => (JsonNode)new JsonObject
                {
                    ["_path"] = $"lib/huge/{i % 97}/module_{i}.py", ["path_type"] = "hardlink", ["size_in_bytes"] = i * 31L, ["sha256"] = new string('f', 64),
                }).ToArray()),
            },
        };
        var json = Encoding.UTF8.GetBytes(record.ToJsonString());
        Assert.True(json.Length > 8 * 1024 * 1024);
        var cleaned = CleanInPieces(json, 64 * 1024 - 5);
        Assert.Equal(CleanWithDocument(json), cleaned);

        using var scratch = new ScratchDirectory();
        var file = scratch.File("huge.json");
        File.WriteAllBytes(file, cleaned);
        var read = ProcessRun.RunChecked("python3", ["-c", """
import json, sys
r = json.load(open(sys.argv[1]))
print(r["extracted_package_dir"] == "", r["link"] == {"source": "", "type": 1}, len(r["paths_data"]["paths"]), r["paths_data"]["paths"][59999]["_path"])
""", file]);
        Assert.Equal("True True 60000 lib/huge/53/module_59999.py", read.StandardOutput.Trim());
    }
}
