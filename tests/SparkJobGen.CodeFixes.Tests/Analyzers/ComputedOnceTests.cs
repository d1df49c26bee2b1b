using SparkJobGen.Generators.Diagnostics;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

/// <summary>
/// <see cref="ComputedOnce{T}"/> holds compilation-wide results of one analysis (SJG2001's job index and each environment's
/// conflicts): concurrent symbol actions that need a result at the same moment share one computation, and a cancelled
/// computation leaves nothing behind.
/// </summary>
public sealed class ComputedOnceTests
{
    [Fact]
    public async Task Concurrent_callers_share_one_computation()
    {
        var once = new ComputedOnce<object>();
        var counter = new Counter();
        using var start = new Barrier(8);
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return once.Get(static (state, _) =>
            {
                Interlocked.Increment(ref state.Computations);
                Thread.Sleep(50);
                return new object();
            }, counter, CancellationToken.None);
        })).ToArray();

        var results = await Task.WhenAll(callers);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal(1, counter.Computations);
    }

    [Fact]
    public void A_cancelled_computation_publishes_nothing()
    {
        var once = new ComputedOnce<string>();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => once.Get(static (_, token) =>
        {
            token.ThrowIfCancellationRequested();
            return "cancelled";
        }, 0, cancelled.Token));

        Assert.Equal("computed", once.Get(static (_, token) =>
        {
            token.ThrowIfCancellationRequested();
            return "computed";
        }, 0, CancellationToken.None));
        Assert.Equal("computed", once.Get(static (_, _) => "again", 0, CancellationToken.None));
    }

    private sealed class Counter
    {
        public int Computations;
    }
}
