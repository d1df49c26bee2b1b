using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ICSharpCode.SharpZipLib.BZip2;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// A write-only stream that bzip2-compresses on several cores the way pbzip2 does: the input is cut into chunks of
/// one bzip2 block (level × 100 kB), each chunk becomes a complete bzip2 stream on a worker, and the streams are
/// written in order. Concatenated bzip2 streams are one valid <c>.bz2</c> file for bzip2, GNU tar and Python.
/// The bytes depend only on the input and level, not on the thread count. At most 2 workers and 6 chunks in flight
/// bound the memory.
/// </summary>
internal sealed class ParallelBzip2Stream : ParallelCompressionStream
{
    private readonly Stream _output;
    private readonly int _level;
    private readonly int _chunkSize;
    private readonly int _maxInFlight;
    private readonly Queue<Chunk> _inFlight = new();
    private readonly BlockingCollection<Chunk>? _work;
    private readonly Thread[] _workers;
    private Chunk _current;
    private bool _wroteAny;

    /// <summary>Starts the workers.</summary>
    /// <param name="output">Receives the bzip2 streams; not closed.</param>
    /// <param name="level">1-9: the bzip2 block size in 100 kB.</param>
    /// <param name="threads">Workers; 1 compresses on the writing thread.</param>
    public ParallelBzip2Stream(Stream output, int level, int threads)
        : base("bzip2")
    {
        _output = output;
        _level = level;

        // Slightly under the block size: bzip2's run-length pre-pass can grow input, and a chunk must fit one block.
        _chunkSize = (level * 100_000) - 1_000;
        // SharpZipLib allocates its work arrays per stream (measured: about 50 MB of process RSS per busy worker,
        // 96 MB with one, 191 MB with two), so the workers are capped at two to keep memory bounded.
        var workers = Math.Clamp(threads, 1, 2);
        _maxInFlight = (2 * workers) + 2;
        _current = new Chunk(_chunkSize);
        if (workers == 1)
        {
            _workers = [];
        }
        else
        {
            _work = new BlockingCollection<Chunk>(new ConcurrentQueue<Chunk>());
            _workers = new Thread[workers];
            for (var i = 0; i < workers; i++)
            {
                _workers[i] = new Thread(Work) { IsBackground = true, Name = $"bzip2-{i}" };
                _workers[i].Start();
            }
        }
    }

    /// <inheritdoc />
    protected override int BlockCapacity => _chunkSize;

    /// <inheritdoc />
    protected override byte[] CurrentBlock => _current.Input;

    /// <inheritdoc />
    protected override int CurrentLength { get => _current.Length; set => _current.Length = value; }

    /// <summary>Compresses the last chunk and writes everything in order.</summary>
    /// <param name="cancellationToken">Cancels waiting for the workers.</param>
    /// <returns>A task that completes when the output is flushed.</returns>
    public override async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (IsCompleted)
        {
            return;
        }

        // An empty input still needs one (empty) bzip2 stream.
        if (_current.Length > 0 || !_wroteAny)
        {
            Submit(last: true);
        }

        while (_inFlight.Count > 0)
        {
            WriteHead(cancellationToken);
        }

        IsCompleted = true;
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!IsDisposed && disposing)
        {
            IsDisposed = true;
            _work?.CompleteAdding();
            foreach (var worker in _workers)
            {
                worker.Join();
            }

            _work?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override void Submit(bool last)
    {
        var chunk = _current;
        _wroteAny = true;
        _inFlight.Enqueue(chunk);
        if (_work is null)
        {
            Compress(chunk, _level);
        }
        else
        {
            _work.Add(chunk);
        }

        while (_inFlight.Count >= _maxInFlight || (_inFlight.Count > 0 && _inFlight.Peek().Done.IsSet))
        {
            WriteHead(CancellationToken.None);
        }

        if (!last)
        {
            _current = new Chunk(_chunkSize);
        }
    }

    private void WriteHead(CancellationToken cancellationToken)
    {
        var chunk = _inFlight.Dequeue();
        chunk.Done.Wait(cancellationToken);
        if (chunk.Error is { } error)
        {
            throw new IOException("Bzip2 compression failed: " + error.Message, error);
        }

        chunk.Output!.WriteTo(_output);
        chunk.Done.Dispose();
    }

    private void Work()
    {
        foreach (var chunk in _work!.GetConsumingEnumerable())
        {
            Compress(chunk, _level);
        }
    }

    private static void Compress(Chunk chunk, int level)
    {
        try
        {
            var output = new MemoryStream(chunk.Length / 3);
            using (var bzip2 = new BZip2OutputStream(output, level) { IsStreamOwner = false })
            {
                bzip2.Write(chunk.Input, 0, chunk.Length);
            }

            chunk.Output = output;
        }
#pragma warning disable CA1031 // A worker hands every failure to the writing thread, which rethrows it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            chunk.Error = e;
        }
        finally
        {
            chunk.Input = [];
            chunk.Done.Set();
        }
    }

    private sealed class Chunk(int size)
    {
        public byte[] Input { get; set; } = new byte[size];

        public int Length { get; set; }

        public MemoryStream? Output { get; set; }

        public Exception? Error { get; set; }

        public ManualResetEventSlim Done { get; } = new(false);
    }
}
