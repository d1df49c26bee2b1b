using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// A write-only stream that gzips what is written into ONE gzip member using several cores, the way pigz does: the
/// input is cut into blocks, each block is deflated on a worker and ends non-final on a byte boundary, blocks are
/// written in order and their CRC-32 values combined. Two deflate back ends (see <see cref="GzipBackend"/>): the
/// runtime's zlib-ng with 1 MiB blocks, or the system zlib with pigz's 128 KiB blocks primed with the 32 KiB before them.
/// Memory is bounded by the blocks in flight (at most 8 MiB of input plus its output), whatever the input size. The
/// queue is deep (2 MiB of input per worker) so the writing thread runs ahead while it has the CPU and the workers keep
/// busy when it is descheduled on a loaded machine (measured: it closed a 20% wall-time gap to pigz on 46,000 small files).
/// The bytes depend only on the input, the level and the back end, never on the thread count: one thread compresses
/// the same blocks inline. Call <see cref="ParallelCompressionStream{TBlock}.CompleteAsync"/> to write the final block and trailer; disposing without it
/// stops the workers and leaves the member unfinished.
/// </summary>
internal sealed class ParallelGzipStream : ParallelCompressionStream<ParallelGzipStream.GzipBlock>
{
    /// <summary>The block size with the system zlib and dictionary priming: pigz's default.</summary>
    public const int DictionaryBlockSize = 128 * 1024;

    /// <summary>The block size with the runtime's zlib-ng: no dictionary, so larger blocks lose less to the empty window.</summary>
    public const int RuntimeBlockSize = 1024 * 1024;

    /// <summary>The input queued per worker, and in total, before the writing thread waits.</summary>
    private const int QueuedBytesPerWorker = 2 * 1024 * 1024, QueuedBytesExtra = 1024 * 1024, MaxQueuedBytes = 8 * 1024 * 1024;

    /// <summary>The deflate window, primed from the previous block.</summary>
    public const int DictionarySize = 32 * 1024;

    private readonly Stream _output;
    private readonly int _level;
    private readonly Stack<GzipBlock> _free = new();
    private readonly bool _native;
    private readonly int _blockSize;
    private GzipBlock _current;
    private GzipBlock? _previous;
    private uint _crc;

    /// <summary>Starts the gzip member: writes the header and starts the workers.</summary>
    /// <param name="output">Receives the gzip bytes; not closed by this stream.</param>
    /// <param name="level">zlib level 0-9.</param>
    /// <param name="threads">Workers; 1 compresses on the writing thread.</param>
    /// <param name="backend">The deflate back end; null chooses by level (see <see cref="ChooseBackend"/>).</param>
    public ParallelGzipStream(Stream output, int level, int threads, GzipBackend? backend = null)
        : base("gzip")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        _output = output;
        _level = level;
        threads = Math.Clamp(threads, 1, 256);
        Backend = backend ?? ChooseBackend(level);
        if (Backend == GzipBackend.SystemZlib && !Zlib.IsAvailable)
        {
            throw new PlatformNotSupportedException("The system zlib (libz.so.1) is not available in this process.");
        }

        _native = Backend == GzipBackend.SystemZlib;
        _blockSize = _native ? DictionaryBlockSize : RuntimeBlockSize;
        _current = Rent();

