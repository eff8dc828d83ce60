namespace ApiKeys;

/// <summary>Why a presented key was refused, or <see cref="Valid"/>.</summary>
public enum ValidationCode
{
    Valid,
    Malformed,
    NotFound,
    Expired,
    Revoked,
    TenantDisabled,
    Suspended,

    /// <summary>The key does not grant a scope the call asked for.</summary>
    InsufficientScope,

    /// <summary>The key may only be used from certain addresses, and the client's is not one of them (or is unknown).</summary>
    IpNotAllowed,
}

/// <summary>The answer to "who is this key?": the identity it acts as, or the reason it is refused.</summary>
/// <param name="Scopes">A valid key's scopes; null when it grants every scope.</param>
/// <param name="AllowedCidrs">A valid key's allowed client ranges; null when any address may use it.</param>
/// <param name="MissingScopes">With <see cref="ValidationCode.InsufficientScope"/>: the requested scopes the key does not grant.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.Validation")]
public sealed record Validation(
    [property: Id(0)] ValidationCode Code,
    [property: Id(1)] string? KeyId = null,
    [property: Id(2)] string? TenantId = null,
    [property: Id(3)] string? Sub = null,
    [property: Id(4)] KeySubType SubType = KeySubType.User,
    [property: Id(5)] TenantRoles Roles = TenantRoles.None,
    [property: Id(6)] DateTimeOffset? Expiry = null,
    [property: Id(7)] IReadOnlyList<string>? Scopes = null,
    [property: Id(8)] IReadOnlyList<string>? AllowedCidrs = null,
    [property: Id(9)] IReadOnlyList<string>? MissingScopes = null)
{
    public bool Valid => Code == ValidationCode.Valid;

    public static Validation Refused(ValidationCode code) => code switch
    {
        ValidationCode.Malformed => MalformedResult,
        ValidationCode.NotFound => NotFoundResult,
        _ => new Validation(code),
    };

    static readonly Validation MalformedResult = new(ValidationCode.Malformed);
    static readonly Validation NotFoundResult = new(ValidationCode.NotFound);
}
