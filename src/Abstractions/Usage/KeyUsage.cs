namespace ApiKeys;

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
