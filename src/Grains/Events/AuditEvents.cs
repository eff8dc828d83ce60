using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiKeys.Grains.Events;

/// <summary>How each action is recorded: type, source, actor and data. Keys appear by id and description, never by token.</summary>
public static class AuditEvents
{
    public const string KeysSource = "com.apikeys/api-keys";
    public const string ConfigSource = "com.apikeys/api-keys-config";
    public const string UsersSource = "com.apikeys/users";
    public const string TenantsSource = "com.apikeys/tenants";
    public const string ValidationSource = "com.apikeys/validation";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static AuditEvent KeyCreated(ApiKey key, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.KeyCreated, KeysSource, key.TenantId, key.CreatedByUser, key.Id, Data(KeyData(key)));

    /// <summary>
    /// The key after the change, with Qlik's <c>previousDescription</c>; and when its restrictions changed, both
    /// versions of them in <c>before</c> and <c>after</c> (a null list there: unrestricted).
    /// </summary>
    public static AuditEvent KeyUpdated(ApiKey before, ApiKey after, string userId, DateTimeOffset now)
    {
        var restricted = !Same(before.Scopes, after.Scopes) || !Same(before.AllowedCidrs, after.AllowedCidrs);
        return AuditEvent.New(now, EventTypes.KeyUpdated, KeysSource, after.TenantId, userId, after.Id,
            Data(KeyData(after) with
            {
                PreviousDescription = before.Description,
                Before = restricted ? new Restrictions(before.Scopes, before.AllowedCidrs) : null,
                After = restricted ? new Restrictions(after.Scopes, after.AllowedCidrs) : null,
            }));
    }

    static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>A key's restrictions as an event shows them: both lists always, null meaning unrestricted.</summary>
    sealed record Restrictions(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? Scopes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? AllowedCidrs);

    /// <summary>Qlik records both a removal and a revocation as <c>api-key.deleted</c>, told apart by <c>data.status</c>.</summary>
    public static AuditEvent KeyDeleted(ApiKey key, string status, string? userId, string? reason, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.KeyDeleted, KeysSource, key.TenantId, userId, key.Id,
            Data(KeyData(key) with { Status = status, Reason = reason }));

    /// <summary>A TenantAdmin suspended a key (<paramref name="suspended"/>) or resumed it, with the reason given.</summary>
    public static AuditEvent KeySuspension(ApiKey key, bool suspended, string userId, string? reason, DateTimeOffset now) =>
        AuditEvent.New(now, suspended ? EventTypes.KeySuspended : EventTypes.KeyResumed, KeysSource, key.TenantId, userId, key.Id,
            Data(KeyData(key) with { Reason = reason }));

    /// <summary>On the old key: its successor (<c>rotatedTo</c>) and the instant it stops (<c>stopsAt</c>, its new expiry).</summary>
    public static AuditEvent KeyRotated(ApiKey key, string userId, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.KeyRotated, KeysSource, key.TenantId, userId, key.Id,
            Data(KeyData(key) with { StopsAt = key.Expiry.UtcDateTime }));

    public static AuditEvent KeyLeaked(ApiKey key, LeakReport report, string action, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.KeyLeaked, KeysSource, key.TenantId, null, key.Id,
            Data(KeyData(key) with { Reporter = report.Reporter, Url = report.Url, LeakSource = report.Source, Action = action }));

    public static AuditEvent KeyExpired(ApiKey key, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.KeyExpired, KeysSource, key.TenantId, null, key.Id, Data(KeyData(key)));

    public static AuditEvent ConfigUpdated(string tenantId, string userId, ApiKeysConfig before, ApiKeysConfig after, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.ConfigUpdated, ConfigSource, tenantId, userId, null,
            Data(new { tenantId, before = ConfigData(before), after = ConfigData(after) }));

    /// <param name="adminId">Who changed the roles; null for the operator, who is no member of the tenant.</param>
    public static AuditEvent RolesUpdated(string tenantId, string? adminId, string userId, TenantRoles before, TenantRoles after, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.RolesUpdated, UsersSource, tenantId, adminId, null,
            Data(new { userId, previousRoles = before.Names(), roles = after.Names() }));

    public static AuditEvent UserRemoved(string tenantId, string adminId, string userId, TenantRoles before, DateTimeOffset now) =>
        AuditEvent.New(now, EventTypes.UserRemoved, UsersSource, tenantId, adminId, null,
            Data(new { userId, previousRoles = before.Names() }));

    public static AuditEvent TenantCreated(Tenant tenant, string firstAdmin) =>
        AuditEvent.New(tenant.Created, EventTypes.TenantCreated, TenantsSource, tenant.Id, null, null,
            Data(new { tenantId = tenant.Id, name = tenant.Name, firstAdmin }));

    /// <summary>
    /// One event per key (or per front end, when no key is known) per minute, replaced as the counts grow: its id is
    /// fixed by the pair, so a flood of bad tokens updates one row instead of adding thousands. Its time is the
    /// minute's first failure, so it sits where the trouble began.
    /// </summary>
    public static AuditEvent ValidationFailed(string scope, string? tenantId, string? keyId, MinuteFailures failures) =>
        new($"vf-{scope}-{failures.Minute}", failures.First, EventTypes.ValidationFailed, ValidationSource, tenantId, null, keyId,
            Data(new
            {
                keyId,
                count = failures.Count,
                reasons = failures.Reasons.ToDictionary(r => r.Key.Name(), r => r.Value),
                windowStart = UsageMinute.Start(failures.Minute).UtcDateTime,
                windowEnd = UsageMinute.Start(failures.Minute + 1).UtcDateTime,
            }));

    /// <summary>One event per episode: its id is fixed by the episode, so a flush that finds a busier minute rewrites it.</summary>
    public static AuditEvent ExcessiveUsage(string tenantId, string keyId, string episode, long minute, long observed, double? baseline,
        ApiKeysConfig policy, DateTimeOffset start) =>
        new($"ex-{episode}", start, EventTypes.ExcessiveUsage, KeysSource, tenantId, null, keyId,
            Data(new
            {
                keyId,
                observedPerMinute = observed,
                baselinePerMinute = baseline is { } b ? Math.Round(b, 2) : (double?)null,
                thresholdPerMinute = policy.ExcessiveUsagePerMinute,
                factor = policy.ExcessiveUsageFactor,
                episodeStart = UsageMinute.Start(minute).UtcDateTime,
            }));

    static string Data<T>(T value) => JsonSerializer.Serialize(value, Json);

    static KeyEventData KeyData(ApiKey key) =>
        new(key.Id, key.Description, key.Status.Name(), key.Sub, key.SubType, key.CreatedByUser, key.Expiry.UtcDateTime,
            RotatedFrom: key.RotatedFrom, RotatedTo: key.RotatedTo, Scopes: key.Scopes, AllowedCidrs: key.AllowedCidrs);

    /// <summary>The settings by the names the API gives them.</summary>
    static ApiKeysConfigBody ConfigData(ApiKeysConfig c) => ApiKeysConfigBody.From(c);

    sealed record KeyEventData(
        string KeyId,
        string Description,
        string Status,
        string Sub,
        KeySubType SubType,
        string CreatedByUser,
        DateTime Expiry,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PreviousDescription = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RotatedFrom = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RotatedTo = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? StopsAt = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reporter = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("source")] string? LeakSource = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Action = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Scopes = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? AllowedCidrs = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Restrictions? Before = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Restrictions? After = null);
}
