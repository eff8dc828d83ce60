namespace ApiKeys.Api.Authentication;

/// <summary>Reads <c>Authorization: Bearer &lt;credential&gt;</c>, the only place a credential is accepted.</summary>
public static class BearerToken
{
    /// <summary>Null when the header is absent; empty when it is present but not a single Bearer credential.</summary>
    public static string? Read(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count == 0)
        {
            return null;
        }
        var header = values.Count == 1 ? values[0] ?? "" : "";
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
    }

    /// <summary>A compact JWS: three base64url parts. API keys and the operator token never look like this.</summary>
    public static bool LooksLikeJwt(string token) =>
        !token.StartsWith(ApiKeyToken.Prefix, StringComparison.Ordinal) && token.Count(c => c == '.') == 2;
}
