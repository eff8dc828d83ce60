using System.Security.Claims;
using System.Text.Json;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiKeys.Api.Apis;

/// <summary>Who am I, and the tenant's user directory: members and their roles.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users")
            .WithTags("Users and roles")
            .RequireAuthorization(CallerClaims.MemberPolicy);

        users.MapGet("/me", Me).WithName("getMyUser").RequireKeyScope(KeyScopes.KeysRead)
            .WithSummary("Get the caller")
            .WithDescription("The caller: user id, tenant and current roles (for an API key, its owner).");
        users.MapGet("/", List).WithName("listUsers").RequireKeyScope(KeyScopes.Admin).ProducesErrors(ErrorTypes.TenantAdminRequired)
            .WithSummary("List members")
            .WithDescription("TenantAdmin: the tenant's members and their roles.");
        users.MapPatch("/{userId}", SetRoles).WithName("patchUser").RequireKeyScope(KeyScopes.Admin)
            .ProducesErrors(ErrorTypes.InvalidPatch, ErrorTypes.InvalidArgument, ErrorTypes.TenantAdminRequired, ErrorTypes.UserNotFound, ErrorTypes.LastAdmin)
            .Accepts<PatchOperation[]>("application/json", "application/json-patch+json")
            .WithSummary("Set a member's roles")
            .WithDescription("TenantAdmin: JSON Patch 'replace' of /assignedRoles, e.g. [{\"name\":\"Developer\"}]. Adds the user to the tenant if new.");
        users.MapDelete("/{userId}", Remove).WithName("deleteUser").RequireKeyScope(KeyScopes.Admin)
            .ProducesErrors(ErrorTypes.TenantAdminRequired, ErrorTypes.UserNotFound, ErrorTypes.LastAdmin)
            .WithSummary("Remove a member")
            .WithDescription("TenantAdmin: removes the user from the tenant, which revokes their active keys.");
        return app;
    }

    static async Task<Ok<UserBody>> Me(ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        // A scoped key without apikeys:admin shows the roles it may use, not all its owner holds.
        var roles = caller.Usable(await grains.User(caller).GetRoles());
        return TypedResults.Ok(new UserBody(caller.UserId, caller.TenantId, RoleRef.From(roles), user.FindFirstValue(CallerClaims.KeyId)));
    }

    static async Task<Ok<UserList>> List(ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        var members = await grains.GetGrain<ITenantGrain>(caller.TenantId).GetUsers(caller);
        return TypedResults.Ok(new UserList(members.Select(m => new UserBody(m.UserId, caller.TenantId, RoleRef.From(m.Roles))).ToList()));
    }

    static async Task<NoContent> SetRoles(string userId, PatchOperation[] patch, ClaimsPrincipal user, IGrainFactory grains)
    {
        var roles = TenantRoles.None;
        foreach (var (index, _, value) in JsonPatch.Replacements(patch, "/assignedRoles"))
        {
            roles = RoleRef.Parse(index, value);
        }
        var caller = user.Caller();
        await grains.GetGrain<ITenantGrain>(caller.TenantId).SetRoles(caller, userId, roles);
        return TypedResults.NoContent();
    }

    static async Task<NoContent> Remove(string userId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        await grains.GetGrain<ITenantGrain>(caller.TenantId).RemoveUser(caller, userId);
        return TypedResults.NoContent();
    }
}

/// <summary>A tenant member, with roles as Qlik's users API shows them.</summary>
/// <param name="ApiKeyId">The key the call was made with, when it was made with one.</param>
public sealed record UserBody(string Id, string TenantId, IReadOnlyList<RoleRef> AssignedRoles, string? ApiKeyId = null);

public sealed record UserList(IReadOnlyList<UserBody> Data);

/// <summary>A role by name: <c>TenantAdmin</c> or <c>Developer</c>.</summary>
public sealed record RoleRef(string Name)
{
    static readonly Dictionary<string, TenantRoles> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TenantRoles.TenantAdmin)] = TenantRoles.TenantAdmin,
        [nameof(TenantRoles.Developer)] = TenantRoles.Developer,
    };

    public static IReadOnlyList<RoleRef> From(TenantRoles roles) =>
        roles.Names().Select(name => new RoleRef(name)).ToList();

    public static TenantRoles Parse(int index, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw JsonPatch.Invalid(index, "value", "Expected an array of roles such as [{\"name\":\"Developer\"}].");
        }
        var roles = TenantRoles.None;
        var i = 0;
        foreach (var role in value.EnumerateArray())
        {
            if (role.ValueKind != JsonValueKind.Object || !role.TryGetProperty("name", out var name) ||
                !Names.TryGetValue(JsonPatch.String(index, name, $"value/{i}/name"), out var parsed))
            {
                throw JsonPatch.Invalid(index, $"value/{i}", "Each role is {\"name\":\"TenantAdmin\"} or {\"name\":\"Developer\"}.");
            }
            roles |= parsed;
            i++;
        }
        return roles;
    }
}
