namespace ApiKeys;

/// <summary>
/// The cluster's single sweep: arms reminders only for keys whose expiry is near, keeping reminders bounded; prunes
/// events and usage past retention.
/// </summary>
[Alias("ApiKeys.IExpirySweepGrain")]
public interface IExpirySweepGrain : IGrainWithStringKey
{
    /// <summary>Registers the sweep's own reminder (idempotent) and sweeps once.</summary>
    Task Start();

    /// <summary>Arms every active key expiring within the horizon; returns how many keys it touched.</summary>
    Task<int> Sweep();

    /// <summary>Deletes audit events and usage older than their retention.</summary>
    Task Prune();
}
