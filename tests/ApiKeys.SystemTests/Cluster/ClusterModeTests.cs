using System.Net;
using System.Net.Http.Json;
using ApiKeys.Tests.Http;
using Npgsql;

namespace ApiKeys.Tests.Cluster;

/// <summary>Cluster mode on PostgreSQL: silos that find each other, front ends that are clients, one shared truth.</summary>
public sealed class ClusterModeTests(PostgresClusterNodes cluster) : IClassFixture<PostgresClusterNodes>
{
    [Fact]
    public async Task Silos_join_one_cluster_through_the_membership_table()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3;", connection);
        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_key_made_through_one_front_end_validates_through_the_other_and_its_revoke_is_refused_there_at_once()
    {
        var (first, second) = (cluster.FrontEnds[0], cluster.FrontEnds[1]);
        var tenant = await HttpTenant.Create(first);
        var key = await tenant.Generate();

        var valid = await HttpExpect.Ok(await second.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token }));
        Assert.True(valid.GetProperty("valid").GetBoolean());
        using (var ok = await second.As(key.Token).GetAsync("/api/v1/auth/verify"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null));

        using var refused = await second.As(key.Token).GetAsync("/api/v1/auth/verify");
        await HttpExpect.Error(refused, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        var listed = await HttpExpect.Ok(await second.User(tenant.Id, "admin").GetAsync($"/api/v1/api-keys/{key.Id}"));
        Assert.Equal("revoked", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Front_ends_in_cluster_mode_are_ready_only_through_the_silos()
    {
        foreach (var frontEnd in cluster.FrontEnds)
        {
            await HttpExpect.Ok(await frontEnd.Anonymous().GetAsync("/health/ready"));
        }
    }
}
