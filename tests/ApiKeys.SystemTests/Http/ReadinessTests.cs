using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace ApiKeys.Tests.Http;

/// <summary>The Api co-hosting a silo whose cluster and state are on a PostgreSQL database of its own.</summary>
public sealed class PostgresApiFixture : ApiFixture
{
    public string ConnectionString { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabase();
        await base.InitializeAsync();
    }

    protected override void ConfigureMode(IWebHostBuilder builder)
    {
        builder.UseSetting("ApiKeys:Database", "postgres");
        builder.UseSetting("ConnectionStrings:ApiKeys", ConnectionString);
    }

    /// <summary>Lets the service connect to its database, or closes it to new connections and ends the open ones.</summary>
    public async Task AllowConnections(bool allowed)
    {
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database!;
        var server = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            ALTER DATABASE {database} WITH ALLOW_CONNECTIONS {(allowed ? "true" : "false")};
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database}' AND NOT {allowed};
            """, connection);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class ReadinessTests(PostgresApiFixture api) : IClassFixture<PostgresApiFixture>
{
    [Fact]
    public async Task Readiness_fails_while_the_database_is_unreachable_and_returns_with_it()
    {
        var client = api.Anonymous();
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await api.AllowConnections(false);
        try
        {
            var unready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            var body = await unready.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("unready", body.GetProperty("status").GetString());
            Assert.StartsWith("The database did not answer", body.GetProperty("failed").GetProperty("database").GetString());
            // The process itself is up: an orchestrator should stop sending traffic, not restart it.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await api.AllowConnections(true);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "readiness did not return within 30 s of the database");
            await Task.Delay(100);
        }
    }
}
