using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApiKeys.Tests.Http;

/// <summary>Qlik's api-keys endpoints, as Qlik's own clients (qlik-cli, @qlik/api, curl) use them.</summary>
public abstract class QlikApiKeysTests(ApiFixture api)
{
    static readonly string[] ApiKeyFields = ["id", "tenantId", "description", "status", "sub", "subType", "expiry", "createdByUser", "created", "lastUpdated"];

    [Fact]
    public async Task Create_answers_201_with_Qliks_ApiKeyWithToken_and_the_token_once()
    {
        var tenant = await HttpTenant.Create(api);
        using var response = await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys", new { description = "ci pipeline", expiry = "PT1H" });
        var body = await HttpExpect.Ok(response, HttpStatusCode.Created);

        Assert.Equal(ApiKeyFields.Append("token").Order(), body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("ci pipeline", body.GetProperty("description").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal("user", body.GetProperty("subType").GetString());
        Assert.Equal("dev", body.GetProperty("sub").GetString());
        Assert.Equal("dev", body.GetProperty("createdByUser").GetString());
        Assert.Equal(tenant.Id, body.GetProperty("tenantId").GetString());
        Assert.EndsWith("Z", body.GetProperty("created").GetString());
        var created = body.GetProperty("created").GetDateTimeOffset();
        Assert.Equal(created.AddHours(1), body.GetProperty("expiry").GetDateTimeOffset());
        Assert.StartsWith("qlk_", body.GetProperty("token").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.EndsWith($"/api/v1/api-keys/{body.GetProperty("id").GetString()}", response.Headers.Location?.ToString());

        // Never again: neither get nor list carries it.
        using var get = await tenant.Developer.GetAsync($"/api/v1/api-keys/{body.GetProperty("id").GetString()}");
        var key = await HttpExpect.Ok(get);
        Assert.Equal(ApiKeyFields.Order(), key.EnumerateObject().Select(p => p.Name).Order());
        var list = await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys"));
        Assert.DoesNotContain("token", list.GetRawText());
    }

    [Fact]
    public async Task Expiry_defaults_to_the_tenant_maximum()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_api_key_expiry", "P7D");
        var key = await tenant.Generate();
        Assert.Equal(key.Body.GetProperty("created").GetDateTimeOffset().AddDays(7), key.Body.GetProperty("expiry").GetDateTimeOffset());
    }

    [Fact]
    public async Task Patch_with_application_json_renames_and_answers_204_with_an_empty_body()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();

        await HttpExpect.NoContent(await tenant.Developer.PatchAsync($"/api/v1/api-keys/{key.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"renamed"}]""")));
        Assert.Equal("renamed", (await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"))).GetProperty("description").GetString());

        await HttpExpect.NoContent(await tenant.Developer.PatchAsync($"/api/v1/api-keys/{key.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"again"}]""", "application/json-patch+json")));
        Assert.Equal("again", (await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"))).GetProperty("description").GetString());

        // A TenantAdmin may rename another user's key too.
        await HttpExpect.NoContent(await tenant.Admin.PatchAsync($"/api/v1/api-keys/{key.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"by admin"}]""")));
    }

    [Fact]
    public async Task Owner_delete_removes_the_key_and_it_stops_validating()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();

        await HttpExpect.NoContent(await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{key.Id}"));

        await HttpExpect.Error(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/api-keys/{key.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await api.As(key.Token).GetAsync("/api/v1/users/me"), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
    }

    [Fact]
    public async Task Admin_delete_of_another_users_key_revokes_it_and_keeps_it()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();

        await HttpExpect.NoContent(await tenant.Admin.DeleteAsync($"/api/v1/api-keys/{key.Id}"));

        var kept = await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"));
        Assert.Equal("revoked", kept.GetProperty("status").GetString());
        var verify = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token }));
        Assert.Equal("revoked", verify.GetProperty("code").GetString());
        // Revoked is final: deleting it again as admin is a conflict, not a second revoke.
        await HttpExpect.Error(await tenant.Admin.DeleteAsync($"/api/v1/api-keys/{key.Id}"), HttpStatusCode.Conflict, "APIKEYS-NOT-ACTIVE");
    }

