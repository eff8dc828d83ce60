using ApiKeys.Tests.Http;

namespace ApiKeys.Tests;

// xunit finds a collection's fixture only in the assembly whose tests use it: the PostgreSQL ones are used here.

public sealed class PostgresClusterFixture : ClusterFixture
{
    public override async Task<ApiKeysDatabase> CreateDatabase() => ApiKeysDatabase.Postgres(await PostgresServer.CreateDatabase());
}

[CollectionDefinition(Name)]
public sealed class PostgresCluster : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "cluster on PostgreSQL";
}

[CollectionDefinition(Name)]
public sealed class ClusterApiCollection : ICollectionFixture<ClusterApiFixture>
{
    public const string Name = "api in cluster mode";
}
