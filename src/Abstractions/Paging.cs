namespace ApiKeys;

/// <summary>The paging rules every list shares (keys, events, rankings): a page size, and at most one id cursor.</summary>
public static class Paging
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    /// <exception cref="ApiKeysException"><see cref="ProblemCode.InvalidArgument"/> naming <c>limit</c>.</exception>
    public static int CheckLimit(int limit) =>
        limit is >= 1 and <= MaxLimit ? limit : throw LimitRefused();

    /// <summary>A page size as a query string gives it: digits only.</summary>
    public static int ParseLimit(string? text, int fallback = DefaultLimit) =>
        text is null ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) ? CheckLimit(limit)
        : throw LimitRefused();

    /// <summary>The page size, and the page after one id or before another, never both.</summary>
    public static void Check(int limit, string? startingAfter, string? endingBefore)
    {
        CheckLimit(limit);
        if (startingAfter is not null && endingBefore is not null)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "startingAfter and endingBefore cannot be combined.", "startingAfter");
        }
    }

    static ApiKeysException LimitRefused() => new(ProblemCode.InvalidArgument, $"limit is an integer from 1 to {MaxLimit}.", "limit");
}
