using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApiKeys.Tests.Http;

/// <summary>Rotation through the REST API: the new key once, both ends linked, and every refusal in the error format.</summary>
public abstract class KeyRotationApiTests(ApiFixture api)
{
    [Fact]
    public async Task Rotating_answers_201_with_the_new_key_once_and_links_both_keys()
    {
        var tenant = await HttpTenant.Create(api);
        var old = await tenant.Generate(description: "billing sync");

        using var response = await tenant.Developer.PostAsJsonAsync($"/api/v1/api-keys/{old.Id}/actions/rotate",
            new { gracePeriod = "P1D", expiry = "PT12H" });
        var created = await HttpExpect.Ok(response, HttpStatusCode.Created);

        var newId = created.GetProperty("id").GetString()!;
        Assert.Equal(old.Id, created.GetProperty("rotatedFrom").GetString());
        Assert.Equal("billing sync", created.GetProperty("description").GetString());
        Assert.StartsWith("qlk_", created.GetProperty("token").GetString());
        Assert.Equal(created.GetProperty("created").GetDateTimeOffset().AddHours(12), created.GetProperty("expiry").GetDateTimeOffset());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.EndsWith($"/api/v1/api-keys/{newId}", response.Headers.Location?.ToString());
        var oldNow = await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{old.Id}"));
        Assert.Equal(newId, oldNow.GetProperty("rotatedTo").GetString());
        Assert.Equal("active", oldNow.GetProperty("status").GetString());
        var listed = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=billing"));
        Assert.Equal(newId, listed.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("id").GetString() == old.Id)
            .GetProperty("rotatedTo").GetString());
        Assert.DoesNotContain(created.GetProperty("token").GetString()!, listed.GetRawText());

        foreach (var token in new[] { old.Token, created.GetProperty("token").GetString()! })
        {
            using var verified = await api.As(token).GetAsync("/api/v1/auth/verify");
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        }
        await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync($"/api/v1/api-keys/{old.Id}/actions/rotate", new { gracePeriod = "PT0S" }),
            HttpStatusCode.Conflict, "APIKEYS-ALREADY-ROTATED");
    }

    [Fact]
    public async Task A_refused_rotation_names_its_field_and_makes_no_key()
    {
        var tenant = await HttpTenant.Create(api);
        var old = await tenant.Generate();
        var path = $"/api/v1/api-keys/{old.Id}/actions/rotate";
        var stranger = await tenant.AddUser("stranger", "Developer");

        var missing = await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync(path, new { }), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("/gracePeriod", missing.Pointer());
        var tooLong = await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync(path, new { gracePeriod = "P30D" }), HttpStatusCode.BadRequest,
            "APIKEYS-INVALID-DURATION");
        Assert.Equal("/gracePeriod", tooLong.Pointer());
        Assert.Contains("P7D", tooLong.GetProperty("detail").GetString());
        await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync(path, new { gracePeriod = 3600 }), HttpStatusCode.BadRequest, "APIKEYS-INVALID-JSON");
        await HttpExpect.Error(await tenant.Developer.PostAsync(path, null), HttpStatusCode.BadRequest, "APIKEYS-INVALID-REQUEST");
        await HttpExpect.Error(await stranger.PostAsJsonAsync(path, new { gracePeriod = "PT1H" }), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        var otherTenant = await HttpTenant.Create(api);
        await HttpExpect.Error(await otherTenant.Admin.PostAsJsonAsync(path, new { gracePeriod = "PT1H" }), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        // The token where its id goes: refused as a credential in a URL, and never echoed.
        var pasted = await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync($"/api/v1/api-keys/{old.Token}/actions/rotate", new { gracePeriod = "PT1H" }),
            HttpStatusCode.BadRequest, "APIKEYS-TOKEN-IN-URL");
        Assert.DoesNotContain(old.Token, pasted.GetRawText());

        var mine = await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys"));
        var key = Assert.Single(mine.GetProperty("data").EnumerateArray());
        Assert.False(key.TryGetProperty("rotatedTo", out _));
    }

    [Fact]
    public async Task The_longest_grace_is_a_tenant_setting()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_rotation_grace", "P30D");
        var config = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/configs/{tenant.Id}"));
        Assert.Equal("P30D", config.GetProperty("max_rotation_grace").GetString());

        using var refused = await tenant.Admin.PatchAsync($"/api/v1/api-keys/configs/{tenant.Id}",
            HttpTenant.Json(new[] { new { op = "replace", path = "/max_rotation_grace", value = "P31D" } }));
        Assert.Equal("/max_rotation_grace", (await HttpExpect.Error(refused, HttpStatusCode.BadRequest, "APIKEYS-INVALID-SETTING")).Pointer());

        var old = await tenant.Generate();
        await HttpExpect.Ok(await tenant.Developer.PostAsJsonAsync($"/api/v1/api-keys/{old.Id}/actions/rotate", new { gracePeriod = "P30D" }),
            HttpStatusCode.Created);
    }
}

[Collection(ApiCollection.Name)]
public sealed class KeyRotationApiOnEmbedded(ApiFixture api) : KeyRotationApiTests(api);
