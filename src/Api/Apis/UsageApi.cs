using System.Security.Claims;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiKeys.Api.Apis;

/// <summary>How much keys are used: one key's validations over time, and the tenant's keys ranked by use.</summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        var usage = app.MapGroup("/api/v1/api-keys")
            .WithTags("Usage")
            .RequireAuthorization(CallerClaims.MemberPolicy)
            .ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.InvalidDuration);

        usage.MapGet("/{id}/usage", KeyUsage).WithName("getApiKeyUsage").RequireKeyScope(KeyScopes.KeysRead).ProducesErrors(ErrorTypes.KeyNotFound)
            .WithSummary("Get a key's usage")
            .WithDescription("Owner or TenantAdmin: the key's successful and failed validations per bucket over a window ending now " +
                "(window default PT1H, bucket default PT1M; whole minutes, at most P31D and 1440 buckets).");
        usage.MapGet("/usage", Top).WithName("getTopApiKeys").RequireKeyScope(KeyScopes.Admin).ProducesErrors(ErrorTypes.TenantAdminRequired)
            .WithSummary("Rank keys by usage")
            .WithDescription("TenantAdmin: the tenant's keys ranked by successful validations over a window ending now (default PT24H, limit default 10).");
        return app;
    }

    static async Task<Ok<KeyUsageBody>> KeyUsage(string id, string? window, string? bucket, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        QueryText.RequireSingleValues(request);
        ApiKeyToken.RequireKeyId(id);
        var windowSpan = Span("window", window ?? "PT1H");
        var bucketSpan = Span("bucket", bucket ?? "PT1M");
        var usage = await grains.GetGrain<IUsageGrain>(0).GetKeyUsage(user.Caller(), id, windowSpan.Value, bucketSpan.Value);
        return TypedResults.Ok(new KeyUsageBody(id, usage.LastUsed, windowSpan.Text, bucketSpan.Text,
            usage.Buckets.Sum(b => b.Successes), usage.Buckets.Sum(b => b.Failures), usage.Buckets));
    }

    static async Task<Ok<TopKeysBody>> Top(string? window, string? limit, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        QueryText.RequireSingleValues(request);
        var windowSpan = Span("window", window ?? "PT24H");
        var top = await grains.GetGrain<IUsageGrain>(0).TopKeys(user.Caller(), windowSpan.Value, Paging.ParseLimit(limit, fallback: 10));
        return TypedResults.Ok(new TopKeysBody(windowSpan.Text, top.Select(t => new KeyUsageTotalBody(t.Key, t.Successes, t.Failures)).ToList()));
    }

    static Duration Span(string parameter, string text) =>
        Duration.TryParse(text, out var duration)
            ? duration
            : throw new ApiKeysException(ProblemCode.InvalidDuration, $"{parameter} is an ISO 8601 duration such as PT1H.", parameter);
}

/// <param name="Data">Oldest bucket first; each covers [start, start + bucket).</param>
public sealed record KeyUsageBody(string KeyId, DateTimeOffset? LastUsed, string Window, string Bucket, long Successes, long Failures,
    IReadOnlyList<UsageBucket> Data);

public sealed record TopKeysBody(string Window, IReadOnlyList<KeyUsageTotalBody> Data);

public sealed record KeyUsageTotalBody(ApiKey Key, long Successes, long Failures);
