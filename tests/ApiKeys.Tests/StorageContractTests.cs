using ApiKeys.Grains;
using ApiKeys.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;

namespace ApiKeys.Tests;

/// <summary>Our SQL scripts, per dialect, against the query contract of Orleans' ADO.NET storage provider, through the provider itself.</summary>
public abstract class StorageContractTests(ClusterFixture fixture)
{
    IGrainStorage Storage =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);

    [Fact]
    public async Task State_is_written_read_back_versioned_and_cleared()
    {
        var grainId = GrainId.Create("contract", Guid.NewGuid().ToString("N"));
        var state = new GrainState<TenantState>(new TenantState { Name = "first" });

        await Storage.ReadStateAsync("contract", grainId, state);
        Assert.False(state.RecordExists);
        await Storage.WriteStateAsync("contract", grainId, state);
        state.State!.Name = "second";
        await Storage.WriteStateAsync("contract", grainId, state);

        var read = new GrainState<TenantState>(new TenantState());
        await Storage.ReadStateAsync("contract", grainId, read);
        Assert.Equal(("second", "2", true), (read.State!.Name, read.ETag, read.RecordExists));

        await Storage.ClearStateAsync("contract", grainId, read);
        var cleared = new GrainState<TenantState>(new TenantState());
        await Storage.ReadStateAsync("contract", grainId, cleared);
        Assert.Null(cleared.State?.Name);
        Assert.Equal("3", cleared.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_version_is_refused_and_changes_nothing()
    {
        var grainId = GrainId.Create("contract", Guid.NewGuid().ToString("N"));
        var first = new GrainState<TenantState>(new TenantState { Name = "kept" });
        await Storage.WriteStateAsync("contract", grainId, first);
        var stale = new GrainState<TenantState>(new TenantState { Name = "lost" }) { ETag = first.ETag };
        await Storage.WriteStateAsync("contract", grainId, first);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync("contract", grainId, stale));
        var fresh = new GrainState<TenantState>(new TenantState { Name = "duplicate" });
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync("contract", grainId, fresh));

        var read = new GrainState<TenantState>(new TenantState());
        await Storage.ReadStateAsync("contract", grainId, read);
        Assert.Equal("kept", read.State!.Name);
    }

    [Fact]
    public async Task A_write_naming_a_version_never_recreates_a_missing_row()
    {
        var grainId = GrainId.Create("contract", Guid.NewGuid().ToString("N"));
        var phantom = new GrainState<TenantState>(new TenantState { Name = "phantom" }) { ETag = "5" };

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync("contract", grainId, phantom));

        var read = new GrainState<TenantState>(new TenantState());
        await Storage.ReadStateAsync("contract", grainId, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Migrations_apply_once_even_when_several_silos_start_together()
    {
        var database = await fixture.CreateDatabase();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync()));
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();

        var applied = new List<long>();
        await using (var command = database.DataSource.CreateCommand("SELECT version FROM schema_migrations ORDER BY version;"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add(Convert.ToInt64(reader.GetValue(0)));
            }
        }
        Assert.Equal(Migrator.Scripts(database.Dialect).Select(s => (long)s.Version), applied);
        SqliteConnection.ClearAllPools();
    }
}

[Collection(SqliteCluster.Name)]
public sealed class StorageContractOnSqlite(SqliteClusterFixture fixture) : StorageContractTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class StorageContractOnPostgres(PostgresClusterFixture fixture) : StorageContractTests(fixture);
