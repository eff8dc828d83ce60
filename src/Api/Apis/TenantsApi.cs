using System.Security.Claims;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiKeys.Api.Apis;

/// <summary>Tenant provisioning by the operator.</summary>
public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/api/v1/tenants")
            .WithTags("Tenants");

        tenants.MapPost("/", Create).WithName("createTenant").ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.TenantExists)
            .RequireAuthorization(CallerClaims.OperatorPolicy)
            .WithSummary("Create a tenant")
            .WithDescription("Operator: creates a tenant (API keys disabled, Qlik's default limits) and names its first TenantAdmin.");
        tenants.MapGet("/{tenantId}", Get).WithName("getTenant").RequireKeyScope(KeyScopes.KeysRead).ProducesErrors(ErrorTypes.TenantNotFound)
            .RequireAuthorization(CallerClaims.OperatorOrMemberPolicy)
            .WithSummary("Get a tenant")
            .WithDescription("The operator reads any tenant; a member reads their own.");
        tenants.MapPost("/{tenantId}/actions/add-admin", AddAdmin).WithName("addTenantAdmin")
            .ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.TenantNotFound)
            .RequireAuthorization(CallerClaims.OperatorPolicy)
            .WithSummary("Add a TenantAdmin")
            .WithDescription("Operator: makes a user a TenantAdmin of an existing tenant (a member if new, other roles kept), " +
                "the way back into a tenant whose admins are gone.");
        return app;
    }

    static async Task<Ok<UserBody>> AddAdmin(string tenantId, AddAdminRequest body, IGrainFactory grains)
    {
        if (!Ids.IsValid(tenantId))
        {
            throw new ApiKeysException(ProblemCode.TenantNotFound, "No such tenant.");
        }
        var userId = Ids.Check(body.UserId, "/userId");
        var roles = await grains.GetGrain<ITenantGrain>(tenantId).AddAdmin(userId);
        return TypedResults.Ok(new UserBody(userId, tenantId, RoleRef.From(roles)));
    }

    static async Task<Created<TenantBody>> Create(CreateTenantRequest body, IGrainFactory grains)
    {
        var id = body.Id ?? "t" + Guid.NewGuid().ToString("N")[..15];
        Ids.Check(id, "/id");
        var tenant = await grains.GetGrain<ITenantGrain>(id).Create(body.Name ?? "", body.FirstAdmin ?? "");
        return TypedResults.Created($"/api/v1/tenants/{Uri.EscapeDataString(tenant.Id)}", TenantBody.From(tenant));
    }

    static async Task<Ok<TenantBody>> Get(string tenantId, ClaimsPrincipal user, IGrainFactory grains)
    {
        // A member of another tenant learns nothing, not even that this one exists.
        if ((!user.IsOperator() && user.Caller().TenantId != tenantId) || !Ids.IsValid(tenantId) ||
            await grains.GetGrain<ITenantGrain>(tenantId).Get() is not { } tenant)
        {
            throw new ApiKeysException(ProblemCode.TenantNotFound, "No such tenant.");
        }
        return TypedResults.Ok(TenantBody.From(tenant));
    }
}

/// <param name="Id">1 to 128 characters without '/'; generated when omitted.</param>
/// <param name="FirstAdmin">User id of the tenant's first TenantAdmin.</param>
public sealed record CreateTenantRequest(string? Name, string? FirstAdmin, string? Id = null);

/// <param name="UserId">The user to make a TenantAdmin: their id at the identity provider (the token's sub).</param>
public sealed record AddAdminRequest(string? UserId);

public sealed record TenantBody(string Id, string Name, DateTimeOffset Created)
{
    public static TenantBody From(Tenant tenant) => new(tenant.Id, tenant.Name, tenant.Created);
}
