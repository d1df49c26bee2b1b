using System;

namespace SparkJobGen.Submission;

/// <summary>Checks a submission's timeout when it is set, so a bad one fails there and not after something was started.</summary>
internal static class SubmissionTimeouts
{
    /// <summary>The longest wait a <see cref="System.Threading.CancellationTokenSource"/> timer takes: 2^32 - 2 ms, about 49.7 days.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>Returns <paramref name="timeout"/>, or throws when it is not a positive time a timer can wait.</summary>
    /// <param name="timeout">The timeout; null for none.</param>
    public static TimeSpan? Check(TimeSpan? timeout) => timeout switch
    {
        null => null,
        { } value when value <= TimeSpan.Zero => throw new ArgumentOutOfRangeException(
            nameof(timeout), value, $"A timeout must be positive, not {value}: leave it null for no limit."),
        { } value when value > Longest => throw new ArgumentOutOfRangeException(
            nameof(timeout), value, $"A timeout can be at most {Longest.Days} days, not {value}: leave it null for no limit."),
        _ => timeout,
    };
}
