namespace ApiKeys;

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

    /// <summary>A TenantAdmin stopped a key until resumed; <c>data.reason</c> says why, when given.</summary>
    public const string KeySuspended = "com.apikeys.api-key.suspended";
    public const string KeyResumed = "com.apikeys.api-key.resumed";

    /// <summary>On the old key of a rotation: <c>data.rotatedTo</c> names its successor, <c>data.stopsAt</c> when it stops.</summary>
    public const string KeyRotated = "com.apikeys.api-key.rotated";

    /// <summary>
    /// Someone reported a key found in public (<c>data.reporter</c>: <c>github</c> or <c>report</c>), with where
    /// (<c>url</c>, <c>source</c>) and what was done (<c>action</c>: <c>revoked</c> or <c>notified</c>). Never the token.
    /// </summary>
    public const string KeyLeaked = "com.apikeys.api-key.leaked";

    public static readonly IReadOnlyList<string> All =
        [KeyCreated, KeyUpdated, KeyDeleted, ValidationFailed, ConfigUpdated, KeyExpired, ExcessiveUsage, RolesUpdated, UserRemoved, TenantCreated,
         KeySuspended, KeyResumed, KeyRotated, KeyLeaked];
}
