using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// What the parallel compressors share: a write-only, forward-only stream that cuts its input into fixed-size blocks and
/// hands each full block to <see cref="Submit"/>. Subclasses compress blocks on workers and write them in order;
/// <see cref="CompleteAsync"/> finishes the output.
/// </summary>
internal abstract class ParallelCompressionStream : Stream
{
    private readonly string _format;
    private long _length;

    /// <summary>Creates the stream.</summary>
    /// <param name="format">The format's name, for error messages.</param>
    protected ParallelCompressionStream(string format) => _format = format;

    /// <summary>Whether <see cref="CompleteAsync"/> finished the output.</summary>
    protected bool IsCompleted { get; set; }

    /// <summary>Whether the stream was disposed.</summary>
    protected bool IsDisposed { get; set; }

    /// <summary>Bytes written so far (uncompressed).</summary>
    protected long InputLength => _length;

    /// <summary>The size of a block.</summary>
    protected abstract int BlockCapacity { get; }

    /// <summary>The block being filled.</summary>
    protected abstract byte[] CurrentBlock { get; }

    /// <summary>How many bytes of <see cref="CurrentBlock"/> are filled.</summary>
    protected abstract int CurrentLength { get; set; }

    /// <inheritdoc />
    public sealed override bool CanRead => false;

    /// <inheritdoc />
    public sealed override bool CanSeek => false;

    /// <inheritdoc />
    public sealed override bool CanWrite => !IsDisposed && !IsCompleted;

    /// <inheritdoc />
    public sealed override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Position { get => _length; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public sealed override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfNotWritable();
        while (!buffer.IsEmpty)
        {
            if (CurrentLength == BlockCapacity)
            {
                // A full block is never the last one: more input follows.
                Submit(last: false);
            }

            var n = Math.Min(buffer.Length, BlockCapacity - CurrentLength);
            buffer[..n].CopyTo(CurrentBlock.AsSpan(CurrentLength));
            CurrentLength += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> bytes from <paramref name="source"/> straight into the current block,
    /// saving the copy through an intermediate buffer.
    /// </summary>
    /// <param name="source">The stream to read.</param>
    /// <param name="maxCount">The most bytes to read; at least 1.</param>
    /// <returns>The bytes read; 0 at the end of <paramref name="source"/>.</returns>
    public int WriteFrom(Stream source, int maxCount)
    {
        ThrowIfNotWritable();
        if (CurrentLength == BlockCapacity)
        {
            Submit(last: false);
        }

        var read = source.Read(CurrentBlock, CurrentLength, Math.Min(maxCount, BlockCapacity - CurrentLength));
        CurrentLength += read;
        _length += read;
        return read;
    }

    /// <summary>Nothing to flush before completion: blocks are written as they finish.</summary>
    public sealed override void Flush()
    {
    }

    /// <inheritdoc />
    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Compresses what is left, writes every pending block and any trailer, and flushes the output.</summary>
    /// <param name="cancellationToken">Cancels waiting for the workers.</param>
    /// <returns>A task that completes when the output is complete.</returns>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Hands the current block to compression and starts a new one (unless <paramref name="last"/>).</summary>
    /// <param name="last">Whether no input follows.</param>
    protected abstract void Submit(bool last);

    /// <summary>Throws when the stream is disposed or complete.</summary>
    protected void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (IsCompleted)
        {
            throw new InvalidOperationException($"The {_format} stream is complete.");
        }
    }
}

/// <summary>
/// A <see cref="ParallelCompressionStream"/> whose blocks go through the one <see cref="OrderedCompressor{TWork}"/>: this
/// class owns the pipeline (workers, ordered output, completion, disposal); a format supplies how a block is compressed
/// (<see cref="CompressBlock"/>), how it is framed when written (<see cref="WriteBlock"/>), and its trailer.
/// </summary>
/// <typeparam name="TBlock">The format's block.</typeparam>
internal abstract class ParallelCompressionStream<TBlock> : ParallelCompressionStream
    where TBlock : CompressionWork
{
    private OrderedCompressor<TBlock>? _pipeline;

    /// <summary>Creates the stream; the subclass calls <see cref="StartPipeline"/> at the end of its constructor.</summary>
    /// <param name="format">The format's name, for thread names and errors.</param>
    protected ParallelCompressionStream(string format)
        : base(format) => Format = format;

    /// <summary>The format's name.</summary>
    protected string Format { get; }

    /// <summary>Starts the workers, once the subclass can make their state.</summary>
    /// <param name="threads">Workers; 1 compresses on the writing thread.</param>
    /// <param name="maxInFlight">The writing thread waits while this many blocks are in flight.</param>
    protected void StartPipeline(int threads, int maxInFlight) =>
        _pipeline = new OrderedCompressor<TBlock>(Format, threads, maxInFlight - 1, long.MaxValue, CreateWorkerState, CompressBlock, WriteBlock);

    /// <summary>Hands a full (or the last) block to the pipeline.</summary>
    /// <param name="block">The block.</param>
    protected void Enqueue(TBlock block) => _pipeline!.Submit(block);

    /// <summary>One worker's reusable state (a deflater); null by default.</summary>
    protected virtual object? CreateWorkerState() => null;

    /// <summary>Compresses one block on a worker.</summary>
    /// <param name="block">The block.</param>
    /// <param name="workerState">The worker's state from <see cref="CreateWorkerState"/>.</param>
    protected abstract void CompressBlock(TBlock block, object? workerState);

    /// <summary>Writes one compressed block to the output, in order, with its framing.</summary>
    /// <param name="block">The block.</param>
    protected abstract void WriteBlock(TBlock block);

    /// <summary>Whether <see cref="CompleteAsync"/> must submit the block being filled (it may be empty).</summary>
    protected virtual bool SubmitsLastBlock => true;

    /// <summary>Writes what follows the last block (gzip's CRC and length); nothing by default.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected virtual ValueTask WriteTrailerAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Releases the blocks never written, after an abandoned stream's workers stopped.</summary>
    /// <param name="blocks">The blocks.</param>
    protected virtual void Release(IReadOnlyCollection<TBlock> blocks)
    {
        foreach (var block in blocks)
        {
            block.Done.Dispose();
        }
    }

    /// <summary>The stream being written.</summary>
    protected abstract Stream Output { get; }

    /// <summary>Compresses what is left, writes every pending block and the trailer, and flushes the output.</summary>
    /// <param name="cancellationToken">Cancels waiting for the workers.</param>
    /// <returns>A task that completes when the output is complete.</returns>
    public sealed override async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (IsCompleted)
        {
            return;
        }

        if (SubmitsLastBlock)
        {
            Submit(last: true);
        }

        _pipeline!.WriteAll(cancellationToken);
        IsCompleted = true;
        await WriteTrailerAsync(cancellationToken).ConfigureAwait(false);
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!IsDisposed && disposing)
        {
            IsDisposed = true;
            if (_pipeline is { } pipeline)
            {
                Release(pipeline.Abandon());
            }
        }

        base.Dispose(disposing);
    }
}
