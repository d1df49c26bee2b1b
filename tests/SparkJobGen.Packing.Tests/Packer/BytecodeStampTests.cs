using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using SparkJobGen.Packing.Tests.Archives;
using SparkJobGen.Packing.Tests.Fixtures;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

/// <summary>
/// Archives store every file with the 1980-01-01 modification time; a timestamp-based <c>.pyc</c> is valid only while its header
/// holds its source's mtime and size (PEP 552; CPython's importlib/_bootstrap_external.py, <c>_validate_timestamp_pyc</c>). Every
/// <c>.pyc</c> whose source is packed must come out valid, whoever owns it, or each Python worker recompiles (or, in a read-only
/// YARN localization, re-parses) every module it imports.
/// </summary>
public sealed class BytecodeStampTests(VenvFixture venv) : IClassFixture<VenvFixture>
{
    /// <summary>
    /// Counts, under a folder, the timestamp-based <c>__pycache__</c> files whose source is present, as valid or stale, with
    /// CPython's own check against <c>os.stat</c> of the source (importlib uses <c>int(st_mtime)</c> and <c>st_size</c>).
    /// </summary>
    private const string CountStale = """
        import os, sys, importlib._bootstrap_external as bootstrap
        valid = stale = 0
        for folder, _, files in os.walk(sys.argv[1]):
            if os.path.basename(folder) != "__pycache__":
                continue
            for name in files:
                source = os.path.join(os.path.dirname(folder), name.split(".")[0] + ".py")
                if not name.endswith(".pyc") or not os.path.isfile(source):
                    continue
                with open(os.path.join(folder, name), "rb") as pyc:
                    header = pyc.read(16)
                if int.from_bytes(header[4:8], "little") != 0:
                    continue  # hash-based: no timestamp to match
                status = os.stat(source)
                try:
                    bootstrap._validate_timestamp_pyc(header, int(status.st_mtime), status.st_size, name, {})
                    valid += 1
                except ImportError:
                    stale += 1
        print(valid, stale)
        """;

    private static (int Valid, int Stale) Count(string root)
    {
        var output = ProcessRun.RunChecked("python3", ["-c", CountStale, root]).StandardOutput.Split(' ', StringSplitOptions.TrimEntries);
        return (int.Parse(output[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(output[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("no-archive")]
    public async Task Every_pyc_whose_source_is_packed_is_valid_after_unpacking_into_a_read_only_tree(string format)
    {
        using var scratch = new ScratchDirectory();
        var before = Count(venv.Prefix);
        var output = scratch.File(format == "tar" ? "env.tar" : "env-dir");
        var result = await EnvironmentPacker.PackAsync(new PackOptions
        {
            Prefix = venv.Prefix, Output = output, Format = format, Filters = VenvPackingTests.Slim, CacheDirectory = scratch.File("cache"),
        });

        var root = output;
        if (format == "tar")
        {
            root = scratch.File("environment");
            Directory.CreateDirectory(root);
            ProcessRun.RunChecked("tar", ["-xf", result.ArchivePath, "-C", root]);
        }

        // The stdlib's compiled modules come from the base installation (not inspected for prefixes), the demo wheels' from the venv.
        var (valid, stale) = Count(root);
        Assert.True(valid > 500, $"only {valid} timestamp-based pyc files with their source were found (the source had {before.Valid})");
        Assert.Equal(0, stale);

        // Read-only, as YARN localizes archives; bytecode writing on (no -B, no PYTHONDONTWRITEBYTECODE): the imports use the
        // packed bytecode, so importlib never even tries to write a __pycache__ file.
        var python = Path.Combine(root, "bin", "python");
        ProcessRun.RunChecked(python, [Path.Combine(root, "bin", "conda-unpack")]);
        ProcessRun.RunChecked("chmod", ["-R", "a-w", root]);
        try
        {
            var run = ProcessRun.RunChecked(python, ["-v", "-c", "import json, sqlite3, ctypes, email.parser, " + DemoWheels.PackageModule], root,
                new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = null, ["PYTHONHOME"] = null, ["PYTHONPATH"] = null });

            // python -v prints "code object from '<path>.pyc'" for a pyc used as is, and "could not create" / "bytecode is stale"
            // otherwise (importlib/_bootstrap_external.py, SourceLoader.get_code).
            Assert.Contains("code object from '" + root, run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("bytecode is stale", run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("could not create", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            ProcessRun.RunChecked("chmod", ["-R", "u+w", root]);
        }
    }
}
