using System.Buffers;
using System.Globalization;
using System.Text;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using ApiKeys.Api.Hosting;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ApiKeys.Api.Apis;

/// <summary>
/// Key validation for calling services and gateways. The presented key is the only credential these endpoints need: the
/// answer tells the holder of a key about that key and nothing else.
/// </summary>
public static class VerifyApi
{
    public const string KeyIdHeader = "X-ApiKey-Id";
    public const string TenantHeader = "X-Tenant-Id";
    public const string SubHeader = "X-Sub";
    public const string SubTypeHeader = "X-Sub-Type";
    public const string RolesHeader = "X-Roles";

    /// <summary>The gateway's: the scopes the route needs, space-separated.</summary>
    public const string RequiredScopesHeader = "X-Required-Scopes";

    /// <summary>Ours, on an acceptance: the key's scopes, space-separated; absent for a key that grants every scope.</summary>
    public const string ScopesHeader = "X-Scopes";

    /// <summary>Says how the id headers are written: <c>percent</c> (see <see cref="IdentityHeader"/>).</summary>
    public const string IdentityEncodingHeader = "X-Identity-Encoding";

    public static IEndpointRouteBuilder MapVerifyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/api-keys/verify", Verify).WithName("verifyApiKey").WithTags("Validation")
            .AllowAnonymous().WithHttpLogging(HttpLoggingFields.None).ProducesErrors(ErrorTypes.InvalidArgument)
            .WithSummary("Validate a key")
            .WithDescription("Validates a key sent in the body: 200 with valid, the refusal code, and the identity it acts as. " +
                "Optional: scopes the call needs (insufficientScope unless the key grants all, with missingScopes), and the " +
                "client's address, which a key with allowedCidrs needs (ipNotAllowed otherwise).");
        // Gateways send every request's credential here: answered by routing itself, before the middleware (logging,
        // error pages, authentication), whose work this endpoint does not need; it screens the URL and answers errors itself.
        // Its services are singletons taken once, so a request never makes a service scope.
        var validator = app.ServiceProvider.GetRequiredService<KeyValidator>();
        var answers = app.ServiceProvider.GetRequiredService<ForwardAuthAnswers>();
        var clients = app.ServiceProvider.GetRequiredService<ClientAddresses>();
        app.MapGet("/api/v1/auth/verify", (HttpContext context) => ForwardAuth(context, validator, answers, clients)).WithName("forwardAuth").WithTags("Validation")
            .AllowAnonymous().WithHttpLogging(HttpLoggingFields.None).Produces<VerifyResult>()
            .ProducesErrors(ErrorTypes.Unauthorized, ErrorTypes.InsufficientScope, ErrorTypes.IpNotAllowed)
            .WithSummary("Forward authentication")
            .WithDescription("Forward authentication (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz): validates the " +
                "Authorization header; 200 with X-ApiKey-Id, X-Tenant-Id, X-Sub, X-Sub-Type, X-Roles and (for a key with scopes) " +
                "X-Scopes headers (ids percent-encoded outside visible ASCII, as X-Identity-Encoding: percent says), or 401. " +
                "The gateway may send X-Required-Scopes (space-separated): a key that lacks one is 403 insufficient_scope. A key " +
                "with allowedCidrs is 403 from any other client address: the connection's, or from a trusted proxy " +
                "(Verify:TrustedProxies) the one in its X-Forwarded-For or X-Real-IP header (Verify:ClientAddressHeader).")
            .ShortCircuit();
        return app;
    }

    static async Task<Ok<VerifyResult>> Verify(VerifyRequest body, KeyValidator validator)
    {
        if (body.Token is null)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "token is required.", "/token");
        }
        if (body.Scopes is { Count: > KeyScopes.MaxCount })
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, $"scopes lists at most {KeyScopes.MaxCount} scope names.", "/scopes");
        }
        for (var i = 0; i < body.Scopes?.Count; i++)
        {
            if (KeyScopes.Flaw(body.Scopes[i]) is { } flaw)
            {
                throw new ApiKeysException(ProblemCode.InvalidArgument, $"A scope {flaw}.", $"/scopes/{i}");
            }
        }
        System.Net.IPAddress? client = null;
        if (body.ClientIp is not null && !AllowedCidrs.TryParseAddress(body.ClientIp, out client))
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "clientIp is an IPv4 address (four decimal numbers) or an IPv6 address.", "/clientIp");
        }
        var request = new AccessRequest(body.Scopes is null ? null : string.Join(' ', body.Scopes), client);
        return TypedResults.Ok(VerifyResult.From(await validator.Validate(body.Token, request)));
    }

    /// <summary>
    /// Completes at once on an answer from the cache, with no allocation of its own: the credential is read in place,
    /// and the answer is one rendered before (<see cref="ForwardAuthAnswers"/>).
    /// </summary>
    static ValueTask<IResult> ForwardAuth(HttpContext context, KeyValidator validator, ForwardAuthAnswers answers, ClientAddresses clients)
    {
        if (RequestScreening.Screen(context) is { } refused)
        {
            return Written(refused);
        }
        ValueTask<Validation> validating;
        AccessRequest request;
        try
        {
            if (!BearerToken.TryFind(context.Request, out var token))
            {
                return ValueTask.FromResult(answers.Refused(null));
            }
            if (token.IsEmpty)
            {
                return ValueTask.FromResult(answers.Refused(ValidationCode.Malformed));
            }
            var required = context.Request.Headers[RequiredScopesHeader];
            request = new AccessRequest(required.Count > 1 ? string.Join(' ', required.ToArray()) : required.ToString(), clients.Of(context));
            validating = validator.Validate(token, request);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            return Failed(context, e);
        }
        return validating.IsCompletedSuccessfully ? ValueTask.FromResult(answers.For(validating.Result, request))
            : Asked(context, validating, answers, request);
    }

    static async ValueTask<IResult> Asked(HttpContext context, ValueTask<Validation> validating, ForwardAuthAnswers answers, AccessRequest request)
    {
        try
        {
            return answers.For(await validating, request);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            return await Failed(context, e);
        }
    }

    /// <summary>The error handler is not in this endpoint's path: an unreachable cluster still gets the error body (503).</summary>
    static async ValueTask<IResult> Failed(HttpContext context, Exception e)
    {
        var handler = context.RequestServices.GetServices<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>().OfType<ErrorResponses.Handler>().Single();
        await handler.TryHandleAsync(context, e, context.RequestAborted);
        return Results.Empty;
    }

    static async ValueTask<IResult> Written(Task refusal)
    {
        await refusal;
        return Results.Empty;
    }

    /// <summary>
    /// An id as an identity header carries it, losslessly whatever its script: its UTF-8 bytes, each byte outside visible
    /// ASCII and each '%' and '+' percent-encoded (RFC 3986), so any URL decoder (decodeURIComponent, form decoding,
    /// Uri.UnescapeDataString) gives the id back. Ids of visible ASCII without '%' or '+' are sent as they are.
    /// HTTP headers carry ASCII only, and a space at either end of a value would be lost.
    /// </summary>
    public static string IdentityHeader(string id)
    {
        if (!id.AsSpan().ContainsAnyExcept(Plain))
        {
            return id;
        }
        var encoded = new StringBuilder(id.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            if (Plain.Contains((char)b))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return encoded.ToString();
    }

    /// <summary>Visible ASCII but '%' and '+'.</summary>
    static readonly SearchValues<char> Plain = SearchValues.Create(
        Enumerable.Range('!', '~' - '!' + 1).Select(c => (char)c).Where(c => c is not ('%' or '+')).ToArray());
}

