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
}

/// <summary>The answer to "who is this key?": the identity it acts as, or the reason it is refused.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.Validation")]
public sealed record Validation(
    [property: Id(0)] ValidationCode Code,
    [property: Id(1)] string? KeyId = null,
    [property: Id(2)] string? TenantId = null,
    [property: Id(3)] string? Sub = null,
    [property: Id(4)] KeySubType SubType = KeySubType.User,
    [property: Id(5)] TenantRoles Roles = TenantRoles.None,
    [property: Id(6)] DateTimeOffset? Expiry = null)
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
