using System.IO;
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
}
