using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace ApiKeys.Grains.Usage;

/// <summary>
/// A stateless worker: each silo that gets a batch hands the keys their uses itself, so a front end's flush costs it a
/// few messages however many keys were in use, and the fan-out stays inside the cluster.
/// </summary>
[GrainType("usage-intake"), StatelessWorker]
public sealed partial class UsageIntakeGrain(ILogger<UsageIntakeGrain> logger) : Grain, IUsageIntakeGrain
{
    public async Task<IReadOnlyList<string>> RecordUses(IReadOnlyList<KeyUses> keys)
    {
        var failed = new List<string>();
        // A few keys at a time: the silo's work queue is the one its requests wait in, so handing 500 keys their uses
        // at once would put every validation behind them (the many-keys benchmark's p99 came from such bursts).
        foreach (var group in keys.Chunk(KeysAtOnce))
        {
            await Task.WhenAll(group.Select(async key =>
            {
                try
                {
                    await GrainFactory.GetGrain<IApiKeyGrain>(key.KeyId).RecordUses(key.Uses);
                }
                catch (Exception e)
                {
                    failed.Add(key.KeyId);
                    LogNotRecorded(e, key.KeyId);
                }
            }));
        }
        return failed;
    }

    const int KeysAtOnce = 16;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record cached validations of key {KeyId}; the front end keeps them for its next flush")]
    partial void LogNotRecorded(Exception exception, string keyId);
}
