using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace ApiKeys.Tests.Cluster;

/// <summary>Silo loss and whole-cluster restarts, on real processes.</summary>
public sealed class SiloLossTests(ClusterProcesses cluster, ITestOutputHelper output) : IClassFixture<ClusterProcesses>
{
    /// <summary>The window the README documents for validation to recover after a silo is killed.</summary>
    static readonly TimeSpan DocumentedRecoveryWindow = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_silo_is_killed_every_key_still_validates_revoked_keys_stay_refused_and_validation_recovers_within_the_window()
    {
        var (valid, revoked, admin) = await Seed("silo-loss");
        using var load = new CancellationTokenSource();
        var acceptedRevoked = 0;
        var refusedValid = new List<DateTimeOffset>();
        // Continuous validation load through both front ends while the silo dies.
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var client = cluster.Client(cluster.FrontEnds[worker % 2]);
            for (var i = worker; !load.IsCancellationRequested; i++)
            {
                var token = i % 4 == 0 ? revoked[i % revoked.Count] : valid[i % valid.Count];
                var ok = await Validates(client, token);
                if (ok && revoked.Contains(token))
                {
                    Interlocked.Increment(ref acceptedRevoked);
                }
                if (!ok && !revoked.Contains(token))
                {
                    lock (refusedValid)
                    {
                        refusedValid.Add(DateTimeOffset.UtcNow);
                    }
                }
            }
        })).ToList();

        var killed = DateTimeOffset.UtcNow;
        cluster.KillSilo(2);
        // Recovered when a whole sweep of every key through both front ends is right, three times in a row.
        var clean = 0;
        DateTimeOffset? recovered = null;
        while (clean < 3)
        {
            Assert.True(DateTimeOffset.UtcNow - killed < TimeSpan.FromSeconds(90), "validation did not recover within 90 s");
            var sweepStarted = DateTimeOffset.UtcNow;
            var right = await Task.WhenAll(cluster.FrontEnds.SelectMany(f => valid.Select(t => (f, t, expected: true)).Concat(revoked.Select(t => (f, t, expected: false))))
                .Select(async c => await Validates(cluster.Client(c.f), c.t) == c.expected));
            clean = right.All(r => r) ? clean + 1 : 0;
            recovered = clean == 1 ? sweepStarted : clean == 0 ? null : recovered;
        }
        await load.CancelAsync();
        await Task.WhenAll(workers);

        var window = (refusedValid.Count > 0 ? refusedValid.Max() : killed) - killed;
        output.WriteLine($"silo killed; valid keys refused for {window.TotalSeconds:0.0} s under load " +
            $"({refusedValid.Count} refusals), every key right again {(recovered!.Value - killed).TotalSeconds:0.0} s after the kill");
        Assert.Equal(0, acceptedRevoked);
        Assert.True(window < DocumentedRecoveryWindow, $"recovery took {window.TotalSeconds:0.0} s");

        // Writes go on: a key created after the loss validates, and revoking it holds.
        var after = await Generate(admin, "after the loss");
        Assert.True(await Validates(cluster.Client(cluster.FrontEnds[1]), after.Token));
        await Revoke(admin, after.Id);
        Assert.False(await Validates(cluster.Client(cluster.FrontEnds[1]), after.Token));
    }

    [Fact]
    public async Task After_the_whole_cluster_restarts_every_key_setting_and_status_is_back()
    {
        var (valid, revoked, admin) = await Seed("restart");

        await cluster.StopNodes();
        await cluster.StartNodes();

        foreach (var frontEnd in cluster.FrontEnds)
        {
            var client = cluster.Client(frontEnd);
            foreach (var token in valid)
            {
                Assert.True(await Validates(client, token));
            }
            foreach (var token in revoked)
            {
                Assert.False(await Validates(client, token));
            }
        }
        using var config = await admin.GetAsync("/api/v1/api-keys/configs/restart");
        Assert.Equal(100, (await config.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("max_keys_per_user").GetInt32());
        using var me = await admin.GetAsync("/api/v1/users/me");
        Assert.Equal(2, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignedRoles").GetArrayLength());
        using var events = await admin.GetAsync($"/api/v1/audits?type={EventTypes.KeyCreated}&limit=100");
        Assert.Equal(20, (await events.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetArrayLength());
    }

    /// <summary>A tenant with 15 valid and 5 revoked keys, made through the front ends.</summary>
    async Task<(List<string> Valid, List<string> Revoked, HttpClient Admin)> Seed(string tenantId)
    {
        using (var created = await cluster.Client(cluster.FrontEnds[0], cluster.Settings["OPERATOR_TOKEN"])
                   .PostAsJsonAsync("/api/v1/tenants", new { id = tenantId, name = tenantId, firstAdmin = "alice" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var admin = cluster.Client(cluster.FrontEnds[1], await cluster.UserToken(tenantId, "alice"));
        await Patch(admin, $"/api/v1/api-keys/configs/{tenantId}", """[{"op":"replace","path":"/api_keys_enabled","value":true},{"op":"replace","path":"/max_keys_per_user","value":100}]""");
        await Patch(admin, "/api/v1/users/alice", """[{"op":"replace","path":"/assignedRoles","value":[{"name":"TenantAdmin"},{"name":"Developer"}]}]""");
        var keys = new List<(string Id, string Token)>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await Generate(admin, $"key {i}"));
        }
        foreach (var (id, _) in keys.Take(5))
        {
            await Revoke(admin, id);
        }
        return (keys.Skip(5).Select(k => k.Token).ToList(), keys.Take(5).Select(k => k.Token).ToList(), admin);
    }

    static async Task Patch(HttpClient client, string path, string body)
    {
        using var response = await client.PatchAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Generates a key, retrying while the cluster reassigns a lost silo's grains; the acknowledged key is what counts.</summary>
    static async Task<(string Id, string Token)> Generate(HttpClient admin, string description)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { description });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                return (body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
            }
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && deadline.Elapsed < TimeSpan.FromSeconds(60),
                $"generation failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    static async Task Revoke(HttpClient admin, string id)
    {
        using var response = await admin.PostAsync($"/api/v1/api-keys/{id}/actions/revoke", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    static async Task<bool> Validates(HttpClient client, string token)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/api/v1/api-keys/verify", new { token });
            return response.StatusCode == HttpStatusCode.OK &&
                (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("valid").GetBoolean();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
