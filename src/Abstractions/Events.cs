namespace ApiKeys;

/// <summary>
/// One audit event, shaped as a CloudEvent (<c>specversion</c> 1.0): what happened, when, to which key, by whom.
/// <paramref name="Data"/> is a JSON object; no event ever carries a token.
/// </summary>
/// <param name="UserId">Who acted; null for the system (expiry, usage signals).</param>
/// <param name="KeyId">The key concerned, when there is one; events are searchable by it.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] string Type,
    [property: Id(3)] string Source,
    [property: Id(4)] string? TenantId,
    [property: Id(5)] string? UserId,
    [property: Id(6)] string? KeyId,
    [property: Id(7)] string Data)
{
    public const string SpecVersion = "1.0";

    /// <summary>A new event with a time-ordered unique id.</summary>
    public static AuditEvent New(DateTimeOffset time, string type, string source, string? tenantId, string? userId, string? keyId, string data) =>
        new(Guid.CreateVersion7(time).ToString("N"), time, type, source, tenantId, userId, keyId, data);
}

/// <summary>Event types: Qlik's where Qlik has one, ours in the same style otherwise.</summary>
public static class EventTypes
{
    public const string KeyCreated = "com.qlik.core.api-key.created";
    public const string KeyUpdated = "com.qlik.core.api-key.updated";

    /// <summary>Qlik's: <c>data.status</c> is <c>deleted</c> (removed by its owner) or <c>revoked</c>.</summary>
    public const string KeyDeleted = "com.qlik.core.api-key.deleted";

    /// <summary>Qlik's; aggregated: one event per key (or per front end, for tokens naming no key) per minute, with counts.</summary>
    public const string ValidationFailed = "com.qlik.core.api-key.validation.failed";

    public const string ConfigUpdated = "com.qlik.core.api-keys-config.updated";
    public const string KeyExpired = "com.apikeys.api-key.expired";
    public const string ExcessiveUsage = "com.apikeys.api-key.usage.excessive";
    public const string RolesUpdated = "com.apikeys.user.roles.updated";
    public const string UserRemoved = "com.apikeys.user.removed";
    public const string TenantCreated = "com.apikeys.tenant.created";

    public static readonly IReadOnlyList<string> All =
        [KeyCreated, KeyUpdated, KeyDeleted, ValidationFailed, ConfigUpdated, KeyExpired, ExcessiveUsage, RolesUpdated, UserRemoved, TenantCreated];
}

/// <summary>A page request over a tenant's events, newest first unless <paramref name="Descending"/> is false.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.EventQuery")]
public sealed record EventQuery(
    [property: Id(0)] string? Type = null,
    [property: Id(1)] string? KeyId = null,
    [property: Id(2)] string? UserId = null,
    [property: Id(3)] DateTimeOffset? Since = null,
    [property: Id(4)] DateTimeOffset? Until = null,
    [property: Id(5)] bool Descending = true,
    [property: Id(6)] int Limit = 20,
    [property: Id(7)] string? StartingAfter = null,
    [property: Id(8)] string? EndingBefore = null);

[GenerateSerializer, Immutable, Alias("ApiKeys.EventPage")]
public sealed record EventPage(
    [property: Id(0)] IReadOnlyList<AuditEvent> Events,
    [property: Id(1)] bool HasNext,
    [property: Id(2)] bool HasPrevious);

/// <summary>Validations of one key in one time bucket.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.UsageBucket")]
public sealed record UsageBucket([property: Id(0)] DateTimeOffset Start, [property: Id(1)] long Successes, [property: Id(2)] long Failures);

/// <summary>A key's validations over a window, in buckets.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyUsage")]
public sealed record KeyUsage(
    [property: Id(0)] string KeyId,
    [property: Id(1)] DateTimeOffset? LastUsed,
    [property: Id(2)] IReadOnlyList<UsageBucket> Buckets);

/// <summary>A key's total validations over a window, for the tenant's ranking.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyUsageTotal")]
public sealed record KeyUsageTotal(
    [property: Id(0)] ApiKey Key,
    [property: Id(1)] long Successes,
    [property: Id(2)] long Failures);

/// <summary>Events and usage: queries for tenant admins, and the front ends' way to record what they refuse alone.</summary>
[Alias("ApiKeys.IMonitoringGrain")]
public interface IMonitoringGrain : IGrainWithIntegerKey
{
    /// <summary>TenantAdmin only: the tenant's events, filtered, in time order, by id cursor.</summary>
    Task<EventPage> ListEvents(Caller caller, EventQuery query);

    /// <summary>TenantAdmin only: one event of the tenant.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.EventNotFound"/>.</exception>
    Task<AuditEvent> GetEvent(Caller caller, string eventId);

    /// <summary>Owner or TenantAdmin: the key's validations over <paramref name="window"/> up to now, in buckets of <paramref name="bucket"/>.</summary>
    Task<KeyUsage> GetKeyUsage(Caller caller, string keyId, TimeSpan window, TimeSpan bucket);

    /// <summary>
    /// TenantAdmin only: the tenant's keys ranked by successful validations over <paramref name="window"/>. The counts may
    /// be up to a thousandth of the window old (at most 5 minutes); deleted keys are left out and statuses are current.
    /// </summary>
    Task<IReadOnlyList<KeyUsageTotal>> TopKeys(Caller caller, TimeSpan window, int limit);

    /// <summary>
    /// Front ends: stores their tenant-less validation failure aggregates (tokens that name no key), replacing an earlier
    /// version of the same event. Refuses any other event.
    /// </summary>
    Task Record(IReadOnlyList<AuditEvent> events);
}
