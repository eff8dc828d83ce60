namespace ApiKeys;

/// <summary>Why a request was refused; stable, and mapped to the error body's <c>code</c> by the front end.</summary>
public enum ProblemCode
{
    TenantNotFound,
    TenantExists,
    NotMember,
    KeyNotFound,
    ApiKeysDisabled,
    DeveloperRoleRequired,
    TenantAdminRequired,
    KeyLimitReached,
    DescriptionInvalid,
    InvalidDuration,
    ExpiryTooLong,
    InvalidSetting,
    KeyNotActive,
    InvalidArgument,
    EventNotFound,
    LastTenantAdmin,
    KeyNotSuspended,
    KeyAlreadyRotated,
    InsufficientScope,
    ScopesRequired,
}

/// <summary>A rule of the product refused the call. Carries no secret, so it may be shown to the caller.</summary>
[GenerateSerializer, Alias("ApiKeys.ApiKeysException")]
public sealed class ApiKeysException : Exception
{
    public ApiKeysException(ProblemCode code, string message, string? pointer = null) : base(message)
    {
        Code = code;
        Pointer = pointer;
    }

    [Id(0)] public ProblemCode Code { get; }

    /// <summary>JSON pointer of the offending input, when one input is to blame.</summary>
    [Id(1)] public string? Pointer { get; }
}
