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
        await Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                await GrainFactory.GetGrain<IApiKeyGrain>(key.KeyId).RecordUses(key.Uses);
            }
            catch (Exception e)
            {
                lock (failed)
                {
                    failed.Add(key.KeyId);
                }
                LogNotRecorded(e, key.KeyId);
            }
        }));
        return failed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record cached validations of key {KeyId}; the front end keeps them for its next flush")]
    partial void LogNotRecorded(Exception exception, string keyId);
}
