namespace ApiKeys.Api.Authentication;

/// <summary>Who may call the API, bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The operator's secret for tenant provisioning; operator calls are refused while it is unset.</summary>
    public string? OperatorToken { get; set; }

    public JwtOptions Jwt { get; set; } = new();
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
