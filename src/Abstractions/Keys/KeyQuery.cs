namespace ApiKeys;

/// <summary>The orders Qlik's list endpoint accepts.</summary>
public enum KeySort
{
    Created,
    CreatedByUser,
    Sub,
    Status,
    Description,
}

/// <summary>A page request over a tenant's keys: Qlik's filters plus search, sort and id cursors.</summary>
/// <param name="Search">Case-insensitive description substring, exact key id, or exact owner.</param>
/// <param name="StartingAfter">Id cursor: the page after this key. Excludes <paramref name="EndingBefore"/>.</param>
/// <param name="SubType">Only keys of members, or only keys of external clients.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyQuery")]
public sealed record KeyQuery(
    [property: Id(0)] KeyStatus? Status = null,
    [property: Id(1)] string? Sub = null,
    [property: Id(2)] string? CreatedByUser = null,
    [property: Id(3)] string? Search = null,
    [property: Id(4)] KeySort Sort = KeySort.Created,
    [property: Id(5)] bool Descending = true,
    [property: Id(6)] int Limit = Paging.DefaultLimit,
    [property: Id(7)] string? StartingAfter = null,
    [property: Id(8)] string? EndingBefore = null,
    [property: Id(9)] KeySubType? SubType = null);

/// <summary>One page of keys in the requested order, and whether pages exist on either side.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyPage")]
public sealed record KeyPage(
    [property: Id(0)] IReadOnlyList<ApiKey> Keys,
    [property: Id(1)] bool HasNext,
    [property: Id(2)] bool HasPrevious);
