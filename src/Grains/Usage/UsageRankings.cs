using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Grains.Usage;

/// <summary>
/// The tenants' keys ranked by use over a window, kept on each silo for a while. Ranking a window sums the usage rows
/// of every key used in it, a cost that grows with those keys (about a third of a second for 100,000 keys on
/// PostgreSQL), while the ranking of a long window barely moves in a minute. So a ranking is reused for a thousandth of
/// its window, at most <see cref="LongestReuse"/> (PT1H: 3.6 s, P1D: 86 s, P7D and longer: 5 min), and requests that
/// come while one is being computed wait for it instead of computing their own.
/// </summary>
public sealed class UsageRankings(UsageLog usage, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public static readonly TimeSpan LongestReuse = TimeSpan.FromMinutes(5);

    readonly ConcurrentDictionary<(string TenantId, long WindowMinutes, int Count), Ranking> rankings = new();

    /// <summary>
    /// <paramref name="count"/> keys of the tenant by successful validations over the last <paramref name="windowMinutes"/>,
    /// from position <paramref name="skip"/> on. Only the first ones (skip 0) are kept; further ones are rare (they are
    /// asked for only past deleted keys) and computed each time.
    /// </summary>
    public Task<IReadOnlyList<(string KeyId, long Successes, long Failures)>> Top(string tenantId, long windowMinutes, int skip, int count)
    {
        var now = time.GetUtcNow();
        if (skip > 0)
        {
            return usage.Top(tenantId, FirstMinute(now, windowMinutes), skip, count);
        }
        var ranking = rankings.AddOrUpdate((tenantId, windowMinutes, count),
            _ => Compute(tenantId, windowMinutes, count, now),
            (_, kept) => kept.Current(now) ? kept : Compute(tenantId, windowMinutes, count, now));
        if (rankings.Count > 1000)
        {
            foreach (var (key, old) in rankings.Where(r => !r.Value.Current(now)))
            {
                rankings.TryRemove(KeyValuePair.Create(key, old));
            }
        }
        return ranking.Keys.Value;
    }

    Ranking Compute(string tenantId, long windowMinutes, int count, DateTimeOffset now)
    {
        var reuse = TimeSpan.FromMinutes(windowMinutes) / 1000;
        var from = FirstMinute(now, windowMinutes);
        return new Ranking(new(() => usage.Top(tenantId, from, 0, count)), now + (reuse < LongestReuse ? reuse : LongestReuse));
    }

    /// <summary>The first minute of a window of whole minutes that ends with the current one.</summary>
    static long FirstMinute(DateTimeOffset now, long windowMinutes) => UsageMinute.Of(now) + 1 - windowMinutes;

    /// <summary>Computed once, when first asked for (the dictionary may make a rival that is never asked), until <paramref name="Until"/>.</summary>
    sealed record Ranking(Lazy<Task<IReadOnlyList<(string KeyId, long Successes, long Failures)>>> Keys, DateTimeOffset Until)
    {
        /// <summary>Still to be used: not past its time, and not failed (a failure is not kept).</summary>
        public bool Current(DateTimeOffset now) => now < Until && !(Keys.IsValueCreated && Keys.Value.IsFaulted);
    }
}
