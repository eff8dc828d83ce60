namespace ApiKeys;

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

    /// <summary>
    /// The revocation bound should a change fail to reach a front end: a front end answers from its cache only while it
    /// has renewed its place among the listeners within this long, and learns at its next renewal that it missed a change.
    /// Normally a change reaches every front end before it is acknowledged, and this bound is not needed.
    /// </summary>
    public TimeSpan ValidationCacheLease { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a front end keeps a validation answer at most: a safety net behind the pushed changes and the lease, which
    /// carry the revocation bound. Each front end asks again for every key in use once per this period. Zero turns the
    /// cache off.
    /// </summary>
    public TimeSpan ValidationCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a key's grain stays in memory without being called. Longer keeps validations of rarely used keys from
    /// waiting on an activation (a state read) at the cost of memory per key (see the sizing in docs/architecture.md).
    /// </summary>
    public TimeSpan KeyIdleTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often each silo counts the catalog's keys by tenant and status for the <c>apikeys.keys</c> gauge.</summary>
    public TimeSpan KeyCountInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The product's clock, kept apart from Orleans' own so tests can move it without disturbing the runtime.</summary>
public static class Clock
{
    public const string Key = "ApiKeys.Clock";

    /// <summary>Now, to the millisecond: the precision every stored and shown time has.</summary>
    public static DateTimeOffset Now(this TimeProvider time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
