using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApiKeys.Tests.Http;

/// <summary>Suspend and resume through the REST API, forward auth and the Qlik list.</summary>
public abstract class KeySuspensionApiTests(ApiFixture api)
{
    [Fact]
    public async Task An_admin_suspends_a_key_gateways_refuse_it_and_resuming_lets_it_through_again()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        Assert.Equal(HttpStatusCode.OK, (await ForwardAuth(key.Token)).StatusCode);

        var suspended = await HttpExpect.Ok(await tenant.Admin.PostAsJsonAsync($"/api/v1/api-keys/{key.Id}/actions/suspend",
            new { reason = "seen in a public gist" }));

        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        using var refused = await ForwardAuth(key.Token);
        var error = await HttpExpect.Error(refused, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        Assert.Contains("suspended", error.GetProperty("detail").GetString());
        var verified = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token }));
        Assert.False(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("suspended", verified.GetProperty("code").GetString());

        // A Qlik client lists it like any other key: the same fields, the status a plain string.
        var listed = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?status=suspended"));
        var row = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Equal(key.Id, row.GetProperty("id").GetString());
        Assert.Equal(key.Body.EnumerateObject().Select(p => p.Name).Where(n => n != "token").Order(),
            row.EnumerateObject().Select(p => p.Name).Where(n => n != "lastUsed").Order());
        var mine = await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys"));
        Assert.Equal("suspended", mine.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("id").GetString() == key.Id)
            .GetProperty("status").GetString());

        // No body at all is fine: the reason is optional.
        using var resume = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/api-keys/{key.Id}/actions/resume");
        var resumed = await HttpExpect.Ok(await tenant.Admin.SendAsync(resume));

        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ForwardAuth(key.Token)).StatusCode);
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={key.Id}"));
        var types = events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains(EventTypes.KeySuspended, types);
        Assert.Contains(EventTypes.KeyResumed, types);
    }

    [Fact]
    public async Task Suspend_and_resume_refuse_with_the_error_body_and_change_nothing()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var other = await tenant.Generate();
        var path = $"/api/v1/api-keys/{key.Id}/actions";

        await HttpExpect.Error(await tenant.Developer.PostAsync($"{path}/suspend", null), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        await HttpExpect.Error(await tenant.Admin.PostAsync($"{path}/resume", null), HttpStatusCode.Conflict, "APIKEYS-NOT-SUSPENDED");
        var pasted = await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync($"{path}/suspend", new { reason = other.Token }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("/reason", pasted.Pointer());
        Assert.DoesNotContain(other.Token, pasted.GetRawText());
        await HttpExpect.Error(await tenant.Admin.PostAsync($"{path}/suspend", HttpTenant.Raw("{\"reason\":")), HttpStatusCode.BadRequest,
            "APIKEYS-INVALID-JSON");
        await HttpExpect.Error(await tenant.Admin.PostAsync($"/api/v1/api-keys/{ApiKeyToken.NewKeyId()}/actions/suspend", null),
            HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        // A token where the id goes is refused without naming it, as everywhere else.
        await HttpExpect.Error(await tenant.Admin.PostAsync($"/api/v1/api-keys/{other.Id}x/actions/suspend", null),
            HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        Assert.Equal(HttpStatusCode.OK, (await ForwardAuth(key.Token)).StatusCode);

        await HttpExpect.Ok(await tenant.Admin.PostAsync($"{path}/suspend", null));
        await HttpExpect.Error(await tenant.Admin.PostAsync($"{path}/suspend", null), HttpStatusCode.Conflict, "APIKEYS-NOT-ACTIVE");
        Assert.Equal(HttpStatusCode.Unauthorized, (await ForwardAuth(key.Token)).StatusCode);
    }

    async Task<HttpResponseMessage> ForwardAuth(string token) => await api.As(token).GetAsync("/api/v1/auth/verify");
}

[Collection(ApiCollection.Name)]
public sealed class KeySuspensionApiOnEmbedded(ApiFixture api) : KeySuspensionApiTests(api);
