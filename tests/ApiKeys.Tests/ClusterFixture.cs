using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace ApiKeys.Tests;

/// <summary>
/// A real two-silo Orleans cluster on a real database, with the product's clock faked so expiry and the kill-switch
/// bound are driven by the test, never by sleeping. Orleans' own clock stays real. The behaviour suites run once per
/// dialect: on a SQLite file (<see cref="SqliteClusterFixture"/>) and on PostgreSQL (<see cref="PostgresClusterFixture"/>).
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public TestFolder Folder { get; } = new();

    /// <summary>A new, empty database of this fixture's dialect; the cluster's own is the first one made.</summary>
    public abstract Task<ApiKeysDatabase> CreateDatabase();

    /// <summary>The database every silo of the cluster uses.</summary>
    public ApiKeysDatabase Database { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Calls the client has sent to each grain interface method, to prove which requests never reach the cluster.</summary>
    public ConcurrentDictionary<string, int> OutgoingCalls { get; } = new();

    public async Task InitializeAsync()
    {
        Database = await CreateDatabase();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(Clock.Key, Time);
            silo.AddApiKeys(Database);
        });
        builder.ConfigureClient(client => client.AddOutgoingGrainCallFilter(context =>
        {
            OutgoingCalls.AddOrUpdate($"{context.InterfaceName}.{context.MethodName}", 1, (_, n) => n + 1);
            return context.Invoke();
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Folder.Dispose();
    }

    /// <summary>The silos' own catalog, to read what the grains wrote.</summary>
    public KeyCatalog Catalog => Cluster.GetSiloServiceProvider().GetRequiredService<KeyCatalog>();

    /// <summary>The silos' audit log, to read the events the grains wrote.</summary>
    public AuditLog Audit => Cluster.GetSiloServiceProvider().GetRequiredService<AuditLog>();

    /// <summary>The silos' usage table.</summary>
    public UsageLog Usage => Cluster.GetSiloServiceProvider().GetRequiredService<UsageLog>();

    /// <summary>Every event of a tenant, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> Events(string tenantId, string? type = null) =>
        (await Audit.List(tenantId, new EventQuery(Type: type, Descending: false, Limit: 1000))).Events;
}

public sealed class SqliteClusterFixture : ClusterFixture
{
    public string DatabasePath => DatabasePathOf(0);

    public string DatabasePathOf(int n) => Path.Combine(Folder.Path, n == 0 ? "apikeys.db" : $"apikeys-{n}.db");

    int made;

    public override Task<ApiKeysDatabase> CreateDatabase() => Task.FromResult(ApiKeysDatabase.SqliteFile(DatabasePathOf(made++)));
}

[CollectionDefinition(Name)]
public sealed class SqliteCluster : ICollectionFixture<SqliteClusterFixture>
{
    public const string Name = "cluster on SQLite";
}

/// <summary>A temp folder made at run time and removed afterwards.</summary>
public sealed class TestFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("apikeys-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
