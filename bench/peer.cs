#:sdk Microsoft.NET.Sdk.Web
#:package Npgsql
#:package StackExchange.Redis
#:property PublishAot=false
// The validators a team would write instead of this product, and the machine's HTTP ceiling, for bench/run.sh to load
// beside the product (docs/benchmarks.md). Each is a minimal ASP.NET Core app: a slim builder, logging cleared, one
// forward-auth endpoint (GET /verify: SHA-256 of the bearer token, then a lookup; 200 with the identity headers or
// 401) and the same trivial endpoint (/health/live).
//
//   dotnet run --file bench/peer.cs -- <mode> <url> [tokens file] [connection string]
//
//   ceiling    /verify answers 200 without reading anything: what this machine serves over HTTP at all
//   postgres   a PostgreSQL SELECT per request
//   redis      a Redis GET per request
//   ttl        an in-process cache of answers for 10 s over PostgreSQL, as Kong and Unkey cache (a revoked key is
//              accepted for up to 10 s after its revoke)
//
// With a tokens file, postgres and ttl first load the tokens' hashes into a table, redis into keys.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using StackExchange.Redis;

var (mode, url) = (args[0], args[1]);
var tokens = args.Length > 2 ? File.ReadAllLines(args[2]).Where(t => t.Length > 0).ToArray() : [];
var connection = args.Length > 3 ? args[3] : "";

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(url);
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));

static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

static string? Bearer(HttpRequest request) =>
    request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;

static IResult Answer(HttpResponse response, string? identity)
{
    if (identity is null)
    {
        return Results.Unauthorized();
    }
    var parts = identity.Split('|');
    response.Headers["X-ApiKey-Id"] = parts[0];
    response.Headers["X-Tenant-Id"] = parts[1];
    response.Headers["X-Sub"] = parts[2];
    return Results.Ok(new { valid = true, keyId = parts[0], tenantId = parts[1], sub = parts[2] });
}

// Each token's identity, as the peers store it: "keyId|tenant|sub".
static string Identity(string token, int i) => $"{token[4..28]}|bench|user-{i / 100}";

switch (mode)
{
    case "ceiling":
        app.MapGet("/verify", () => Results.Ok());
        break;
    case "postgres" or "ttl":
    {
        var data = NpgsqlDataSource.Create(connection);
        if (tokens.Length > 0)
        {
            await using (var create = data.CreateCommand(
                "DROP TABLE IF EXISTS peer_keys; CREATE TABLE peer_keys (hash text PRIMARY KEY, identity text NOT NULL);"))
            {
                await create.ExecuteNonQueryAsync();
            }
            await using var copy = await data.OpenConnectionAsync();
            await using var writer = await copy.BeginBinaryImportAsync("COPY peer_keys (hash, identity) FROM STDIN (FORMAT BINARY)");
            for (var i = 0; i < tokens.Length; i++)
            {
                await writer.WriteRowAsync(default, Hash(tokens[i]), Identity(tokens[i], i));
            }
            await writer.CompleteAsync();
        }
        async Task<string?> Lookup(string hash)
        {
            await using var command = data.CreateCommand("SELECT identity FROM peer_keys WHERE hash = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = hash });
            return (string?)await command.ExecuteScalarAsync();
        }
        if (mode == "postgres")
        {
            app.MapGet("/verify", async (HttpContext context) =>
                Bearer(context.Request) is { } token ? Answer(context.Response, await Lookup(Hash(token))) : Results.Unauthorized());
        }
        else
        {
            var cache = new ConcurrentDictionary<string, (string? Identity, long Until)>();
            var ttl = 10 * System.Diagnostics.Stopwatch.Frequency;
            app.MapGet("/verify", async (HttpContext context) =>
            {
                if (Bearer(context.Request) is not { } token)
                {
                    return Results.Unauthorized();
                }
                var hash = Hash(token);
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                if (!cache.TryGetValue(hash, out var entry) || entry.Until < now)
                {
                    entry = (await Lookup(hash), now + ttl);
                    cache[hash] = entry;
                }
                return Answer(context.Response, entry.Identity);
            });
        }
        break;
    }
    case "redis":
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(connection);
        var db = redis.GetDatabase();
        if (tokens.Length > 0)
        {
            await Task.WhenAll(tokens.Select((t, i) => db.StringSetAsync(Hash(t), Identity(t, i))));
        }
        app.MapGet("/verify", async (HttpContext context) =>
            Bearer(context.Request) is { } token ? Answer(context.Response, await db.StringGetAsync(Hash(token))) : Results.Unauthorized());
        break;
    }
    default:
        throw new ArgumentException($"mode is ceiling, postgres, redis or ttl, not {mode}");
}
app.Run();
