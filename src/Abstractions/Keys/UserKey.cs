namespace ApiKeys;

/// <summary>Grain keys that combine ids.</summary>
public static class UserKey
{
    /// <summary>Ends the key of an external client's grain. Ids hold no '/', so no member's key can ever end so.</summary>
    const string ClientSuffix = "/externalClient";

    public static string For(string tenantId, string userId) => $"{tenantId}/{userId}";

    /// <summary>
    /// An external client keeps its keys in a grain of its own, apart from any member's: a member whose id is the
    /// client's never owns, lists or deletes the client's keys.
    /// </summary>
    public static string ForClient(string tenantId, string clientId) => $"{tenantId}/{clientId}{ClientSuffix}";

    /// <summary>Reads a key made by <see cref="For"/> or <see cref="ForClient"/>.</summary>
    public static (string TenantId, string Id, KeySubType SubType) Parse(string key)
    {
        var tenantEnd = key.IndexOf('/');
        var client = key.EndsWith(ClientSuffix, StringComparison.Ordinal) && key.Length - ClientSuffix.Length > tenantEnd;
        var id = key[(tenantEnd + 1)..(client ? key.Length - ClientSuffix.Length : key.Length)];
        return (key[..tenantEnd], id, client ? KeySubType.ExternalClient : KeySubType.User);
    }

    public static IUserGrain User(this IGrainFactory grains, string tenantId, string userId) =>
        grains.GetGrain<IUserGrain>(For(tenantId, userId));

    public static IUserGrain User(this IGrainFactory grains, Caller caller) => grains.User(caller.TenantId, caller.UserId);

    /// <summary>The grain that owns keys of <paramref name="sub"/>: a member's, or an external client's.</summary>
    public static IUserGrain Owner(this IGrainFactory grains, string tenantId, KeySubType subType, string sub) =>
        grains.GetGrain<IUserGrain>(subType == KeySubType.User ? For(tenantId, sub) : ForClient(tenantId, sub));

    /// <summary>Whether the caller holds TenantAdmin in their tenant now; roles are always read at the time of the call.</summary>
    public static async Task<bool> IsTenantAdmin(this IGrainFactory grains, Caller caller) =>
        caller.Usable(await grains.User(caller).GetRoles()).HasFlag(TenantRoles.TenantAdmin);

    /// <exception cref="ApiKeysException"><see cref="ProblemCode.TenantAdminRequired"/> with <paramref name="refusal"/>, unless <see cref="IsTenantAdmin"/>.</exception>
    public static async Task RequireTenantAdmin(this IGrainFactory grains, Caller caller, string refusal)
    {
        if (!await grains.IsTenantAdmin(caller))
        {
            throw new ApiKeysException(ProblemCode.TenantAdminRequired, refusal);
        }
    }
}
