using System;
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
internal sealed class ParallelBzip2Stream : ParallelCompressionStream<ParallelBzip2Stream.Chunk>
{
    private readonly Stream _output;
    private readonly int _level;
    private readonly int _chunkSize;
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
        _current = new Chunk(_chunkSize);
        StartPipeline(workers, (2 * workers) + 2);
    }

    /// <inheritdoc />
    protected override int BlockCapacity => _chunkSize;

    /// <inheritdoc />
    protected override byte[] CurrentBlock => _current.Input;

    /// <inheritdoc />
    protected override int CurrentLength { get => _current.Length; set => _current.Length = value; }

    /// <inheritdoc />
    protected override Stream Output => _output;

    /// <summary>An empty input still needs one (empty) bzip2 stream; otherwise an empty last chunk adds nothing.</summary>
    protected override bool SubmitsLastBlock => _current.Length > 0 || !_wroteAny;

    /// <inheritdoc />
    protected override void Submit(bool last)
    {
        var chunk = _current;
        _wroteAny = true;
        Enqueue(chunk);
        if (!last)
        {
            _current = new Chunk(_chunkSize);
        }
    }

    /// <inheritdoc />
    protected override void WriteBlock(Chunk chunk)
    {
        chunk.Output!.WriteTo(_output);
        chunk.Done.Dispose();
    }

    /// <inheritdoc />
    protected override void CompressBlock(Chunk chunk, object? workerState)
    {
        try
        {
            var output = new MemoryStream(chunk.Length / 3);
            using (var bzip2 = new BZip2OutputStream(output, _level) { IsStreamOwner = false })
            {
                bzip2.Write(chunk.Input, 0, chunk.Length);
            }

            chunk.Output = output;
        }
        finally
        {
            chunk.Input = [];
        }
    }

    /// <summary>One chunk: its input until compressed, then its bzip2 stream.</summary>
    internal sealed class Chunk(int size) : CompressionWork
    {
        public byte[] Input { get; set; } = new byte[size];

        public int Length { get; set; }

        public MemoryStream? Output { get; set; }
    }
}
