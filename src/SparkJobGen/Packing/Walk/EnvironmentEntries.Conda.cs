using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SparkJobGen.Packing;

internal sealed partial class EnvironmentEntries
{
    /// <summary>
    /// A conda prefix's records as rows sorted like the walk (<see cref="ClaimSet"/>): each recorded file with its package
    /// and relocation, and each path a pip distribution's RECORD lists (conda-pack's clobber check), so one merge with the
    /// walk finds owners, missing files and pip overwrites without a table of the environment.
    /// </summary>
    private sealed class CondaClaims
    {
        private CondaClaims(ClaimSet claims, string prefix, string? sitePackages)
        {
            Claims = claims;
            SitePackages = sitePackages;
            UnmanagedText = [new PrefixOnDisk(prefix, prefix, PrefixMode.None)];
        }

        /// <summary>The sorted rows.</summary>
        public ClaimSet Claims { get; }

        /// <summary>The packages, by index: <c>name version</c>, and the name alone.</summary>
        public List<(string Key, string Name)> Packages { get; } = [];

        /// <summary>The distinct placeholders files are recorded with, by index.</summary>
        public List<IReadOnlyList<PrefixOnDisk>> Placeholders { get; } = [];

        /// <summary>The pip distributions whose RECORD is checked, by index.</summary>
        public List<string> Distributions { get; } = [];

        /// <summary><c>lib/pythonX.Y/site-packages</c>, or null when the prefix has no python.</summary>
        public string? SitePackages { get; }

        /// <summary>The prefixes a file no package records may contain (relocated if it is text, as conda-pack does).</summary>
        public IReadOnlyList<PrefixOnDisk> UnmanagedText { get; }

        /// <summary>Reads every record (one at a time) and the pip distributions' RECORD files into sorted rows.</summary>
        public static CondaClaims Read(string prefix, PackOptions options, int runRows)
        {
            var pythonVersion = CondaPackageRecord.PythonShortVersion(prefix);
            var sitePackages = pythonVersion is null ? null : $"lib/python{pythonVersion}/site-packages";
            if (sitePackages is not null && !options.IgnoreEditablePackages)
            {
                var editable = EnvironmentInventory.FindEditable(Path.Combine(prefix, sitePackages));
                if (editable.Count > 0)
                {
                    throw new EditablePackagesException(editable);
                }
            }

            var claims = new CondaClaims(new ClaimSet(runRows), prefix, sitePackages);
            try
            {
                claims.ReadRecords(prefix, pythonVersion);
                if (sitePackages is not null)
                {
                    claims.ReadDistributions(prefix, sitePackages);
                }

                claims.Claims.Complete();
                return claims;
            }
            catch
            {
                claims.Claims.Dispose();
                throw;
            }
        }

        private void ReadRecords(string prefix, string? pythonVersion)
        {
            var placeholders = new Dictionary<(string Placeholder, bool Binary), int>();
            var path = new byte[1024];
            CondaPackageRecord.ReadEach(
                prefix,
                pythonVersion,
                record => Packages.Add(($"{record.Name} {record.Version}", record.Name)),
                file =>
                {
                    if (file.Type == CondaPathType.Directory)
                    {
                        return;
                    }

                    int placeholder;
                    if (file.PrefixPlaceholder is { Length: > 0 } text)
                    {
                        if (!placeholders.TryGetValue((text, file.IsBinary), out placeholder))
                        {
                            placeholder = Placeholders.Count;
                            placeholders.Add((text, file.IsBinary), placeholder);
                            Placeholders.Add([new PrefixOnDisk(prefix, text, file.IsBinary ? PrefixMode.Binary : PrefixMode.Text)]);
                        }
                    }
                    else
                    {
                        // conda-pack treats bin/ files without a placeholder (noarch entry points) as "unknown": relocated when
                        // they are text; other recorded files without one are stored as they are.
                        placeholder = file.Path.StartsWith("bin/", StringComparison.Ordinal) ? ClaimPrefix.Keep : ClaimPrefix.None;
                    }

                    Claims.Add(Utf8(file.Path, ref path), ClaimKind.Owned, Packages.Count - 1, placeholder);
                });
        }

