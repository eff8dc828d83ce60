using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ApiKeys.Tests.Cluster;

/// <summary>
/// The validation caches' invalidation across real processes: two Api front ends and three silos started by
/// <c>scripts/cluster.sh</c>. Each change is made through one front end, and right after it returns both front ends,
/// which had just answered for the key, answer the new truth.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class CacheInvalidationProcessTests(ClusterProcesses cluster) : IClassFixture<ClusterProcesses>
{
    [Fact]
    public async Task Revoke_delete_owner_removal_role_removal_and_tenant_disable_reach_both_front_ends_before_they_return()
    {
        const string tenantId = "invalidation";
        using (var created = await cluster.Client(cluster.FrontEnds[0], cluster.Settings["OPERATOR_TOKEN"])
                   .PostAsJsonAsync("/api/v1/tenants", new { id = tenantId, name = tenantId, firstAdmin = "alice" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var admin = cluster.Client(cluster.FrontEnds[0], await cluster.UserToken(tenantId, "alice"));
        await Send(admin, HttpMethod.Patch, $"/api/v1/api-keys/configs/{tenantId}", """[{"op":"replace","path":"/api_keys_enabled","value":true}]""");
        foreach (var user in new[] { "bob", "carol", "dave", "erin", "frank" })
        {
            await SetRoles(admin, user, "Developer", "TenantAdmin");
        }
        var keys = new Dictionary<string, (string Id, string Token)>();
        foreach (var user in new[] { "bob", "carol", "dave", "erin", "frank" })
        {
            var owner = cluster.Client(cluster.FrontEnds[1], await cluster.UserToken(tenantId, user));
            using var response = await owner.PostAsJsonAsync("/api/v1/api-keys", new { description = $"{user}'s key" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            keys[user] = (body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
        }
        foreach (var (_, token) in keys.Values)
        {
            await AcceptedEverywhere(token, "TenantAdmin,Developer");
        }

        await Send(admin, HttpMethod.Post, $"/api/v1/api-keys/{keys["bob"].Id}/actions/revoke");
        await RefusedEverywhere(keys["bob"].Token, "revoked");

        await Send(cluster.Client(cluster.FrontEnds[0], await cluster.UserToken(tenantId, "carol")), HttpMethod.Delete, $"/api/v1/api-keys/{keys["carol"].Id}");
        await RefusedEverywhere(keys["carol"].Token, "notFound");

        await Send(admin, HttpMethod.Delete, "/api/v1/users/dave");
        await RefusedEverywhere(keys["dave"].Token, "revoked");

        await SetRoles(admin, "erin", "Developer");
        await AcceptedEverywhere(keys["erin"].Token, "Developer");

        await Send(admin, HttpMethod.Patch, $"/api/v1/api-keys/configs/{tenantId}", """[{"op":"replace","path":"/api_keys_enabled","value":false}]""");
        await RefusedEverywhere(keys["frank"].Token, "tenantDisabled");
        await RefusedEverywhere(keys["erin"].Token, "tenantDisabled");
    }

    async Task AcceptedEverywhere(string token, string roles)
    {
        foreach (var frontEnd in cluster.FrontEnds)
        {
            // Twice: the first answer may come from the key, the second from the front end's cache.
            for (var i = 0; i < 2; i++)
            {
                using var response = await cluster.Client(frontEnd, token).GetAsync("/api/v1/auth/verify");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(roles, string.Join(',', response.Headers.GetValues("X-Roles")));
            }
        }
    }

    async Task RefusedEverywhere(string token, string code)
    {
        foreach (var frontEnd in cluster.FrontEnds.Reverse())
        {
            using var response = await cluster.Client(frontEnd).PostAsJsonAsync("/api/v1/api-keys/verify", new { token });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(code, body.GetProperty("code").GetString());
        }
    }

    async Task SetRoles(HttpClient admin, string user, params string[] roles) =>
        await Send(admin, HttpMethod.Patch, $"/api/v1/users/{user}",
            JsonSerializer.Serialize(new[] { new { op = "replace", path = "/assignedRoles", value = roles.Select(r => new { name = r }) } }));

    static async Task Send(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
