using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// Development only: signs user tokens so the quick start works with curl and no identity provider. The key is the
/// first configured signing key, so several front ends of one development cluster accept each other's tokens, or else
/// one made at start-up. Never registered outside the Development environment, so Production trusts no such token.
/// </summary>
public sealed class DevTokens(JwtOptions jwt)
{
    public const string Issuer = "apikeys-dev";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public SymmetricSecurityKey SigningKey { get; } =
        new(jwt.SigningKeys.Count > 0 ? Convert.FromBase64String(jwt.SigningKeys[0]) : RandomNumberGenerator.GetBytes(32)) { KeyId = "dev" };

    public string Issue(string tenantId, string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = jwt.Audience,
        Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim(jwt.TenantClaim, tenantId)]),
        Expires = DateTime.UtcNow + Lifetime,
        SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
    });
}
