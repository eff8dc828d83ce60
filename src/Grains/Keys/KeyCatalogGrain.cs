using Orleans.Concurrency;

namespace ApiKeys.Grains.Keys;

/// <summary>
/// Runs catalog queries in whichever silo receives them. Reentrant, since it holds no state: a worker waiting on the
/// database takes the next query, instead of queueing it behind that one.
/// </summary>
[GrainType("key-catalog"), StatelessWorker, Reentrant]
public sealed class KeyCatalogGrain(KeyCatalog catalog) : Grain, IKeyCatalogGrain
{
    public async Task<KeyPage> List(Caller caller, KeyQuery query)
    {
        Paging.Check(query.Limit, query.StartingAfter, query.EndingBefore);
        if (!await GrainFactory.IsTenantAdmin(caller))
        {
            // Anyone else sees only the keys they own, which are never an external client's (see ApiKey.IsOwnedBy).
            if (query.Sub is not null && query.Sub != caller.UserId || query.SubType == KeySubType.ExternalClient)
            {
                return new KeyPage([], false, false);
            }
            query = query with { Sub = caller.UserId, SubType = KeySubType.User };
        }
        return await catalog.List(caller.TenantId, query);
    }
}
