using Microsoft.AspNetCore.Http.Extensions;

namespace ApiKeys.Api.Apis;

/// <summary>Qlik's paging links: <c>{self, next?, prev?}</c>, each <c>{href}</c>.</summary>
public sealed record Links(Link Self, Link? Next = null, Link? Prev = null)
{
    /// <summary>
    /// Absolute URLs, because <c>@qlik/api</c> hands <c>next.href</c> straight to fetch(). They keep the caller's filters,
    /// sort and limit and replace only the cursor.
    /// </summary>
    public static Links For(HttpRequest request, string? firstId, string? lastId, bool hasNext, bool hasPrevious)
    {
        return new Links(
            new Link(request.GetEncodedUrl()),
            hasNext && lastId is not null ? new Link(WithCursor(request, "startingAfter", lastId)) : null,
            hasPrevious && firstId is not null ? new Link(WithCursor(request, "endingBefore", firstId)) : null);
    }

    static string WithCursor(HttpRequest request, string cursor, string id)
    {
        var query = request.Query
            .Where(q => !q.Key.Equals("startingAfter", StringComparison.OrdinalIgnoreCase) &&
                        !q.Key.Equals("endingBefore", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)))
            .Append(KeyValuePair.Create(cursor, (string?)id));
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query));
    }
}

public sealed record Link(string Href);
