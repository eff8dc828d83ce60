using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ApiKeys.ServiceDefaults;

/// <summary>
/// Drops one false alarm of Orleans' watchdog. Until its component check first completes, the watchdog measures the time
/// since that check from timestamp 0, so a silo started on a machine that has been up for hours may warn, once, that the
/// check "has not completed" for the machine's uptime. A stall longer than the process has been running cannot have
/// happened; every real stall is still logged.
/// </summary>
sealed class ImpossibleStalls(ILogger inner) : ILogger
{
    public const string Category = "Orleans.Runtime.Watchdog";

    /// <summary>Orleans' event id for a stalled heartbeat or component check (ErrorCode.SiloHeartbeatTimerStalled).</summary>
    const int Stalled = 100150;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == Stalled && state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.Any(v => v.Value is TimeSpan stall && stall > DateTime.Now - Process.GetCurrentProcess().StartTime))
        {
            return;
        }
        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
