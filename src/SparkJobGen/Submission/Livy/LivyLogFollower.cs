using System;
using System.Collections.Generic;

namespace SparkJobGen.Submission.Livy;

/// <summary>
/// Turns successive snapshots of a Livy batch log into the lines not shown yet.
/// </summary>
/// <remarks>
/// <para>A batch log (<c>GET /batches/{id}/log</c>) is not an append-only file. Livy builds it on every request from sections:
/// a <c>stdout: </c> header and spark-submit's output, a <c>\nstderr: </c> header and its error output (empty for batches,
/// whose error stream is merged into the output), then <c>\nYARN Diagnostics: </c> (or <c>\nKubernetes Diagnostics: </c>) and
/// the cluster manager's diagnostics. New output lands inside the first sections, before the trailing headers, so reading
/// on from the last offset repeats the headers and skips lines.</para>
/// <para>Each output section is also a ring buffer: Livy keeps only the last <c>livy.cache-log.size</c> lines (200 by default)
/// of each stream, dropping the oldest, so once it is full its line count stays the same while its content moves on.</para>
/// <para>So every section is compared with its previous snapshot: lines are new after the longest overlap of the previous
/// snapshot's end with the current one's start. A header is recognisable because it starts with a line break, which no
/// line read from a stream can contain.</para>
/// </remarks>
internal sealed class LivyLogFollower
{
    private const string OutputHeader = "stdout: ";

    private readonly Section _stdout = new(OutputChannel.StandardOutput);
    private readonly Section _stderr = new(OutputChannel.StandardError);

    /// <summary>The lines of the diagnostics section in the latest snapshot, without its header.</summary>
    public IReadOnlyList<string> Diagnostics { get; private set; } = [];

    /// <summary>The diagnostics header without its line break and colon, for example <c>YARN Diagnostics</c>.</summary>
    public string DiagnosticsName { get; private set; } = "Diagnostics";

    /// <summary>The most lines an output section held when it was seen to drop its oldest lines; null until then.</summary>
    public int? Cap => Math.Max(_stdout.Cap ?? 0, _stderr.Cap ?? 0) is var cap and > 0 ? cap : null;

    /// <summary>Whether the output showed that the driver could not start the packed interpreter (it ran outside a container).</summary>
    public bool DriverPythonMissing { get; set; }

    /// <summary>Whether lines were dropped by Livy before they could be read (more new lines between two reads than it keeps).</summary>
    public bool LinesMissed => _stdout.Missed || _stderr.Missed;

    /// <summary>Reads a snapshot of the whole log and returns the output lines not returned before, in order.</summary>
    /// <param name="log">Every line of <c>GET /batches/{id}/log</c>, from offset 0.</param>
    public IReadOnlyList<OutputLine> Update(IReadOnlyList<string> log)
    {
        var stdout = new List<string>();
        var stderr = new List<string>();
        var diagnostics = new List<string>();
        var target = stdout;
        for (var i = 0; i < log.Count; i++)
        {
            var line = log[i];
            if (i == 0 && line == OutputHeader)
            {
                continue;
            }

            if (line.StartsWith('\n'))
            {
                var name = line.Trim().TrimEnd(':');
                if (name == "stderr")
                {
                    target = stderr;
                }
                else
                {
                    DiagnosticsName = name;
                    target = diagnostics;
                }

                continue;
            }

            target.Add(line);
        }

        Diagnostics = diagnostics;
        var fresh = new List<OutputLine>();
        _stdout.Update(stdout, fresh);
        _stderr.Update(stderr, fresh);
        return fresh;
    }

    /// <summary>One output section and what was shown of it.</summary>
    private sealed class Section(OutputChannel channel)
    {
        private List<string> _previous = [];

        public int? Cap { get; private set; }

        public bool Missed { get; private set; }

        public void Update(List<string> current, List<OutputLine> fresh)
        {
            var overlap = Overlap(_previous, current);
            if (overlap < _previous.Count)
            {
                // The window moved: Livy dropped its oldest lines. Its size then is the server's cap.
                Cap = Math.Max(Cap ?? 0, current.Count);
                if (overlap == 0 && _previous.Count > 0 && current.Count > 0)
                {
                    Missed = true;
                    fresh.Add(new OutputLine(OutputChannel.StandardError, $"[livy] earlier lines were dropped by the server before they could be read (it keeps the last {current.Count})."));
                }
            }

            for (var i = overlap; i < current.Count; i++)
            {
                fresh.Add(new OutputLine(channel, current[i]));
            }

            _previous = current;
        }

        /// <summary>The length of the longest end of <paramref name="previous"/> that <paramref name="current"/> starts with.</summary>
        private static int Overlap(List<string> previous, List<string> current)
        {
            for (var length = Math.Min(previous.Count, current.Count); length > 0; length--)
            {
                var start = previous.Count - length;
                var match = true;
                for (var i = 0; i < length && match; i++)
                {
                    match = string.Equals(previous[start + i], current[i], StringComparison.Ordinal);
                }

                if (match)
                {
                    return length;
                }
            }

            return 0;
        }
    }
}
