using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using SparkJobGen.Cli.Output;
using SparkJobGen.Packing;

namespace SparkJobGen.Cli.Commands;

/// <summary>
/// <c>sparkjobgen pack</c>: conda-pack's command line (same flags, same defaults) on the SparkJobGen packer, plus
/// <c>--verify</c>, <c>--import</c>, <c>--no-cache</c>, <c>--ignore-clobbered-files</c> and <c>--json</c>.
/// </summary>
internal static class PackCommand
{
    /// <summary>Creates the verb.</summary>
    /// <param name="io">Where output goes.</param>
    public static Command Create(CliIO io)
    {
        var prefix = new Option<string?>("--prefix", "-p") { Description = "Full path to the environment (a conda prefix or a python -m venv). Default: the active environment." };
        var name = new Option<string?>("--name", "-n") { Description = "Name of a conda environment (searched like conda: CONDA_ENVS_PATH, envs folders, ~/.conda/environments.txt)." };
        var output = new Option<string?>("--output", "-o") { Description = "The archive to write. Default: <environment name>.<format extension> in the current folder." };
        var format = new Option<string>("--format") { Description = "infer, tar.gz, tgz, tar.bz2, tbz2, tar.zst, tzst, tar, zip or no-archive. infer reads the output's extension (tar.gz when no --output is given; an output without a known extension is refused).", DefaultValueFactory = _ => "infer" };
        format.AcceptOnlyFromAmong(Packing.Archives.ArchiveFormats.FormatNames);
        var level = new Option<int?>("--compress-level") { Description = "Compression level: 0-9 for gzip/zip, 1-9 for bzip2, 1-22 for zstd. Default 4 (gzip), like conda-pack." };
        var threads = new Option<int>("--n-threads", "-j") { Description = "Compression threads; -1 uses every core.", DefaultValueFactory = _ => -1 };
        var arcroot = new Option<string?>("--arcroot") { Description = "A folder every entry is placed under inside the archive. Default: the archive root." };
        var destPrefix = new Option<string?>("--dest-prefix", "-d") { Description = "The absolute path the environment will be unpacked to: prefixes are rewritten now and no conda-unpack is added." };
        var exclude = new Option<string[]>("--exclude") { Description = "Exclude files matching this glob (fnmatch: * crosses /). Repeatable; applied in order with --include.", AllowMultipleArgumentsPerToken = false };
        var include = new Option<string[]>("--include") { Description = "Re-include files matching this glob after an --exclude. Repeatable; applied in order." };
        var ignoreMissing = new Option<bool>("--ignore-missing-files") { Description = "Pack even though files recorded by conda packages are missing." };
        var ignoreEditable = new Option<bool>("--ignore-editable-packages") { Description = "Pack even though editable (pip install -e) packages are installed; their code is not included." };
        var ignoreClobbered = new Option<bool>("--ignore-clobbered-files") { Description = "Pack even though pip overwrote files owned by conda packages." };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite an existing output and create a missing output folder." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar or summary." };
        var zipSymlinks = new Option<bool>("--zip-symlinks") { Description = "zip only: store symlinks as links instead of copies of their targets." };
        var noCache = new Option<bool>("--no-cache") { Description = "Pack again even when the output was packed from exactly this content." };
        var verify = new Option<bool>("--verify") { Description = "Unpack into a scratch folder named environment, run conda-unpack and import each package with the packed bin/python." };
        var imports = new Option<string[]>("--import") { Description = "With --verify: a module to import (repeatable). Default: every installed distribution's top-level modules." };
        var json = CommonOptions.Json();

