using System;
using System.IO;
using System.Linq;
using System.Text;
using SparkJobGen.Packing.Tests.Archives;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// conda-unpack's records are streamed into the script: written as JSON rows when found, spilled to a temporary file past
/// 1 MiB (removed afterwards), and read back by Python from the script itself, in archive order.
/// </summary>
[Collection(SparkJobGen.Packing.Tests.Archives.SpillFileCounting.Name)]
public sealed class UnpackRecordLogTests
{
    private const string LoadRecords = """
        import json, runpy, sys
        module = runpy.run_path(sys.argv[1], run_name="conda_unpack")
        records = module["RECORDS"]
        print(json.dumps(dict(count=len(records), first=records[0] if records else None,
                              last=records[-1] if records else None, version=module["VERSION"])))
        """;

    [SkippableFact]
    public void Thirty_thousand_records_spill_to_disk_and_python_reads_every_one_in_order()
    {
        using var scratch = new ScratchDirectory();
        var before = SpillFiles();
        var script = scratch.File("conda-unpack");
        using (var log = new UnpackRecordLog())
        {
            log.Add(new UnpackRecord("bin/python3.11", "/opt/placeholder", PrefixMode.Binary));
            for (var i = 0; i < 30_000; i++)
            {
                log.Add(new UnpackRecord($"lib/python3.11/site-packages/pkg{i / 100:D3}/données_{i:D5}.txt", "/opt/anaconda1anaconda2anaconda3", i % 3 == 0 ? PrefixMode.Binary : PrefixMode.Text));
            }

            Assert.Equal(30_001, log.Count);
            Assert.Equal(before + 1, SpillFiles());
            using (var stream = UnpackScripts.CondaUnpack(log, "9.8.7"))
            using (var file = File.Create(script))
            {
                stream.CopyTo(file);
                Assert.Equal(stream.Length, file.Length);
            }
        }

        Assert.Equal(before, SpillFiles());
        var read = Tool.Python(LoadRecords, script);
        Assert.Equal(30_000, read.GetProperty("count").GetInt32());
        Assert.Equal("9.8.7", read.GetProperty("version").GetString());
        Assert.Equal(
            ["lib/python3.11/site-packages/pkg000/données_00000.txt", "/opt/anaconda1anaconda2anaconda3", "binary"],
            read.GetProperty("first").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["lib/python3.11/site-packages/pkg299/données_29999.txt", "/opt/anaconda1anaconda2anaconda3", "text"],
            read.GetProperty("last").EnumerateArray().Select(e => e.GetString()));
    }

    [SkippableFact]
    public void No_records_give_an_empty_list()
    {
        using var scratch = new ScratchDirectory();
        var script = scratch.File("conda-unpack");
        using (var log = new UnpackRecordLog())
        using (var stream = UnpackScripts.CondaUnpack(log, "1.0.0"))
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            Assert.Equal(0, stream.Read(new byte[1]));
            File.WriteAllBytes(script, bytes);
            Assert.Contains("json.loads(r'''[]''')", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }

        Assert.Equal(0, Tool.Python(LoadRecords, script).GetProperty("count").GetInt32());
    }

    private static int SpillFiles() => Directory.GetFiles(Path.GetTempPath(), $"sparkjobgen-conda-unpack-{Environment.ProcessId}-*.spill").Length;
}
