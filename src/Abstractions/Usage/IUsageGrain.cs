namespace ApiKeys;

/// <summary>How much keys are used, read from the usage rows. A stateless worker, run in whichever silo receives the call. Key: 0.</summary>
[Alias("ApiKeys.IUsageGrain")]
public interface IUsageGrain : IGrainWithIntegerKey
{
    /// <summary>Owner or TenantAdmin: the key's validations over <paramref name="window"/> up to now, in buckets of <paramref name="bucket"/>.</summary>
    Task<KeyUsage> GetKeyUsage(Caller caller, string keyId, TimeSpan window, TimeSpan bucket);

    /// <summary>
    /// TenantAdmin only: the tenant's keys ranked by successful validations over <paramref name="window"/>. The counts may
    /// be up to a thousandth of the window old (at most 5 minutes); deleted keys are left out and statuses are current.
    /// </summary>
    Task<IReadOnlyList<KeyUsageTotal>> TopKeys(Caller caller, TimeSpan window, int limit);
}
