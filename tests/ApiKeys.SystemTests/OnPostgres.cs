using System.Text;

namespace ApiKeys.Tests;

// The grain suites again, on a TestingHost cluster whose silos keep their state in PostgreSQL.

[Collection(PostgresCluster.Name)]
public sealed class EventsOnPostgres(PostgresClusterFixture fixture) : EventsTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class ExpiryOnPostgres(PostgresClusterFixture fixture) : ExpiryTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class KeyCatalogOnPostgres(PostgresClusterFixture fixture) : KeyCatalogTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class KeyGenerationOnPostgres(PostgresClusterFixture fixture) : KeyGenerationTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class KeyLifecycleOnPostgres(PostgresClusterFixture fixture) : KeyLifecycleTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class KeySuspensionOnPostgres(PostgresClusterFixture fixture) : KeySuspensionTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class KeyRotationOnPostgres(PostgresClusterFixture fixture) : KeyRotationTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class KeyLeakOnPostgres(PostgresClusterFixture fixture) : KeyLeakTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class SecretStorageOnPostgres(PostgresClusterFixture fixture) : SecretStorageTests(fixture)
{
    /// <summary>Every row of every table, binary columns decoded as UTF-8 so JSON grain state reads as text.</summary>
    protected override async Task<string> StoredText()
    {
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var command = fixture.Database.DataSource.CreateCommand(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public';"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        var text = new StringBuilder();
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            var values = table.Select(c => c.Type == "bytea"
                ? $"COALESCE(convert_from(\"{c.Column}\", 'UTF8'), '')"
                : $"COALESCE(\"{c.Column}\"::text, '')");
            await using var command = fixture.Database.DataSource.CreateCommand(
                $"SELECT concat_ws(' ', {string.Join(", ", values)}) FROM \"{table.Key}\";");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }
        return text.ToString();
    }
}

[Collection(PostgresCluster.Name)]
public sealed class StorageContractOnPostgres(PostgresClusterFixture fixture) : StorageContractTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class TenantSettingsOnPostgres(PostgresClusterFixture fixture) : TenantSettingsTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class UsageOnPostgres(PostgresClusterFixture fixture) : UsageTests(fixture);

[Collection(PostgresCluster.Name)]
public sealed class ValidationOnPostgres(PostgresClusterFixture fixture) : ValidationTests(fixture);
