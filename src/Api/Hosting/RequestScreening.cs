using System.Text;
using ApiKeys.Api.Errors;
using Microsoft.Net.Http.Headers;

namespace ApiKeys.Api.Hosting;

/// <summary>Refuses requests no endpoint should see, before anything else reads them.</summary>
public sealed class RequestScreening(RequestDelegate next)
{
    static readonly string[] CredentialParameters = ["token", "access_token", "api_key", "apikey", "key"];

    public Task InvokeAsync(HttpContext context) => Screen(context) ?? next(context);

    /// <summary>The refusal written for a request no endpoint should see, or null to let it through.</summary>
    /// <remarks>Forward auth is answered before the middleware, so it calls this itself.</remarks>
    public static Task? Screen(HttpContext context)
    {
        var request = context.Request;
        // Keys are accepted in the Authorization header only: a URL ends up in proxy logs, browser history and referrers.
        // The path and the query are read decoded, and a key is found in any letter case and with any prefix; ids that
        // merely contain "qlk_" are ordinary ids.
        if (ApiKeyToken.Appears(request.Path.Value) || (request.QueryString.HasValue && QueryCarriesCredential(request.Query)))
        {
            return ErrorResponses.Write(context, ErrorTypes.TokenInUrl.With(
                "Send credentials only in the 'Authorization: Bearer' header. A key that was put in a URL should be treated as exposed and revoked."));
        }
        // A body in a charset .NET cannot decode would fail deep in JSON reading; say so here instead.
        if (request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var mediaType) &&
            mediaType.Charset.HasValue && !KnownCharset(mediaType.Charset.Value!))
        {
            return ErrorResponses.Write(context, ErrorTypes.UnsupportedMediaType.With("Send JSON in UTF-8: Content-Type: application/json; charset=utf-8."));
        }
        return null;
    }

    // Its own method, so the lambdas' captured state is made only for a request with a query string.
    static bool QueryCarriesCredential(IQueryCollection query) =>
        query.Any(q => ApiKeyToken.Appears(q.Key) || q.Value.Any(v => ApiKeyToken.Appears(v)))
        || CredentialParameters.Any(query.ContainsKey);

    static bool KnownCharset(string charset)
    {
        try
        {
            Encoding.GetEncoding(charset.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
