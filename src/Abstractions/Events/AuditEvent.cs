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