/// <summary>
/// Forward authentication's answers, each rendered once: gateways send every request's credential here, so an answer
/// should cost no more than writing it.
/// <list type="bullet">
/// <item>A refusal (401) per reason, and for no credential at all.</item>
/// <item>An acceptance per validation answer: the identity headers and the JSON body are rendered the first time the
/// answer is seen and kept beside it. The validation cache hands back the same answer object until the key, its owner's
/// roles or its tenant change, so a cache hit writes prepared bytes; a changed key is a new answer, rendered anew.</item>
/// </list>
/// </summary>
public sealed class ForwardAuthAnswers
{
    readonly Dictionary<ValidationCode, Refusal> byCode;
    readonly Refusal missing;
    readonly Refusal ipNotAllowed;
    readonly JsonSerializerOptions json;
    readonly System.Runtime.CompilerServices.ConditionalWeakTable<Validation, Acceptance> accepted = [];
    readonly System.Runtime.CompilerServices.ConditionalWeakTable<Validation, Acceptance>.CreateValueCallback render;
    static readonly StringValues Percent = "percent";

    public ForwardAuthAnswers(IOptions<JsonOptions> options)
    {
        json = options.Value.SerializerOptions;
        render = v => new Acceptance(v, json);
        Refusal Make(string detail) => new(JsonSerializer.SerializeToUtf8Bytes(
            new ErrorBody([ErrorTypes.Unauthorized.With(detail, new ErrorSource(Parameter: "Authorization"))]), json));
        byCode = Enum.GetValues<ValidationCode>().Where(c => c != ValidationCode.Valid)
            .ToDictionary(c => c, c => Make(KeyAuthenticationHandler.Describe(c)));
        missing = Make("This call needs 'Authorization: Bearer <API key>'.");
        ipNotAllowed = new Refusal(JsonSerializer.SerializeToUtf8Bytes(
            new ErrorBody([ErrorTypes.IpNotAllowed.With(KeyAuthenticationHandler.Describe(ValidationCode.IpNotAllowed))]), json),
            StatusCodes.Status403Forbidden, "Bearer error=\"insufficient_scope\", error_description=\"client address not allowed\"");
    }

    /// <summary>The answer for a refused key, or for no credential at all (null).</summary>
    public IResult Refused(ValidationCode? code) => code is { } refused ? byCode[refused] : missing;

