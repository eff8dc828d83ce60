using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApiKeys.Tests.Http;

/// <summary>Our extensions: search, revoke, bulk revoke, delete-mine, users and roles, tenants, validation.</summary>
public abstract class ExtensionsTests(ApiFixture api)
{
    [Fact]
    public async Task Search_finds_keys_by_description_substring_exact_id_and_owner()
    {
        var tenant = await HttpTenant.Create(api);
        var deploy = await tenant.Generate(description: "Deploy Bot");
        var report = await tenant.Generate(await tenant.AddUser("carol", "Developer"), "nightly report");

        Assert.Equal([deploy.Id], Ids(await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=ploy%20b"))));
        Assert.Equal([report.Id], Ids(await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys?q={report.Id}"))));
        Assert.Equal([report.Id], Ids(await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=carol"))));
        // Combined with Qlik's filters, and limited to one's own keys for a Developer.
        Assert.Empty(Ids(await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=carol&status=revoked"))));
        Assert.Empty(Ids(await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys?q=carol"))));
    }

    [Fact]
    public async Task Revoke_is_for_TenantAdmins_and_only_active_keys()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();

        await HttpExpect.Error(await tenant.Developer.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null),
            HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        var revoked = await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null));
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        await HttpExpect.Error(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null),
            HttpStatusCode.Conflict, "APIKEYS-NOT-ACTIVE");
        await HttpExpect.Error(await api.As(key.Token).GetAsync("/api/v1/users/me"), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
    }

    [Fact]
    public async Task Bulk_revoke_reports_each_ids_outcome()
    {
        var tenant = await HttpTenant.Create(api);
        var one = await tenant.Generate();
        var two = await tenant.Generate();
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{two.Id}/actions/revoke", null));
        var other = await HttpTenant.Create(api);
        var foreign = await other.Generate();

        var body = await HttpExpect.Ok(await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys/actions/revoke",
            new { ids = new[] { one.Id, two.Id, foreign.Id, "not-a-key" } }));

        var outcomes = body.GetProperty("data").EnumerateArray().ToDictionary(o => o.GetProperty("id").GetString()!);
        Assert.Equal("revoked", outcomes[one.Id].GetProperty("status").GetString());
        Assert.Equal("APIKEYS-NOT-ACTIVE", outcomes[two.Id].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(409, outcomes[two.Id].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("APIKEYS-KEY-NOT-FOUND", outcomes[foreign.Id].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("APIKEYS-KEY-NOT-FOUND", outcomes["not-a-key"].GetProperty("error").GetProperty("code").GetString());
        var stillActive = await HttpExpect.Ok(await other.Admin.GetAsync($"/api/v1/api-keys/{foreign.Id}"));
        Assert.Equal("active", stillActive.GetProperty("status").GetString());

        await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys/actions/revoke", new { ids = new[] { one.Id } }),
            HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
    }

    [Fact]
    public async Task Delete_mine_removes_every_key_the_caller_owns_and_no_one_elses()
    {
        var tenant = await HttpTenant.Create(api);
        var mine = new[] { await tenant.Generate(), await tenant.Generate() };
        var carol = await tenant.AddUser("carol", "Developer");
        var hers = await tenant.Generate(carol);

        var body = await HttpExpect.Ok(await tenant.Developer.PostAsync("/api/v1/api-keys/actions/delete-mine", null));

        Assert.Equal(2, body.GetProperty("deleted").GetInt32());
        Assert.Empty(Ids(await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys"))));
        foreach (var key in mine)
        {
            await HttpExpect.Error(await api.As(key.Token).GetAsync("/api/v1/users/me"), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        }
        Assert.Equal([hers.Id], Ids(await HttpExpect.Ok(await carol.GetAsync("/api/v1/api-keys"))));
    }

    [Fact]
    public async Task Users_me_shows_the_caller_and_current_roles_for_user_tokens_and_api_keys()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();

        var me = await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/users/me"));
        Assert.Equal("dev", me.GetProperty("id").GetString());
        Assert.Equal(tenant.Id, me.GetProperty("tenantId").GetString());
        Assert.Equal(["Developer"], Roles(me));

        var viaKey = await HttpExpect.Ok(await api.As(key.Token).GetAsync("/api/v1/users/me"));
        Assert.Equal("dev", viaKey.GetProperty("id").GetString());
        Assert.Equal(key.Id, viaKey.GetProperty("apiKeyId").GetString());

        // Roles are the owner's current ones: a change applies to the key's next request.
        await tenant.SetRoles("dev", "Developer", "TenantAdmin");
        Assert.Equal(["TenantAdmin", "Developer"], Roles(await HttpExpect.Ok(await api.As(key.Token).GetAsync("/api/v1/users/me"))));
        var asAdmin = await HttpExpect.Ok(await api.As(key.Token).GetAsync("/api/v1/users"));
        Assert.Contains(asAdmin.GetProperty("data").EnumerateArray(), u => u.GetProperty("id").GetString() == "admin");
    }

    [Fact]
    public async Task TenantAdmins_list_users_assign_and_remove_roles_and_removal_revokes_keys()
    {
        var tenant = await HttpTenant.Create(api);
        var carol = await tenant.AddUser("carol", "Developer");
        var key = await tenant.Generate(carol);

        var users = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/users"));
        var byId = users.GetProperty("data").EnumerateArray().ToDictionary(u => u.GetProperty("id").GetString()!, Roles);
        Assert.Equal(["TenantAdmin"], byId["admin"]);
        Assert.Equal(["Developer"], byId["dev"]);
        Assert.Equal(["Developer"], byId["carol"]);

        // Removing a role: replace with the roles that stay.
        await tenant.SetRoles("carol");
        await HttpExpect.Error(await carol.PostAsJsonAsync("/api/v1/api-keys", new { description = "no role" }),
            HttpStatusCode.Forbidden, "APIKEYS-DEVELOPER-REQUIRED");
        Assert.True((await HttpExpect.Ok(await api.As(key.Token).GetAsync("/api/v1/users/me"))).GetProperty("assignedRoles").GetArrayLength() == 0);

        await HttpExpect.NoContent(await tenant.Admin.DeleteAsync("/api/v1/users/carol"));
        var after = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/{key.Id}"));
        Assert.Equal("revoked", after.GetProperty("status").GetString());
        await HttpExpect.Error(await tenant.Admin.DeleteAsync("/api/v1/users/carol"), HttpStatusCode.NotFound, "APIKEYS-USER-NOT-FOUND");

        await HttpExpect.Error(await tenant.Developer.GetAsync("/api/v1/users"), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        await HttpExpect.Error(await tenant.Developer.PatchAsync("/api/v1/users/dev", HttpTenant.Raw(
            """[{"op":"replace","path":"/assignedRoles","value":[{"name":"TenantAdmin"}]}]""")), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
    }

    [Fact]
    public async Task The_operator_creates_and_reads_tenants_and_members_read_only_their_own()
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var created = await HttpExpect.Ok(await api.Operator().PostAsJsonAsync("/api/v1/tenants",
            new { id, name = "Acme", firstAdmin = "alice" }), HttpStatusCode.Created);
        Assert.Equal(id, created.GetProperty("id").GetString());
        Assert.Equal("Acme", created.GetProperty("name").GetString());

        Assert.Equal("Acme", (await HttpExpect.Ok(await api.Operator().GetAsync($"/api/v1/tenants/{id}"))).GetProperty("name").GetString());
        Assert.Equal("Acme", (await HttpExpect.Ok(await api.User(id, "alice").GetAsync($"/api/v1/tenants/{id}"))).GetProperty("name").GetString());
        var elsewhere = await HttpTenant.Create(api);
        await HttpExpect.Error(await elsewhere.Admin.GetAsync($"/api/v1/tenants/{id}"), HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");
        // Someone no tenant has added is told that, and nothing of this one.
        await HttpExpect.Error(await api.User("elsewhere", "bob").GetAsync($"/api/v1/tenants/{id}"), HttpStatusCode.Forbidden, "APIKEYS-NOT-MEMBER");
        await HttpExpect.Error(await api.Operator().GetAsync("/api/v1/tenants/never-made"), HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");

        await HttpExpect.Error(await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { id, name = "Again", firstAdmin = "alice" }),
            HttpStatusCode.Conflict, "APIKEYS-TENANT-EXISTS");
        // The first admin administers the new tenant at once; keys start disabled.
        var me = await HttpExpect.Ok(await api.User(id, "alice").GetAsync("/api/v1/users/me"));
        Assert.Equal(["TenantAdmin"], Roles(me));
        var config = await HttpExpect.Ok(await api.User(id, "alice").GetAsync($"/api/v1/api-keys/configs/{id}"));
        Assert.False(config.GetProperty("api_keys_enabled").GetBoolean());

        var generated = await HttpExpect.Ok(await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { name = "No id", firstAdmin = "zed" }),
            HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(generated.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Verify_answers_the_identity_of_a_valid_key_and_the_reason_for_a_refused_one()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var anonymous = api.Anonymous();

        var valid = await HttpExpect.Ok(await anonymous.PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token }));
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Equal("valid", valid.GetProperty("code").GetString());
        Assert.Equal(key.Id, valid.GetProperty("keyId").GetString());
        Assert.Equal(tenant.Id, valid.GetProperty("tenantId").GetString());
        Assert.Equal("dev", valid.GetProperty("sub").GetString());
        Assert.Equal("user", valid.GetProperty("subType").GetString());
        Assert.Equal(["Developer"], valid.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(key.Body.GetProperty("expiry").GetDateTimeOffset(), valid.GetProperty("expiry").GetDateTimeOffset());

        var malformed = await HttpExpect.Ok(await anonymous.PostAsJsonAsync("/api/v1/api-keys/verify", new { token = "qlk_nonsense" }));
        Assert.False(malformed.GetProperty("valid").GetBoolean());
        Assert.Equal("malformed", malformed.GetProperty("code").GetString());

        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null));
        var revoked = await HttpExpect.Ok(await anonymous.PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token }));
        Assert.Equal("revoked", revoked.GetProperty("code").GetString());
        Assert.False(revoked.TryGetProperty("sub", out _));
    }

    [Fact]
    public async Task Forward_auth_renders_a_key_answer_afresh_when_its_owner_roles_change()
    {
        // The answer is rendered once per validation answer: a role change must give the next request new headers and body.
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        for (var i = 0; i < 3; i++)
        {
            using var before = await api.As(key.Token).GetAsync("/api/v1/auth/verify");
            Assert.Equal("Developer", before.Headers.GetValues("X-Roles").Single());
        }

        await tenant.SetRoles("dev", "Developer", "TenantAdmin");
        using var after = await api.As(key.Token).GetAsync("/api/v1/auth/verify");
        Assert.Equal("TenantAdmin,Developer", after.Headers.GetValues("X-Roles").Single());
        var body = await HttpExpect.Ok(after);
        Assert.Equal(["TenantAdmin", "Developer"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Forward_auth_answers_200_with_identity_headers_or_401()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();

        using var ok = await api.As(key.Token).GetAsync("/api/v1/auth/verify");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(key.Id, ok.Headers.GetValues("X-ApiKey-Id").Single());
        Assert.Equal(tenant.Id, ok.Headers.GetValues("X-Tenant-Id").Single());
        Assert.Equal("dev", ok.Headers.GetValues("X-Sub").Single());
        Assert.Equal("user", ok.Headers.GetValues("X-Sub-Type").Single());
        Assert.Equal("Developer", ok.Headers.GetValues("X-Roles").Single());

        using var missing = await api.Anonymous().GetAsync("/api/v1/auth/verify");
        await HttpExpect.Error(missing, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        await HttpExpect.Error(await api.As(key.Token[..^1] + (key.Token[^1] == '0' ? '1' : '0')).GetAsync("/api/v1/auth/verify"), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");

        await HttpExpect.NoContent(await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{key.Id}"));
        using var deleted = await api.As(key.Token).GetAsync("/api/v1/auth/verify");
        await HttpExpect.Error(deleted, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        Assert.False(deleted.Headers.Contains("X-ApiKey-Id"));
    }

    [Fact]
    public async Task A_TenantAdmin_generates_keys_for_members_and_external_clients()
    {
        var tenant = await HttpTenant.Create(api);
        var forDev = await tenant.Generate(tenant.Admin, body: new { description = "for dev", sub = "dev" });
        Assert.Equal("dev", forDev.Body.GetProperty("sub").GetString());
        Assert.Equal("admin", forDev.Body.GetProperty("createdByUser").GetString());

        var client = await tenant.Generate(tenant.Admin, body: new { description = "partner", sub = "partner-app", subType = "externalClient", expiry = "P30D" });
        Assert.Equal("externalClient", client.Body.GetProperty("subType").GetString());
        using var verified = await api.As(client.Token).GetAsync("/api/v1/auth/verify");
        Assert.Equal("externalClient", verified.Headers.GetValues("X-Sub-Type").Single());

        // An external client is not a member: its key validates for gateways but calls no member endpoint, and has no roles.
        var verified2 = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = client.Token }));
        Assert.Empty(verified2.GetProperty("roles").EnumerateArray());
        await HttpExpect.Error(await api.As(client.Token).GetAsync("/api/v1/users/me"), HttpStatusCode.Forbidden, "APIKEYS-FORBIDDEN");
        await HttpExpect.Error(await api.As(client.Token).GetAsync("/api/v1/api-keys"), HttpStatusCode.Forbidden, "APIKEYS-FORBIDDEN");
        // Nor can a client key be made under a member's id, which would lend it that member's rights.
        var error = await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys",
            new { description = "x", sub = "dev", subType = "externalClient" }), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("/sub", error.Pointer());

        await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys", new { description = "x", sub = "admin" }),
            HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys",
            new { description = "x", sub = "partner-2", subType = "externalClient" }), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
    }

    static string[] Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();

    static string[] Roles(JsonElement user) => user.GetProperty("assignedRoles").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray();
}

[Collection(ApiCollection.Name)]
public sealed class ExtensionsOnEmbedded(ApiFixture api) : ExtensionsTests(api);
