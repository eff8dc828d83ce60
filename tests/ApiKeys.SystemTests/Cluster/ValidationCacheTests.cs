using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiKeys.Api.Authentication;
using ApiKeys.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Tests.Cluster;

/// <summary>
/// Front ends answer busy keys from their caches. Every change that makes a cached answer wrong reaches every front end
/// before it is acknowledged: right after it returns, both front ends, each holding the key in its cache, answer the new
/// truth. Two silos and two front ends (Orleans clients) on PostgreSQL; the product clock is the test's.
/// </summary>
public sealed class ValidationCacheTests(PostgresClusterNodes cluster) : IClassFixture<PostgresClusterNodes>
{
    PostgresClusterNodes.FrontEnd First => cluster.FrontEnds[0];

    [Fact]
    public async Task After_a_revoke_returns_every_front_end_refuses_the_key_it_had_cached()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);

        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null));

        await RefusedByEveryFrontEnd(key.Token, "revoked");
    }

    [Fact]
    public async Task After_a_suspend_returns_every_front_end_refuses_the_key_it_had_cached_and_after_a_resume_accepts_it()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);

        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/suspend", null));
        await RefusedByEveryFrontEnd(key.Token, "suspended");

        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/resume", null));
        await CachedByEveryFrontEnd(key.Token);
    }

    [Fact]
    public async Task After_the_owner_deletes_a_key_every_front_end_refuses_it()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);

        using var deleted = await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{key.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await RefusedByEveryFrontEnd(key.Token, "notFound");
    }

    [Fact]
    public async Task After_a_rotation_every_front_end_refuses_the_old_key_from_the_end_of_its_grace()
    {
        var tenant = await HttpTenant.Create(First);
        var graced = await tenant.Generate();
        var leaked = await tenant.Generate();
        await CachedByEveryFrontEnd(graced.Token);
        await CachedByEveryFrontEnd(leaked.Token);

        await HttpExpect.Ok(await tenant.Developer.PostAsJsonAsync($"/api/v1/api-keys/{leaked.Id}/actions/rotate", new { gracePeriod = "PT0S" }),
            HttpStatusCode.Created);
        await RefusedByEveryFrontEnd(leaked.Token, "expired");

        await HttpExpect.Ok(await tenant.Developer.PostAsJsonAsync($"/api/v1/api-keys/{graced.Id}/actions/rotate", new { gracePeriod = "PT1M" }),
            HttpStatusCode.Created);
        await CachedByEveryFrontEnd(graced.Token);
        cluster.Time.Advance(TimeSpan.FromMinutes(1));
        await RefusedByEveryFrontEnd(graced.Token, "expired");
    }

    [Fact]
    public async Task At_its_expiry_instant_every_front_end_refuses_a_key_it_had_cached()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate(body: new { description = "short", expiry = "PT1H" });
        await CachedByEveryFrontEnd(key.Token);

        cluster.Time.Advance(TimeSpan.FromHours(1));

        await RefusedByEveryFrontEnd(key.Token, "expired");
    }

    [Fact]
    public async Task After_a_role_is_removed_every_front_end_answers_with_the_owners_new_roles()
    {
        var tenant = await HttpTenant.Create(First);
        var owner = await tenant.AddUser("lead", "Developer", "TenantAdmin");
        var key = await tenant.Generate(owner);
        await CachedByEveryFrontEnd(key.Token);
        Assert.All(await RolesAtEveryFrontEnd(key.Token), roles => Assert.Equal("TenantAdmin,Developer", roles));

        await tenant.SetRoles("lead", "Developer");

        Assert.All(await RolesAtEveryFrontEnd(key.Token), roles => Assert.Equal("Developer", roles));
        foreach (var frontEnd in cluster.FrontEnds)
        {
            // The key acts as its owner, who may no longer administer the tenant.
            await HttpExpect.Error(await frontEnd.As(key.Token).GetAsync("/api/v1/users"), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        }
    }

    [Fact]
    public async Task After_the_owner_is_removed_from_the_tenant_every_front_end_refuses_the_key()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);

        using var removed = await tenant.Admin.DeleteAsync("/api/v1/users/dev");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        await RefusedByEveryFrontEnd(key.Token, "revoked");
    }

    [Fact]
    public async Task After_the_tenant_disables_api_keys_every_front_end_refuses_its_keys_and_serves_them_again_once_enabled()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);

        await tenant.Configure("/api_keys_enabled", false);
        await RefusedByEveryFrontEnd(key.Token, "tenantDisabled");

        await tenant.Configure("/api_keys_enabled", true);
        await CachedByEveryFrontEnd(key.Token);
    }

    [Fact]
    public async Task A_wrong_secret_for_a_cached_key_is_refused_and_reaches_the_key()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);
        var forged = ApiKeyToken.Issue(key.Id).Token;

        foreach (var frontEnd in cluster.FrontEnds)
        {
            var refused = await Verify(frontEnd, forged);
            Assert.Equal("notFound", refused.GetProperty("code").GetString());
            Assert.False(refused.TryGetProperty("keyId", out _));
        }
        // Counted by the key, where its tenant sees it: the cache never answered for the forged secret.
        await Flush(key.Id);
        var usage = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/{key.Id}/usage?window=PT1H"));
        Assert.Equal(2, usage.GetProperty("failures").GetInt32());
    }

    [Fact]
    public async Task Validations_answered_from_the_caches_are_counted_as_usage_of_the_key()
    {
        var tenant = await HttpTenant.Create(First);
        var key = await tenant.Generate();
        await CachedByEveryFrontEnd(key.Token);
        foreach (var frontEnd in cluster.FrontEnds)
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.True((await Verify(frontEnd, key.Token)).GetProperty("valid").GetBoolean());
            }
        }

        await Flush(key.Id);

        var usage = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/{key.Id}/usage?window=PT1H"));
        Assert.Equal(ValidationsToCache * 2 + 20, usage.GetProperty("successes").GetInt32());
        Assert.Equal(cluster.Time.GetUtcNow().ToUnixTimeMilliseconds(), usage.GetProperty("lastUsed").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    const int ValidationsToCache = 2;

    /// <summary>Validates through every front end until each holds the key's answer in its cache.</summary>
    async Task CachedByEveryFrontEnd(string token)
    {
        foreach (var frontEnd in cluster.FrontEnds)
        {
            for (var i = 0; i < ValidationsToCache; i++)
            {
                Assert.True((await Verify(frontEnd, token)).GetProperty("valid").GetBoolean());
            }
            Assert.True(IsCached(frontEnd, token), "the front end did not cache the key's answer");
        }
    }

    async Task RefusedByEveryFrontEnd(string token, string code)
    {
        foreach (var frontEnd in cluster.FrontEnds)
        {
            Assert.False(IsCached(frontEnd, token));
            var answer = await Verify(frontEnd, token);
            Assert.False(answer.GetProperty("valid").GetBoolean());
            Assert.Equal(code, answer.GetProperty("code").GetString());
            using var forwardAuth = await frontEnd.As(token).GetAsync("/api/v1/auth/verify");
            Assert.Equal(HttpStatusCode.Unauthorized, forwardAuth.StatusCode);
        }
    }

    async Task<List<string>> RolesAtEveryFrontEnd(string token)
    {
        var roles = new List<string>();
        foreach (var frontEnd in cluster.FrontEnds)
        {
            using var response = await frontEnd.As(token).GetAsync("/api/v1/auth/verify");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            roles.Add(string.Join(',', response.Headers.GetValues("X-Roles")));
        }
        return roles;
    }

    bool IsCached(PostgresClusterNodes.FrontEnd frontEnd, string token)
    {
        Assert.True(ApiKeyToken.TryParse(token, out var keyId, out var secretHash));
        return frontEnd.Services.GetRequiredService<ValidationCache>().TryGet(keyId, secretHash, cluster.Time.GetUtcNow(), default, out _);
    }

    static async Task<JsonElement> Verify(ApiFixture frontEnd, string token) =>
        await HttpExpect.Ok(await frontEnd.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token }));

    async Task Flush(string keyId)
    {
        foreach (var frontEnd in cluster.FrontEnds)
        {
            await frontEnd.Services.GetRequiredService<KeyValidator>().Flush();
        }
        await First.Services.GetRequiredService<IGrainFactory>().GetGrain<IApiKeyGrain>(keyId).FlushUsage();
    }
}
