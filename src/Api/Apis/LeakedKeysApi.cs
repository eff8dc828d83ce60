using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ApiKeys.Api.Apis;

/// <summary>
/// Keys found in public: GitHub's secret scanning partner endpoint, and a report anyone can make. Both act on a key
/// only when the reported token is one of ours (its secret matches), as the tenant's <c>leaked_key_action</c> says.
/// </summary>
public static class LeakedKeysApi
{
    public const string SignatureHeader = "Github-Public-Key-Signature";
    public const string KeyIdentifierHeader = "Github-Public-Key-Identifier";
    const string ReportPolicy = "leak-reports";

    public static IServiceCollection AddLeakedKeys(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<GitHubScanningOptions>(config.GetSection(GitHubScanningOptions.Section));
        // One instance, so the fetched keys are kept between reports (a typed client would be made anew for each).
        services.AddHttpClient(nameof(GitHubVerificationKeys), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<GitHubVerificationKeys>();
        services.AddSingleton<LeakedKeys>();
        var perMinute = config.GetValue("LeakReports:PermitsPerMinute", 10);
        services.AddRateLimiter(o =>
        {
            // Per client address: a report costs a grain call, and answers the same whatever the token, so a flood
            // learns nothing and is only slowed.
            o.AddPolicy(ReportPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                Reporter(context.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                await ErrorResponses.Write(rejected.HttpContext, ErrorTypes.TooManyRequests.With(
                    $"At most {perMinute} leak reports a minute from one address; try again in a minute."));
            };
        });
        return services;
    }

    /// <summary>
    /// Whose share a report takes: the client's address, an IPv6 one by its /64 (one network hands its hosts a whole /64,
    /// so a single address there is no limit at all). Behind a proxy, forwarded headers must name the client.
    /// </summary>
    static string Reporter(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    public static IEndpointRouteBuilder MapLeakedKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/secret-scanning/github", GitHub).WithName("githubSecretScanning").WithTags("Leaked keys")
            .AllowAnonymous().WithHttpLogging(HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode)
            .Accepts<GitHubReport[]>("application/json").Produces<GitHubFeedback[]>()
            .ProducesErrors(ErrorTypes.Unauthorized, ErrorTypes.InvalidJson)
            .WithSummary("GitHub secret scanning")
            .WithDescription("GitHub's secret scanning partner endpoint: a JSON array of {token, type, url, source} signed by GitHub " +
                "(ECDSA P-256 over the raw body, Github-Public-Key-Identifier and Github-Public-Key-Signature). Each key of ours is " +
                "recorded as leaked and, under the tenant's leaked_key_action, revoked. Answers GitHub's feedback array.");
        app.MapPost("/api/v1/api-keys/actions/report-leak", Report).WithName("reportLeakedApiKey").WithTags("Leaked keys")
            .AllowAnonymous().RequireRateLimiting(ReportPolicy).WithHttpLogging(HttpLoggingFields.None)
            .Produces(StatusCodes.Status202Accepted).ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.TooManyRequests)
            .WithSummary("Report a leaked key")
            .WithDescription("Anyone who finds one of our keys (in a log, a paste) reports it here, with no other credential. " +
                "202 whatever the token, so the answer tells nothing about which keys exist; limited per client address.");
        return app;
    }

    static async Task<IResult> GitHub(HttpContext context, GitHubVerificationKeys keys, LeakedKeys leaks, ILoggerFactory logs)
    {
        var request = context.Request;
        var identifier = request.Headers[KeyIdentifierHeader].ToString();
        var signature = request.Headers[SignatureHeader].ToString();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (identifier.Length == 0 || signature.Length == 0 || !await keys.Verify(identifier, body, signature, context.RequestAborted))
        {
            // Nothing in the body is read, let alone acted on, before GitHub's signature over it holds.
            await ErrorResponses.Write(context, ErrorTypes.Unauthorized.With(
                $"The body must be signed by GitHub: {KeyIdentifierHeader} naming one of GitHub's secret scanning keys, and {SignatureHeader} its signature.",
                new ErrorSource(Parameter: SignatureHeader)));
            return Results.Empty;
        }
        GitHubReport?[] reports;
        try
        {
            reports = JsonSerializer.Deserialize<GitHubReport?[]>(body, JsonSerializerOptions.Web) ?? [];
        }
        catch (JsonException)
        {
            throw new ApiProblem(ErrorTypes.InvalidJson, "Expected GitHub's JSON array of {token, type, url, source}.");
        }
        var logger = logs.CreateLogger(typeof(LeakedKeysApi));
        var feedback = new List<GitHubFeedback>();
        foreach (var report in reports)
        {
            if (report?.Token is not { Length: > 0 } token)
            {
                continue;
            }
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
            try
            {
                var ours = await leaks.Report(token, new LeakReport("github", report.Url, report.Source));
                feedback.Add(new GitHubFeedback(hash, report.Type, ours ? "true_positive" : "false_positive"));
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                // One item that fails never stops the rest; GitHub hears nothing about it and may send it again.
                logger.LogWarning(e, "A GitHub secret scanning report (token hash {TokenHash}) could not be handled", hash);
            }
        }
        return Results.Ok(feedback);
    }

    static async Task<IResult> Report(LeakReportRequest body, LeakedKeys leaks)
    {
        if (body.Token is null)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "token is required: the key that was found.", "/token");
        }
        await leaks.Report(body.Token, new LeakReport("report"));
        return Results.Accepted();
    }
}

/// <summary>One item of GitHub's report: a token it found, its type as registered, where it was found, and by what.</summary>
public sealed record GitHubReport(string? Token, string? Type, string? Url, string? Source)
{
    public override string ToString() => $"GitHubReport {{ Type = {Type}, Url = {Url}, Token = (redacted) }}";
}