        var command = new Command("pack", "Pack a conda environment or virtualenv into one relocatable archive for spark-submit --archives env.tar.gz#environment (conda-pack compatible flags).")
        {
            prefix, name, output, format, level, threads, arcroot, destPrefix, exclude, include, ignoreMissing, ignoreEditable, ignoreClobbered,
            force, quiet, zipSymlinks, noCache, verify, imports, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var options = new PackOptions
                {
                    Prefix = parse.GetValue(prefix),
                    Name = parse.GetValue(name),
                    Output = parse.GetValue(output),
                    Format = parse.GetValue(format) ?? "infer",
                    CompressionLevel = parse.GetValue(level),
                    Threads = parse.GetValue(threads),
                    ArcRoot = parse.GetValue(arcroot),
                    DestinationPrefix = parse.GetValue(destPrefix),
                    Filters = OrderedFilters(parse, exclude, include),
                    IgnoreMissingFiles = parse.GetValue(ignoreMissing),
                    IgnoreEditablePackages = parse.GetValue(ignoreEditable),
                    IgnoreClobberedFiles = parse.GetValue(ignoreClobbered),
                    Force = parse.GetValue(force),
                    ZipSymlinks = parse.GetValue(zipSymlinks),
                    UseCache = !parse.GetValue(noCache),
                };
                var isQuiet = parse.GetValue(quiet);
                var result = await console.WithPackProgressAsync("Packing", isQuiet,
                    progress => EnvironmentPacker.PackAsync(options, progress, cancellationToken)).ConfigureAwait(false);
                foreach (var warning in result.Warnings)
                {
                    console.Info("warning: " + warning);
                }

                VerifyResult? verification = null;
                if (parse.GetValue(verify))
                {
                    if (!isQuiet)
                    {
                        console.Info("Verifying: unpacking into a scratch folder named environment and importing packages with its bin/python ...");
                    }

                    verification = await EnvironmentVerifier.VerifyAsync(result.ArchivePath, new VerifyOptions { Modules = parse.GetValue(imports) ?? [] }, cancellationToken).ConfigureAwait(false);
                }

                if (!isQuiet)
                {
                    var rows = new List<KeyValuePair<string, string?>>
                    {
                        new("archive", result.ArchivePath),
                        new("environment", $"{result.Prefix} ({result.Kind.ToString().ToLowerInvariant()})"),
                        new("format", Packing.Archives.ArchiveFormats.Name(result.Format)),
                        new("files", result.Files.ToString("N0", CultureInfo.InvariantCulture)),
                        new("content", Megabytes(result.ContentBytes)),
                        new("archive size", result.ArchiveBytes > 0 ? Megabytes(result.ArchiveBytes) : null),
                        new("time", result.FromCache ? $"{result.Duration.TotalSeconds:F2} s (unchanged: reused the cached archive)" : $"{result.Duration.TotalSeconds:F2} s"),
                        new("relocation", options.DestinationPrefix is { } d ? "prefixes rewritten to " + d : $"bin/conda-unpack ({result.UnpackRecords} files to rewrite)"),
                        new("content key", result.ContentKey[..16]),
                    };
                    if (verification is not null)
                    {
                        rows.Add(new("verify", verification.Succeeded
                            ? $"python {verification.PythonVersion} ran relocated; {verification.Imports.Count} imports ok"
                            : "FAILED"));
                    }

                    console.Summary(result.FromCache ? "Environment archive is up to date" : "Environment packed", rows);
                }

                var code = verification is { Succeeded: false } ? ExitCodes.PackFailed : ExitCodes.Success;
                if (verification is { Succeeded: false })
                {
                    console.Error(verification.DescribeFailures());
                }

                console.WriteJson(new PackDocument(code, result.ArchivePath, Packing.Archives.ArchiveFormats.Name(result.Format), result.Prefix,
                    result.Kind.ToString().ToLowerInvariant(), result.Files, result.ContentBytes, result.ArchiveBytes, result.ContentKey, result.FromCache,
                    result.Duration.TotalSeconds, result.UnpackRecords, result.Warnings, verification is null ? null : VerifyDocument.From(verification)), CliJson.Documents.PackDocument);
                return code;
            });
        });

        return command;
    }

    /// <summary>Rebuilds the command-line order of --exclude and --include (conda-pack applies them in order).</summary>
    private static List<PathFilterRule> OrderedFilters(ParseResult parse, Option<string[]> exclude, Option<string[]> include)
    {
        var rules = new List<(int Position, PathFilterRule Rule)>();
        var tokens = parse.Tokens;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            var token = tokens[i].Value;
            if (token == exclude.Name || token == include.Name)
            {
                rules.Add((i, new PathFilterRule(token == include.Name, tokens[i + 1].Value)));
            }
        }

        var expected = (parse.GetValue(exclude)?.Length ?? 0) + (parse.GetValue(include)?.Length ?? 0);
        if (rules.Count != expected)
        {
            // --exclude=glob style tokens: fall back to excludes first, then includes.
            return (parse.GetValue(exclude) ?? []).Select(p => new PathFilterRule(false, p))
                .Concat((parse.GetValue(include) ?? []).Select(p => new PathFilterRule(true, p))).ToList();
        }

        return rules.OrderBy(r => r.Position).Select(r => r.Rule).ToList();
    }

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture) + " MB";
}

/// <summary>The <c>--json</c> document of <c>pack</c>.</summary>
internal sealed record PackDocument(
    int ExitCode, string Archive, string Format, string Prefix, string Kind, int Files, long ContentBytes, long ArchiveBytes, string ContentKey,
    bool FromCache, double DurationSeconds, int UnpackRecords, IReadOnlyList<string> Warnings, VerifyDocument? Verify);

/// <summary>A verification in JSON output.</summary>
internal sealed record VerifyDocument(bool Succeeded, string PythonVersion, string Prefix, IReadOnlyList<ImportCheck> Imports, IReadOnlyList<string> Problems)
{
    /// <summary>Converts a result.</summary>
    /// <param name="result">The verification.</param>
    public static VerifyDocument From(VerifyResult result) => new(result.Succeeded, result.PythonVersion, result.Prefix, result.Imports, result.Problems);
}
