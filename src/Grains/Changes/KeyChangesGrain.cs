using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ApiKeys.Grains.Changes;

/// <summary>
/// Fans changes out to every listening host, so a revoke, delete, expiry, role or tenant change returns only once every
/// front end has dropped what it cached for it. A listener that cannot be reached in time is marked, and its next renewal
/// tells it to drop everything; until then its lease (renewed through this grain) bounds how long it trusts its cache.
/// Reentrant: renewals and fan-outs only read and mark the list, and must not queue behind a slow listener.
/// </summary>
[GrainType("keychanges"), Reentrant]
public sealed partial class KeyChangesGrain(IOptions<ApiKeysOptions> options, ILogger<KeyChangesGrain> logger) : Grain, IKeyChangesGrain
{
    readonly Dictionary<IKeyChangeListener, Listener> listeners = [];

    public Task<bool> Listen(IKeyChangeListener listener)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var gone in listeners.Where(l => now - l.Value.Renewed > options.Value.ValidationCacheLease * 10).Select(l => l.Key).ToList())
        {
            listeners.Remove(gone);
        }
        if (!listeners.TryGetValue(listener, out var known))
        {
            listeners[listener] = new Listener { Renewed = now };
            return Task.FromResult(false);
        }
        known.Renewed = now;
        var heardEverything = !known.Missed;
        known.Missed = false;
        return Task.FromResult(heardEverything);
    }

    public Task KeysChanged(IReadOnlyList<string> keyIds) => Tell(l => l.KeysChanged(keyIds));

    public Task TenantChanged(string tenantId) => Tell(l => l.TenantChanged(tenantId));

    async Task Tell(Func<IKeyChangeListener, Task> change)
    {
        var timeout = options.Value.ValidationCacheLease / 2;
        await Task.WhenAll(listeners.ToList().Select(async l =>
        {
            try
            {
                await change(l.Key).WaitAsync(timeout);
            }
            catch (Exception e)
            {
                // Its lease runs out within ValidationCacheLease of its last renewal, and that renewal will say it missed this.
                l.Value.Missed = true;
                LogListenerMissedChange(e);
            }
        }));
    }

    sealed class Listener
    {
        public DateTimeOffset Renewed { get; set; }
        public bool Missed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A listening host did not acknowledge a change in time; it drops its cache at its next renewal")]
    partial void LogListenerMissedChange(Exception exception);
}
