using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace SparkJobGen.Packing.Archives;

/// <summary>
/// One unit of an <see cref="OrderedCompressor{TWork}"/>: a block of a compressed stream, or a small file of a zip archive.
/// Compressed on a worker, written in the order it was submitted.
/// </summary>
internal abstract class CompressionWork
{
    /// <summary>Set when the work is compressed (or needs no compression), whether it succeeded or failed.</summary>
    public ManualResetEventSlim Done { get; } = new(false);

    /// <summary>What the compression threw, rethrown on the writing thread.</summary>
    public Exception? Error { get; set; }

    /// <summary>Whether a worker must compress it; false for work that is ready as it is submitted (a zip folder, a stored file).</summary>
    public bool NeedsCompression { get; set; } = true;

    /// <summary>What it counts against <see cref="OrderedCompressor{TWork}"/>'s weight limit (bytes for zip; 0 for fixed-size blocks).</summary>
    public long Weight { get; set; }
}

/// <summary>
/// The parallel compression pipeline every compressed format uses (gzip and bzip2 through <see cref="ParallelCompressionStream"/>,
/// zip's small files directly): it owns the workers and the ordered output, and the format supplies only how one unit is
/// compressed and how it is framed when written. Work is compressed on the workers (or on the writing thread with one
/// thread, giving the same bytes), written strictly in submission order as soon as the oldest is done, and the writing
/// thread waits while more than a bounded number or weight of units are in flight, so memory does not grow with the input.
/// </summary>
/// <typeparam name="TWork">The format's unit of work.</typeparam>
internal sealed class OrderedCompressor<TWork> : IDisposable
    where TWork : CompressionWork
{
    private readonly string _format;
    private readonly Action<TWork, object?> _compress;
    private readonly Action<TWork> _write;
    private readonly Func<object?>? _newWorkerState;
    private readonly int _maxCount;
    private readonly long _maxWeight;
    private readonly Queue<TWork> _inFlight = new();
    private readonly BlockingCollection<TWork>? _work;
    private readonly Thread[] _workers;
    private readonly object? _inlineState;
    private long _weight;
    private bool _disposed;

    /// <summary>Starts the workers (none with one thread: work is then compressed as it is submitted).</summary>
    /// <param name="format">The format's name, for thread names and errors.</param>
    /// <param name="threads">Workers; 1 compresses on the writing thread.</param>
    /// <param name="maxCount">After <see cref="Submit"/> returns, at most this many units are in flight.</param>
    /// <param name="maxWeight">After <see cref="Submit"/> returns, the units in flight weigh at most this much.</param>
    /// <param name="newWorkerState">Makes one worker's reusable state (a deflater), disposed with the worker if disposable; may be null.</param>
    /// <param name="compress">Compresses one unit with a worker's state (runs on the workers).</param>
    /// <param name="write">Writes one compressed unit with its framing (runs on the writing thread, in order).</param>
    public OrderedCompressor(
        string format, int threads, int maxCount, long maxWeight, Func<object?>? newWorkerState, Action<TWork, object?> compress, Action<TWork> write)
    {
        _format = format;
        _maxCount = Math.Max(maxCount, 0);
        _maxWeight = maxWeight;
        _newWorkerState = newWorkerState;
        _compress = compress;
        _write = write;
        threads = Math.Clamp(threads, 1, 256);
        if (threads == 1)
        {
            _inlineState = newWorkerState?.Invoke();
            _workers = [];
            return;
        }

        _work = new BlockingCollection<TWork>(new ConcurrentQueue<TWork>());
        _workers = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"{format}-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>The units submitted and not yet written.</summary>
    public int Count => _inFlight.Count;

    /// <summary>
    /// Hands a unit to compression (or, with one thread, compresses it now), writes the finished units at the head, and waits
    /// for the oldest while the limits are exceeded.
    /// </summary>
    /// <param name="work">The unit.</param>
    public void Submit(TWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        work.Done.Reset();
        work.Error = null;
        _inFlight.Enqueue(work);
        _weight += work.Weight;
        if (!work.NeedsCompression)
        {
            work.Done.Set();
        }
        else if (_work is null)
        {
            Run(work, _inlineState);
        }
        else
        {
            _work.Add(work);
        }

        while (_inFlight.Count > _maxCount || _weight > _maxWeight || (_inFlight.Count > 0 && _inFlight.Peek().Done.IsSet))
        {
            WriteHead(CancellationToken.None);
        }
    }

    /// <summary>Writes every unit in flight, waiting for each in order.</summary>
    /// <param name="cancellationToken">Cancels waiting for the workers.</param>
    public void WriteAll(CancellationToken cancellationToken = default)
    {
        while (_inFlight.Count > 0)
        {
            WriteHead(cancellationToken);
        }
    }

    /// <summary>Stops the workers (after the work they hold) and returns the units never written, for their owner to release.</summary>
    public IReadOnlyCollection<TWork> Abandon()
    {
        Dispose();
        var abandoned = _inFlight.ToArray();
        _inFlight.Clear();
        return abandoned;
    }

    /// <summary>Stops the workers once they finished what they hold.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _work?.CompleteAdding();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _work?.Dispose();
        (_inlineState as IDisposable)?.Dispose();
    }

    private void WriteHead(CancellationToken cancellationToken)
    {
        var work = _inFlight.Dequeue();
        work.Done.Wait(cancellationToken);
        _weight -= work.Weight;
        if (work.Error is { } error)
        {
            throw new IOException($"{_format} compression failed: {error.Message}", error);
        }

        _write(work);
    }

    private void Work()
    {
        var state = _newWorkerState?.Invoke();
        try
        {
            foreach (var work in _work!.GetConsumingEnumerable())
            {
                Run(work, state);
            }
        }
        finally
        {
            (state as IDisposable)?.Dispose();
        }
    }

    private void Run(TWork work, object? state)
    {
        try
        {
            _compress(work, state);
        }
#pragma warning disable CA1031 // A worker hands every failure to the writing thread, which rethrows it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            work.Error = e;
        }
        finally
        {
            work.Done.Set();
        }
    }
}
