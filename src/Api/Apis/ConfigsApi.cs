using System.Security.Claims;
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
            .ProducesErrors(ErrorTypes.TenantNotFound);

        configs.MapGet("/{tenantId}", Get).WithName("getApiKeysConfig").RequireKeyScope(KeyScopes.KeysRead)
            .WithSummary("Get the tenant's settings")
            .WithDescription("Any member of the tenant may read them.");
        configs.MapPatch("/{tenantId}", Patch).WithName("patchApiKeysConfig").RequireKeyScope(KeyScopes.Admin)
            .ProducesErrors(ErrorTypes.InvalidPatch, ErrorTypes.InvalidSetting, ErrorTypes.InvalidDuration, ErrorTypes.TenantAdminRequired)
            .Accepts<PatchOperation[]>("application/json", "application/json-patch+json")
            .WithSummary("Change the tenant's settings")
            .WithDescription($"TenantAdmin: JSON Patch 'replace' of {string.Join(", ", ApiKeysConfigBody.Settings.Select(s => s.Name))}.");
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
        foreach (var (index, path, value) in JsonPatch.Replacements(patch, PathNames))
        {
            var setting = Paths[path];
            setting.Set(change, setting.Type == typeof(bool) ? JsonPatch.Boolean(index, value)
                : setting.Type == typeof(int) ? JsonPatch.Integer(index, value)
                : setting.Type == typeof(IReadOnlyList<string>) ? JsonPatch.Strings(index, value)
                : JsonPatch.String(index, value));
        }
        await grains.GetGrain<ITenantGrain>(tenantId).UpdateConfig(caller, change);
        return TypedResults.NoContent();
    }

    /// <summary>The settings as JSON Patch paths: <c>/api_keys_enabled</c> and the rest.</summary>
    static readonly Dictionary<string, ApiKeysConfigBody.Setting> Paths =
        ApiKeysConfigBody.Settings.ToDictionary(s => "/" + s.Name, StringComparer.Ordinal);

    static readonly string[] PathNames = [.. Paths.Keys];

    /// <summary>Another tenant's settings are answered as absent, before any grain is asked, so they never reveal a tenant.</summary>
    static void RequireOwnTenant(Caller caller, string tenantId)
    {
        if (caller.TenantId != tenantId)
        {
            throw new ApiKeysException(ProblemCode.TenantNotFound, "No such tenant.");
        }
    }
}