        // Header: magic, deflate, no flags, mtime 0 (deterministic), XFL as pigz sets it, OS = Unix.
        byte extraFlags = level == 9 ? (byte)2 : level == 1 ? (byte)4 : (byte)0;
        _output.Write([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, extraFlags, 3]);
        StartPipeline(threads, Math.Min(((QueuedBytesPerWorker * threads) + QueuedBytesExtra) / _blockSize, MaxQueuedBytes / _blockSize));
    }

    /// <summary>The deflate back end in use.</summary>
    public GzipBackend Backend { get; }

    /// <inheritdoc />
    protected override int BlockCapacity => _blockSize;

    /// <summary>
    /// The back end for a level: the runtime's zlib-ng where it is exact (.NET 9 and later) except at level 1, whose
    /// zlib-ng strategy gives archives about 14% larger than zlib's; the system zlib there and wherever the runtime only
    /// has coarse levels; the runtime when there is no system zlib (or <c>SPARKJOBGEN_DISABLE_NATIVE_ZLIB=1</c>).
    /// Measured on a 629 MB tar of a Python installation, one thread (bench/README.md): zlib-ng needs 0.6-0.7 of zlib's
    /// CPU time at levels 2-9 for output within 1-2% of zlib's size (smaller at 3 and 4).
    /// </summary>
    /// <param name="level">The zlib level.</param>
    /// <returns>The back end.</returns>
    public static GzipBackend ChooseBackend(int level) =>
        !Zlib.IsAvailable ? GzipBackend.Runtime
        : level == 1 || !ManagedDeflater.HasExactLevels ? GzipBackend.SystemZlib
        : GzipBackend.Runtime;

    /// <inheritdoc />
    protected override byte[] CurrentBlock => _current.Input;

    /// <inheritdoc />
    protected override int CurrentLength { get => _current.Length; set => _current.Length = value; }

    /// <inheritdoc />
    protected override Stream Output => _output;

    /// <summary>The trailer: CRC-32 and length mod 2^32.</summary>
    protected override async ValueTask WriteTrailerAsync(CancellationToken cancellationToken)
    {
        var trailer = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)InputLength));
        await _output.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override object? CreateWorkerState() => CreateDeflater();

    private IBlockDeflater CreateDeflater() => _native ? new NativeDeflater(_level) : new ManagedDeflater(_level);

    private GzipBlock Rent()
    {
        var block = _free.Count > 0 ? _free.Pop() : new GzipBlock(_blockSize);
        block.Length = 0;
        block.DictionaryLength = 0;
        block.Written = false;
        return block;
    }

    /// <inheritdoc />
    protected override void Submit(bool last)
    {
        var block = _current;
        block.Last = last;
        if (_previous is { } previous && _native)
        {
            // The previous block is full (only full blocks are followed by another), so its tail is the window.
            previous.Input.AsSpan(_blockSize - DictionarySize, DictionarySize).CopyTo(block.Dictionary);
            block.DictionaryLength = DictionarySize;
        }

        // Keep this block as the next block's dictionary source; recycle the one it replaces if written (else WriteBlock will).
        var replaced = _previous;
        _previous = block;
        if (replaced is { Written: true })
        {
            _free.Push(replaced);
        }

        Enqueue(block);
        if (!last)
        {
            _current = Rent();
        }
    }

    /// <inheritdoc />
    protected override void WriteBlock(GzipBlock block)
    {
        _output.Write(block.Output, 0, block.OutputLength);
        _crc = Crc32Combine.Combine(_crc, block.Crc, block.Length);
        block.Written = true;

        // The most recent block stays referenced as _previous until the next block copies its tail.
        if (!ReferenceEquals(block, _previous))
        {
            _free.Push(block);
        }
    }

    /// <inheritdoc />
    protected override void CompressBlock(GzipBlock block, object? workerState)
    {
        var deflater = (IBlockDeflater)workerState!;
        block.Crc = Crc32.HashToUInt32(block.Input.AsSpan(0, block.Length));
        var compressed = deflater.Compress(block.Dictionary, 0, block.DictionaryLength, block.Input, 0, block.Length, block.Last);
        if (block.Output.Length < compressed.Length)
        {
            block.Output = new byte[compressed.Length];
        }

        compressed.CopyTo(block.Output);
        block.OutputLength = compressed.Length;
    }

    /// <summary>One block: its input, the window before it, and its compressed bytes once done.</summary>
    internal sealed class GzipBlock(int size) : CompressionWork
    {
        public byte[] Input { get; } = new byte[size];

        public byte[] Dictionary { get; } = new byte[DictionarySize];

        /// <summary>Grown to the largest compressed size this block has held (usually well under its input size).</summary>
        public byte[] Output { get; set; } = [];

        public int Length { get; set; }

        public int DictionaryLength { get; set; }

        public bool Last { get; set; }

        public int OutputLength { get; set; }

        public uint Crc { get; set; }

        public bool Written { get; set; }
    }
}

/// <summary>Which deflate implementation compresses the blocks of a <see cref="ParallelGzipStream"/>.</summary>
internal enum GzipBackend
{
    /// <summary>System.IO.Compression: zlib-ng on .NET 9 and later; 1 MiB blocks without a dictionary.</summary>
    Runtime,

    /// <summary>The system's <c>libz.so.1</c>: pigz's 128 KiB blocks, each primed with the previous 32 KiB.</summary>
    SystemZlib,
}
