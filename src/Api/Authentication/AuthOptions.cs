namespace ApiKeys.Api.Authentication;

/// <summary>Who may call the API, bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The operator's secret for tenant provisioning; operator calls are refused while it is unset.</summary>
    public string? OperatorToken { get; set; }

    public JwtOptions Jwt { get; set; } = new();

    public ConsoleSignInOptions Console { get; set; } = new();

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem()
    {
        if (!string.IsNullOrEmpty(OperatorToken) && (OperatorToken.Length < 16 || BearerToken.LooksLikeJwt(OperatorToken)))
        {
            return "Auth:OperatorToken must be at least 16 characters and not shaped like a JWT (two dots); use a long random secret.";
        }
        foreach (var key in Jwt.SigningKeys)
        {
            var bytes = new byte[key.Length];
            if (!Convert.TryFromBase64String(key, bytes, out var length) || length < 32)
            {
                return "Each Auth:Jwt:SigningKeys entry must be base64 of at least 32 bytes.";
            }
        }
        if (Jwt.SigningKeys.Count > 0 && string.IsNullOrEmpty(Jwt.Issuer) && string.IsNullOrEmpty(Jwt.Authority))
        {
            return "Auth:Jwt:SigningKeys needs Auth:Jwt:Issuer, the issuer whose tokens they verify.";
        }
        return null;
    }
}

/// <summary>User tokens from the platform's identity provider.</summary>
public sealed class JwtOptions
{
    /// <summary>OpenID Connect authority; when set, its discovery document supplies issuer and signing keys.</summary>
    public string? Authority { get; set; }

    public string? Issuer { get; set; }

    public string Audience { get; set; } = "apikeys";

    /// <summary>Base64 HMAC-SHA256 secrets, for providers that sign with a shared key.</summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>The claim that names the user's tenant; the user is the <c>sub</c> claim.</summary>
    public string TenantClaim { get; set; } = "tenantId";
}

/// <summary>How the web console signs people in outside Development: OpenID Connect against <see cref="JwtOptions.Authority"/>.</summary>
public sealed class ConsoleSignInOptions
{
    /// <summary>The console's client id at the provider: a public client using the authorization code flow with PKCE.</summary>
    public string? ClientId { get; set; }

    /// <summary>The scopes the console asks for; the access token must carry the API's audience and the tenant claim.</summary>
    public string Scope { get; set; } = "openid profile";
}
