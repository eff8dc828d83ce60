namespace ApiKeys.Grains;

/// <summary>Timing of the cluster's background work. The defaults are the documented bounds.</summary>
public sealed class ApiKeysOptions
{
    /// <summary>How often a key writes the validations it counted in memory; a crash loses at most this much usage.</summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How far ahead the sweep arms expiry reminders; only keys expiring this soon hold a reminder.</summary>
    public TimeSpan ExpiryHorizon { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the sweep runs (a reminder, so at least a minute).</summary>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long audit events are kept; the sweep deletes older ones.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long per-minute usage is kept; at least the longest usage window an API call may ask for.</summary>
    public TimeSpan UsageRetention { get; set; } = TimeSpan.FromDays(35);

    /// <summary>How long a silo trusts a tenant's kill switch before asking the tenant again: the bound on disabling.</summary>
    public TimeSpan TenantPolicyFreshness { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The product's clock, kept apart from Orleans' own so tests can move it without disturbing the runtime.</summary>
public static class Clock
{
    public const string Key = "ApiKeys.Clock";

    /// <summary>Now, to the millisecond: the precision every stored and shown time has.</summary>
    public static DateTimeOffset Now(this TimeProvider time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
