namespace ApiKeys.Api.Authentication;

/// <summary>Reads <c>Authorization: Bearer &lt;credential&gt;</c>, the only place a credential is accepted.</summary>
public static class BearerToken
{
    /// <summary>Null when the header is absent; empty when it is present but not a single Bearer credential.</summary>
    public static string? Read(HttpRequest request) => TryFind(request, out var credential) ? credential.ToString() : null;

    /// <summary>
    /// The same reading in place, for forward auth's hot path: false when the header is absent; the credential empty
    /// when it is present but not a single Bearer credential.
    /// </summary>
    public static bool TryFind(HttpRequest request, out ReadOnlySpan<char> credential)
    {
        credential = default;
        var values = request.Headers.Authorization;
        if (values.Count == 0)
        {
            return false;
        }
        var header = values.Count == 1 ? (values[0] ?? "").AsSpan() : default;
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            credential = header[scheme.Length..].Trim();
        }
        return true;
    }

    /// <summary>A compact JWS: three base64url parts. API keys and the operator token never look like this.</summary>
    public static bool LooksLikeJwt(string token) =>
        !token.StartsWith(ApiKeyToken.Prefix, StringComparison.Ordinal) && token.Count(c => c == '.') == 2;
}
