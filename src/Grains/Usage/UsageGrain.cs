using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace ApiKeys.Grains.Usage;

/// <summary>
/// Usage queries, run in whichever silo receives them. Reentrant, since it holds no state: a worker waiting on the
/// database takes the next query.
/// </summary>
[GrainType("usage"), StatelessWorker, Reentrant]
public sealed class UsageGrain(
    UsageLog usage,
    KeyCatalog catalog,
    UsageRankings rankings,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IUsageGrain
{
    /// <summary>The longest usage window, and the most buckets one answer holds.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);
    public const int MaxBuckets = 1440;

    public async Task<KeyUsage> GetKeyUsage(Caller caller, string keyId, TimeSpan window, TimeSpan bucket)
    {
        var windowMinutes = CheckWindow(window);
        var bucketMinutes = CheckBucket(window, bucket);
        var key = await GrainFactory.GetGrain<IApiKeyGrain>(keyId).Read(caller);
        var end = UsageMinute.Of(time.GetUtcNow()) + 1;
        var start = end - windowMinutes;
        var totals = new (long Successes, long Failures)[windowMinutes / bucketMinutes];
        foreach (var (minute, successes, failures) in await usage.Minutes(keyId, start, end))
        {
            ref var bucketTotal = ref totals[(minute - start) / bucketMinutes];
            bucketTotal = (bucketTotal.Successes + successes, bucketTotal.Failures + failures);
        }
        var buckets = totals.Select((t, i) => new UsageBucket(UsageMinute.Start(start + i * bucketMinutes), t.Successes, t.Failures)).ToList();
        return new KeyUsage(keyId, key.LastUsed, buckets);
    }

    public async Task<IReadOnlyList<KeyUsageTotal>> TopKeys(Caller caller, TimeSpan window, int limit)
    {
        Paging.CheckLimit(limit);
        var windowMinutes = CheckWindow(window);
        await GrainFactory.RequireTenantAdmin(caller, "Only a tenant admin may read events and usage rankings.");
        // Usage of deleted keys stays until pruned: ask for more than needed, and past them while keys are missing. The
        // first batch is the recent ranking the silo keeps; deleted keys and statuses are read afresh.
        var ranked = new List<KeyUsageTotal>();
        var batch = limit * 2;
        for (var skip = 0; ; skip += batch)
        {
            var top = await rankings.Top(caller.TenantId, windowMinutes, skip, batch);
            var keys = await catalog.GetMany(caller.TenantId, top.Select(t => t.KeyId).ToList());
            ranked.AddRange(top.Where(t => keys.ContainsKey(t.KeyId)).Select(t => new KeyUsageTotal(keys[t.KeyId], t.Successes, t.Failures)));
            if (ranked.Count >= limit || top.Count < batch)
            {
                return ranked.Take(limit).ToList();
            }
        }
    }

    /// <summary>A window of whole minutes up to <see cref="MaxWindow"/>, in minutes.</summary>
    static long CheckWindow(TimeSpan window)
    {
        if (window <= TimeSpan.Zero || window > MaxWindow || window.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, $"window is whole minutes, at most {MaxWindow.TotalDays:0} days.", "window");
        }
        return (long)window.TotalMinutes;
    }

    /// <summary>A bucket of whole minutes that divides the window into at most <see cref="MaxBuckets"/>, in minutes.</summary>
    static long CheckBucket(TimeSpan window, TimeSpan bucket)
    {
        if (bucket <= TimeSpan.Zero || bucket > window || bucket.Ticks % TimeSpan.TicksPerMinute != 0 || window.Ticks % bucket.Ticks != 0)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "bucket is whole minutes and divides the window.", "bucket");
        }
        if (window / bucket > MaxBuckets)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, $"window / bucket is at most {MaxBuckets} buckets.", "bucket");
        }
        return (long)bucket.TotalMinutes;
    }
}
