using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiKeys.Api.Authentication;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Tests.Http;

/// <summary>The seed's monitoring story over HTTP: find a key in the events, look at its usage, revoke it.</summary>
public abstract class MonitoringApiTests(ApiFixture api)
{
    [Fact]
    public async Task An_admin_finds_a_key_in_the_events_searches_for_it_and_revokes_it()
    {
        var tenant = await HttpTenant.Create(api);
        var suspicious = await tenant.Generate(description: "scraper");
        await tenant.Generate(description: "other");
        await api.As(suspicious.Token).GetAsync("/api/v1/users/me");
        var forged = ApiKeyToken.Issue(suspicious.Id).Token;
        for (var i = 0; i < 3; i++)
        {
            await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = forged });
        }
        await api.FlushUsage(suspicious.Id);
        // Whoever lacks the secret learns nothing: not the key, not its tenant.
        var refused = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = forged }));
        Assert.Equal("""{"valid":false,"code":"notFound"}""", refused.GetRawText());
        await api.FlushUsage(suspicious.Id);

        // Refusals are counted per key and minute, so attempts on both sides of a minute's end give two events.
        var failures = (await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?type={EventTypes.ValidationFailed}")))
            .GetProperty("data").EnumerateArray().ToList();
        Assert.InRange(failures.Count, 1, 2);
        Assert.All(failures, failure =>
        {
            Assert.Equal("1.0", failure.GetProperty("specversion").GetString());
            Assert.Equal(EventTypes.ValidationFailed, failure.GetProperty("type").GetString());
            Assert.Equal(tenant.Id, failure.GetProperty("tenantid").GetString());
            Assert.Equal(suspicious.Id, failure.GetProperty("keyid").GetString());
        });
        Assert.Equal(4, failures.Sum(f => f.GetProperty("data").GetProperty("count").GetInt32()));
        var keyId = failures[0].GetProperty("keyid").GetString()!;

        var found = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys?q={keyId}"));
        Assert.Equal("scraper", found.GetProperty("data")[0].GetProperty("description").GetString());
        Assert.True(found.GetProperty("data")[0].TryGetProperty("lastUsed", out _));
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{keyId}/actions/revoke", null));

        var history = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={keyId}&sort=time"));
        Assert.Equal([EventTypes.KeyCreated, .. failures.Select(_ => EventTypes.ValidationFailed), EventTypes.KeyDeleted],
            history.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var events = history.GetProperty("data");
        var revoked = events[events.GetArrayLength() - 1];
        var one = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits/{revoked.GetProperty("id").GetString()}"));
        Assert.Equal(revoked.GetRawText(), one.GetRawText());
    }

    [Fact]
    public async Task Events_filter_by_type_user_and_time_and_page_with_absolute_links()
    {
        var tenant = await HttpTenant.Create(api);
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var carol = await tenant.AddUser("carol", "Developer");
        for (var i = 0; i < 5; i++)
        {
            await tenant.Generate(carol, $"carol {i}");
        }
        var created = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?type={EventTypes.KeyCreated}&userId=carol"));
        Assert.Equal(5, created.GetProperty("data").GetArrayLength());
        var since = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?since={Uri.EscapeDataString(start.ToString("O"))}&until={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}&limit=100"));
        Assert.True(since.GetProperty("data").GetArrayLength() >= 6);
        var none = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?until={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}"));
        Assert.Equal(0, none.GetProperty("data").GetArrayLength());

        var seen = new List<string>();
        string? url = $"/api/v1/audits?type={EventTypes.KeyCreated}&limit=2";
        while (url is not null)
        {
            var page = await HttpExpect.Ok(await tenant.Admin.GetAsync(url));
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            url = page.GetProperty("links").TryGetProperty("next", out var next) ? next.GetProperty("href").GetString() : null;
            Assert.True(url is null || (Uri.IsWellFormedUriString(url, UriKind.Absolute) && url.Contains("limit=2") && url.Contains("type=")));
        }
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(created.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()), seen);
    }

    [Fact]
    public async Task Events_are_for_TenantAdmins_of_the_tenant_only_and_bad_queries_are_400()
    {
        var tenant = await HttpTenant.Create(api);
        var other = await HttpTenant.Create(api);
        var anEvent = (await HttpExpect.Ok(await other.Admin.GetAsync("/api/v1/audits?limit=1"))).GetProperty("data")[0].GetProperty("id").GetString();

        await HttpExpect.Error(await tenant.Developer.GetAsync("/api/v1/audits"), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/audits/{anEvent}"), HttpStatusCode.NotFound, "APIKEYS-EVENT-NOT-FOUND");
        Assert.DoesNotContain(anEvent!, (await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/audits?limit=100"))).GetRawText());
        foreach (var (query, parameter) in new[] { ("type=nope", "type"), ("since=yesterday", "since"), ("limit=0", "limit"), ("sort=name", "sort"),
            ("startingAfter=a&endingBefore=b", "startingAfter"), ("userId=a&userId=b", "userId"), ($"startingAfter={anEvent}", "startingAfter"),
            ("endingBefore=no-such-event", "endingBefore") })
        {
            var error = await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/audits?{query}"), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal(parameter, error.Parameter());
        }
    }

    [Fact]
    public async Task Usage_shows_a_keys_validations_over_time_and_the_tenants_top_keys()
    {
        var tenant = await HttpTenant.Create(api);
        var busy = await tenant.Generate(description: "busy");
        var quiet = await tenant.Generate(description: "quiet");
        for (var i = 0; i < 12; i++)
        {
            using var ok = await api.As(busy.Token).GetAsync("/api/v1/auth/verify");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = quiet.Token });
        // Endpoints that need no credential do not validate, or count, a key sent to them anyway.
        await api.As(busy.Token).GetAsync("/health/live");
        await api.FlushUsage(busy.Id, quiet.Id);

        var usage = await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{busy.Id}/usage?window=PT2H&bucket=PT1H"));
        Assert.Equal(12, usage.GetProperty("successes").GetInt32());
        Assert.Equal(2, usage.GetProperty("data").GetArrayLength());
        Assert.Equal(12, usage.GetProperty("data").EnumerateArray().Sum(b => b.GetProperty("successes").GetInt32()));
        Assert.True(usage.TryGetProperty("lastUsed", out _));
        var key = await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{busy.Id}"));
        Assert.Equal(usage.GetProperty("lastUsed").GetDateTimeOffset(), key.GetProperty("lastUsed").GetDateTimeOffset());

        var top = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys/usage?window=PT1H"));
        Assert.Equal([(busy.Id, 12), (quiet.Id, 1)],
            top.GetProperty("data").EnumerateArray().Select(t => (t.GetProperty("key").GetProperty("id").GetString()!, t.GetProperty("successes").GetInt32())));

        await HttpExpect.Error(await tenant.Developer.GetAsync("/api/v1/api-keys/usage"), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");
        await HttpExpect.Error(await (await tenant.AddUser("carol", "Developer")).GetAsync($"/api/v1/api-keys/{busy.Id}/usage"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        foreach (var (query, parameter) in new[] { ("window=P40D", "window"), ("window=PT1H&bucket=PT7M", "bucket"), ("window=PT30S", "window"), ("window=soon", "window"), ("bucket=PT2H", "bucket") })
        {
            using var response = await tenant.Developer.GetAsync($"/api/v1/api-keys/{busy.Id}/usage?{query}");
            var error = await HttpExpect.Error(response, HttpStatusCode.BadRequest, response.StatusCode == HttpStatusCode.BadRequest &&
                (await response.Content.ReadAsStringAsync()).Contains("DURATION") ? "APIKEYS-INVALID-DURATION" : "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal(parameter, error.Parameter());
        }
    }
}

[Collection(ApiCollection.Name)]
public sealed class MonitoringApiOnEmbedded(ApiFixture api) : MonitoringApiTests(api);
