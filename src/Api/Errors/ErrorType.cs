namespace ApiKeys.Api.Errors;

/// <summary>One kind of error: its HTTP status, stable code and title.</summary>
/// <param name="Hint">The detail given when nothing more specific is known.</param>
public sealed record ErrorType(int Status, string Code, string Title, string? Hint = null)
{
    public Error With(string? detail, ErrorSource? source = null) => new(Code, Title, detail ?? Hint, Status, source);
}

/// <summary>Every error code the API answers with; the error table of docs/api.md lists the same.</summary>
public static class ErrorTypes
{
    public static readonly ErrorType InvalidRequest = new(400, "APIKEYS-INVALID-REQUEST", "Invalid request", "The request is missing a required part or cannot be read.");
    public static readonly ErrorType InvalidJson = new(400, "APIKEYS-INVALID-JSON", "Invalid JSON body");
    public static readonly ErrorType InvalidPatch = new(400, "APIKEYS-INVALID-PATCH", "Invalid JSON Patch");
    public static readonly ErrorType InvalidArgument = new(400, "APIKEYS-INVALID-ARGUMENT", "Invalid argument");
    public static readonly ErrorType InvalidDescription = new(400, "APIKEYS-INVALID-DESCRIPTION", "Invalid description");
    public static readonly ErrorType InvalidDuration = new(400, "APIKEYS-INVALID-DURATION", "Invalid duration");
    public static readonly ErrorType ExpiryTooLong = new(400, "APIKEYS-EXPIRY-TOO-LONG", "Expiry exceeds the tenant maximum");
    public static readonly ErrorType InvalidSetting = new(400, "APIKEYS-INVALID-SETTING", "Setting out of range");
    public static readonly ErrorType TokenInUrl = new(400, "APIKEYS-TOKEN-IN-URL", "Credentials are not accepted in URLs");
    public static readonly ErrorType Unauthorized = new(401, "APIKEYS-UNAUTHORIZED", "Authentication required", "Send 'Authorization: Bearer <credential>'.");
    public static readonly ErrorType Forbidden = new(403, "APIKEYS-FORBIDDEN", "Not allowed", "This credential may not make this call.");
    public static readonly ErrorType Disabled = new(403, "APIKEYS-DISABLED", "API keys are disabled in this tenant");
    public static readonly ErrorType DeveloperRequired = new(403, "APIKEYS-DEVELOPER-REQUIRED", "Developer role required");
    public static readonly ErrorType TenantAdminRequired = new(403, "APIKEYS-TENANT-ADMIN-REQUIRED", "TenantAdmin role required");
    public static readonly ErrorType InsufficientScope = new(403, "APIKEYS-INSUFFICIENT-SCOPE", "The key lacks a scope this call needs",
        "A key with scopes calls this API only with its apikeys: scopes: apikeys:keys:read, apikeys:keys:write, apikeys:admin.");
    public static readonly ErrorType IpNotAllowed = new(403, "APIKEYS-IP-NOT-ALLOWED", "The key may not be used from this address",
        "The key names the client address ranges it may be used from, and this client's address is not in them.");
    public static readonly ErrorType ScopesRequired = new(400, "APIKEYS-SCOPES-REQUIRED", "Scopes required",
        "This tenant requires every new key to name its scopes.");
    public static readonly ErrorType Limit = new(403, "APIKEYS-LIMIT", "Active key limit reached");
    public static readonly ErrorType NotMember = new(403, "APIKEYS-NOT-MEMBER", "Not a member of the tenant",
        "The caller is signed in to this tenant but is not one of its members; a TenantAdmin of the tenant can add them.");
    public static readonly ErrorType NotFound = new(404, "APIKEYS-NOT-FOUND", "Not found", "No such resource.");
    public static readonly ErrorType KeyNotFound = new(404, "APIKEYS-KEY-NOT-FOUND", "API key not found");
    public static readonly ErrorType TenantNotFound = new(404, "APIKEYS-TENANT-NOT-FOUND", "Tenant not found");
    public static readonly ErrorType UserNotFound = new(404, "APIKEYS-USER-NOT-FOUND", "User not found");
    public static readonly ErrorType EventNotFound = new(404, "APIKEYS-EVENT-NOT-FOUND", "Event not found");
    public static readonly ErrorType MethodNotAllowed = new(405, "APIKEYS-METHOD-NOT-ALLOWED", "Method not allowed", "This resource does not take this HTTP method.");
    public static readonly ErrorType NotActive = new(409, "APIKEYS-NOT-ACTIVE", "API key is not active");
    public static readonly ErrorType NotSuspended = new(409, "APIKEYS-NOT-SUSPENDED", "API key is not suspended");
    public static readonly ErrorType AlreadyRotated = new(409, "APIKEYS-ALREADY-ROTATED", "API key already rotated",
        "This key has a successor already: rotate the successor, or generate a new key.");
    public static readonly ErrorType TenantExists = new(409, "APIKEYS-TENANT-EXISTS", "Tenant exists already");
    public static readonly ErrorType LastAdmin = new(409, "APIKEYS-LAST-ADMIN", "The tenant's last TenantAdmin");
    public static readonly ErrorType PayloadTooLarge = new(413, "APIKEYS-PAYLOAD-TOO-LARGE", "Request body too large", "Request bodies are at most 64 KiB.");
    public static readonly ErrorType UnsupportedMediaType = new(415, "APIKEYS-UNSUPPORTED-MEDIA-TYPE", "Unsupported content type", "Send a JSON body with Content-Type: application/json.");
    public static readonly ErrorType TooManyRequests = new(429, "APIKEYS-TOO-MANY-REQUESTS", "Too many requests", "Try again in a minute.");
    public static readonly ErrorType Internal = new(500, "APIKEYS-INTERNAL", "Internal error", "The request failed on our side; it has been logged.");
    public static readonly ErrorType Unavailable = new(503, "APIKEYS-UNAVAILABLE", "Service unavailable");

    public static ErrorType For(ProblemCode code) => code switch
    {
        ProblemCode.TenantNotFound => TenantNotFound,
        ProblemCode.TenantExists => TenantExists,
        ProblemCode.NotMember => UserNotFound,
        ProblemCode.KeyNotFound => KeyNotFound,
        ProblemCode.ApiKeysDisabled => Disabled,
        ProblemCode.DeveloperRoleRequired => DeveloperRequired,
        ProblemCode.TenantAdminRequired => TenantAdminRequired,
        ProblemCode.KeyLimitReached => Limit,
        ProblemCode.DescriptionInvalid => InvalidDescription,
        ProblemCode.InvalidDuration => InvalidDuration,
        ProblemCode.ExpiryTooLong => ExpiryTooLong,
        ProblemCode.InvalidSetting => InvalidSetting,
        ProblemCode.KeyNotActive => NotActive,
        ProblemCode.InvalidArgument => InvalidArgument,
        ProblemCode.EventNotFound => EventNotFound,
        ProblemCode.LastTenantAdmin => LastAdmin,
        ProblemCode.KeyNotSuspended => NotSuspended,
        ProblemCode.KeyAlreadyRotated => AlreadyRotated,
        ProblemCode.InsufficientScope => InsufficientScope,
        ProblemCode.ScopesRequired => ScopesRequired,
        _ => InvalidRequest,
    };

    /// <summary>The body written for a status the framework produced without one (unknown route, wrong method...).</summary>
    public static ErrorType ForStatus(int status) => status switch
    {
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        >= 500 => Internal,
        _ => InvalidRequest,
    };
}
