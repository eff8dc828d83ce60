using System.Collections.Concurrent;
using ApiKeys.ServiceDefaults;
using ApiKeys.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKeys.Tests;

/// <summary>The net under every log line: whatever writes a secret, no provider receives it.</summary>
public sealed class LogRedactionTests
{
    const string OperatorToken = "operator-secret-0123456789";
    static readonly string Key = ApiKeyToken.Issue(ApiKeyToken.NewKeyId()).Token;
    static readonly string Jwt = ApiFixture.UserToken("tenant", "user");

    [Theory]
    [InlineData("whole")]
    [InlineData("cut short")]
    [InlineData("with more characters")]
    [InlineData("secret alone")]
    [InlineData("user token")]
    [InlineData("operator token")]
    public void Every_kind_of_secret_is_replaced(string kind)
    {
        var secret = kind switch
        {
            "whole" => Key,
            "cut short" => Key[..^3],
            "with more characters" => Key + "xyz",
            "secret alone" => Key.Split('_')[2][..64],
            "user token" => Jwt,
            _ => OperatorToken,
        };
        var redacted = new SecretRedaction(OperatorToken).Redact($"GET /api/v1/api-keys/{secret} failed: '{secret}'.");
        Assert.DoesNotContain(secret, redacted);
        Assert.Equal($"GET /api/v1/api-keys/{SecretRedaction.Redacted} failed: '{SecretRedaction.Redacted}'.", redacted);
    }

    [Theory]
    [InlineData("prefix upper-cased")]
    [InlineData("all upper-cased")]
    [InlineData("prefix replaced")]
    [InlineData("prefix cut off")]
    [InlineData("secret and checksum alone")]
    [InlineData("secret run into more hex")]
    public void Altered_keys_are_replaced_too(string kind)
    {
        var body = Key["qlk_".Length..];
        var altered = kind switch
        {
            "prefix upper-cased" => "QLK_" + body,
            "all upper-cased" => Key.ToUpperInvariant(),
            "prefix replaced" => "x_" + body,
            "prefix cut off" => body,
            "secret and checksum alone" => body[(ApiKeyToken.KeyIdLength + 1)..],
            _ => body[(ApiKeyToken.KeyIdLength + 1)..] + "abcdef",
        };
        var redacted = new SecretRedaction(OperatorToken).Redact($"Request path: /api/v1/users/{altered} answered 404");
        // Lower-casing or re-prefixing what is left must not give back the key: no part of its secret remains.
        var secret = body[(ApiKeyToken.KeyIdLength + 1)..][..64];
        Assert.DoesNotContain(secret[..16], redacted, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(SecretRedaction.Redacted, redacted);
        Assert.EndsWith(" answered 404", redacted);
    }

    [Fact]
    public void Text_without_secrets_is_passed_on_as_it_is()
    {
        var text = "Key 0123456789abcdef01234567 of tenant t-1 was revoked by admin in 12 ms.";
        Assert.Same(text, new SecretRedaction(OperatorToken).Redact(text));
    }

    [Fact]
    public void Messages_structured_values_and_exceptions_reach_every_provider_redacted()
    {
        var lines = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines)).SetMinimumLevel(LogLevel.Trace));
        services.AddSecretRedaction(OperatorToken);
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<LogRedactionTests>>();

        logger.LogInformation("Presented {Credential} at {Path}", Key, "/api/v1/users/me");
        logger.LogError(new InvalidOperationException($"Could not parse '{Jwt}'", new FormatException($"bad: {OperatorToken}")), "A request failed");
        logger.LogWarning("Nothing secret in {Count} lines", 3);
        // Values that are not strings (a request's path is a PathString) are written by their text, which is redacted too.
        logger.LogInformation("Requested {Path}", new Microsoft.AspNetCore.Http.PathString("/api/v1/api-keys/" + Key));


        var all = string.Join("\n", lines);
        Assert.Equal(4, lines.Count);
        foreach (var secret in new[] { Key, Jwt, OperatorToken })
        {
            Assert.DoesNotContain(secret, all);
        }
        Assert.Contains("Presented (redacted) at /api/v1/users/me Credential=(redacted) Path=/api/v1/users/me", all);
        Assert.Contains("Could not parse '(redacted)'", all);
        Assert.Contains("bad: (redacted)", all);
        Assert.Contains("Nothing secret in 3 lines Count=3", all);
        Assert.Contains("Requested /api/v1/api-keys/(redacted) Path=/api/v1/api-keys/(redacted)", all);
    }

    [Fact]
    public void A_watchdog_stall_longer_than_the_process_has_run_is_dropped_and_a_real_one_is_logged()
    {
        var lines = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines)));
        services.AddSecretRedaction(OperatorToken);
        using var provider = services.BuildServiceProvider();
        var watchdog = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Runtime.Watchdog");
        const string Stall = "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention or deadlock, CPU starvation, or another execution anomaly.";
        var running = DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime;

        // What Orleans logs when its first component check has not run yet: the time since timestamp 0, the machine's uptime.
        var impossible = running + TimeSpan.FromHours(7);
        watchdog.LogWarning(new EventId(100150), Stall, impossible);
        // A real stall happened while the process ran.
        var real = running / 2;
        watchdog.LogWarning(new EventId(100150), Stall, real);
        provider.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Runtime.Other").LogWarning(new EventId(100150), Stall, running + TimeSpan.FromHours(7));

        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l.Contains($"for {real}"));
        Assert.Single(lines, l => l.Contains($"for {impossible}"));
    }

    [Fact]
    public void Scopes_reach_providers_redacted()
    {
        var scopes = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new ScopeCapturingProvider(scopes)));
        services.AddSecretRedaction(OperatorToken);
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<LogRedactionTests>>();

        using (logger.BeginScope(new List<KeyValuePair<string, object?>> { new("RequestPath", "/api/v1/api-keys/" + Key), new("RequestId", "r-1") }))
        using (logger.BeginScope("calling with " + Jwt))
        {
        }

        Assert.Equal(["RequestPath=/api/v1/api-keys/(redacted) RequestId=r-1", "calling with (redacted)"], scopes);
    }

    /// <summary>Records each scope as a provider writing it would read it: its values, or its text.</summary>
    sealed class ScopeCapturingProvider(ConcurrentQueue<string> scopes) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            scopes.Enqueue(state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"))
                : state.ToString()!);
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }
}
