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

/// <summary>
/// The owner of keys: a tenant member (key <c>tenantId/userId</c>), or an external client (key
/// <c>tenantId/clientId/externalClient</c>), never the two at once (see <see cref="UserKey"/>). Generation goes through
/// here so the per-owner active-key limit holds exactly under concurrency.
/// </summary>
[Alias("ApiKeys.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>The member's current roles; None for a non-member and for an external client.</summary>
    [AlwaysInterleave]
    Task<TenantRoles> GetRoles();

    /// <summary>Whether this is a member of the tenant now: added, and not removed since. Never an external client.</summary>
    [AlwaysInterleave]
    Task<bool> IsMember();

    /// <summary>Called by the tenant after its own checks. Pushes the new roles to the user's active keys before returning.</summary>
    Task SetRoles(TenantRoles roles);

    /// <summary>Called by the tenant: ends membership and revokes every active key of the user.</summary>
    Task Leave();

    /// <summary>Generates a key owned by this member (or external client) and returns its token, once.</summary>
    /// <remarks>
    /// Needs <c>api_keys_enabled</c>; a Developer generating for themself, or a TenantAdmin generating for another
    /// member or an external client; a description; an expiry within the tenant maximum; fewer active keys than
    /// <c>max_keys_per_user</c>. The request's <c>SubType</c> must be this owner's kind.
    /// </remarks>
    Task<IssuedApiKey> GenerateKey(Caller caller, KeyRequest request);

    /// <summary>Owner only: removes the key; it stops validating at once.</summary>
    Task DeleteKey(Caller caller, string keyId);

    /// <summary>Owner only: removes every key the user owns and returns how many.</summary>
    Task<int> DeleteAllKeys(Caller caller);

    /// <summary>Notification from a key that stopped being active (revoked or expired); frees a place under the limit.</summary>
    [OneWay]
    Task KeyRetired(string keyId);
}

/// <summary>One key: its record, status, expiry reminder and usage. Key: the key id.</summary>
[Alias("ApiKeys.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Called by the owner's user grain only.</summary>
    Task<ApiKey> Create(ApiKey key, byte[] secretHash, TenantRoles ownerRoles);

    /// <summary>The key as Qlik shows it, or null when it does not exist (never created, or deleted).</summary>
    [ReadOnly]
    Task<ApiKey?> Get();

    /// <summary>
    /// The hot path: checks the presented secret's hash in constant time, then status, expiry (against the clock, so a key
    /// is refused from its expiry instant) and the tenant's kill switch. Does no I/O; usage is counted in memory.
    /// </summary>
    [ReadOnly]
    ValueTask<Validation> Validate(byte[] secretHash);

    /// <summary>The key as its owner or a TenantAdmin of its tenant sees it.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.KeyNotFound"/> when absent or not visible to the caller.</exception>
    Task<ApiKey> Read(Caller caller);

    /// <summary>Owner or TenantAdmin: changes the description only.</summary>
    Task<ApiKey> Rename(Caller caller, string description);

    /// <summary>TenantAdmin of the key's tenant: revokes an active key. Final.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.KeyNotActive"/> unless the key is active.</exception>
    Task<ApiKey> Revoke(Caller caller);

    /// <summary>Called by the owner's user grain when the owner leaves the tenant: revokes the key if it is active.</summary>
    Task RevokeForRemovedOwner();

    /// <summary>Called by the owner's user grain only: removes the key.</summary>
    Task Delete();

    /// <summary>Called by the owner's user grain: the owner's new roles, carried in validation answers.</summary>
    Task SetOwnerRoles(TenantRoles roles);

    /// <summary>Called by the expiry sweep: arms the expiry reminder when expiry is near, or expires the key now if it is due.</summary>
    Task ArmExpiry();

    /// <summary>Writes usage counted since the last flush; also runs on a timer and on deactivation.</summary>
    Task FlushUsage();

    /// <summary>
    /// Successful validations a front end answered from its cache, per minute; counted as if the key had answered them,
    /// so usage, last use and excessive usage see every validation.
    /// </summary>
    Task RecordUses(IReadOnlyList<MinuteUses> uses);
}

/// <summary>
/// Takes the validations a front end answered from its cache for many keys in one message, and hands each key its
/// share inside the silo: a front end sends a few messages per flush instead of one per key in use.
/// </summary>
[Alias("ApiKeys.IUsageIntakeGrain")]
public interface IUsageIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the ids of the keys whose uses could not be recorded; the caller keeps those for its next flush.</summary>
    Task<IReadOnlyList<string>> RecordUses(IReadOnlyList<KeyUses> keys);
}

/// <summary>One key's cached validations, per minute.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyUses")]
public sealed record KeyUses([property: Id(0)] string KeyId, [property: Id(1)] IReadOnlyList<MinuteUses> Uses);

/// <summary>Successful validations of one key in one minute (<c>Minute</c> as in usage rows), and the last of them.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.MinuteUses")]
public sealed record MinuteUses([property: Id(0)] long Minute, [property: Id(1)] long Count, [property: Id(2)] DateTimeOffset LastUsed);

/// <summary>
/// A host that caches what validation depends on (a front end's validation answers, a silo's tenant settings). It hears
/// of every change that could make a cached answer wrong, before the change is acknowledged to whoever made it.
/// </summary>
[Alias("ApiKeys.IKeyChangeListener")]
public interface IKeyChangeListener : IGrainObserver
{
    /// <summary>These keys' validation answers changed: revoked, expired, deleted, or their owner's roles changed.</summary>
    Task KeysChanged(IReadOnlyList<string> keyIds);

    /// <summary>The tenant's settings changed (e.g. API keys disabled): every answer for its keys may be wrong.</summary>
    Task TenantChanged(string tenantId);
}

/// <summary>
/// The cluster's one list of listeners, and the fan-out of changes to them. A listener renews its place every fraction
/// of a second; the answer tells it whether it may trust its cache (see <see cref="Listen"/>). Key: 0.
/// </summary>
[Alias("ApiKeys.IKeyChangesGrain")]
public interface IKeyChangesGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds or renews <paramref name="listener"/>. True when it has heard every change since its last renewal; false
    /// when it is new to this list (the list may have been lost with its silo) or a change could not reach it, so it
    /// must drop what it cached.
    /// </summary>
    Task<bool> Listen(IKeyChangeListener listener);

    /// <summary>Tells every listener, and returns once each has acknowledged or been marked as having missed it.</summary>
    Task KeysChanged(IReadOnlyList<string> keyIds);

    /// <inheritdoc cref="KeysChanged"/>
    Task TenantChanged(string tenantId);
}

/// <summary>
/// The cluster's single sweep: arms reminders only for keys whose expiry is near, keeping reminders bounded; prunes
/// events and usage past retention.
/// </summary>
[Alias("ApiKeys.IExpirySweepGrain")]
public interface IExpirySweepGrain : IGrainWithStringKey
{
    /// <summary>Registers the sweep's own reminder (idempotent) and sweeps once.</summary>
    Task Start();

    /// <summary>Arms every active key expiring within the horizon; returns how many keys it touched.</summary>
    Task<int> Sweep();

    /// <summary>Deletes audit events and usage older than their retention.</summary>
    Task Prune();
}

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
        (await grains.User(caller).GetRoles()).HasFlag(TenantRoles.TenantAdmin);
}
