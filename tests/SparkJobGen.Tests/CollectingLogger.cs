using Microsoft.Extensions.Logging;

namespace SparkJobGen.Tests;

/// <summary>An ILogger that keeps every formatted message, for asserting what reaches logs.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToArray();
            }
        }
    }

    public string AllText => string.Join("\n", Messages);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
        }
    }
}
