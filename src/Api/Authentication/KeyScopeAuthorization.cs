using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace ApiKeys.Api.Authentication;

/// <summary>The scope of this service's API an endpoint needs from a key with scopes (see <see cref="KeyScopes"/>).</summary>
public sealed record RequiredKeyScope(string Scope);

public static class RequiredKeyScopes
{
    /// <summary>A key with scopes may call this endpoint only if it grants <paramref name="scope"/>; other credentials are unaffected.</summary>
    public static TBuilder RequireKeyScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredKeyScope(scope));
}

/// <summary>Part of every policy a key can meet: a key with scopes must grant the endpoint's scope.</summary>
public sealed class KeyScopeRequirement : IAuthorizationRequirement;

/// <summary>
/// A key without scopes (and every user token) acts with its owner's whole power, as in Qlik. A key with scopes calls
/// this API only where it grants the endpoint's <see cref="RequiredKeyScope"/>, and an endpoint that names none is
/// refused to it: a new endpoint is closed to scoped keys until it says which scope opens it.
/// </summary>
public sealed class KeyScopeHandler : AuthorizationHandler<KeyScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyScopeRequirement requirement)
    {
        var access = context.User.KeyAccess();
        var needed = (context.Resource as HttpContext)?.GetEndpoint()?.Metadata.GetMetadata<RequiredKeyScope>();
        if (access is null || (needed is not null && access.Grants(needed.Scope)))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, needed is null
                ? "A key with scopes cannot make this call."
                : $"This call needs a key with the scope {needed.Scope} (or apikeys:*)."));
        }
        return Task.CompletedTask;
    }
}
