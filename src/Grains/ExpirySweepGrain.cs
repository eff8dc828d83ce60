using ApiKeys.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKeys.Grains;

/// <summary>
/// Arms expiry reminders only for keys expiring within the horizon, so the reminder table holds a few rows instead of
/// one per key. Also catches keys that expired while the cluster was down: their expiry is past, so arming expires them.
/// </summary>
[GrainType("expiry-sweep")]
public sealed class ExpirySweepGrain(
    KeyCatalog catalog,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<ApiKeysOptions> options) : Grain, IExpirySweepGrain, IRemindable
{
    const string SweepReminder = "sweep";
    const int BatchSize = 1000;

    public const string SingletonKey = "cluster";

    public async Task Start()
    {
        var period = options.Value.SweepPeriod;
        await this.RegisterOrUpdateReminder(SweepReminder, period, period);
        await Sweep();
    }

    public async Task<int> Sweep()
    {
        var horizon = time.GetUtcNow() + options.Value.ExpiryHorizon;
        var touched = 0;
        (string Id, long Expiry)? after = null;
        while (true)
        {
            var keys = await catalog.ActiveExpiringBefore(horizon, BatchSize, after);
            await Task.WhenAll(keys.Select(k => GrainFactory.GetGrain<IApiKeyGrain>(k.Id).ArmExpiry()));
            touched += keys.Count;
            if (keys.Count < BatchSize)
            {
                return touched;
            }
            after = keys[^1];
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Sweep();
}
