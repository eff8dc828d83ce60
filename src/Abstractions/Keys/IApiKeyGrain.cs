using Orleans.Concurrency;

namespace ApiKeys;

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
    /// is refused from its expiry instant), the tenant's kill switch, and the key's allowed ranges and scopes against
    /// <paramref name="request"/>. Does no I/O; usage is counted in memory.
    /// </summary>
    [ReadOnly]
    ValueTask<Validation> Validate(byte[] secretHash, AccessRequest request);

    /// <summary>The key as its owner or a TenantAdmin of its tenant sees it.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.KeyNotFound"/> when absent or not visible to the caller.</exception>
    Task<ApiKey> Read(Caller caller);

    /// <summary>
    /// Owner or TenantAdmin: changes the description, the scopes and the allowed ranges. The owner may only narrow the
    /// restrictions; widening or lifting them is a TenantAdmin's. No front end answers with the old restrictions once
    /// this returns.
    /// </summary>
    /// <exception cref="ApiKeysException">
    /// <see cref="ProblemCode.KeyNotFound"/>, <see cref="ProblemCode.DescriptionInvalid"/>, <see cref="ProblemCode.InvalidArgument"/>,
    /// <see cref="ProblemCode.TenantAdminRequired"/> (widening by the owner), <see cref="ProblemCode.KeyNotActive"/>
    /// (restrictions of a key that is over).
    /// </exception>
    Task<ApiKey> Update(Caller caller, KeyChange change);

    /// <summary>
    /// Called by the caller's user grain once it has checked that the caller is a TenantAdmin (see
    /// <see cref="IUserGrain.RevokeKey"/>): revokes an active key of the caller's tenant. Final.
    /// </summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.KeyNotActive"/> unless the key is active or suspended.</exception>
    Task<ApiKey> Revoke(Caller caller);

    /// <summary>
    /// Called by the owner's user grain once it has checked the caller and created <paramref name="successorId"/>: the key
    /// names its successor and now stops at <paramref name="stopsAt"/>, or at its own expiry if that is sooner. No front
    /// end accepts it past that instant once this returns.
    /// </summary>
    /// <exception cref="ApiKeysException">
    /// <see cref="ProblemCode.KeyNotFound"/>, <see cref="ProblemCode.KeyNotActive"/>, <see cref="ProblemCode.KeyAlreadyRotated"/>.
    /// </exception>
    Task<ApiKey> Rotate(Caller caller, string successorId, DateTimeOffset stopsAt);

    /// <summary>
    /// TenantAdmin: stops an active key until it is resumed; validation refuses it as <c>suspended</c>, and no front end
    /// accepts it once this returns. It keeps its place under the limit and its expiry.
    /// </summary>
    /// <exception cref="ApiKeysException">
    /// <see cref="ProblemCode.TenantAdminRequired"/> first, before the key is looked at; then
    /// <see cref="ProblemCode.KeyNotFound"/> or <see cref="ProblemCode.KeyNotActive"/>.
    /// </exception>
    Task<ApiKey> Suspend(Caller caller, string? reason);

    /// <summary>TenantAdmin: a suspended key is active again (unless it expired meanwhile, which it then is).</summary>
    /// <exception cref="ApiKeysException">As for <see cref="Suspend"/>, and <see cref="ProblemCode.KeyNotSuspended"/>.</exception>
    Task<ApiKey> Resume(Caller caller, string? reason);

    /// <summary>
    /// A report that this key leaked, from whoever presents its secret: true, with the event recorded and (under the
    /// tenant's <c>leaked_key_action</c> of <c>revoke</c>) the key revoked before this returns; false when the secret is
    /// not this key's, and nothing changes.
    /// </summary>
    Task<bool> ReportLeak(byte[] secretHash, LeakReport report);

    /// <summary>Called by the owner's user grain when the owner leaves the tenant: revokes the key if it is active or suspended.</summary>
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
