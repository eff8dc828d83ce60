using System.Collections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ApiKeys.ServiceDefaults;

/// <summary>
/// Every logger of the process writes through <see cref="SecretRedaction"/>: the message, each structured value and the
/// exception (message and stack) of every log line, whichever provider writes it (console, JSON console,
/// OpenTelemetry). The factory wraps the one the host builds, so providers added later are covered too.
/// </summary>
public static class RedactingLogging
{
    public static IServiceCollection AddSecretRedaction(this IServiceCollection services, string? operatorToken)
    {
        services.AddSingleton(new SecretRedaction(operatorToken));
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(
            ActivatorUtilities.CreateInstance<LoggerFactory>(sp), sp.GetRequiredService<SecretRedaction>())));
        return services;
    }

    sealed class RedactingLoggerFactory(ILoggerFactory inner, SecretRedaction redaction) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redaction);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    sealed class RedactingLogger(ILogger inner, SecretRedaction redaction) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            var redactedMessage = redaction.Redact(message);
            var redactedValues = values.Select(v => v.Value is string text && redaction.Redact(text) is var redacted && !ReferenceEquals(redacted, text)
                ? new KeyValuePair<string, object?>(v.Key, redacted) : v).ToList();
            var redactedException = exception is null ? null : RedactedException.Of(exception, redaction);
            if (ReferenceEquals(redactedMessage, message) && ReferenceEquals(redactedException, exception)
                && redactedValues.Zip(values).All(p => ReferenceEquals(p.First.Value, p.Second.Value)))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            inner.Log(logLevel, eventId, new RedactedState(redactedMessage, redactedValues), redactedException, static (s, _) => s.Message);
        }
    }

    /// <summary>A log line's values with secrets replaced; structured providers read it like the original state.</summary>
    sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public int Count => values.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }

    /// <summary>Stands in for an exception whose text held a secret: its message, and its text (type, message, stack), redacted.</summary>
    sealed class RedactedException(string message, string text) : Exception(message)
    {
        public static Exception Of(Exception exception, SecretRedaction redaction)
        {
            var text = exception.ToString();
            var redacted = redaction.Redact(text);
            return ReferenceEquals(redacted, text) ? exception
                : new RedactedException(redaction.Redact(exception.Message), redacted);
        }

        public override string ToString() => text;
    }
}
