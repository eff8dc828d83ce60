using Orleans.Concurrency;

namespace ApiKeys;

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

    /// <summary>
    /// Replaces an active key of this owner with a new one (its token returned once, <c>RotatedFrom</c> the old id): the
    /// old key works until now plus the grace period, never past its own expiry, and no longer counts toward the limit.
    /// </summary>
    /// <remarks>
    /// Who may: as for <see cref="GenerateKey"/>. The new key has the old one's owner and kind, its description unless
    /// another is given, and its own expiry within the tenant maximum. A key rotates once: a second call is refused.
    /// </remarks>
    /// <exception cref="ApiKeysException">
    /// <see cref="ProblemCode.KeyNotFound"/>, <see cref="ProblemCode.KeyNotActive"/>, <see cref="ProblemCode.KeyAlreadyRotated"/>,
    /// <see cref="ProblemCode.InvalidDuration"/> (a grace period beyond <c>max_rotation_grace</c>), and generation's refusals.
    /// </exception>
    Task<IssuedApiKey> RotateKey(Caller caller, string keyId, RotationRequest request);

    /// <summary>
    /// Qlik's DELETE, on the caller's own grain: the owner removes their key, which stops validating at once; a
    /// TenantAdmin deleting another user's key revokes it, so it stays visible in the tenant's list as revoked.
    /// </summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.KeyNotFound"/> for a key the caller may not see.</exception>
    Task DeleteKey(Caller caller, string keyId);

    /// <summary>On the caller's own grain, a TenantAdmin's: revokes an active key of the tenant. Final.</summary>
    /// <exception cref="ApiKeysException">
    /// <see cref="ProblemCode.TenantAdminRequired"/> first, before the key is looked at; then
    /// <see cref="ProblemCode.KeyNotFound"/> or <see cref="ProblemCode.KeyNotActive"/>.
    /// </exception>
    Task<ApiKey> RevokeKey(Caller caller, string keyId);

    /// <summary>
    /// On the caller's own grain, a TenantAdmin's: revokes many keys at once (seed: "select them in the table and click
    /// Revoke"), reporting each distinct id's outcome.
    /// </summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.TenantAdminRequired"/> for the whole call.</exception>
    Task<IReadOnlyList<RevokeOutcome>> RevokeKeys(Caller caller, IReadOnlyList<string> keyIds);

    /// <summary>Owner only: removes every key the user owns and returns how many.</summary>
    Task<int> DeleteAllKeys(Caller caller);

    /// <summary>Notification from a key that stopped being active (revoked or expired); frees a place under the limit.</summary>
    [OneWay]
    Task KeyRetired(string keyId);
}
