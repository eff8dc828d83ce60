using System.Reflection;
using System.Text.Json.Serialization;

namespace ApiKeys;

/// <summary>A tenant's API-key settings, with Qlik's names and defaults.</summary>
/// <param name="MaxApiKeyExpiry">ISO 8601 duration, kept as the admin wrote it.</param>
/// <param name="ScimExternalClientExpiry">ISO 8601 duration: the longest lifetime of an externalClient key.</param>
/// <param name="ExcessiveUsagePerMinute">Ours: a key validated more often than this in a minute is reported as excessive; 0 turns it off.</param>
/// <param name="ExcessiveUsageFactor">Ours: a key validated this many times more often than its own recent baseline is reported; 0 turns it off.</param>
/// <param name="MaxRotationGrace">Ours: ISO 8601 duration, the longest a rotated key keeps working beside its successor (PT0S..P30D).</param>
/// <param name="LeakedKeyAction">Ours: what a report that a key leaked does, <c>revoke</c> it at once or only record it (<c>notify</c>).</param>
/// <param name="RequireScopes">Ours: every new key must name its scopes.</param>
/// <param name="DefaultAllowedCidrs">Ours: the allowed ranges of a new key that names none; null or empty for none.</param>
[GenerateSerializer, Immutable, Alias("ApiKeys.ApiKeysConfig")]
public sealed record ApiKeysConfig(
    [property: Id(0)] bool ApiKeysEnabled,
    [property: Id(1)] string MaxApiKeyExpiry,
    [property: Id(2)] int MaxKeysPerUser,
    [property: Id(3)] string ScimExternalClientExpiry,
    [property: Id(4)] int ExcessiveUsagePerMinute = ApiKeysConfig.DefaultExcessiveUsagePerMinute,
    [property: Id(5)] int ExcessiveUsageFactor = ApiKeysConfig.DefaultExcessiveUsageFactor,
    [property: Id(6)] string MaxRotationGrace = ApiKeysConfig.DefaultMaxRotationGrace,
    [property: Id(7)] string LeakedKeyAction = ApiKeysConfig.RevokeLeakedKeys,
    [property: Id(8)] bool RequireScopes = false,
    [property: Id(9)] IReadOnlyList<string>? DefaultAllowedCidrs = null)
{
    public const string RevokeLeakedKeys = "revoke";
    public const string NotifyLeakedKeys = "notify";

    public const string DefaultMaxRotationGrace = "P7D";
    public static readonly TimeSpan MaxRotationGraceLimit = TimeSpan.FromDays(30);

    public const int MaxKeysPerUserLimit = 1000;
    public const int DefaultExcessiveUsagePerMinute = 60_000;
    public const int DefaultExcessiveUsageFactor = 10;
    public const int MaxExcessiveUsagePerMinute = 100_000_000;
    public const int MaxExcessiveUsageFactor = 1000;

    /// <summary>Seed: generation is disabled by default. Qlik: PT24H, 5 keys, P365D. Ours: 1,000 validations a second, or 10 times the baseline.</summary>
    public static ApiKeysConfig Default { get; } = new(false, "PT24H", 5, "P365D");

    /// <summary>Applies the changes an admin asked for, refusing any value out of range.</summary>
    public ApiKeysConfig With(ApiKeysConfigChange change)
    {
        if (change.MaxKeysPerUser is < 0 or > MaxKeysPerUserLimit)
        {
            throw new ApiKeysException(ProblemCode.InvalidSetting,
                $"max_keys_per_user must be between 0 and {MaxKeysPerUserLimit}.", "/max_keys_per_user");
        }
        if (change.ExcessiveUsagePerMinute is < 0 or > MaxExcessiveUsagePerMinute)
        {
            throw new ApiKeysException(ProblemCode.InvalidSetting,
                $"excessive_usage_per_minute must be between 0 (off) and {MaxExcessiveUsagePerMinute}.", "/excessive_usage_per_minute");
        }
        if (change.ExcessiveUsageFactor is < 0 or > MaxExcessiveUsageFactor)
        {
            throw new ApiKeysException(ProblemCode.InvalidSetting,
                $"excessive_usage_factor must be between 0 (off) and {MaxExcessiveUsageFactor}.", "/excessive_usage_factor");
        }
        var maxExpiry = change.MaxApiKeyExpiry is { } m ? Duration.Parse(m, "/max_api_key_expiry").Text : MaxApiKeyExpiry;
        var scimExpiry = change.ScimExternalClientExpiry is { } s ? Duration.Parse(s, "/scim_externalClient_expiry").Text : ScimExternalClientExpiry;
        var maxGrace = MaxRotationGrace;
        if (change.MaxRotationGrace is { } g)
        {
            var grace = Duration.ParseGrace(g, "/max_rotation_grace");
            maxGrace = grace.Value <= MaxRotationGraceLimit ? grace.Text
                : throw new ApiKeysException(ProblemCode.InvalidSetting, "max_rotation_grace must be between PT0S and P30D.", "/max_rotation_grace");
        }
        if (change.LeakedKeyAction is not (null or RevokeLeakedKeys or NotifyLeakedKeys))
        {
            throw new ApiKeysException(ProblemCode.InvalidSetting, "leaked_key_action is revoke or notify.", "/leaked_key_action");
        }
        var defaultCidrs = change.DefaultAllowedCidrs is { } cidrs
            ? AllowedCidrs.Check(cidrs, "/default_allowed_cidrs", ProblemCode.InvalidSetting, allowEmpty: true)
            : DefaultAllowedCidrs;
        return new ApiKeysConfig(
            change.ApiKeysEnabled ?? ApiKeysEnabled,
            maxExpiry,
            change.MaxKeysPerUser ?? MaxKeysPerUser,
            scimExpiry,
            change.ExcessiveUsagePerMinute ?? ExcessiveUsagePerMinute,
            change.ExcessiveUsageFactor ?? ExcessiveUsageFactor,
            maxGrace,
            change.LeakedKeyAction ?? LeakedKeyAction,
            change.RequireScopes ?? RequireScopes,
            defaultCidrs is { Count: > 0 } ? defaultCidrs : null);
    }
}