        /// <summary>pip distributions (INSTALLER is not conda): their RECORD file, and every path it lists inside the prefix.</summary>
        private void ReadDistributions(string prefix, string sitePackages)
        {
            var root = Path.Combine(prefix, sitePackages);
            if (!Directory.Exists(root))
            {
                return;
            }

            var path = new byte[1024];
            foreach (var distInfo in Directory.EnumerateDirectories(root, "*.dist-info").Order(StringComparer.Ordinal))
            {
                var installer = EnvironmentInventory.Lines(Path.Combine(distInfo, "INSTALLER")).FirstOrDefault()?.Trim();
                if (installer is null or "conda")
                {
                    continue;
                }

                var index = Distributions.Count;
                Distributions.Add(EnvironmentInventory.DistributionName(distInfo));
                Claims.Add(Utf8(sitePackages + "/" + Path.GetFileName(distInfo) + "/RECORD", ref path), ClaimKind.DistributionRecord, index, ClaimPrefix.Keep);
                foreach (var line in EnvironmentInventory.Lines(Path.Combine(distInfo, "RECORD")))
                {
                    var listed = line.Split(',')[0];
                    if (listed.Length == 0)
                    {
                        continue;
                    }

                    var relative = Path.GetRelativePath(prefix, Path.GetFullPath(Path.Combine(root, listed))).Replace('\\', '/');
                    if (relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
                    {
                        Claims.Add(Utf8(relative, ref path), ClaimKind.Listed, index, ClaimPrefix.Keep);
                    }
                }
            }
        }

        /// <summary>The checks' verdicts after the scan: missing and clobbered files throw unless ignored; unmanaged files warn.</summary>
        public void Conclude(ScanReport report, PackOptions options, List<string> warnings)
        {
            if (report.Missing.Count > 0)
            {
                var missing = report.Missing.ToDictionary(
                    p => Packages[p.Key].Key, p => (IReadOnlyList<string>)p.Value.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
                if (!options.IgnoreMissingFiles)
                {
                    throw new MissingFilesException(missing);
                }

                warnings.Add($"--ignore-missing-files: {missing.Values.Sum(v => v.Count)} recorded files of {missing.Count} packages are missing and were skipped.");
            }

            var clobbered = report.Hits.Where(h => !report.CondaDistributions.Contains(h.Key))
                .ToDictionary(h => Distributions[h.Key], h => (IReadOnlyList<string>)h.Value, StringComparer.Ordinal);
            if (clobbered.Count > 0)
            {
                if (!options.IgnoreClobberedFiles)
                {
                    throw new ClobberedFilesException(clobbered);
                }

                warnings.Add($"--ignore-clobbered-files: pip overwrote conda files of {string.Join(", ", clobbered.Keys.Order(StringComparer.Ordinal))}; packed as they are on disk.");
            }

            if (report.Unmanaged > 0)
            {
                warnings.Add($"{report.Unmanaged} files are not owned by any conda package (pip installs or files created later); packed as they are, "
                    + $"text files relocated: {string.Join(", ", report.UnmanagedTop.Take(8))}{(report.UnmanagedTop.Count > 8 ? ", ..." : "")}.");
            }
        }

        /// <summary>The first folder under site-packages, or the first folder of the prefix, that an unmanaged file is in.</summary>
        public string TopFolder(string path)
        {
            if (SitePackages is not null && path.StartsWith(SitePackages + "/", StringComparison.Ordinal))
            {
                var rest = path[(SitePackages.Length + 1)..];
                var slash = rest.IndexOf('/');
                return "site-packages/" + (slash < 0 ? rest : rest[..slash]);
            }

            var first = path.IndexOf('/');
            return first < 0 ? path : path[..first];
        }

        private static ReadOnlySpan<byte> Utf8(string text, ref byte[] buffer)
        {
            var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (buffer.Length < needed)
            {
                buffer = new byte[needed];
            }

            return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
        }
    }

    /// <summary>What the checking pass collects about a conda prefix.</summary>
    private sealed class ScanReport
    {
        /// <summary>Per package index, the recorded paths that are absent.</summary>
        public Dictionary<int, List<string>> Missing { get; } = [];

        /// <summary>Per pip distribution index, the conda-owned paths its RECORD lists.</summary>
        public Dictionary<int, List<string>> Hits { get; } = [];

        /// <summary>The pip distributions whose RECORD file a conda package owns (so they are conda's, not pip's).</summary>
        public HashSet<int> CondaDistributions { get; } = [];

        /// <summary>Entries no package owns.</summary>
        public int Unmanaged { get; set; }

        /// <summary>Where the unmanaged entries are.</summary>
        public SortedSet<string> UnmanagedTop { get; } = new(StringComparer.Ordinal);

        /// <summary>The first symlinks found pointing outside the environment (reported all at once at the end of the pass).</summary>
        public List<(string LinkPath, string Target)> Escaping { get; } = [];

        /// <summary>How many symlinks point outside the environment.</summary>
        public int EscapingCount { get; set; }
    }
}
