using System.IO;

namespace SparkJobGen.Packing.Tests.Fixtures;

public sealed class WheelBuilderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sjg-wheels-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Record_hashes_and_sizes_verify_with_pythons_zipfile()
    {
        var wheel = DemoWheels.BuildCli(folder);
        Assert.Equal("sjg_demo_cli-0.1.0-py3-none-any.whl", Path.GetFileName(wheel.Path));

        // An independent reader: Python's zipfile recomputes every RECORD line and reads entry_points.txt.
        const string Verify = """
            import base64, csv, hashlib, io, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            names = set(z.namelist())
            rows = list(csv.reader(io.TextIOWrapper(z.open("sjg_demo_cli-0.1.0.dist-info/RECORD"), "utf-8")))
            for path, digest, size in rows:
                names.discard(path)
                if path.endswith("RECORD"):
                    assert digest == "" and size == "", path
                    continue
                data = z.read(path)
                algo, value = digest.split("=", 1)
                expected = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
                assert value == expected and int(size) == len(data), path
            assert not names, names
            print(z.read("sjg_demo_cli-0.1.0.dist-info/entry_points.txt").decode().strip())
            print(z.read("sjg_demo_cli-0.1.0.dist-info/WHEEL").decode().strip().splitlines()[-1])
            """;
        var output = ProcessRun.RunChecked(HostPython.Current.Executable, ["-c", Verify, wheel.Path]).StandardOutput;
        Assert.Equal("[console_scripts]\nsjg-demo = sjg_demo_cli.main:main\nTag: py3-none-any\n", output);
    }

    [Fact]
    public void Record_hash_matches_a_known_vector_and_names_are_escaped()
    {
        // sha256("") in urlsafe base64 without padding.
        Assert.Equal("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", WheelBuilder.UrlSafeHash([]));
        Assert.Equal("a,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\nx/RECORD,,\n",
            WheelBuilder.Record([new PackageFile("a", [])], "x/RECORD"));
        Assert.Equal("sjg_demo_pkg", WheelBuilder.Escape("sjg-demo.-pkg"));
    }
}
