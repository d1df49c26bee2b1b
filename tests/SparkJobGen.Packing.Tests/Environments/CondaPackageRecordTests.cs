using System.IO;
using System.Text.Json;
using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class CondaPackageRecordTests : IDisposable
{
    private readonly string prefix = Directory.CreateTempSubdirectory("sjg-meta-").FullName;

    public void Dispose() => Directory.Delete(prefix, recursive: true);

    [Fact]
    public void Reads_paths_data_and_places_noarch_python_files()
    {
        var meta = Directory.CreateDirectory(Path.Combine(prefix, "conda-meta")).FullName;
        File.WriteAllText(Path.Combine(meta, "python-3.11.7-h0.json"), """
            {"name":"python","version":"3.11.7","build":"h0","files":["bin/python3.11"],
             "paths_data":{"paths_version":1,"paths":[
               {"_path":"bin/python3.11","path_type":"hardlink","file_mode":"binary","prefix_placeholder":"/opt/anaconda1anaconda2anaconda3"},
               {"_path":"bin/python","path_type":"softlink"},
               {"_path":"lib/empty","path_type":"directory","no_link":true}]}}
            """);
        File.WriteAllText(Path.Combine(meta, "tool-1.0-py_0.json"), """
            {"name":"tool","version":"1.0","build":"py_0","noarch":{"type":"python"},
             "paths_data":{"paths":[{"_path":"site-packages/tool/__init__.py","path_type":"hardlink"},
               {"_path":"python-scripts/tool","path_type":"hardlink","file_mode":"text","prefix_placeholder":"/build/prefix"}]}}
            """);
        var records = CondaPackageRecord.ReadAll(prefix);
        Assert.Equal(["python", "tool"], records.Select(r => r.Name));
        Assert.Equal(new CondaFileRecord("bin/python3.11", CondaPathType.HardLink, "/opt/anaconda1anaconda2anaconda3", true, false), records[0].Files[0]);
        Assert.Equal(CondaPathType.SoftLink, records[0].Files[1].Type);
        Assert.True(records[0].Files[2].NoLink);
        Assert.True(records[1].IsNoArchPython);
        Assert.Equal(["lib/python3.11/site-packages/tool/__init__.py", "bin/tool"], records[1].Files.Select(f => f.Path));
        Assert.False(records[1].Files[1].IsBinary);

        File.WriteAllText(Path.Combine(meta, "broken-1-0.json"), "{\"name\":\"broken\"}");
        Assert.Contains("has no 'version'", Assert.Throws<InvalidDataException>(() => CondaPackageRecord.ReadAll(prefix)).Message);
    }

    [Fact]
    public void Reads_properties_in_any_order_old_file_lists_and_records_spanning_many_segments()
    {
        var meta = Directory.CreateDirectory(Path.Combine(prefix, "conda-meta")).FullName;

        // paths_data before the name, noarch as a plain string, unknown properties of every JSON kind in between.
        File.WriteAllText(Path.Combine(meta, "tool-2.0-py_0.json"), """
            {"paths_data":{"extra":[1,{"paths":"not this one"}],"paths":[{"size_in_bytes":3,"_path":"site-packages/tool.py","sha256":"00"}]},
             "depends":["python >=3.8"],"size":1.5e3,"track_features":null,"arch":false,"noarch":"python",
             "build":"py_0","version":"2.0","name":"tool","files":["ignored/when/paths_data/has/paths"]}
            """);

        // An old record: only the file list (paths_data without paths counts as absent).
        File.WriteAllText(Path.Combine(meta, "old-1.0-0.json"), """{"name":"old","version":"1.0","build":"0","paths_data":{"paths_version":1},"files":["lib/libold.so","bin/old"]}""");

        // A package with thousands of files: its record spans many 64 KiB segments, names and numbers cut across their edges.
        var paths = Enumerable.Range(0, 6000).Select(i => $"lib/big/{new string((char)('a' + (i % 26)), 40 + (i % 37))}/é-{i}.dat").ToList();
        File.WriteAllText(Path.Combine(meta, "big-1.0-0.json"), JsonSerializer.Serialize(new
        {
            name = "big", version = "1.0", build = "0",
            paths_data = new { paths = paths.Select((p, i) => new { _path = p, path_type = i % 2 == 0 ? "hardlink" : "softlink", size_in_bytes = i * 7919L }) },
        }));
        File.WriteAllText(Path.Combine(meta, "python-3.12.1-h0.json"), """{"name":"python","version":"3.12.1","build":"h0","files":[]}""");

        var records = CondaPackageRecord.ReadAll(prefix).ToDictionary(r => r.Name);
        Assert.True(new FileInfo(Path.Combine(meta, "big-1.0-0.json")).Length > 4 * 64 * 1024);
        Assert.Equal(paths, records["big"].Files.Select(f => f.Path));
        Assert.Equal(CondaPathType.SoftLink, records["big"].Files[5999].Type);
        Assert.True(records["tool"].IsNoArchPython);
        Assert.Equal(["lib/python3.12/site-packages/tool.py"], records["tool"].Files.Select(f => f.Path));
        Assert.Equal(["lib/libold.so", "bin/old"], records["old"].Files.Select(f => f.Path));
        Assert.Equal(CondaPathType.HardLink, records["old"].Files[1].Type);
    }

    [Theory]
    [InlineData("""{"name":"cut","version":"1","build":"0","paths_data":{"paths":[{"_path":"a"}""", "not valid JSON")]
    [InlineData("""["name","version"]""", "not a JSON object")]
    [InlineData("""{"name":"x","version":"1","build":"0","paths_data":{"paths":[{"path_type":"hardlink"}]}}""", "without '_path'")]
    [InlineData("""{"name":"x","version":"1","build":"0","paths_data":{"paths":["a"]}}""", "not an object")]
    [InlineData("""{"name":"x","version":"1","build":"0","files":[1]}""", "not a string")]
    public void Broken_records_are_reported_with_their_file(string json, string expected)
    {
        var meta = Directory.CreateDirectory(Path.Combine(prefix, "conda-meta")).FullName;
        File.WriteAllText(Path.Combine(meta, "x-1-0.json"), json);
        var error = Assert.Throws<InvalidDataException>(() => CondaPackageRecord.ReadAll(prefix));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("x-1-0.json", error.Message, StringComparison.Ordinal);
    }
}
