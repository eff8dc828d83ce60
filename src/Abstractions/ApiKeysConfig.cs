namespace ApiKeys;

/// <summary>A tenant's API-key settings, with Qlik's names and defaults.</summary>
/// <param name="MaxApiKeyExpiry">ISO 8601 duration, kept as the admin wrote it.</param>
/// <param name="ScimExternalClientExpiry">ISO 8601 duration: the longest lifetime of an externalClient key.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.ApiKeysConfig")]
public sealed record ApiKeysConfig(
    [property: Id(0)] bool ApiKeysEnabled,
    [property: Id(1)] string MaxApiKeyExpiry,
    [property: Id(2)] int MaxKeysPerUser,
    [property: Id(3)] string ScimExternalClientExpiry)
{
    public const int MaxKeysPerUserLimit = 1000;

    /// <summary>Seed: generation is disabled by default. Qlik: PT24H, 5 keys, P365D.</summary>
    public static ApiKeysConfig Default { get; } = new(false, "PT24H", 5, "P365D");

    /// <summary>Applies the changes an admin asked for, refusing any value out of range.</summary>
    public ApiKeysConfig With(ApiKeysConfigChange change)
    {
        if (change.MaxKeysPerUser is < 0 or > MaxKeysPerUserLimit)
        {
            throw new ApiKeysException(ProblemCode.InvalidSetting,
                $"max_keys_per_user must be between 0 and {MaxKeysPerUserLimit}.", "/max_keys_per_user");
        }
        var maxExpiry = change.MaxApiKeyExpiry is { } m ? Duration.Parse(m, "/max_api_key_expiry").Text : MaxApiKeyExpiry;
        var scimExpiry = change.ScimExternalClientExpiry is { } s ? Duration.Parse(s, "/scim_externalClient_expiry").Text : ScimExternalClientExpiry;
        return new ApiKeysConfig(
            change.ApiKeysEnabled ?? ApiKeysEnabled,
            maxExpiry,
            change.MaxKeysPerUser ?? MaxKeysPerUser,
            scimExpiry);
    }
}

/// <summary>The settings an admin replaces in one call; null leaves a setting as it is.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.ApiKeysConfigChange")]
public sealed record ApiKeysConfigChange(
    [property: Id(0)] bool? ApiKeysEnabled = null,
    [property: Id(1)] string? MaxApiKeyExpiry = null,
    [property: Id(2)] int? MaxKeysPerUser = null,
    [property: Id(3)] string? ScimExternalClientExpiry = null);
