using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKeys.Grains.Tenants;

/// <summary>
/// Each silo's view of the tenants' kill switch, so validation never makes the Tenant grain a per-request hot spot.
/// An answer is trusted for <see cref="ApiKeysOptions.TenantPolicyFreshness"/> after the fetch that produced it began,
/// so a validation that starts that long after a disable returned is refused; a change made on another silo is also
/// pushed here (<see cref="IKeyChangeSubscriber"/>) before the change returns.
/// </summary>
public sealed class TenantPolicyCache(
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<ApiKeysOptions> options) : IKeyChangeSubscriber
{
    readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    readonly TimeSpan freshness = options.Value.TenantPolicyFreshness;

    /// <summary>The tenant's settings as this silo last fetched them; null for a tenant that does not exist (its keys are refused).</summary>
    public ValueTask<ApiKeysConfig?> Policy(string tenantId)
    {
        var now = time.GetUtcNow();
        if (entries.TryGetValue(tenantId, out var entry) && now - entry.FetchStarted < freshness && !entry.Config.IsFaulted)
        {
            return entry.Config.IsCompletedSuccessfully ? ValueTask.FromResult(entry.Config.Result) : new ValueTask<ApiKeysConfig?>(entry.Config);
        }
        var fresh = new Entry(Fetch(tenantId, entry?.Config), now);
        entries[tenantId] = fresh;
        return new ValueTask<ApiKeysConfig?>(fresh.Config);
    }

    /// <summary>Forgets a tenant in this silo at once, after a change made here.</summary>
    public void Forget(string tenantId) => entries.TryRemove(tenantId, out _);

    void IKeyChangeSubscriber.TenantChanged(string tenantId) => Forget(tenantId);

    void IKeyChangeSubscriber.Reset() => entries.Clear();

    void IKeyChangeSubscriber.KeysChanged(IReadOnlyList<string> keyIds)
    {
    }

    void IKeyChangeSubscriber.HeardAllUntil(long timestamp)
    {
    }

    async Task<ApiKeysConfig?> Fetch(string tenantId, Task<ApiKeysConfig?>? before)
    {
        try
        {
            var config = await grains.GetGrain<ITenantGrain>(tenantId).GetConfig();
            // Unchanged settings keep the instance every key already holds: a fresh copy each refresh would be a young
            // object referenced from thousands of long-lived key grains, and every garbage collection would scan them.
            return before is { IsCompletedSuccessfully: true, Result: { } previous } && previous == config ? previous : config;
        }
        catch (ApiKeysException e) when (e.Code == ProblemCode.TenantNotFound)
        {
            return null;
        }
    }

    sealed record Entry(Task<ApiKeysConfig?> Config, DateTimeOffset FetchStarted);
}
