using Orleans.Concurrency;

namespace ApiKeys;

/// <summary>A tenant: its settings (the policy generation checks) and its member directory. Key: tenant id.</summary>
[Alias("ApiKeys.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Operator only: creates the tenant with default settings and names its first TenantAdmin.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.TenantExists"/>.</exception>
    Task<Tenant> Create(string name, string firstAdminUserId);

    /// <summary>The tenant, or null when it was never created.</summary>
    [AlwaysInterleave]
    Task<Tenant?> Get();

    /// <summary>The current settings; read by generation and by the silos' policy caches, hence interleaved.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.TenantNotFound"/>.</exception>
    [AlwaysInterleave]
    Task<ApiKeysConfig> GetConfig();

    /// <summary>TenantAdmin only. Changes apply to keys generated afterwards; existing keys keep their expiry.</summary>
    Task<ApiKeysConfig> UpdateConfig(Caller caller, ApiKeysConfigChange change);

    /// <summary>TenantAdmin only: makes <paramref name="userId"/> a member holding exactly <paramref name="roles"/>.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.LastTenantAdmin"/> when that would leave the tenant no TenantAdmin.</exception>
    Task SetRoles(Caller caller, string userId, TenantRoles roles);

    /// <summary>
    /// Operator only: makes <paramref name="userId"/> a TenantAdmin, keeping any other role, and a member if new; the way
    /// back into a tenant whose admins are all gone from the identity provider. Returns the user's roles.
    /// </summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.TenantNotFound"/>.</exception>
    Task<TenantRoles> AddAdmin(string userId);

    /// <summary>TenantAdmin only: removes a member, which revokes all of that user's active keys.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.LastTenantAdmin"/> for the tenant's last TenantAdmin.</exception>
    Task RemoveUser(Caller caller, string userId);

    /// <summary>TenantAdmin only: the members and their roles.</summary>
    Task<IReadOnlyList<TenantUser>> GetUsers(Caller caller);
}
