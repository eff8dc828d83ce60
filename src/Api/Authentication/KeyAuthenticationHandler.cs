using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// Authenticates the opaque Bearer credentials: an API key (the call acts as the key's owner, whose current roles the
/// grains look up) or the operator token. JWT user tokens go to the JwtBearer handler instead.
/// </summary>
public sealed class KeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    KeyValidator validator,
    ClientAddresses clientAddresses,
    OperatorCredential operatorCredential)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken.Read(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("Expected 'Authorization: Bearer <credential>'.");
        }
        if (operatorCredential.Matches(token))
        {
            return Success(CallerClaims.OperatorIdentity(SchemeName));
        }
        // A key's allowed ranges hold on this API too; its scopes are checked per endpoint (KeyScopeHandler).
        var validation = await validator.Validate(token, new AccessRequest(null, clientAddresses.Of(Context)));
        if (!validation.Valid)
        {
            return AuthenticateResult.Fail(new KeyRefused(validation.Code));
        }
        return Success(validation.SubType == KeySubType.User
            ? CallerClaims.Member(SchemeName, validation.TenantId!, validation.Sub!, validation.KeyId, validation.Scopes)
            : CallerClaims.ExternalClient(SchemeName, validation.Sub!, validation.KeyId!, validation.Scopes));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is KeyRefused { Code: ValidationCode.IpNotAllowed })
        {
            // The key is good, but not from here: as forward auth answers it.
            Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\", error_description=\"client address not allowed\"";
            await ErrorResponses.Write(Context, ErrorTypes.IpNotAllowed.With(result.Failure.Message));
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await ErrorResponses.Write(Context, ErrorTypes.Unauthorized.With(
            result.Failure?.Message ?? "This call needs 'Authorization: Bearer <credential>'.",
            new ErrorSource(Parameter: "Authorization")));
    }

    AuthenticateResult Success(ClaimsIdentity identity) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));

    sealed class KeyRefused(ValidationCode code) : Exception(Describe(code))
    {
        public ValidationCode Code { get; } = code;
    }

    /// <summary>Why a presented key is refused, in words; says nothing a holder of the key could not learn by using it.</summary>
    public static string Describe(ValidationCode code) => code switch
    {
        ValidationCode.Malformed => "The credential is not a well-formed API key or user token.",
        ValidationCode.NotFound => "No such API key.",
        ValidationCode.Expired => "The API key has expired.",
        ValidationCode.Revoked => "The API key has been revoked.",
        ValidationCode.Suspended => "The API key is suspended; a tenant admin can resume it.",
        ValidationCode.TenantDisabled => "API keys are disabled in the key's tenant.",
        ValidationCode.InsufficientScope => "The API key does not grant a scope this call needs.",
        ValidationCode.IpNotAllowed => "The API key may not be used from this client address.",
        _ => "The API key is valid.",
    };
}

/// <summary>The configured operator token, held as a hash and compared in constant time.</summary>
public sealed class OperatorCredential(IOptions<AuthOptions> options)
{
    readonly byte[]? hash = string.IsNullOrEmpty(options.Value.OperatorToken)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.OperatorToken));

    public bool Matches(string token) =>
        hash is not null && CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
