using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// The operator, for the cluster dashboard: a browser page that cannot add a Bearer header, so besides
/// <c>Authorization: Bearer &lt;operator token&gt;</c> it takes HTTP Basic with the operator token as the password (any
/// user name), and a refusal asks the browser for it.
/// </summary>
public sealed class OperatorDashboardAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OperatorCredential operatorCredential)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "OperatorDashboard";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var token = header.Scheme.ToLowerInvariant() switch
        {
            "bearer" => header.Parameter,
            "basic" => Password(header.Parameter),
            _ => null,
        };
        return Task.FromResult(token is not null && operatorCredential.Matches(token)
            ? AuthenticateResult.Success(new AuthenticationTicket(new(CallerClaims.OperatorIdentity(SchemeName)), SchemeName))
            : AuthenticateResult.Fail("The cluster dashboard needs the operator token."));
    }

    static string? Password(string basic)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"ApiKeys cluster dashboard\", charset=\"UTF-8\"";
        return ErrorResponses.Write(Context, ErrorTypes.Unauthorized.With(
            "The cluster dashboard needs the operator token: 'Authorization: Bearer <operator token>', or HTTP Basic with it as the password.",
            new ErrorSource(Parameter: "Authorization")));
    }
}
