namespace ApiKeys;

/// <summary>Admin listing and search over the key catalog (a query, not a grain scan).</summary>
[Alias("ApiKeys.IKeyCatalogGrain")]
public interface IKeyCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>A TenantAdmin sees every key of the tenant; anyone else only the keys they own.</summary>
    Task<KeyPage> List(Caller caller, KeyQuery query);
}
