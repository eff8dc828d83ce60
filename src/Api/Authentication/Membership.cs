using System.Security.Claims;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// Only a tenant's members use its API. A valid user token of someone the tenant never added, or has removed, proves who
/// they are but not that they belong: such a caller is answered 403 <c>APIKEYS-NOT-MEMBER</c> everywhere, and learns
/// nothing of the tenant (not its settings, not the keys they held before they were removed, which they could otherwise
/// delete from the admins' view).
/// </summary>
public sealed class MembershipRequirement : IAuthorizationRequirement;

/// <summary>Asks the caller's user grain whether they are a member now; the operator needs no membership.</summary>
public sealed class MembershipHandler(IGrainFactory grains) : AuthorizationHandler<MembershipRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MembershipRequirement requirement)
    {
        if (context.User.IsOperator())
        {
            context.Succeed(requirement);
        }
        else if (context.User.FindFirstValue(CallerClaims.Tenant) is not null)
        {
            if (await grains.User(context.User.Caller()).IsMember())
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, "Not a member of the tenant."));
            }
        }
    }
}

/// <summary>Gives refusals for want of membership or of a key's scope their own codes; every other refusal is answered as before.</summary>
public sealed class AuthorizationRefusals : IAuthorizationMiddlewareResultHandler
{
    readonly AuthorizationMiddlewareResultHandler others = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        var reasons = result.Forbidden ? result.AuthorizationFailure?.FailureReasons ?? [] : [];
        if (reasons.Any(r => r.Handler is MembershipHandler))
        {
            return ErrorResponses.Write(context, ErrorTypes.NotMember.With(null));
        }
        if (reasons.FirstOrDefault(r => r.Handler is KeyScopeHandler) is { } scope)
        {
            return ErrorResponses.Write(context, ErrorTypes.InsufficientScope.With(scope.Message));
        }
        return others.HandleAsync(next, context, policy, result);
    }
}