/// <summary>GitHub's feedback on one item: the token's SHA-256 in hex, and whether it is one of ours.</summary>
public sealed record GitHubFeedback(
    [property: System.Text.Json.Serialization.JsonPropertyName("token_hash")] string TokenHash,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string? TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("label")] string Label);

public sealed record LeakReportRequest(string? Token)
{
    public override string ToString() => "LeakReportRequest { Token = (redacted) }";
}

/// <summary>Acts on a reported token: one of ours is recorded (and revoked, as its tenant says); anything else is not.</summary>
public sealed class LeakedKeys(IGrainFactory grains)
{
    const int MaxUrlLength = 2048;
    const int MaxSourceLength = 64;

    /// <summary>True when the token is one of our keys (whatever its status); false for anything else.</summary>
    public async Task<bool> Report(string token, LeakReport report)
    {
        if (!ApiKeyToken.TryParse(token.Trim(), out string keyId, out var secretHash))
        {
            return false;
        }
        return await grains.GetGrain<IApiKeyGrain>(keyId).ReportLeak(secretHash,
            report with { Url = Stored(report.Url, MaxUrlLength), Source = Stored(report.Source, MaxSourceLength) });
    }

    /// <summary>What the reporter said, kept only as stored text: never a token (a URL may well hold one), never over a bound.</summary>
    static string? Stored(string? text, int max) =>
        text is null || text.Length > max || StoredText.Flaw(text) is not null ? null : text;
}

/// <summary>Where GitHub's secret scanning verification keys come from (<c>SecretScanning:GitHub</c>).</summary>
public sealed class GitHubScanningOptions
{
    public const string Section = "SecretScanning:GitHub";

    /// <summary>GitHub's published keys, fetched and cached; empty for none (air-gapped: use <see cref="Keys"/>).</summary>
    public string KeysUrl { get; set; } = "https://api.github.com/meta/public_keys/secret_scanning";

    /// <summary>Keys configured here, used before any fetched: <c>Identifier</c> and <c>Key</c> (PEM).</summary>
    public List<StaticKey> Keys { get; set; } = [];

    public TimeSpan CacheTime { get; set; } = TimeSpan.FromHours(1);

    public sealed class StaticKey
    {
        public string Identifier { get; set; } = "";
        public string Key { get; set; } = "";
    }
}

/// <summary>
/// GitHub's verification keys by identifier: the configured ones, then GitHub's published list, fetched at most once a
/// minute for an identifier not yet known and kept for <see cref="GitHubScanningOptions.CacheTime"/>.
/// </summary>
public sealed partial class GitHubVerificationKeys(IHttpClientFactory clients, IOptions<GitHubScanningOptions> options,
    ILogger<GitHubVerificationKeys> logger)
{
    static readonly TimeProvider time = TimeProvider.System;
    readonly SemaphoreSlim fetching = new(1, 1);
    Dictionary<string, string> fetched = new(StringComparer.Ordinal);
    DateTimeOffset fetchedAt = DateTimeOffset.MinValue;

    /// <summary>True when <paramref name="signature"/> (base64 DER ECDSA) over <paramref name="body"/> holds for the named key.</summary>
    public async Task<bool> Verify(string identifier, byte[] body, string signature, CancellationToken cancellationToken)
    {
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        if (await Pem(identifier, cancellationToken) is not { } pem)
        {
            return false;
        }
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return key.VerifyData(body, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    async Task<string?> Pem(string identifier, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Keys.FirstOrDefault(k => k.Identifier == identifier) is { } configured)
        {
            return configured.Key;
        }
        if (string.IsNullOrEmpty(settings.KeysUrl))
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (fetched.TryGetValue(identifier, out var known) && now - fetchedAt < settings.CacheTime)
        {
            return known;
        }
        if (now - fetchedAt < TimeSpan.FromMinutes(1))
        {
            return fetched.GetValueOrDefault(identifier);
        }
        await fetching.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - fetchedAt >= TimeSpan.FromMinutes(1))
            {
                try
                {
                    // Not the report's own cancellation: a reporter that hangs up must not leave the fetch undone, to be
                    // started again by the next report (the client's timeout bounds it).
                    using var answer = await clients.CreateClient(nameof(GitHubVerificationKeys)).GetAsync(settings.KeysUrl, CancellationToken.None);
                    answer.EnsureSuccessStatusCode();
                    var list = await answer.Content.ReadFromJsonAsync<PublishedKeys>(JsonSerializerOptions.Web, CancellationToken.None);
                    fetched = (list?.PublicKeys ?? []).Where(k => k.KeyIdentifier is not null && k.Key is not null)
                        .ToDictionary(k => k.KeyIdentifier!, k => k.Key!, StringComparer.Ordinal);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
                {
                    // GitHub unreachable: the keys known so far still serve, and the report is refused until it answers.
                    LogFetchFailed(e, settings.KeysUrl);
                }
                // Tried, whether or not it answered: at most one fetch a minute, whatever the reports say.
                fetchedAt = time.GetUtcNow();
            }
            return fetched.GetValueOrDefault(identifier);
        }
        finally
        {
            fetching.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch GitHub's secret scanning keys from {Url}; reports signed with an unknown key are refused")]
    partial void LogFetchFailed(Exception exception, string url);

    sealed record PublishedKeys([property: System.Text.Json.Serialization.JsonPropertyName("public_keys")] List<PublishedKey>? PublicKeys);

    sealed record PublishedKey(
        [property: System.Text.Json.Serialization.JsonPropertyName("key_identifier")] string? KeyIdentifier,
        [property: System.Text.Json.Serialization.JsonPropertyName("key")] string? Key);
}
