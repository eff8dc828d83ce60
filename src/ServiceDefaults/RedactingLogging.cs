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
        public ILogger CreateLogger(string categoryName)
        {
            ILogger logger = new RedactingLogger(inner.CreateLogger(categoryName), redaction);
            // Every logger is made here, so the one known false alarm at start-up is dropped here too.
            return categoryName == ImpossibleStalls.Category ? new ImpossibleStalls(logger) : logger;
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    sealed class RedactingLogger(ILogger inner, SecretRedaction redaction) : ILogger
    {
        /// <summary>
        /// Scopes carry request paths; they are redacted when a provider reads them, so opening one per request, as
        /// ASP.NET Core does, costs nothing more unless a line is written in it.
        /// </summary>
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
        {
            IReadOnlyList<KeyValuePair<string, object?>> values => inner.BeginScope(new RedactedScope(values, redaction)),
            string text => inner.BeginScope(redaction.Redact(text)),
            _ => inner.BeginScope(state),
        };

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
            var redactedValues = values.Select(v => Redact(v, redaction)).ToList();
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

    /// <summary>
    /// The value itself when its text holds no secret, else its redacted text: values are often not strings (a request's
    /// path is a PathString) and providers write them by their ToString().
    /// </summary>
    static KeyValuePair<string, object?> Redact(KeyValuePair<string, object?> value, SecretRedaction redaction)
    {
        if (value.Value is null || value.Value.GetType().IsPrimitive || value.Value is decimal or DateTime or DateTimeOffset or TimeSpan or Guid)
        {
            return value;
        }
        var text = value.Value.ToString() ?? "";
        var redacted = redaction.Redact(text);
        return ReferenceEquals(redacted, text) ? value : new KeyValuePair<string, object?>(value.Key, redacted);
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

    sealed class RedactedScope(IReadOnlyList<KeyValuePair<string, object?>> scope, SecretRedaction redaction) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => Redact(scope[index], redaction);

        public int Count => scope.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => scope.Select(v => Redact(v, redaction)).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => redaction.Redact(scope.ToString() ?? "");
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
