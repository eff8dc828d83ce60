using ApiKeys.Api.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiKeys.Api.Apis;

/// <summary>Development environment only: user tokens without an identity provider, for the quick start and local tries.</summary>
public static class DevApi
{
    public static IEndpointRouteBuilder MapDevApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/token", Issue).WithName("issueDevUserToken").WithTags("Development only").AllowAnonymous()
            .WithSummary("Issue a development user token")
            .WithDescription("DEVELOPMENT ONLY, absent in Production: a user token for any tenant and user id.");
        return app;
    }

    static Ok<DevToken> Issue(DevTokenRequest body, DevTokens tokens) =>
        TypedResults.Ok(new DevToken(
            tokens.Issue(Ids.Check(body.TenantId, "/tenantId"), Ids.Check(body.UserId, "/userId")),
            "Bearer",
            (int)DevTokens.Lifetime.TotalSeconds));
}

public sealed record DevTokenRequest(string? TenantId, string? UserId);

public sealed record DevToken(string Token, string TokenType, int ExpiresIn);
