using System.Security.Claims;
using System.Text.Json.Serialization;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiKeys.Api.Apis;

/// <summary>Qlik's <c>/api/v1/api-keys/configs/{tenantId}</c>: the tenant's API-key settings.</summary>
public static class ConfigsApi
{
    public static IEndpointRouteBuilder MapConfigsApi(this IEndpointRouteBuilder app)
    {
        var configs = app.MapGroup("/api/v1/api-keys/configs")
            .WithTags("API key settings")
            .RequireAuthorization(CallerClaims.MemberPolicy)
            .ProducesErrors(401, 403, 404);

        configs.MapGet("/{tenantId}", Get).WithName("getApiKeysConfig")
            .WithSummary("The tenant's settings; any member of the tenant may read them.");
        configs.MapPatch("/{tenantId}", Patch).WithName("patchApiKeysConfig").ProducesErrors(400)
            .Accepts<PatchOperation[]>("application/json", "application/json-patch+json")
            .WithSummary("TenantAdmin: JSON Patch 'replace' of api_keys_enabled, max_api_key_expiry, max_keys_per_user, " +
                "scim_externalClient_expiry, and our excessive_usage_per_minute and excessive_usage_factor.");
        return app;
    }

    static async Task<Ok<ApiKeysConfigBody>> Get(string tenantId, ClaimsPrincipal user, IGrainFactory grains)
    {
        RequireOwnTenant(user.Caller(), tenantId);
        return TypedResults.Ok(ApiKeysConfigBody.From(await grains.GetGrain<ITenantGrain>(tenantId).GetConfig()));
    }

    static async Task<NoContent> Patch(string tenantId, PatchOperation[] patch, ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        RequireOwnTenant(caller, tenantId);
        var change = new ApiKeysConfigChange();
        foreach (var (index, path, value) in JsonPatch.Replacements(patch, ApiKeysConfigBody.Paths))
        {
            change = path switch
            {
                "/api_keys_enabled" => change with { ApiKeysEnabled = JsonPatch.Boolean(index, value) },
                "/max_api_key_expiry" => change with { MaxApiKeyExpiry = JsonPatch.String(index, value) },
                "/max_keys_per_user" => change with { MaxKeysPerUser = JsonPatch.Integer(index, value) },
                "/scim_externalClient_expiry" => change with { ScimExternalClientExpiry = JsonPatch.String(index, value) },
                "/excessive_usage_per_minute" => change with { ExcessiveUsagePerMinute = JsonPatch.Integer(index, value) },
                "/excessive_usage_factor" => change with { ExcessiveUsageFactor = JsonPatch.Integer(index, value) },
                _ => throw JsonPatch.Invalid(index, "path", "Not a setting."),
            };
        }
        await grains.GetGrain<ITenantGrain>(tenantId).UpdateConfig(caller, change);
        return TypedResults.NoContent();
    }

    /// <summary>Another tenant's settings are answered as absent, before any grain is asked, so they never reveal a tenant.</summary>
    static void RequireOwnTenant(Caller caller, string tenantId)
    {
        if (caller.TenantId != tenantId)
        {
            throw new ApiKeysException(ProblemCode.TenantNotFound, "No such tenant.");
        }
    }
}

/// <summary>Qlik's <c>ApiKeysConfig</c>, with its snake_case names, and our two excessive-usage settings.</summary>
/// <param name="MaxApiKeyExpiry">ISO 8601 duration: the longest lifetime of a new key.</param>
/// <param name="MaxKeysPerUser">0 to 1000 active keys per user.</param>
/// <param name="ScimExternalClientExpiry">ISO 8601 duration: the longest lifetime of an externalClient key.</param>
/// <param name="ExcessiveUsagePerMinute">Ours: validations of one key in a minute above which an excessive-usage event is recorded; 0 is off.</param>
/// <param name="ExcessiveUsageFactor">Ours: how many times its own recent per-minute baseline a key may be validated before an excessive-usage event; 0 is off.</param>
public sealed record ApiKeysConfigBody(
    [property: JsonPropertyName("api_keys_enabled")] bool ApiKeysEnabled,
    [property: JsonPropertyName("max_api_key_expiry")] string MaxApiKeyExpiry,
    [property: JsonPropertyName("max_keys_per_user")] int MaxKeysPerUser,
    [property: JsonPropertyName("scim_externalClient_expiry")] string ScimExternalClientExpiry,
    [property: JsonPropertyName("excessive_usage_per_minute")] int ExcessiveUsagePerMinute,
    [property: JsonPropertyName("excessive_usage_factor")] int ExcessiveUsageFactor)
{
    public static readonly string[] Paths =
    [
        "/api_keys_enabled", "/max_api_key_expiry", "/max_keys_per_user", "/scim_externalClient_expiry",
        "/excessive_usage_per_minute", "/excessive_usage_factor",
    ];

    public static ApiKeysConfigBody From(ApiKeysConfig config) =>
        new(config.ApiKeysEnabled, config.MaxApiKeyExpiry, config.MaxKeysPerUser, config.ScimExternalClientExpiry,
            config.ExcessiveUsagePerMinute, config.ExcessiveUsageFactor);
}