/// <summary>
/// The settings an admin replaces in one call; null leaves a setting as it is. A new setting is added here, to
/// <see cref="ApiKeysConfig"/> with its rule in <see cref="ApiKeysConfig.With"/>, and to <see cref="ApiKeysConfigBody"/>
/// with its name: the API, its description, JSON Patch and the events follow from these.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.ApiKeysConfigChange")]
public sealed record ApiKeysConfigChange(
    [property: Id(0)] bool? ApiKeysEnabled = null,
    [property: Id(1)] string? MaxApiKeyExpiry = null,
    [property: Id(2)] int? MaxKeysPerUser = null,
    [property: Id(3)] string? ScimExternalClientExpiry = null,
    [property: Id(4)] int? ExcessiveUsagePerMinute = null,
    [property: Id(5)] int? ExcessiveUsageFactor = null,
    [property: Id(6)] string? MaxRotationGrace = null,
    [property: Id(7)] string? LeakedKeyAction = null,
    [property: Id(8)] bool? RequireScopes = null,
    [property: Id(9)] IReadOnlyList<string?>? DefaultAllowedCidrs = null);

/// <summary>Qlik's <c>ApiKeysConfig</c>, with its snake_case names, and our two excessive-usage settings.</summary>
/// <param name="MaxApiKeyExpiry">ISO 8601 duration: the longest lifetime of a new key.</param>
/// <param name="MaxKeysPerUser">0 to 1000 active keys per user.</param>
/// <param name="ScimExternalClientExpiry">ISO 8601 duration: the longest lifetime of an externalClient key.</param>
/// <param name="ExcessiveUsagePerMinute">Ours: validations of one key in a minute above which an excessive-usage event is recorded; 0 is off.</param>
/// <param name="ExcessiveUsageFactor">Ours: how many times its own recent per-minute baseline a key may be validated before an excessive-usage event; 0 is off.</param>
/// <param name="MaxRotationGrace">Ours: ISO 8601 duration, PT0S to P30D: the longest grace period a rotation may give the old key.</param>
/// <param name="LeakedKeyAction">Ours: <c>revoke</c> (default) revokes a key reported leaked at once; <c>notify</c> only records the report.</param>
/// <param name="RequireScopes">Ours: when true, generating a key without scopes is refused (400 SCOPES-REQUIRED).</param>
/// <param name="DefaultAllowedCidrs">Ours: up to 100 address ranges given to new keys that set no allowedCidrs; empty for none.</param>
public sealed record ApiKeysConfigBody(
    [property: JsonPropertyName("api_keys_enabled")] bool ApiKeysEnabled,
    [property: JsonPropertyName("max_api_key_expiry")] string MaxApiKeyExpiry,
    [property: JsonPropertyName("max_keys_per_user")] int MaxKeysPerUser,
    [property: JsonPropertyName("scim_externalClient_expiry")] string ScimExternalClientExpiry,
    [property: JsonPropertyName("excessive_usage_per_minute")] int ExcessiveUsagePerMinute,
    [property: JsonPropertyName("excessive_usage_factor")] int ExcessiveUsageFactor,
    [property: JsonPropertyName("max_rotation_grace")] string MaxRotationGrace,
    [property: JsonPropertyName("leaked_key_action")] string LeakedKeyAction,
    [property: JsonPropertyName("require_scopes")] bool RequireScopes,
    [property: JsonPropertyName("default_allowed_cidrs")] IReadOnlyList<string> DefaultAllowedCidrs)
{
    /// <summary>
    /// Each setting by the name the API, the console and the events give it, with its type and how an admin's change
    /// sets it: what a JSON Patch may replace.
    /// </summary>
    public static readonly IReadOnlyList<Setting> Settings = typeof(ApiKeysConfigBody).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => new Setting(
        p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p.PropertyType,
        typeof(ApiKeysConfigChange).GetProperty(p.Name) ?? throw new InvalidOperationException($"ApiKeysConfigChange has no {p.Name}."))).ToList();

    /// <summary>One setting; <see cref="Set"/> fills a fresh <see cref="ApiKeysConfigChange"/>, before it is sent.</summary>
    public sealed record Setting(string Name, Type Type, PropertyInfo Change)
    {
        public void Set(ApiKeysConfigChange change, object value) => Change.SetValue(change, value);
    }

    public static ApiKeysConfigBody From(ApiKeysConfig config) =>
        new(config.ApiKeysEnabled, config.MaxApiKeyExpiry, config.MaxKeysPerUser, config.ScimExternalClientExpiry,
            config.ExcessiveUsagePerMinute, config.ExcessiveUsageFactor, config.MaxRotationGrace, config.LeakedKeyAction,
            config.RequireScopes, config.DefaultAllowedCidrs ?? []);
}
