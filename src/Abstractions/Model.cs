namespace ApiKeys;

/// <summary>
/// Lifecycle status of a key (seed: Active, Expired, Revoked; Suspended is ours: a TenantAdmin's reversible stop).
/// Revoked is final.
/// </summary>
public enum KeyStatus
{
    Active,
    Expired,
    Revoked,
    Suspended,
}

public static class KeyStatuses
{
    /// <summary>
    /// Active and suspended keys are the ones not over yet: they count toward <c>max_keys_per_user</c>, follow their
    /// owner's roles, expire at their expiry and can be revoked. Expired and revoked keys are over.
    /// </summary>
    public static bool IsLive(this KeyStatus status) => status is KeyStatus.Active or KeyStatus.Suspended;
}

/// <summary>Whom a key acts for (Qlik's <c>subType</c>).</summary>
public enum KeySubType
{
    User,
    ExternalClient,
}

/// <summary>Roles a tenant member can hold; a user may hold both.</summary>
[Flags]
public enum TenantRoles
{
    None = 0,
    TenantAdmin = 1,
    Developer = 2,
}

public static class TenantRoleNames
{
    /// <summary>The names of the roles held, as the API and events show them: <c>TenantAdmin</c>, <c>Developer</c>.</summary>
    public static IReadOnlyList<string> Names(this TenantRoles roles) =>
        Enum.GetValues<TenantRoles>().Where(r => r != TenantRoles.None && roles.HasFlag(r)).Select(r => r.ToString()).ToList();
}

/// <summary>The authenticated user on whose behalf a grain call is made.</summary>
/// <param name="Withheld">
/// Roles the credential may not use although the user holds them: a scoped key without <c>apikeys:admin</c> acts
/// without its owner's TenantAdmin role (see <see cref="KeyScopes"/>).
/// </param>
[GenerateSerializer, Immutable, Alias("ApiKeys.Caller")]
public sealed record Caller([property: Id(0)] string TenantId, [property: Id(1)] string UserId,
    [property: Id(2)] TenantRoles Withheld = TenantRoles.None)
{
    /// <summary>The roles this call may use, of those the user holds now.</summary>
    public TenantRoles Usable(TenantRoles held) => held & ~Withheld;
}

/// <summary>A key as Qlik's API shows it, with ours after <c>LastUsed</c> (absent unless set); never carries the secret.</summary>
/// <param name="RotatedFrom">The key this one replaced in a rotation.</param>
/// <param name="RotatedTo">The key that replaced this one; this key then works until its expiry, the end of its grace.</param>
/// <param name="Scopes">The scopes the key grants; null grants every scope (see <see cref="KeyScopes"/>).</param>
/// <param name="AllowedCidrs">The client ranges the key may be used from; null allows any (see <see cref="ApiKeys.AllowedCidrs"/>).</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.ApiKey")]
public sealed record ApiKey(
    [property: Id(0)] string Id,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Description,
    [property: Id(3)] KeyStatus Status,
    [property: Id(4)] string Sub,
    [property: Id(5)] KeySubType SubType,
    [property: Id(6)] DateTimeOffset Expiry,
    [property: Id(7)] string CreatedByUser,
    [property: Id(8)] DateTimeOffset Created,
    [property: Id(9)] DateTimeOffset LastUpdated,
    [property: Id(10)] DateTimeOffset? LastUsed = null,
    [property: Id(11)] string? RotatedFrom = null,
    [property: Id(12)] string? RotatedTo = null,
    [property: Id(13)] IReadOnlyList<string>? Scopes = null,
    [property: Id(14)] IReadOnlyList<string>? AllowedCidrs = null)
{
    /// <summary>
    /// Whether <paramref name="caller"/> owns this key: a member's key of the same tenant and id. An external client is
    /// not a member, so no caller owns a client's key, whatever their ids.
    /// </summary>
    public bool IsOwnedBy(Caller caller) => SubType == KeySubType.User && Sub == caller.UserId && TenantId == caller.TenantId;
}

/// <summary>A newly generated key with its token: returned once, by generation only.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.IssuedApiKey")]
public sealed record IssuedApiKey([property: Id(0)] ApiKey Key, [property: Id(1)] string Token)
{
    /// <summary>Orleans' message tracing prints call results; the token must never be among them.</summary>
    public override string ToString() => $"IssuedApiKey {{ Key = {Key}, Token = (redacted) }}";
}

/// <summary>What a caller asks for when generating a key.</summary>
/// <param name="Sub">Owner of the new key; the caller's own user id when omitted.</param>
/// <param name="Expiry">ISO 8601 duration; the tenant maximum when omitted.</param>
/// <param name="Scopes">Null: unrestricted (the tenant's <c>require_scopes</c> may refuse that).</param>
/// <param name="AllowedCidrs">Null: the tenant's <c>default_allowed_cidrs</c>, or any address when it has none.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyRequest")]
public sealed record KeyRequest(
    [property: Id(0)] string? Description,
    [property: Id(1)] string? Expiry = null,
    [property: Id(2)] string? Sub = null,
    [property: Id(3)] KeySubType SubType = KeySubType.User,
    [property: Id(4)] IReadOnlyList<string?>? Scopes = null,
    [property: Id(5)] IReadOnlyList<string?>? AllowedCidrs = null);

/// <summary>
/// A change to a key (Qlik's PATCH, which replaces the description, and ours for its restrictions); only what is set
/// changes. Setting <see cref="Scopes"/> or <see cref="AllowedCidrs"/> to null lifts that restriction: a TenantAdmin's
/// right, as any widening is; the owner may only narrow.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyChange")]
public sealed record KeyChange(
    [property: Id(0)] string? Description = null,
    [property: Id(1)] bool SetsScopes = false,
    [property: Id(2)] IReadOnlyList<string?>? Scopes = null,
    [property: Id(3)] bool SetsAllowedCidrs = false,
    [property: Id(4)] IReadOnlyList<string?>? AllowedCidrs = null);

[GenerateSerializer, Immutable, Alias("ApiKeys.Tenant")]
public sealed record Tenant(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset Created);

[GenerateSerializer, Immutable, Alias("ApiKeys.TenantUser")]
public sealed record TenantUser([property: Id(0)] string UserId, [property: Id(1)] TenantRoles Roles);

/// <summary>What a caller asks for when rotating a key; see <see cref="IUserGrain.RotateKey"/>.</summary>
/// <param name="GracePeriod">ISO 8601 duration, PT0S (the old key stops at once) to the tenant's <c>max_rotation_grace</c>.</param>
/// <param name="Expiry">The new key's lifetime; the tenant maximum when omitted.</param>
/// <param name="Description">The new key's; the old key's when omitted.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.RotationRequest")]
public sealed record RotationRequest(
    [property: Id(0)] string? GracePeriod,
    [property: Id(1)] string? Expiry = null,
    [property: Id(2)] string? Description = null);

/// <summary>
/// A report that a key was found in public: who reports it (<c>github</c> through secret scanning, or <c>report</c>
/// from anyone), and where it was found, as the reporter says. Holds no token.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.LeakReport")]
public sealed record LeakReport([property: Id(0)] string Reporter, [property: Id(1)] string? Url = null, [property: Id(2)] string? Source = null);

/// <summary>Outcome of one id in a bulk revoke.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.RevokeOutcome")]
public sealed record RevokeOutcome([property: Id(0)] string Id, [property: Id(1)] ProblemCode? Error);
