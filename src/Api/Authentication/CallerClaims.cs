using System.Security.Claims;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// The claims every credential is reduced to, whatever proved it: a member of a tenant (<see cref="Caller"/>), or the operator.
/// </summary>
public static class CallerClaims
{
    public const string Tenant = "apikeys/tenant";
    public const string User = "apikeys/user";
    public const string KeyId = "apikeys/key";
    public const string Operator = "apikeys/operator";

    /// <summary>A scoped key's scopes, space-separated; absent for an unrestricted key and every user token.</summary>
    public const string Scopes = "apikeys/scopes";

    /// <summary>An external client's id; such a caller is not a tenant member and may use no member endpoint.</summary>
    public const string Client = "apikeys/client";

    /// <summary>Policy for calls made on behalf of a tenant member.</summary>
    public const string MemberPolicy = "member";

    /// <summary>Policy for provisioning calls.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>Policy for the cluster dashboard: the operator, by Bearer or by HTTP Basic (<see cref="OperatorDashboardAuthentication"/>).</summary>
    public const string DashboardPolicy = "dashboard";

    /// <summary>Policy for reads both the operator and a tenant's members make.</summary>
    public const string OperatorOrMemberPolicy = "operator-or-member";

    public static ClaimsIdentity Member(string scheme, string tenantId, string userId, string? keyId = null, IReadOnlyList<string>? scopes = null)
    {
        var identity = new ClaimsIdentity(scheme, User, null);
        identity.AddClaim(new Claim(Tenant, tenantId));
        identity.AddClaim(new Claim(User, userId));
        if (keyId is not null)
        {
            identity.AddClaim(new Claim(KeyId, keyId));
        }
        AddScopes(identity, scopes);
        return identity;
    }

    public static ClaimsIdentity ExternalClient(string scheme, string clientId, string keyId, IReadOnlyList<string>? scopes = null)
    {
        var identity = new ClaimsIdentity([new Claim(Client, clientId), new Claim(KeyId, keyId)], scheme);
        AddScopes(identity, scopes);
        return identity;
    }

    static void AddScopes(ClaimsIdentity identity, IReadOnlyList<string>? scopes)
    {
        if (scopes is not null)
        {
            identity.AddClaim(new Claim(Scopes, string.Join(' ', scopes)));
        }
    }

    /// <summary>What a scoped key may do on this API; null for every other credential, which may do all its holder may.</summary>
    public static KeyAccess? KeyAccess(this ClaimsPrincipal user) =>
        user.FindFirstValue(Scopes) is { } scopes ? ApiKeys.KeyAccess.For(scopes.Split(' '), null) : null;

    public static ClaimsIdentity OperatorIdentity(string scheme) => new([new Claim(Operator, "true")], scheme);

    /// <summary>The tenant member the request acts for; endpoints under the member policy always have one.</summary>
    public static Caller Caller(this ClaimsPrincipal user) =>
        user.FindFirstValue(Tenant) is { } tenant && user.FindFirstValue(User) is { } id
            // A scoped key uses its owner's TenantAdmin role only with apikeys:admin, wherever the grains check that role.
            ? new Caller(tenant, id, user.KeyAccess()?.Grants(KeyScopes.Admin) == false ? TenantRoles.TenantAdmin : TenantRoles.None)
            : throw new InvalidOperationException("The endpoint needs the member policy.");

    public static bool IsOperator(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == Operator);
}
