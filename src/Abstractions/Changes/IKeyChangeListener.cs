namespace ApiKeys;

/// <summary>
/// A host that caches what validation depends on (a front end's validation answers, a silo's tenant settings). It hears
/// of every change that could make a cached answer wrong, before the change is acknowledged to whoever made it.
/// </summary>
[Alias("ApiKeys.IKeyChangeListener")]
public interface IKeyChangeListener : IGrainObserver
{
    /// <summary>These keys' validation answers changed: revoked, expired, deleted, or their owner's roles changed.</summary>
    Task KeysChanged(IReadOnlyList<string> keyIds);

    /// <summary>The tenant's settings changed (e.g. API keys disabled): every answer for its keys may be wrong.</summary>
    Task TenantChanged(string tenantId);
}
