using Npgsql;

namespace ApiKeys.Tests.Cluster;

/// <summary>
/// Our PostgreSQL membership statements against the ADO.NET clustering provider's contract, including the conflict
/// paths a healthy cluster rarely takes: a change happens, and the table version moves on, together or not at all.
/// </summary>
public sealed class MembershipContractTests : IAsyncLifetime
{
    const string Cluster = "contract";
    readonly DateTime now = DateTime.UtcNow;
    NpgsqlDataSource database = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabase();
        await new ApiKeys.Grains.Storage.Migrator(ApiKeys.Grains.Storage.ApiKeysDatabase.Postgres(connectionString),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ApiKeys.Grains.Storage.Migrator>.Instance).MigrateAsync();
        database = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task The_version_row_is_created_once_and_an_empty_cluster_reads_as_one_row_with_its_version()
    {
        Assert.Equal(1, await Scalar("InsertMembershipVersionKey", new()));
        Assert.Equal(0, await Scalar("InsertMembershipVersionKey", new()));

        var rows = await Rows("MembershipReadAllKey", new());
        var row = Assert.Single(rows);
        Assert.Equal(0, Convert.ToInt32(row["version"]));
        Assert.Equal(DBNull.Value, row["address"]);
    }

    [Fact]
    public async Task A_silo_is_inserted_only_once_and_only_against_the_current_version()
    {
        await Scalar("InsertMembershipVersionKey", new());

        Assert.Equal(1, await Scalar("InsertMembershipKey", Silo(11111, version: 0)));
        Assert.Equal(0, await Scalar("InsertMembershipKey", Silo(22222, version: 0))); // stale version
        Assert.Equal(1, await Version());
        Assert.Equal(0, await Scalar("InsertMembershipKey", Silo(11111, version: 1))); // already there
        Assert.Equal(1, await Version());
        Assert.Equal(1, await Scalar("InsertMembershipKey", Silo(22222, version: 1)));
        Assert.Equal(2, await Version());
        Assert.Equal(2, (await Rows("MembershipReadAllKey", new())).Count);
    }

    [Fact]
    public async Task An_update_with_a_stale_version_or_for_a_missing_silo_changes_neither_the_row_nor_the_version()
    {
        await Scalar("InsertMembershipVersionKey", new());
        await Scalar("InsertMembershipKey", Silo(11111, version: 0));

        Assert.Equal(0, await Scalar("UpdateMembershipKey", Silo(11111, version: 0, status: 6)));
        Assert.Equal(0, await Scalar("UpdateMembershipKey", Silo(33333, version: 1, status: 6)));
        Assert.Equal(1, await Version());
        Assert.Equal(3, Convert.ToInt32((await Rows("MembershipReadRowKey", Silo(11111, version: 1)))[0]["status"]));

        Assert.Equal(1, await Scalar("UpdateMembershipKey", Silo(11111, version: 1, status: 6)));
        Assert.Equal(2, await Version());
        Assert.Equal(6, Convert.ToInt32((await Rows("MembershipReadRowKey", Silo(11111, version: 2)))[0]["status"]));
        Assert.Empty(await Rows("GatewaysQueryKey", new() { ["Status"] = 3 }));
    }

    Dictionary<string, object?> Silo(int port, int version, int status = 3) => new()
    {
        ["Address"] = "127.0.0.1",
        ["Port"] = port,
        ["Generation"] = 7,
        ["SiloName"] = $"silo-{port}",
        ["HostName"] = "host",
        ["Status"] = status,
        ["ProxyPort"] = port + 1,
        ["StartTime"] = now,
        ["IAmAliveTime"] = now,
        ["SuspectTimes"] = DBNull.Value,
        ["Version"] = version,
    };

    async Task<int> Version() =>
        Convert.ToInt32((await Rows("MembershipReadAllKey", new()))[0]["version"]);

    async Task<int> Scalar(string key, Dictionary<string, object?> parameters) =>
        Convert.ToInt32((await Rows(key, parameters))[0].Values.First());

    /// <summary>Runs a stored statement as the provider does: its text from OrleansQuery, parameters by name.</summary>
    async Task<List<Dictionary<string, object>>> Rows(string key, Dictionary<string, object?> parameters)
    {
        await using var text = database.CreateCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key;");
        text.Parameters.AddWithValue("key", key);
        await using var command = database.CreateCommand((string)(await text.ExecuteScalarAsync())!);
        command.Parameters.AddWithValue("DeploymentId", Cluster);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        // SuspectTimes may be NULL: tell PostgreSQL its type, as the provider's typed parameter does.
        if (command.Parameters.Contains("SuspectTimes"))
        {
            command.Parameters["SuspectTimes"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        }
        var rows = new List<Dictionary<string, object>>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(i => reader.GetName(i), reader.GetValue));
            }
        }
        while (await reader.NextResultAsync());
        return rows;
    }
}