    /// <summary>
    /// The answer to a validation of a presented credential: accepted, or refused for its reason. A key that is good but
    /// not for this call is 403, as RFC 6750 says: for a scope it lacks, with the scopes the route needs.
    /// </summary>
    public IResult For(Validation validation, in AccessRequest request) => validation.Code switch
    {
        ValidationCode.Valid => Accepted(validation),
        ValidationCode.IpNotAllowed => ipNotAllowed,
        ValidationCode.InsufficientScope => InsufficientScope(validation, request),
        var code => Refused(code),
    };

    IResult InsufficientScope(Validation validation, AccessRequest request)
    {
        var missingScopes = validation.MissingScopes ?? [];
        // The scopes come from the gateway's header; only valid scope names go into the quoted challenge.
        var needed = string.Join(' ', request.EachScope().Where(s => KeyScopes.Flaw(s) is null).Distinct(StringComparer.Ordinal));
        var body = new ErrorBody([ErrorTypes.InsufficientScope.With($"The API key does not grant: {string.Join(' ', missingScopes)}.",
            new ErrorSource(Parameter: VerifyApi.RequiredScopesHeader))]);
        return new Refusal(JsonSerializer.SerializeToUtf8Bytes(body, json), StatusCodes.Status403Forbidden,
            $"Bearer error=\"insufficient_scope\", scope=\"{needed}\"");
    }

    /// <summary>200 with the identity headers and <see cref="VerifyResult"/>.</summary>
    public IResult Accepted(Validation validation) => accepted.GetValue(validation, render);

    static Task WriteJson(HttpResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    sealed class Refusal(byte[] body, int status = StatusCodes.Status401Unauthorized, string challenge = "Bearer error=\"invalid_token\"") : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.Headers.WWWAuthenticate = challenge;
            return WriteJson(response, status, body);
        }
    }

    sealed class Acceptance(Validation validation, JsonSerializerOptions json) : IResult
    {
        readonly StringValues keyId = validation.KeyId;
        readonly StringValues tenant = VerifyApi.IdentityHeader(validation.TenantId!);
        readonly StringValues sub = VerifyApi.IdentityHeader(validation.Sub!);
        readonly StringValues subType = validation.SubType.Name();
        readonly StringValues roles = string.Join(',', validation.Roles.Names());
        readonly StringValues scopes = validation.Scopes is null ? StringValues.Empty : string.Join(' ', validation.Scopes);
        readonly byte[] body = JsonSerializer.SerializeToUtf8Bytes(VerifyResult.From(validation), json);

        public Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            var headers = response.Headers;
            headers[VerifyApi.KeyIdHeader] = keyId;
            headers[VerifyApi.TenantHeader] = tenant;
            headers[VerifyApi.SubHeader] = sub;
            headers[VerifyApi.SubTypeHeader] = subType;
            headers[VerifyApi.RolesHeader] = roles;
            if (scopes.Count > 0)
            {
                headers[VerifyApi.ScopesHeader] = scopes;
            }
            headers[VerifyApi.IdentityEncodingHeader] = Percent;
            return WriteJson(response, StatusCodes.Status200OK, body);
        }
    }
}

/// <param name="Scopes">The scopes the call needs; a key with scopes must grant each.</param>
/// <param name="ClientIp">The address of the client that presented the key; a key with allowedCidrs needs it.</param>
public sealed record VerifyRequest(string? Token, IReadOnlyList<string?>? Scopes = null, string? ClientIp = null)
{
    /// <summary>Whatever prints this record (a debugger, a log line) must not print the token.</summary>
    public override string ToString() => "VerifyRequest { Token = (redacted) }";
}

/// <summary>The answer to "who is this key?".</summary>
/// <param name="Code"><c>valid</c>, or why the key is refused: <c>malformed</c>, <c>notFound</c>, <c>expired</c>, <c>revoked</c>,
/// <c>tenantDisabled</c>, <c>suspended</c>, <c>insufficientScope</c>, <c>ipNotAllowed</c>.</param>
/// <param name="Roles">The owner's current roles in the key's tenant.</param>
/// <param name="Scopes">The key's scopes; absent when it grants every scope.</param>
/// <param name="MissingScopes">With insufficientScope: the requested scopes the key does not grant.</param>
public sealed record VerifyResult(
    bool Valid,
    ValidationCode Code,
    string? KeyId = null,
    string? TenantId = null,
    string? Sub = null,
    KeySubType? SubType = null,
    IReadOnlyList<string>? Roles = null,
    DateTimeOffset? Expiry = null,
    IReadOnlyList<string>? Scopes = null,
    IReadOnlyList<string>? MissingScopes = null)
{
    public static VerifyResult From(Validation validation) => validation switch
    {
        { Valid: true } => new(true, validation.Code, validation.KeyId, validation.TenantId, validation.Sub, validation.SubType,
            validation.Roles.Names(), validation.Expiry, validation.Scopes),
        // A wrong secret reads as an unknown key: whoever lacks the secret learns nothing, not even the tenant.
        { Code: ValidationCode.NotFound or ValidationCode.Malformed } => new(false, validation.Code),
        _ => new(false, validation.Code, validation.KeyId, validation.TenantId, MissingScopes: validation.MissingScopes),
    };
}
