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

    [Fact]
    public async Task Keys_stored_before_search_folded_case_are_folded_by_the_migration()
    {
        var database = await fixture.CreateDatabase();
        var migrator = new Migrator(database, NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync();
        // Back to the schema before the folded column, with keys in it.
        var (version, _, _) = Migrator.Scripts(database.Dialect).Single(s => s.Name.EndsWith("_folded_descriptions"));
        await Execute(database, "ALTER TABLE key_catalog DROP COLUMN description_folded;");
        if (database.Dialect == Dialect.Postgres)
        {
            await Execute(database, "CREATE INDEX ix_key_catalog_description_trigrams ON key_catalog USING gin (lower(description) gin_trgm_ops);");
        }
        await Execute(database, $"DELETE FROM schema_migrations WHERE version = {version};");
        var descriptions = Enumerable.Range(0, 450).Select(i => i % 3 == 0 ? $"Ünïcode Käse {i}" : i % 3 == 1 ? $"İSTANBUL {i}" : $"ΟΔΟΣ {i}").ToList();
        for (var i = 0; i < descriptions.Count; i++)
        {
            await Execute(database, $"""
                INSERT INTO key_catalog (id, tenant_id, description, status, sub, sub_type, created_by_user, created, last_updated, expiry, version)
                VALUES ('{i:x24}', 'folding', '{descriptions[i]}', 'active', 'dev', 'user', 'dev', {i}, {i}, 9999999999999, 1);
                """);
        }

        await migrator.MigrateAsync();

        var catalog = new KeyCatalog(database, new AuditLog(database));
        foreach (var (q, every) in new[] { ("ünïcode käse", 3), ("istanbul", 3), ("οδος", 3) })
        {
            var found = new List<ApiKey>();
            string? after = null;
            do
            {
                var page = await catalog.List("folding", new KeyQuery(Search: q, Limit: 100, StartingAfter: after));
                found.AddRange(page.Keys);
                after = page.HasNext ? page.Keys[^1].Id : null;
            }
            while (after is not null);
            Assert.Equal(descriptions.Count / every, found.Count);
        }
        SqliteConnection.ClearAllPools();
    }

    static async Task Execute(ApiKeysDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

[Collection(SqliteCluster.Name)]
public sealed class StorageContractOnSqlite(SqliteClusterFixture fixture) : StorageContractTests(fixture);
