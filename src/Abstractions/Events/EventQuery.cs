namespace ApiKeys;

/// <summary>A page request over a tenant's events, newest first unless <paramref name="Descending"/> is false.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.EventQuery")]
public sealed record EventQuery(
    [property: Id(0)] string? Type = null,
    [property: Id(1)] string? KeyId = null,
    [property: Id(2)] string? UserId = null,
    [property: Id(3)] DateTimeOffset? Since = null,
    [property: Id(4)] DateTimeOffset? Until = null,
    [property: Id(5)] bool Descending = true,
    [property: Id(6)] int Limit = Paging.DefaultLimit,
    [property: Id(7)] string? StartingAfter = null,
    [property: Id(8)] string? EndingBefore = null);

[GenerateSerializer, Immutable, Alias("ApiKeys.EventPage")]
public sealed record EventPage(
    [property: Id(0)] IReadOnlyList<AuditEvent> Events,
    [property: Id(1)] bool HasNext,
    [property: Id(2)] bool HasPrevious);
