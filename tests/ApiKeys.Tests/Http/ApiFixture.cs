using ApiKeys.Api.Authentication;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiKeys.Tests.Http;

/// <summary>
/// The real Api program, served by Kestrel on a loopback port, co-hosting its Orleans silo on a SQLite file in a temp
/// folder: HTTP tests go through real sockets, real authentication and real grains. Every log line is captured.
/// </summary>
public class ApiFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorToken = "test-operator-token-7f3a9c";
    public const string Issuer = "https://idp.test";
    public const string Audience = "apikeys";

    /// <summary>The identity provider's signing key, as the service is configured to trust it.</summary>
    public static readonly SymmetricSecurityKey SigningKey = new(Convert.FromBase64String("c2lnbmluZy1rZXktZm9yLWFwaWtleXMtdGVzdHMtMzItYnl0ZXMhIQ=="));

    readonly TestFolder folder = new();

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The service's SQLite file.</summary>
    public string DatabasePath => Path.Combine(folder.Path, "apikeys.db");

    protected virtual string Environment => "Development";

    /// <summary>False to keep the operator token of appsettings.Development.json, as the README's quick start uses it.</summary>
    protected virtual bool ConfiguresOperatorToken => true;

    /// <summary>The least level captured; by default the configured levels apply, and the log-scan fixture lowers every category to Trace.</summary>
    protected virtual LogLevel CapturedLevel => LogLevel.Information;

    /// <summary>The operator's port: metrics and the cluster dashboard answer here only.</summary>
    public int ManagementPort { get; } = TestMachine.FreePort();

    // Kestrel binds what the urls setting names: a port of its choosing for the public API, and the management port.
    public ApiFixture() => UseKestrel();

    /// <summary>Settings that choose how the front end reaches the grains; embedded (a co-hosted silo on SQLite) unless overridden.</summary>
    protected virtual void ConfigureMode(IWebHostBuilder builder)
    {
    }

    /// <summary>Cluster mode: the front end is a client of the silos whose cluster is on this PostgreSQL database.</summary>
    protected static void ClientOf(IWebHostBuilder builder, string connectionString)
    {
        builder.UseSetting("Orleans:Client", "true");
        builder.UseSetting("ApiKeys:Database", "postgres");
        builder.UseSetting("ConnectionStrings:ApiKeys", connectionString);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("urls", $"http://127.0.0.1:0;http://127.0.0.1:{ManagementPort}");
        builder.UseSetting("Management:Port", ManagementPort.ToString());
        builder.UseSetting("ApiKeys:Sqlite", DatabasePath);
        builder.UseSetting("Orleans:SiloPort", TestMachine.FreePort().ToString());
        builder.UseSetting("Orleans:GatewayPort", TestMachine.FreePort().ToString());
        if (ConfiguresOperatorToken)
        {
            builder.UseSetting("Auth:OperatorToken", OperatorToken);
        }
        builder.UseSetting("Auth:Jwt:Issuer", Issuer);
        builder.UseSetting("Auth:Jwt:Audience", Audience);
        builder.UseSetting("Auth:Jwt:SigningKeys:0", Convert.ToBase64String(SigningKey.Key));
        ConfigureMode(builder);
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new CapturingLoggerProvider(Logs));
            if (CapturedLevel < LogLevel.Information)
            {
                // A rule for this provider alone outranks the configured category levels: every category, at this level.
                logging.AddFilter<CapturingLoggerProvider>(null, CapturedLevel);
            }
        });
    }

    public virtual Task InitializeAsync()
    {
        StartServer();
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeFixture();

    protected virtual async Task DisposeFixture()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        folder.Dispose();
    }

    /// <summary>A client with no credential.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    /// <summary>Where Kestrel listens for the public API.</summary>
    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
        .First(address => new Uri(address).Port != ManagementPort));

    /// <summary>Where the operator's tooling reaches the process.</summary>
    public Uri ManagementAddress => new($"http://127.0.0.1:{ManagementPort}");

    /// <summary>A client of the management port with no credential.</summary>
    public HttpClient Management(string? credential = null)
    {
        var client = new HttpClient { BaseAddress = ManagementAddress };
        if (credential is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
        return client;
    }

    /// <summary>A client that sends <paramref name="credential"/> as its Bearer token.</summary>
    public HttpClient As(string credential)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    public HttpClient Operator() => As(OperatorToken);

    /// <summary>Writes the usage of these keys now, as their timers would.</summary>
    public async Task FlushUsage(params string[] keyIds)
    {
        // Validations the front end answered from its cache reach the keys at its flush; the keys then write them.
        await Services.GetRequiredService<KeyValidator>().Flush();
        var grains = Services.GetRequiredService<IGrainFactory>();
        foreach (var id in keyIds)
        {
            await grains.GetGrain<IApiKeyGrain>(id).FlushUsage();
        }
    }

    /// <summary>A client holding a user token from the trusted identity provider.</summary>
    public HttpClient User(string tenantId, string userId) => As(UserToken(tenantId, userId));

    public static string UserToken(string tenantId, string userId, SecurityKey? key = null, string issuer = Issuer,
        string audience = Audience, DateTime? expires = null, string tenantClaim = "tenantId")
    {
        var claims = new List<Claim> { new("sub", userId) };
        if (tenantClaim.Length > 0)
        {
            claims.Add(new Claim(tenantClaim, tenantId));
        }
        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = expiry.AddHours(-2),
            IssuedAt = expiry.AddHours(-2),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>Keeps every formatted log line, with its exception, so tests can search them.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"))
                : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {properties} {exception}");
        }
    }
}
