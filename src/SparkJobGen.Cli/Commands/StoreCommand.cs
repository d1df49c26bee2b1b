using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SparkJobGen.Cli.Output;
using SparkJobGen.Stores;
using SparkJobGen.Submission;

namespace SparkJobGen.Cli.Commands;

/// <summary><c>sparkjobgen store ls|prune &lt;uri&gt;</c>: list and prune an environment store.</summary>
internal static class StoreCommand
{
    /// <summary>Creates the verb.</summary>
    /// <param name="io">Where output goes.</param>
    public static Command Create(CliIO io)
    {
        var command = new Command("store", "List or prune a content-addressed environment store (s3a://, hdfs://, webhdfs://, file://).");
        command.Subcommands.Add(List(io));
        command.Subcommands.Add(Prune(io));
        return command;
    }

    /// <summary>The store options of a verb: secrets go to the console's redactor, uploads report progress as steps.</summary>
    /// <param name="console">The verb's console.</param>
    public static EnvironmentStoreOptions Options(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var lastTenth = new Dictionary<string, long>(StringComparer.Ordinal);
        return new EnvironmentStoreOptions
        {
            OnSecret = secret => console.Redactor.Add(secret),
            OnProgress = progress =>
            {
                // One line per tenth of the archive, so logs stay short for large uploads.
                var tenth = progress.TotalBytes == 0 ? 10 : progress.BytesSent * 10 / progress.TotalBytes;
                lock (lastTenth)
                {
                    if (lastTenth.TryGetValue(progress.Name, out var last) && last >= tenth)
                    {
                        return;
                    }

                    lastTenth[progress.Name] = tenth;
                }

                console.Step(new JobRunStep("upload", string.Create(CultureInfo.InvariantCulture, $"{progress.Name} {tenth * 10}% ({progress.BytesSent:N0}/{progress.TotalBytes:N0} bytes)"), false));
            },
        };
    }

    /// <summary>Parses an age such as <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>2w</c>.</summary>
    /// <param name="text">The age.</param>
    /// <exception cref="ArgumentException">Not an age.</exception>
    public static TimeSpan ParseAge(string text)
    {
        var value = text.Trim();
        if (value.Length >= 2 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            switch (char.ToLowerInvariant(value[^1]))
            {
                case 'w': return TimeSpan.FromDays(7 * amount);
                case 'd': return TimeSpan.FromDays(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 's': return TimeSpan.FromSeconds(amount);
            }
        }

        throw new ArgumentException($"--older-than '{text}' is not an age: use 30d, 2w, 12h, 90m or 45s.");
    }

    private static Command List(CliIO io)
    {
        var location = new Argument<string>("uri") { Description = "The store folder: s3a://bucket/envs/, hdfs://namenode/user/me/envs/, webhdfs://host:9870/path/ or file:///mnt/shared/envs/." };
        var json = CommonOptions.Json();
        var command = new Command("ls", "List the environment archives in a store: environment, key, size, age.") { location, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var now = DateTimeOffset.UtcNow;
                var entries = await ReadAsync(parse.GetRequiredValue(location), console, cancellationToken).ConfigureAwait(false);
                if (entries.Count > 0)
                {
                    console.Info($"{"environment",-24} {"key",-16}  {"size",10}  {"age",6}  name");
                }

                foreach (var entry in entries)
                {
                    console.Info($"{entry.Name.Environment,-24} {entry.Name.Key}  {FormatSize(entry.Stored.Length),10}  {FormatAge(now - entry.Stored.LastModified),6}  {entry.Stored.Name}");
                }

                console.Info($"{entries.Count} archive(s), {FormatSize(entries.Sum(static e => e.Stored.Length))}; the age is the time since each was uploaded");
                console.WriteJson(Document(0, entries, now, false), CliJson.Documents.StoreDocument);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command Prune(CliIO io)
    {
        var location = new Argument<string>("uri") { Description = "The store folder." };
        var olderThan = new Option<string>("--older-than") { Description = "Prune archives uploaded longer ago than this: 30d, 2w, 12h, 90m.", Required = true, HelpName = "age" };
        var delete = new Option<bool>("--delete") { Description = "Delete them. Without it, prune is a dry run that only lists what it would delete." };
        var json = CommonOptions.Json();
        var command = new Command("prune", "Delete environment archives older than an age (dry run unless --delete). Only <environment>-<key> archives are touched.")
        {
            location, olderThan, delete, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var age = ParseAge(parse.GetRequiredValue(olderThan));
                var now = DateTimeOffset.UtcNow;
                var uri = parse.GetRequiredValue(location);
                var entries = await ReadAsync(uri, console, cancellationToken).ConfigureAwait(false);
                var old = entries.Where(e => now - e.Stored.LastModified > age).ToList();
                var deleting = parse.GetValue(delete);
                using (var store = EnvironmentStores.Open(uri, Options(console)))
                {
                    foreach (var entry in old)
                    {
                        if (deleting)
                        {
                            await store.DeleteAsync(entry.Stored.Name, cancellationToken).ConfigureAwait(false);
                        }

                        console.Info($"{(deleting ? "deleted" : "would delete")} {entry.Stored.Name} ({FormatSize(entry.Stored.Length)}, {FormatAge(now - entry.Stored.LastModified)} old)");
                    }
                }

                console.Info(deleting
                    ? $"deleted {old.Count} of {entries.Count} archive(s)"
                    : $"dry run: {old.Count} of {entries.Count} archive(s) are older than {parse.GetValue(olderThan)}; pass --delete to delete them");
                console.WriteJson(Document(0, old, now, deleting), CliJson.Documents.StoreDocument);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task<List<(StoredArchiveName Name, StoredArchive Stored)>> ReadAsync(string uri, CliConsole console, CancellationToken cancellationToken)
    {
        using var store = EnvironmentStores.Open(uri, Options(console));
        await store.CheckFolderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<(StoredArchiveName, StoredArchive)>();
        await foreach (var stored in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (StoredArchiveName.TryParse(stored.Name, out var name))
            {
                entries.Add((name, stored));
            }
        }

        return entries.OrderBy(static e => e.Item1.Environment, StringComparer.Ordinal).ThenByDescending(static e => e.Item2.LastModified).ToList();
    }

    private static StoreDocument Document(int exitCode, List<(StoredArchiveName Name, StoredArchive Stored)> entries, DateTimeOffset now, bool deleted) =>
        new(exitCode, entries.Select(e => new StoreEntryDocument(
            e.Name.Environment, e.Name.Key, e.Stored.Name, e.Stored.Length, e.Stored.LastModified, (long)(now - e.Stored.LastModified).TotalSeconds)).ToList(), deleted);

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private static string FormatAge(TimeSpan age) => age switch
    {
        { TotalDays: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)age.TotalSeconds)}s"),
    };
}

/// <summary>The <c>--json</c> document of <c>store ls</c> and <c>store prune</c>.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Archives">The archives listed, or those pruned (or that a dry run would prune).</param>
/// <param name="Deleted">Whether prune deleted them (false for ls and dry runs).</param>
internal sealed record StoreDocument(int ExitCode, IReadOnlyList<StoreEntryDocument> Archives, bool Deleted);

/// <summary>One archive in a store.</summary>
/// <param name="Environment">The environment name.</param>
/// <param name="Key">The content key.</param>
/// <param name="Name">The object name.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was uploaded.</param>
/// <param name="AgeSeconds">Its age in seconds.</param>
internal sealed record StoreEntryDocument(string Environment, string Key, string Name, long Size, DateTimeOffset LastModified, long AgeSeconds);
