using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKeys.Grains.Keys;

/// <summary>
/// Arms expiry reminders only for keys expiring within the horizon, so the reminder table holds a few rows instead of
/// one per key. Also catches keys that expired while the cluster was down: their expiry is past, so arming expires them.
/// Its tick also drops events and usage past their retention, a bounded batch at a time.
/// </summary>
[GrainType("expiry-sweep")]
public sealed class ExpirySweepGrain(
    KeyCatalog catalog,
    AuditLog audit,
    UsageLog usage,
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
        return await Sweep(KeyStatus.Active, horizon) + await Sweep(KeyStatus.Suspended, horizon);
    }

    async Task<int> Sweep(KeyStatus status, DateTimeOffset horizon)
    {
        var touched = 0;
        (string Id, long Expiry)? after = null;
        while (true)
        {
            var keys = await catalog.ExpiringBefore(status, horizon, BatchSize, after);
            await Task.WhenAll(keys.Select(k => GrainFactory.GetGrain<IApiKeyGrain>(k.Id).ArmExpiry()));
            touched += keys.Count;
            if (keys.Count < BatchSize)
            {
                return touched;
            }
            after = keys[^1];
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await Sweep();
        await Prune();
    }

    /// <summary>
    /// Deletes events and usage past retention in batches, for up to <see cref="PruneBudget"/> a tick: enough to keep up
    /// with any rate the database can write, without holding the sweep (or the writer lock) for long at a time.
    /// </summary>
    public async Task Prune()
    {
        var now = time.GetUtcNow();
        await InBatches(() => audit.Prune(now - options.Value.EventRetention, BatchSize));
        await InBatches(() => usage.Prune(UsageMinute.Of(now - options.Value.UsageRetention), BatchSize));
    }

    static readonly TimeSpan PruneBudget = TimeSpan.FromSeconds(5);

    static async Task InBatches(Func<Task<int>> prune)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (await prune() == BatchSize && started.Elapsed < PruneBudget)
        {
        }
    }
}
