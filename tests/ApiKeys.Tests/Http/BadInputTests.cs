using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace ApiKeys.Tests.Http;

/// <summary>
/// quality.md's bad-input catalogue: each answered with a 4xx in Qlik's error body, nothing changed, and the service
/// still serving afterwards.
/// </summary>
public abstract class BadInputTests(ApiFixture api)
{
    [Fact]
    public async Task Malformed_truncated_oversized_and_random_tokens_are_refused()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var random = new Random(7);
        var tokens = new[]
        {
            "",
            key.Token[..50],
            key.Token[..^1],
            key.Token + "0",
            key.Token.Replace("qlk_", "QLK_"),
            "qlk_" + new string('a', 16 * 1024),
            new string('x', 16 * 1024),
            Convert.ToHexString(Enumerable.Range(0, 50).Select(_ => (byte)random.Next(256)).ToArray()),
            "qlk_" + Convert.ToHexStringLower(Enumerable.Range(0, 48).Select(_ => (byte)random.Next(256)).ToArray()),
            "a.b.c",
            "\u00e9\u00e8 not ascii",
        };
        foreach (var token in tokens)
        {
            var verify = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token }));
            Assert.False(verify.GetProperty("valid").GetBoolean());
            if (!Ascii.IsValid(token))
            {
                continue; // HTTP headers are ASCII; the body form above covers the rest.
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/verify");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            await HttpExpect.Error(await api.Anonymous().SendAsync(request), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
            using var call = new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys");
            call.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            await HttpExpect.Error(await api.Anonymous().SendAsync(call), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        }
        foreach (var header in new[] { "Basic dXNlcjpwYXNz", "Bearer", key.Token, "Bearer  " })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            await HttpExpect.Error(await api.Anonymous().SendAsync(request), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        }
        await HttpExpect.Error(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { }), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        await StillServing(key);
    }

    [Fact]
    public async Task Tokens_in_the_query_string_are_refused_and_not_used()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        foreach (var url in new[]
        {
            $"/api/v1/users/me?token={key.Token}",
            $"/api/v1/api-keys?access_token={key.Token}",
            $"/api/v1/auth/verify?api_key={key.Token}",
            $"/api/v1/api-keys?q={key.Token}",
            $"/api/v1/api-keys/{key.Token}",
            "/api/v1/api-keys?token=anything",
        })
        {
            var error = await HttpExpect.Error(await api.Anonymous().GetAsync(url), HttpStatusCode.BadRequest, "APIKEYS-TOKEN-IN-URL");
            Assert.DoesNotContain(key.Token, error.GetRawText());
        }
        await StillServing(key);
    }

    [Fact]
    public async Task Missing_or_wrong_content_types_and_invalid_json_are_400_or_415()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", HttpTenant.Raw("""{"description":"x"}""", "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "APIKEYS-UNSUPPORTED-MEDIA-TYPE");
        await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", new ByteArrayContent("""{"description":"x"}"""u8.ToArray())),
            HttpStatusCode.UnsupportedMediaType, "APIKEYS-UNSUPPORTED-MEDIA-TYPE");
        await HttpExpect.Error(await tenant.Developer.PatchAsync($"/api/v1/api-keys/{key.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"x"}]""", "application/xml")), HttpStatusCode.UnsupportedMediaType, "APIKEYS-UNSUPPORTED-MEDIA-TYPE");
        await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", null), HttpStatusCode.BadRequest, "APIKEYS-INVALID-REQUEST");
        foreach (var body in new[] { """{"description":""", "not json", """{"description":"x",}""", "[1,2]", "\"text\"", "{\"description\":\"x\"} trailing" })
        {
            await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", HttpTenant.Raw(body)), HttpStatusCode.BadRequest, "APIKEYS-INVALID-JSON");
        }
        var typed = await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", HttpTenant.Raw("""{"description":42}""")),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-JSON");
        Assert.Equal("/description", typed.Pointer());
        foreach (var subType in new[] { "robot", "user, externalClient", "User", "1" })
        {
            var error = await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys", new { description = "x", subType }),
                HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal("/subType", error.Pointer());
        }
        await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", HttpTenant.Raw("""{"description":"x","subType":1}""")),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-JSON");
        using var bogusCharset = new StringContent("""{"description":"x"}""");
        bogusCharset.Headers.Remove("Content-Type");
        bogusCharset.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");
        await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", bogusCharset), HttpStatusCode.UnsupportedMediaType, "APIKEYS-UNSUPPORTED-MEDIA-TYPE");
        await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", HttpTenant.Raw($"{{\"description\":\"{new string('x', 70_000)}\"}}")),
            HttpStatusCode.RequestEntityTooLarge, "APIKEYS-PAYLOAD-TOO-LARGE");
        Assert.Equal(1, await KeyCount(tenant));
        await StillServing(key);
    }

    [Fact]
    public async Task Invalid_json_patch_documents_point_at_the_offending_operation()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var cases = new (string Body, string Code, string? Pointer)[]
        {
            ("""[{"op":"add","path":"/description","value":"x"}]""", "APIKEYS-INVALID-PATCH", "/0/op"),
            ("""[{"op":"remove","path":"/description"}]""", "APIKEYS-INVALID-PATCH", "/0/op"),
            ("""[{"op":"replace","path":"/status","value":"active"}]""", "APIKEYS-INVALID-PATCH", "/0/path"),
            ("""[{"op":"replace","path":"/description","value":"ok"},{"op":"replace","path":"/sub","value":"me"}]""", "APIKEYS-INVALID-PATCH", "/1/path"),
            ("""[{"op":"replace","path":"/description","value":5}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[{"op":"replace","path":"/description","value":null}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[{"op":"replace","path":"/description"}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[]""", "APIKEYS-INVALID-PATCH", null),
            ("""[null]""", "APIKEYS-INVALID-PATCH", "/0"),
            ("""{"op":"replace","path":"/description","value":"x"}""", "APIKEYS-INVALID-JSON", null),
            ("""[{"op":"replace","path":"/description","value":""}]""", "APIKEYS-INVALID-DESCRIPTION", null),
            ("""[{"op":"replace","path":"/description","value":"lone \ud800 surrogate"}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
        };
        foreach (var (body, code, pointer) in cases)
        {
            var error = await HttpExpect.Error(await tenant.Developer.PatchAsync($"/api/v1/api-keys/{key.Id}", HttpTenant.Raw(body)), HttpStatusCode.BadRequest, code);
            if (pointer is not null)
            {
                Assert.Equal(pointer, error.Pointer());
            }
        }
        var configCases = new (string Body, string Code, string Pointer)[]
        {
            ("""[{"op":"replace","path":"/api_keys_enabled","value":"yes"}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[{"op":"replace","path":"/max_keys_per_user","value":"5"}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[{"op":"replace","path":"/max_keys_per_user","value":2.5}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[{"op":"replace","path":"/max_api_key_expiry","value":24}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
            ("""[{"op":"replace","path":"/unknown_setting","value":1}]""", "APIKEYS-INVALID-PATCH", "/0/path"),
            ("""[{"op":"copy","from":"/max_keys_per_user","path":"/max_keys_per_user"}]""", "APIKEYS-INVALID-PATCH", "/0/op"),
            ("""[{"op":"replace","path":"/max_api_key_expiry","value":"P\udc00D"}]""", "APIKEYS-INVALID-PATCH", "/0/value"),
        };
        foreach (var (body, code, pointer) in configCases)
        {
            var error = await HttpExpect.Error(await tenant.Admin.PatchAsync($"/api/v1/api-keys/configs/{tenant.Id}", HttpTenant.Raw(body)), HttpStatusCode.BadRequest, code);
            Assert.Equal(pointer, error.Pointer());
        }
        await HttpExpect.Error(await tenant.Admin.PatchAsync("/api/v1/users/dev", HttpTenant.Raw(
            """[{"op":"replace","path":"/assignedRoles","value":[{"name":"Superuser"}]}]""")), HttpStatusCode.BadRequest, "APIKEYS-INVALID-PATCH");
        await HttpExpect.Error(await tenant.Admin.PatchAsync("/api/v1/users/dev", HttpTenant.Raw(
            """[{"op":"replace","path":"/assignedRoles","value":"Developer"}]""")), HttpStatusCode.BadRequest, "APIKEYS-INVALID-PATCH");
        await HttpExpect.Error(await tenant.Admin.PatchAsync("/api/v1/users/dev", HttpTenant.Raw(
            """[{"op":"replace","path":"/assignedRoles","value":[{"name":"Develop\ud800"}]}]""")), HttpStatusCode.BadRequest, "APIKEYS-INVALID-PATCH");

        Assert.Equal("http key", (await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"))).GetProperty("description").GetString());
        await StillServing(key);
    }

    [Fact]
    public async Task Out_of_range_settings_are_400_and_change_nothing()
    {
        var tenant = await HttpTenant.Create(api);
        var cases = new (string Path, object Value, string Code)[]
        {
            ("/max_keys_per_user", 1001, "APIKEYS-INVALID-SETTING"),
            ("/max_keys_per_user", -1, "APIKEYS-INVALID-SETTING"),
            ("/max_api_key_expiry", "-PT1H", "APIKEYS-INVALID-DURATION"),
            ("/max_api_key_expiry", "PT0S", "APIKEYS-INVALID-DURATION"),
            ("/max_api_key_expiry", "24 hours", "APIKEYS-INVALID-DURATION"),
            ("/max_api_key_expiry", "P", "APIKEYS-INVALID-DURATION"),
            ("/scim_externalClient_expiry", "P1Y2X", "APIKEYS-INVALID-DURATION"),
            ("/excessive_usage_per_minute", -1, "APIKEYS-INVALID-SETTING"),
            ("/excessive_usage_per_minute", 100_000_001, "APIKEYS-INVALID-SETTING"),
            ("/excessive_usage_factor", 1001, "APIKEYS-INVALID-SETTING"),
        };
        foreach (var (path, value, code) in cases)
        {
            var error = await HttpExpect.Error(await tenant.Admin.PatchAsync($"/api/v1/api-keys/configs/{tenant.Id}",
                HttpTenant.Json(new[] { new { op = "replace", path = "/api_keys_enabled", value = (object)false }, new { op = "replace", path, value } })),
                HttpStatusCode.BadRequest, code);
            Assert.Equal(path, error.Pointer());
        }
        var config = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/configs/{tenant.Id}"));
        Assert.Equal("""{"api_keys_enabled":true,"max_api_key_expiry":"PT24H","max_keys_per_user":5,"scim_externalClient_expiry":"P365D","excessive_usage_per_minute":60000,"excessive_usage_factor":10,"max_rotation_grace":"P7D","leaked_key_action":"revoke","require_scopes":false,"default_allowed_cidrs":[]}""",
            config.GetRawText());
    }

    [Fact]
    public async Task Bad_descriptions_and_expiries_are_400_and_non_BMP_text_is_kept()
    {
        var tenant = await HttpTenant.Create(api);
        foreach (var body in new[]
        {
            """{"description":""}""",
            """{"description":"   "}""",
            """{}""",
            $$"""{"description":"{{new string('x', 257)}}"}""",
            """{"description":"bell\u0007 and\u0000 nul"}""",
            """{"description":"line\nbreak"}""",
            """{"description":"lone \ud800 surrogate"}""",
        })
        {
            var error = await HttpExpect.Error(await tenant.Developer.PostAsync("/api/v1/api-keys", HttpTenant.Raw(body)), HttpStatusCode.BadRequest,
                body.Contains("surrogate") ? "APIKEYS-INVALID-JSON" : "APIKEYS-INVALID-DESCRIPTION");
            Assert.DoesNotContain("qlk_", error.GetRawText());
        }
        foreach (var (expiry, code) in new[] { ("P2D", "APIKEYS-EXPIRY-TOO-LONG"), ("-P1D", "APIKEYS-INVALID-DURATION"), ("tomorrow", "APIKEYS-INVALID-DURATION"), ("P99999999999Y", "APIKEYS-INVALID-DURATION") })
        {
            var error = await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys", new { description = "x", expiry }), HttpStatusCode.BadRequest, code);
            Assert.Equal("/expiry", error.Pointer());
        }
        Assert.Equal(0, await KeyCount(tenant));

        var emoji = "deploy 🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 秘密";
        var key = await tenant.Generate(description: emoji);
        Assert.Equal(emoji, (await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"))).GetProperty("description").GetString());
        await StillServing(key);
    }

    [Fact]
    public async Task Unknown_ids_other_tenants_ids_huge_limits_and_conflicting_cursors_are_4xx()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var other = await (await HttpTenant.Create(api)).Generate();

        foreach (var id in new[] { "0123456789abcdef01234567", "nope", other.Id, new string('a', 300), "..%2F..%2Fetc", "%E2%80%AE" })
        {
            await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/api-keys/{id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        }
        var queries = new (string Query, string Parameter)[]
        {
            ("limit=1000000", "limit"),
            ("limit=0", "limit"),
            ("limit=-5", "limit"),
            ("limit=ten", "limit"),
            ("limit=99999999999999999999", "limit"),
            ($"startingAfter={key.Id}&endingBefore={key.Id}", "startingAfter"),
            ("startingAfter=not-an-id", "startingAfter"),
            ("startingAfter=0123456789abcdef01234567", "startingAfter"),
            ($"endingBefore={other.Id}", "endingBefore"),
            ("status=deleted", "status"),
            ("status=1", "status"),
            ("status=Active,%20Expired", "status"),
            ("status=ACTIVE", "status"),
            ("sub=dev&sub=other", "sub"),
            ("limit=5&limit=6", "limit"),
            ("sort=secret", "sort"),
            ("sort=--created", "sort"),
            ($"q={new string('q', 300)}", "q"),
            ($"sub={new string('s', 300)}", "sub"),
        };
        foreach (var (query, parameter) in queries)
        {
            var error = await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/api-keys?{query}"), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal(parameter, error.Parameter());
        }
        await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys/actions/revoke", new { ids = Array.Empty<string>() }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys/actions/revoke", new { ids = Enumerable.Repeat(key.Id, 101) }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys/actions/revoke", new { ids = new[] { key.Id, null } }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        await HttpExpect.Error(await tenant.Admin.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound, "APIKEYS-NOT-FOUND");
        await HttpExpect.Error(await tenant.Admin.PutAsync($"/api/v1/api-keys/{key.Id}", HttpTenant.Raw("{}")), HttpStatusCode.MethodNotAllowed, "APIKEYS-METHOD-NOT-ALLOWED");
        await HttpExpect.Error(await tenant.Admin.PatchAsync($"/api/v1/users/{new string('u', 300)}", HttpTenant.Raw("""[{"op":"replace","path":"/assignedRoles","value":[]}]""")),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        await HttpExpect.Error(await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { id = "a/b", name = "x", firstAdmin = "y" }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        await HttpExpect.Error(await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { name = "no admin" }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("active", (await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/{key.Id}"))).GetProperty("status").GetString());
        await StillServing(key);
    }

    async Task StillServing(GeneratedKey key)
    {
        await HttpExpect.Ok(await api.Anonymous().GetAsync("/health/ready"));
        var verify = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token }));
        Assert.True(verify.GetProperty("valid").GetBoolean());
    }

    static async Task<int> KeyCount(HttpTenant tenant) =>
        (await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys"))).GetProperty("data").GetArrayLength();
}

[Collection(ApiCollection.Name)]
public sealed class BadInputOnEmbedded(ApiFixture api) : BadInputTests(api);