    [Fact]
    public async Task List_pages_with_absolute_links_that_keep_filters_sort_and_limit_and_can_be_followed()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_keys_per_user", 20);
        var made = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            made.Add((await tenant.Generate(description: $"key {i}")).Id);
        }
        await tenant.Generate(await tenant.AddUser("other", "Developer"), "other's key"); // another owner, filtered out below

        var seen = new List<string>();
        var url = "/api/v1/api-keys?sub=dev&sort=%2Bdescription&limit=3&status=active";
        var pages = 0;
        string? lastPage = null;
        while (url is not null)
        {
            var page = await HttpExpect.Ok(await tenant.Admin.GetAsync(url));
            pages++;
            var self = page.GetProperty("links").GetProperty("self").GetProperty("href").GetString()!;
            Assert.True(Uri.TryCreate(self, UriKind.Absolute, out _), self);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!));
            lastPage = self;
            url = page.GetProperty("links").TryGetProperty("next", out var next) ? next.GetProperty("href").GetString() : null;
            if (url is not null)
            {
                var uri = new Uri(url);
                Assert.True(uri.IsAbsoluteUri);
                Assert.Contains("sub=dev", uri.Query);
                Assert.Contains("sort=%2Bdescription", uri.Query);
                Assert.Contains("limit=3", uri.Query);
                Assert.Contains("status=active", uri.Query);
                Assert.Contains("startingAfter=", uri.Query);
            }
        }
        Assert.Equal(3, pages);
        var expected = Enumerable.Range(0, 7).Select(i => made[i]).ToList();
        Assert.Equal(expected, seen);

        // Parameter names bind in any case; the links still carry a single cursor.
        var mixedCase = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys?sub=dev&sort=%2Bdescription&limit=3&StartingAfter={expected[2]}"));
        var following = mixedCase.GetProperty("links").GetProperty("next").GetProperty("href").GetString()!;
        Assert.DoesNotContain("StartingAfter", following);
        Assert.Equal(expected[6..], Ids(await HttpExpect.Ok(await tenant.Admin.GetAsync(following))));

        // And back: the last page's prev link leads to the page before it.
        var last = await HttpExpect.Ok(await tenant.Admin.GetAsync(lastPage));
        var prev = last.GetProperty("links").GetProperty("prev").GetProperty("href").GetString()!;
        Assert.Contains("endingBefore=", prev);
        var before = await HttpExpect.Ok(await tenant.Admin.GetAsync(prev));
        Assert.Equal(expected[3..6], before.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task List_sorts_by_created_descending_by_default_and_filters_by_creator_and_status()
    {
        var tenant = await HttpTenant.Create(api);
        var first = await tenant.Generate(description: "first");
        var second = await tenant.Generate(description: "second");
        var forDev = await tenant.Generate(tenant.Admin, body: new { description = "made by admin", sub = "dev" });
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{first.Id}/actions/revoke", null));

        var all = await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys"));
        Assert.Equal([forDev.Id, second.Id, first.Id], Ids(all));
        var ascending = await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys?sort=created"));
        Assert.Equal([first.Id, second.Id, forDev.Id], Ids(ascending));
        var byAdmin = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?createdByUser=admin"));
        Assert.Equal([forDev.Id], Ids(byAdmin));
        var revoked = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?status=revoked"));
        Assert.Equal([first.Id], Ids(revoked));
    }

    [Fact]
    public async Task Configs_read_and_patch_the_four_settings_with_Qliks_names()
    {
        var tenant = await HttpTenant.Create(api, enableKeys: false);
        var defaults = await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/configs/{tenant.Id}"));
        Assert.Equal("""{"api_keys_enabled":false,"max_api_key_expiry":"PT24H","max_keys_per_user":5,"scim_externalClient_expiry":"P365D","excessive_usage_per_minute":60000,"excessive_usage_factor":10,"max_rotation_grace":"P7D","leaked_key_action":"revoke","require_scopes":false,"default_allowed_cidrs":[]}""",
            defaults.GetRawText());

        await HttpExpect.NoContent(await tenant.Admin.PatchAsync($"/api/v1/api-keys/configs/{tenant.Id}", HttpTenant.Raw("""
            [{"op":"replace","path":"/api_keys_enabled","value":true},
             {"op":"replace","path":"/max_api_key_expiry","value":"P30D"},
             {"op":"replace","path":"/max_keys_per_user","value":1000},
             {"op":"replace","path":"/scim_externalClient_expiry","value":"P90D"}]
            """)));
        var changed = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/configs/{tenant.Id}"));
        Assert.Equal("""{"api_keys_enabled":true,"max_api_key_expiry":"P30D","max_keys_per_user":1000,"scim_externalClient_expiry":"P90D","excessive_usage_per_minute":60000,"excessive_usage_factor":10,"max_rotation_grace":"P7D","leaked_key_action":"revoke","require_scopes":false,"default_allowed_cidrs":[]}""",
            changed.GetRawText());
    }

    [Fact]
    public async Task Product_info_answers_200_json_without_credentials()
    {
        using var response = await api.Anonymous().GetAsync("/resources/autogenerated/product-info.json");
        var body = await HttpExpect.Ok(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("qlikcloud", body.GetProperty("composition").GetProperty("deploymentType").GetString());
    }

    static string[] Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();
}

[Collection(ApiCollection.Name)]
public sealed class QlikApiKeysOnEmbedded(ApiFixture api) : QlikApiKeysTests(api);
