using System.Diagnostics;
using System.Globalization;
using SparkJobGen.PackBench;

// Packing benchmark: our archive writers against tar | pigz, tar -czf, zstd and conda-pack (when on PATH).
//   dotnet run -c Release --project bench/SparkJobGen.PackBench -- [--dir DIR] [--threads N] [--repeat R] [--scratch DIR]
//     [--race-only | --pipeline-only | --cache-only]   (one section only)
//     [--only TEXT]   (the first table only, with the contenders whose name contains TEXT)
// Without --dir it copies this machine's Python installation (sys.base_prefix) into the scratch folder once.
// Every contender runs as its own process under /usr/bin/time, so peak RSS is per contender (for a pipeline, the
// largest process in it) and CPU time (user+sys, all its processes) is measured beside wall time: on a shared,
// loaded machine CPU time is the steadier measure of work done.
if (args.Length > 0 && args[0] == "pack")
{
    string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
    return await PackRun.RunAsync(
        Option("--dir", "."),
        Option("--out", "/dev/null"),
        Option("--format", "tar.gz"),
        Option("--impl", "ours"),
        int.Parse(Option("--level", "4"), CultureInfo.InvariantCulture),
        int.Parse(Option("--threads", "-1"), CultureInfo.InvariantCulture));
}

// The native tool runs with a 32 MiB gen0 budget compiled in (src/SparkJobGen.Cli); the JIT processes this benchmark starts
// take the same from the environment, so that their peak RSS does not depend on the host's cache size.
if (Environment.GetEnvironmentVariable("DOTNET_GCgen0size") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_GCgen0size", "2000000");
}

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
var threads = int.Parse(Arg("--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var repeat = int.Parse(Arg("--repeat", "3"), CultureInfo.InvariantCulture);
var scratch = Directory.CreateDirectory(Arg("--scratch", Path.Combine(Path.GetTempPath(), "sjg-packbench"))).FullName;
var directory = Arg("--dir", string.Empty);
if (directory.Length == 0)
{
    directory = Path.Combine(scratch, "python-env");
    if (!Directory.Exists(directory))
    {
        var basePrefix = Shell("python3 -c 'import sys; print(sys.base_prefix)'").Trim();
        Console.Error.WriteLine($"copying {basePrefix} to {directory} ...");
        Shell($"cp -a '{basePrefix}' '{directory}.partial' && mv '{directory}.partial' '{directory}'");
    }
}

var walk = EnvironmentWalk.Walk(directory);
var inputBytes = walk.Sum(e => e.Length);
Console.WriteLine($"input: {directory}: {walk.Count:N0} entries ({walk.Count(e => e.Kind == WalkKind.File):N0} files), {inputBytes / 1e6:N0} MB; threads {threads}; {Environment.ProcessorCount} cores");

var self = Environment.ProcessPath!;
var selfCommand = Path.GetFileNameWithoutExtension(self) == "dotnet"
    ? $"'{self}' '{typeof(PackRun).Assembly.Location}'"
    : $"'{self}'";
string Ours(string format, string impl, int level, int t, string output) =>
    $"{selfCommand} pack --dir '{directory}' --out '{output}' --format {format} --impl {impl} --level {level} --threads {t}";

var output = Path.Combine(scratch, "out.archive");
var contenders = new List<(string Name, string Command)>
{
    ($"ours tar.gz -j {threads} -4", Ours("tar.gz", "ours", 4, threads, output)),
    ($"tar -c | pigz -p {threads} -4", $"tar -c -C '{directory}' . | pigz -p {threads} -4 > '{output}'"),
    ($"ours tar.gz -j {threads} -6", Ours("tar.gz", "ours", 6, threads, output)),
    ($"tar -c | pigz -p {threads} -6", $"tar -c -C '{directory}' . | pigz -p {threads} -6 > '{output}'"),
    ("ours tar.gz -j 1 -4", Ours("tar.gz", "ours", 4, 1, output)),
    ("tar -czf (gzip -6, 1 thread)", $"tar -czf '{output}' -C '{directory}' ."),
    ($"ours tar.zst -j {threads} -4", Ours("tar.zst", "ours", 4, threads, output)),
    ($"tar -c | zstd -T{threads} -4", $"tar -c -C '{directory}' . | zstd -q -T{threads} -4 > '{output}'"),
    ($"ours zip -j {threads} -4 (streaming writer)", Ours("zip", "ours", 4, threads, output)),
    ("ours zip -j 1 -4 (streaming writer)", Ours("zip", "ours", 4, 1, output)),
    ("System.IO.Compression ZipArchive -4", Ours("zip", "system-io-compression", 4, 1, output)),
    ("zip -r -4 (Info-ZIP, 1 thread)", $"cd '{directory}' && zip -q -r -y -4 '{output}.zip' . && mv '{output}.zip' '{output}'"),
    ("SharpZipLib zip -4", Ours("zip", "sharpziplib", 4, 1, output)),
    ("ours tar writer (uncompressed)", Ours("tar", "ours", 0, 1, output)),
    ("System.Formats.Tar writer (uncompressed)", Ours("tar", "system-formats-tar", 0, 1, output)),
    ("SharpZipLib tar writer (uncompressed)", Ours("tar", "sharpziplib", 0, 1, output)),
};
if (Shell("command -v conda-pack || true").Trim().Length > 0)
{
    contenders.Add(($"conda-pack -j {threads} --compress-level 4", $"conda-pack -p '{directory}' -o '{output}.tar.gz' -j {threads} --compress-level 4 --force && mv '{output}.tar.gz' '{output}'"));
}
else
{
    Console.WriteLine("conda-pack: not on PATH, skipped");
}

var only = Arg("--only", string.Empty);
if (only.Length > 0)
{
    contenders.RemoveAll(c => !c.Name.Contains(only, StringComparison.OrdinalIgnoreCase));
}

// Warm the page cache so the first contender does not pay for cold reads.
Shell(Ours("tar", "ours", 0, 1, "/dev/null"));

// Contenders run round-robin, so that a change in the machine's load hits all of them alike; the table shows medians.
var results = contenders.Select(_ => new List<(double Wall, double Cpu, long Size, long RssKb)>()).ToList();
var timeFile = Path.Combine(scratch, "time.txt");
Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
if (args.Contains("--race-only") || args.Contains("--pipeline-only") || args.Contains("--cache-only"))
{
    contenders.Clear();
}

for (var round = 0; round < repeat; round++)
{
    for (var c = 0; c < contenders.Count; c++)
    {
        File.Delete(output);
        var stopwatch = Stopwatch.StartNew();
        Shell($"/usr/bin/time -f '%e %U %S %M' -o '{timeFile}' sh -c \"{contenders[c].Command.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        stopwatch.Stop();
        var fields = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
        var cpu = double.Parse(fields[1], CultureInfo.InvariantCulture) + double.Parse(fields[2], CultureInfo.InvariantCulture);
        results[c].Add((stopwatch.Elapsed.TotalSeconds, cpu, new FileInfo(output).Length, long.Parse(fields[3], CultureInfo.InvariantCulture)));
    }
}

Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine();
Console.WriteLine($"| contender | wall (s, median of {repeat}) | MB/s | CPU user+sys (s) | archive (MB) | peak RSS (MB) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
for (var c = 0; c < contenders.Count; c++)
{
    var wall = Median(results[c].Select(r => r.Wall));
    var cpu = Median(results[c].Select(r => r.Cpu));
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {contenders[c].Name} | {wall:F1} | {inputBytes / 1e6 / wall:F0} | {cpu:F1} | {results[c][0].Size / 1e6:F1} | {results[c].Max(r => r.RssKb) / 1024.0:F0} |"));
}

// Head to head: ours and tar | pigz started together on the same input, same threads and level. Both face the same
// load from whatever else runs on the machine at that moment, which sequential runs on a shared machine cannot promise.
var race = !args.Contains("--pipeline-only") && !args.Contains("--cache-only") && only.Length == 0;
if (race)
{
    Console.WriteLine();
    Console.WriteLine($"Head to head (started together, median of {repeat}):");
    Console.WriteLine();
    Console.WriteLine("| level | ours wall (s) | ours CPU (s) | ours archive (MB) | pigz wall (s) | pigz CPU (s) | pigz archive (MB) |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
}

foreach (var level in race ? new[] { 4, 6 } : [])
{
    var ours = new List<(double Wall, double Cpu, double RssMb)>();
    var pigz = new List<(double Wall, double Cpu, double RssMb)>();
    long oursSize = 0, pigzSize = 0;
    for (var round = 0; round < repeat; round++)
    {
        var oursOutput = Path.Combine(scratch, "race-ours.tar.gz");
        var pigzOutput = Path.Combine(scratch, "race-pigz.tar.gz");
        File.Delete(oursOutput);
        File.Delete(pigzOutput);
        var oursRun = Task.Run(() => Timed(Ours("tar.gz", "ours", level, threads, oursOutput), Path.Combine(scratch, "race-ours.time")));
        var pigzRun = Task.Run(() => Timed($"tar -c -C '{directory}' . | pigz -p {threads} -{level} > '{pigzOutput}'", Path.Combine(scratch, "race-pigz.time")));
        ours.Add(await oursRun);
        pigz.Add(await pigzRun);
        oursSize = new FileInfo(oursOutput).Length;
        pigzSize = new FileInfo(pigzOutput).Length;
        File.Delete(oursOutput);
        File.Delete(pigzOutput);
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {level} | {Median(ours.Select(r => r.Wall)):F1} | {Median(ours.Select(r => r.Cpu)):F1} | {oursSize / 1e6:F1} | {Median(pigz.Select(r => r.Wall)):F1} | {Median(pigz.Select(r => r.Cpu)):F1} | {pigzSize / 1e6:F1} |"));
}

// The whole `sparkjobgen pack` pipeline (EnvironmentPacker: inventory, checks, prefix scan, relocation, writer) on a
// --system-site-packages venv over the same installation, against tar | pigz of the same files (lib/ without the static
// library, which the packer leaves out, plus the interpreter).
if (!args.Contains("--race-only") && !args.Contains("--cache-only") && only.Length == 0)
{
    var venv = Path.Combine(scratch, "venv-system");
    if (!Directory.Exists(venv))
    {
        Shell($"'{directory}/bin/python3' -m venv --system-site-packages --without-pip '{venv}'");
    }

    Pipeline("Full pipeline", "sparkjobgen pack (EnvironmentPacker)", venv, $"--exclude='*.a' -C '{directory}' lib bin/python3.11", "lib bin/python3.11");

    // The packer's main path: a conda prefix (the same installation, hard-linked, with conda-meta records), against tar | pigz
    // of the same folder.
    var conda = Path.Combine(scratch, "conda-env");
    var records = CondaLayout.Create(directory, conda, Shell);
    Pipeline($"Conda prefix ({records} records)", "sparkjobgen pack (conda prefix)", conda, $"-C '{conda}' .", ".");
}

// One pipeline table: the packer on `prefix` against `tar -c <selection> | pigz` of the same files, level 4.
void Pipeline(string heading, string packerName, string prefix, string tarSelection, string tarName)
{
    var packerOutput = Path.Combine(scratch, "pipeline.tar.gz");
    var pigzOutput = Path.Combine(scratch, "pipeline-pigz.tar.gz");
    var packer = new List<(double Wall, double Cpu, double RssMb)>();
    var pigz = new List<(double Wall, double Cpu, double RssMb)>();
    var entries = "";
    for (var round = 0; round < repeat; round++)
    {
        File.Delete(packerOutput);
        packer.Add(Timed($"{selfCommand} pack --dir '{prefix}' --out '{packerOutput}' --format tar.gz --impl packer --level 4 --threads {threads}", timeFile,
            output => entries = output.Trim().Split("files=")[^1]));
        File.Delete(pigzOutput);
        pigz.Add(Timed($"tar -c {tarSelection} | pigz -p {threads} -4 > '{pigzOutput}'", timeFile));
    }

    var contentBytes = long.Parse(Shell($"tar -c {tarSelection} | wc -c").Trim(), CultureInfo.InvariantCulture);
    string Row(string name, List<(double Wall, double Cpu, double RssMb)> runs, string archive) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Median(runs.Select(r => r.Wall)):F1} | {contentBytes / 1e6 / Median(runs.Select(r => r.Wall)):F0} | {Median(runs.Select(r => r.Cpu)):F1} | {new FileInfo(archive).Length / 1e6:F1} | {runs.Max(r => r.RssMb):F0} |");
    Console.WriteLine();
    Console.WriteLine($"{heading}: {entries} entries, level 4, {threads} threads (median of {repeat}); tar stream of the same files: {contentBytes / 1e6:F0} MB");
    Console.WriteLine();
    Console.WriteLine("| contender | wall (s) | MB/s | CPU (s) | archive (MB) | peak RSS (MB) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Console.WriteLine(Row(packerName, packer, packerOutput));
    Console.WriteLine(Row($"tar -c {tarName} \\| pigz -p {threads} -4", pigz, pigzOutput));
    File.Delete(packerOutput);
    File.Delete(pigzOutput);
}

// Cache hits: a full pack with the cache on (the miss records the archive), then the same pack again, each in its own
// process; "in-process" is PackResult.Duration (the library call a `run` makes), "process" adds .NET start-up.
if (args.Contains("--cache-only") || (!args.Contains("--race-only") && !args.Contains("--pipeline-only") && only.Length == 0))
{
    var standalone = Path.Combine(scratch, "venv-standalone");
    if (!Directory.Exists(standalone))
    {
        Shell($"'{directory}/bin/python3' -m venv --without-pip '{standalone}'");
    }

    Console.WriteLine();
    Console.WriteLine($"Cache hits, level 4, {threads} threads: {repeat} full packs (cache emptied before each), then {repeat + 2} packs of the unchanged environment (medians)");
    Console.WriteLine();
    Console.WriteLine("| environment | entries | full pack in-process (s) | hit in-process (s) | ratio | full pack process (s) | hit process (s) | ratio |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (name, venv) in new[] { ("standalone venv (the tests' kind)", standalone), ("--system-site-packages venv over the whole installation", Path.Combine(scratch, "venv-system")) })
    {
        var cacheScratch = Directory.CreateDirectory(Path.Combine(scratch, "cache-run")).FullName;
        var archive = Path.Combine(cacheScratch, "env.tar.gz");
        (double InProcess, double Process, string Outcome) Run()
        {
            var stopwatch = Stopwatch.StartNew();
            var fields = Shell($"{selfCommand} pack --dir '{venv}' --out '{archive}' --format tar.gz --impl packer-cached --level 4 --threads {threads}").Trim().Split('\n')[^1].Split(' ');
            return (double.Parse(fields[0], CultureInfo.InvariantCulture) / 1000, stopwatch.Elapsed.TotalSeconds, fields[1]);
        }

        var full = new List<(double InProcess, double Process, string Outcome)>();
        for (var round = 0; round < repeat; round++)
        {
            Directory.Delete(cacheScratch, recursive: true);
            Directory.CreateDirectory(cacheScratch);
            full.Add(Run());
        }

        var hits = Enumerable.Range(0, repeat + 2).Select(_ => Run()).ToList();
        if (full.Any(r => r.Outcome != "miss") || hits.Any(r => r.Outcome != "hit"))
        {
            throw new InvalidOperationException($"expected {repeat} misses then hits, got {string.Join(' ', full.Concat(hits).Select(r => r.Outcome))}");
        }

        var entries = int.Parse(Shell($"{selfCommand} pack --dir '{venv}' --out '{archive}' --format tar.gz --impl packer --level 4 --threads {threads}").Trim().Split("files=")[^1], CultureInfo.InvariantCulture);
        double fullIn = Median(full.Select(r => r.InProcess)), hitIn = Median(hits.Select(r => r.InProcess));
        double fullProcess = Median(full.Select(r => r.Process)), hitProcess = Median(hits.Select(r => r.Process));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {entries:N0} | {fullIn:F2} | {hitIn:F3} | {hitIn / fullIn:P1} | {fullProcess:F2} | {hitProcess:F3} | {hitProcess / fullProcess:P1} |"));
        Directory.Delete(cacheScratch, recursive: true);
    }
}

File.Delete(output);
return 0;

static (double Wall, double Cpu, double RssMb) Timed(string command, string timeFile, Action<string>? output = null)
{
    var stopwatch = Stopwatch.StartNew();
    var printed = Shell($"/usr/bin/time -f '%e %U %S %M' -o '{timeFile}' sh -c \"{command.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
    stopwatch.Stop();
    output?.Invoke(printed);
    var fields = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
    return (stopwatch.Elapsed.TotalSeconds, double.Parse(fields[1], CultureInfo.InvariantCulture) + double.Parse(fields[2], CultureInfo.InvariantCulture),
        double.Parse(fields[3], CultureInfo.InvariantCulture) / 1024);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string Shell(string command)
{
    var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
    info.ArgumentList.Add("-c");
    info.ArgumentList.Add(command);
    using var process = Process.Start(info)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"'{command}' exited {process.ExitCode}: {stderr.Result}");
    }

    return stdout.Result;
}
