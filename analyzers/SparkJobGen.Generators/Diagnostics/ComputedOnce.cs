using System;
using System.Threading;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// A value of one analysis computed by the first thread that needs it, while the other threads that need it meanwhile wait
/// for that result instead of computing it again. Concurrent symbol actions reach a compilation-wide computation (the jobs
/// of every environment, an environment's conflicts) at nearly the same moment; on a build machine with few cores, letting
/// each of them repeat the work spends the cores on copies of it. A computation that throws (cancellation) publishes
/// nothing: the next caller computes the value with its own cancellation token. Created in the analyzer's compilation start
/// action and dropped with it.
/// </summary>
/// <typeparam name="T">The value.</typeparam>
internal sealed class ComputedOnce<T>
{
    private readonly object _gate = new();
    private volatile Published? _published;

    /// <summary>The value, computed by <paramref name="compute"/> if no caller has computed it yet.</summary>
    /// <typeparam name="TState">What <paramref name="compute"/> reads.</typeparam>
    /// <param name="compute">Computes the value; must not wait for another <see cref="ComputedOnce{T}"/> that waits for this one.</param>
    /// <param name="state">Passed to <paramref name="compute"/>.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    public T Get<TState>(Func<TState, CancellationToken, T> compute, TState state, CancellationToken cancellationToken)
    {
        if (_published is { } published)
        {
            return published.Value;
        }

        lock (_gate)
        {
            if (_published is { } existing)
            {
                return existing.Value;
            }

            var value = compute(state, cancellationToken);
            _published = new Published(value);
            return value;
        }
    }

    private sealed class Published
    {
        public Published(T value) => Value = value;

        public T Value { get; }
    }
}
