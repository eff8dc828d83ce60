namespace ApiKeys;

/// <summary>
/// Something a host caches that a key or tenant change can make wrong: a front end's validation answers, a silo's
/// tenant settings. The host's one listener (see <see cref="IKeyChangesGrain"/>) passes every change on to each.
/// </summary>
public interface IKeyChangeSubscriber
{
    void KeysChanged(IReadOnlyList<string> keyIds);

    void TenantChanged(string tenantId);

    /// <summary>Changes may have been missed: drop everything cached.</summary>
    void Reset();

    /// <summary>Every change made before <paramref name="timestamp"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) has been heard.</summary>
    void HeardAllUntil(long timestamp);
}
