using ApiKeys.Api.Errors;

namespace ApiKeys.Api.Hosting;

/// <summary>
/// Keys are accepted in the Authorization header only: a URL ends up in proxy logs, browser history and referrers. A
/// request that carries a key or a credential parameter in its URL is refused before anything else reads it.
/// </summary>
public sealed class CredentialsInUrlGuard(RequestDelegate next)
{
    static readonly string[] CredentialParameters = ["token", "access_token", "api_key", "apikey", "key"];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var carriesKey = request.Path.Value?.Contains(ApiKeyToken.Prefix, StringComparison.OrdinalIgnoreCase) == true
            || request.QueryString.Value?.Contains(ApiKeyToken.Prefix, StringComparison.OrdinalIgnoreCase) == true
            || request.Query.Any(q => q.Value.Any(v => v?.Contains(ApiKeyToken.Prefix, StringComparison.OrdinalIgnoreCase) == true))
            || CredentialParameters.Any(request.Query.ContainsKey);
        if (!carriesKey)
        {
            return next(context);
        }
        return ErrorResponses.Write(context, ErrorTypes.TokenInUrl.With(
            "Send credentials only in the 'Authorization: Bearer' header. A key that was put in a URL should be treated as exposed and revoked."));
    }
}
