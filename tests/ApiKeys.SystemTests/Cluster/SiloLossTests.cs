using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace ApiKeys.Tests.Cluster;

/// <summary>Silo loss and whole-cluster restarts, on real processes.</summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class SiloLossTests(ClusterProcesses cluster, ITestOutputHelper output) : IClassFixture<ClusterProcesses>
{
    /// <summary>The README's window for validation to recover after a silo process is killed.</summary>
    static readonly TimeSpan DocumentedRecoveryWindow = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_a_silo_is_killed_every_acknowledged_write_holds_revoked_keys_stay_refused_and_validation_recovers_within_the_window()
    {
        var (valid, revoked, admin) = await Seed("silo-loss", maxKeysPerUser: 1000);
        var clients = cluster.FrontEnds.Select(f => cluster.Client(f)).ToArray();
        using var load = new CancellationTokenSource();
        var acceptedRevoked = 0;
        var refusedValid = new ConcurrentBag<DateTimeOffset>();
        // Continuous validation load through both front ends while the silo dies.
        var validators = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !load.IsCancellationRequested; i++)
            {
                var isRevoked = i % 4 == 0;
                var token = isRevoked ? revoked[i % revoked.Count] : valid[i % valid.Count];
                var ok = await Validates(clients[worker % 2], token);
                if (ok && isRevoked)
                {
                    Interlocked.Increment(ref acceptedRevoked);
                }
                if (!ok && !isRevoked)
                {
                    refusedValid.Add(DateTimeOffset.UtcNow);
                }
            }
        })).ToList();
        // And writes: every create and revoke the service acknowledges during the loss must hold afterwards.
        var created = new ConcurrentBag<string>();
        var revokedDuringLoss = new ConcurrentBag<string>();
        var writeOutcomes = new ConcurrentDictionary<string, int>();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !load.IsCancellationRequested; i++)
            {
                using var response = await Send(() => admin.PostAsJsonAsync("/api/v1/api-keys", new { description = $"during {i}" }));
                writeOutcomes.AddOrUpdate(response is null ? "no answer" : ((int)response.StatusCode).ToString(), 1, (_, n) => n + 1);
                if (response?.StatusCode != HttpStatusCode.Created)
                {
                    continue;
                }
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                var (id, token) = (body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
                if (i % 3 != 0)
                {
                    created.Add(token);
                    continue;
                }
                // A revoke that got no acknowledgement may still have happened: such a key is in neither set.
                using var revoke = await Send(() => admin.PostAsync($"/api/v1/api-keys/{id}/actions/revoke", null));
                if (revoke?.StatusCode == HttpStatusCode.OK)
                {
                    revokedDuringLoss.Add(token);
                }
            }
        });

        var killed = DateTimeOffset.UtcNow;
        cluster.KillSilo(2);
        // Recovered when a whole sweep of every key through both front ends is right, three times in a row.
        var clean = 0;
        DateTimeOffset? recovered = null;
        while (clean < 3)
        {
            Assert.True(DateTimeOffset.UtcNow - killed < TimeSpan.FromSeconds(90), "validation did not recover within 90 s");
            var sweepStarted = DateTimeOffset.UtcNow;
            var results = await Task.WhenAll(clients.SelectMany(c =>
                valid.Select(async t => await Validates(c, t) ? 0 : 1).Concat(revoked.Select(async t => await Validates(c, t) ? 2 : 0))));
            acceptedRevoked += results.Count(r => r == 2);
            clean = results.All(r => r == 0) ? clean + 1 : 0;
            recovered = clean == 1 ? sweepStarted : clean == 0 ? null : recovered;
        }
        // Let the writer land some acknowledged writes after the loss too, before the load stops.
        while (created.Count + revokedDuringLoss.Count < 10)
        {
            Assert.True(DateTimeOffset.UtcNow - killed < TimeSpan.FromSeconds(90), "no write was acknowledged after the loss");
            await Task.Delay(100);
        }
        await load.CancelAsync();
        await Task.WhenAll([.. validators, writer]);

        var window = (refusedValid.IsEmpty ? killed : refusedValid.Max()) - killed;
        output.WriteLine($"silo killed; valid keys refused for {window.TotalSeconds:0.0} s under load ({refusedValid.Count} refusals), " +
            $"every key right again {(recovered!.Value - killed).TotalSeconds:0.0} s after the kill; " +
            $"{created.Count + revokedDuringLoss.Count} keys created and {revokedDuringLoss.Count} revoked meanwhile " +
            $"(creations answered: {string.Join(", ", writeOutcomes.Select(o => $"{o.Key} x{o.Value}"))})");
        Assert.Equal(0, acceptedRevoked);
        Assert.True(window < DocumentedRecoveryWindow, $"recovery took {window.TotalSeconds:0.0} s");
        Assert.NotEmpty(created);
        foreach (var token in created)
        {
            Assert.True(await Validates(clients[1], token) || await Validates(clients[0], token),
                $"a key created during the loss does not validate: {await Answer(clients[1], token)}; key: {await Describe(admin, token)}");
        }
        foreach (var token in revokedDuringLoss)
        {
            Assert.False(await Validates(clients[0], token), "a key revoked during the loss validates");
        }
        await AssertDeclaredDead(killed);
    }

    [Fact]
    public async Task After_the_whole_cluster_restarts_every_key_setting_role_status_and_event_is_back()
    {
        var (valid, revoked, _) = await Seed("restart");

        await cluster.StopNodes();
        await cluster.StartNodes();

        foreach (var client in cluster.FrontEnds.Select(f => cluster.Client(f)))
        {
            foreach (var token in valid)
            {
                Assert.True(await Validates(client, token));
            }
            foreach (var token in revoked)
            {
                Assert.False(await Validates(client, token));
            }
        }
        var admin = cluster.Client(cluster.FrontEnds[0], await cluster.UserToken("restart", "alice"));
        using var config = await admin.GetAsync("/api/v1/api-keys/configs/restart");
        Assert.Equal(100, (await config.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("max_keys_per_user").GetInt32());
        using var me = await admin.GetAsync("/api/v1/users/me");
        Assert.Equal(2, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignedRoles").GetArrayLength());
        using var events = await admin.GetAsync($"/api/v1/audits?type={EventTypes.KeyCreated}&limit=100");
        Assert.Equal(20, (await events.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetArrayLength());
    }

    /// <summary>The killed silo ends up Dead (6) in the membership table, which is what moved its grains elsewhere.</summary>
    async Task AssertDeclaredDead(DateTimeOffset killed)
    {
        await using var database = NpgsqlDataSource.Create(cluster.Settings["DATABASE"]);
        while (true)
        {
            await using var command = database.CreateCommand("SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 6;");
            if ((long)(await command.ExecuteScalarAsync())! >= 1)
            {
                return;
            }
            Assert.True(DateTimeOffset.UtcNow - killed < TimeSpan.FromSeconds(90), "the killed silo was never declared dead");
            await Task.Delay(250);
        }
    }

    /// <summary>A tenant with 15 valid and 5 revoked keys, made through the front ends.</summary>
    async Task<(List<string> Valid, List<string> Revoked, HttpClient Admin)> Seed(string tenantId, int maxKeysPerUser = 100)
    {
        using (var created = await cluster.Client(cluster.FrontEnds[0], cluster.Settings["OPERATOR_TOKEN"])
                   .PostAsJsonAsync("/api/v1/tenants", new { id = tenantId, name = tenantId, firstAdmin = "alice" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var admin = cluster.Client(cluster.FrontEnds[1], await cluster.UserToken(tenantId, "alice"));
        await Patch(admin, $"/api/v1/api-keys/configs/{tenantId}",
            $$"""[{"op":"replace","path":"/api_keys_enabled","value":true},{"op":"replace","path":"/max_keys_per_user","value":{{maxKeysPerUser}}}]""");
        await Patch(admin, "/api/v1/users/alice", """[{"op":"replace","path":"/assignedRoles","value":[{"name":"TenantAdmin"},{"name":"Developer"}]}]""");
        var keys = new List<(string Id, string Token)>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { description = $"key {i}" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            keys.Add((body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!));
        }
        foreach (var (id, _) in keys.Take(5))
        {
            using var response = await admin.PostAsync($"/api/v1/api-keys/{id}/actions/revoke", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return (keys.Skip(5).Select(k => k.Token).ToList(), keys.Take(5).Select(k => k.Token).ToList(), admin);
    }

    static async Task Patch(HttpClient client, string path, string body)
    {
        using var response = await client.PatchAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>A call during the loss may fail outright; only what the service acknowledged counts.</summary>
    static async Task<HttpResponseMessage?> Send(Func<Task<HttpResponseMessage>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    static async Task<string> Answer(HttpClient client, string token)
    {
        using var response = await Send(() => client.PostAsJsonAsync("/api/v1/api-keys/verify", new { token }));
        return response is null ? "no answer" : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    static async Task<string> Describe(HttpClient admin, string token)
    {
        using var response = await Send(() => admin.GetAsync($"/api/v1/api-keys/{token.Substring(4, 24)}"));
        return response is null ? "no answer" : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    static async Task<bool> Validates(HttpClient client, string token)
    {
        using var response = await Send(() => client.PostAsJsonAsync("/api/v1/api-keys/verify", new { token }));
        return response?.StatusCode == HttpStatusCode.OK &&
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("valid").GetBoolean();
    }
}
