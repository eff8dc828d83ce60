using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApiKeys.Api.Apis;
using Microsoft.AspNetCore.Hosting;

namespace ApiKeys.Tests.Http;

/// <summary>The service with a GitHub verification key of the test's own, so reports can be signed as GitHub signs them.</summary>
public sealed class LeakReportFixture : ApiFixture
{
    public const string KeyIdentifier = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a";

    readonly ECDsa github = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    protected override void ConfigureMode(IWebHostBuilder builder)
    {
        builder.UseSetting("SecretScanning:GitHub:KeysUrl", "");
        builder.UseSetting("SecretScanning:GitHub:Keys:0:Identifier", KeyIdentifier);
        builder.UseSetting("SecretScanning:GitHub:Keys:0:Key", github.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>A request as GitHub sends it: the raw JSON body, its identifier and its ECDSA P-256 signature.</summary>
    public HttpRequestMessage Signed(string body, string? signedBody = null, string identifier = KeyIdentifier)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/secret-scanning/github")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(LeakedKeysApi.KeyIdentifierHeader, identifier);
        request.Headers.Add(LeakedKeysApi.SignatureHeader, Convert.ToBase64String(
            github.SignData(Encoding.UTF8.GetBytes(signedBody ?? body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        return request;
    }

    public static string Report(params object?[] items) => JsonSerializer.Serialize(items);

    public static object Item(string token) => new { token, type = "apikeys_api_key", url = "https://github.com/acme/app/blob/abc/config.yml", source = "content" };

    /// <summary>A well-formed token with a valid checksum for a key that was never made.</summary>
    public static string Stranger() => ApiKeyToken.Issue(ApiKeyToken.NewKeyId()).Token;

    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

public sealed class GitHubSecretScanningTests(LeakReportFixture api) : IClassFixture<LeakReportFixture>
{
    [Fact]
    public async Task A_signed_report_revokes_our_key_records_where_it_was_found_and_answers_the_feedback_array()
    {
        var tenant = await HttpTenant.Create(api);
        var leaked = await tenant.Generate(description: "found on github");
        var stranger = LeakReportFixture.Stranger();

        using var response = await api.Anonymous().SendAsync(api.Signed(LeakReportFixture.Report(
            LeakReportFixture.Item(leaked.Token), LeakReportFixture.Item(stranger), LeakReportFixture.Item("not a key at all"))));
        var feedback = await HttpExpect.Ok(response);

        Assert.Equal(
            [(LeakReportFixture.TokenHash(leaked.Token), "apikeys_api_key", "true_positive"),
             (LeakReportFixture.TokenHash(stranger), "apikeys_api_key", "false_positive"),
             (LeakReportFixture.TokenHash("not a key at all"), "apikeys_api_key", "false_positive")],
            feedback.EnumerateArray().Select(f => (f.GetProperty("token_hash").GetString(), f.GetProperty("token_type").GetString(),
                f.GetProperty("label").GetString())));
        Assert.Equal("revoked", (await Verify(leaked.Token)).GetProperty("code").GetString());
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={leaked.Id}&type={EventTypes.KeyLeaked}"));
        var data = Assert.Single(events.GetProperty("data").EnumerateArray()).GetProperty("data");
        Assert.Equal(("github", "https://github.com/acme/app/blob/abc/config.yml", "content", "revoked"),
            (data.GetProperty("reporter").GetString(), data.GetProperty("url").GetString(), data.GetProperty("source").GetString(),
             data.GetProperty("action").GetString()));
        var all = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={leaked.Id}"));
        Assert.DoesNotContain(leaked.Token, all.GetRawText());
        Assert.Contains(all.GetProperty("data").EnumerateArray(), e => e.GetProperty("type").GetString() == EventTypes.KeyDeleted
            && e.GetProperty("data").GetProperty("reason").GetString() == "leaked");
    }

    [Fact]
    public async Task Under_notify_a_report_is_recorded_and_the_key_keeps_working()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/leaked_key_action", "notify");
        var leaked = await tenant.Generate();

        var feedback = await HttpExpect.Ok(await api.Anonymous().SendAsync(api.Signed(LeakReportFixture.Report(LeakReportFixture.Item(leaked.Token)))));

        Assert.Equal("true_positive", feedback[0].GetProperty("label").GetString());
        Assert.True((await Verify(leaked.Token)).GetProperty("valid").GetBoolean());
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={leaked.Id}&type={EventTypes.KeyLeaked}"));
        Assert.Equal("notified", Assert.Single(events.GetProperty("data").EnumerateArray()).GetProperty("data").GetProperty("action").GetString());
        using var refused = await tenant.Admin.PatchAsync($"/api/v1/api-keys/configs/{tenant.Id}",
            HttpTenant.Json(new[] { new { op = "replace", path = "/leaked_key_action", value = "ignore" } }));
        Assert.Equal("/leaked_key_action", (await HttpExpect.Error(refused, HttpStatusCode.BadRequest, "APIKEYS-INVALID-SETTING")).Pointer());
    }

    [Fact]
    public async Task Unsigned_badly_signed_and_altered_reports_are_401_and_touch_nothing()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var body = LeakReportFixture.Report(LeakReportFixture.Item(key.Token));

        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/api/v1/secret-scanning/github") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var noIdentifier = api.Signed(body);
        noIdentifier.Headers.Remove(LeakedKeysApi.KeyIdentifierHeader);
        var garbled = api.Signed(body);
        garbled.Headers.Remove(LeakedKeysApi.SignatureHeader);
        garbled.Headers.Add(LeakedKeysApi.SignatureHeader, "not base64!");
        // The same body with one byte changed, sent with the original's signature: a replay that was tampered with.
        var altered = api.Signed(body.Replace("content", "contenT"), signedBody: body);
        var unknownKey = api.Signed(body, identifier: "0000");
        foreach (var request in new[] { unsigned, noIdentifier, garbled, altered, unknownKey })
        {
            using var response = await api.Anonymous().SendAsync(request);
            var error = await HttpExpect.Error(response, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
            Assert.DoesNotContain(key.Token, error.GetRawText());
        }

        Assert.True((await Verify(key.Token)).GetProperty("valid").GetBoolean());
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?type={EventTypes.KeyLeaked}"));
        Assert.Empty(events.GetProperty("data").EnumerateArray());
        // The original, signed as it was, still goes through.
        await HttpExpect.Ok(await api.Anonymous().SendAsync(api.Signed(body)));
        Assert.False((await Verify(key.Token)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_bad_item_never_stops_the_rest_of_the_batch()
    {
        var tenant = await HttpTenant.Create(api);
        var first = await tenant.Generate();
        var last = await tenant.Generate();
        var deleted = await tenant.Generate();
        await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{deleted.Id}");
        var body = LeakReportFixture.Report(LeakReportFixture.Item(first.Token), null, new { type = "apikeys_api_key" },
            LeakReportFixture.Item(deleted.Token), new { token = last.Token, url = $"https://gist.github.com/x?{first.Token}", source = new string('s', 500) });

        var feedback = await HttpExpect.Ok(await api.Anonymous().SendAsync(api.Signed(body)));

        Assert.Equal(["true_positive", "false_positive", "true_positive"], feedback.EnumerateArray().Select(f => f.GetProperty("label").GetString()));
        Assert.Equal("revoked", (await Verify(first.Token)).GetProperty("code").GetString());
        Assert.Equal("revoked", (await Verify(last.Token)).GetProperty("code").GetString());
        // Where it was found is kept only as stored text: a URL holding a key, or a source past its bound, is left out.
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={last.Id}&type={EventTypes.KeyLeaked}"));
        var data = Assert.Single(events.GetProperty("data").EnumerateArray()).GetProperty("data");
        Assert.False(data.TryGetProperty("url", out _));
        Assert.False(data.TryGetProperty("source", out _));
        await HttpExpect.Error(await api.Anonymous().SendAsync(api.Signed("{\"token\":")), HttpStatusCode.BadRequest, "APIKEYS-INVALID-JSON");
    }

    async Task<JsonElement> Verify(string token) =>
        await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token }));
}

public sealed class LeakReportTests(LeakReportFixture api) : IClassFixture<LeakReportFixture>
{
    [Fact]
    public async Task Anyone_reports_a_key_with_no_credential_and_gets_202_whatever_the_token()
    {
        var tenant = await HttpTenant.Create(api);
        var found = await tenant.Generate();

        foreach (var token in new[] { found.Token, LeakReportFixture.Stranger(), "qlk_not-even-close" })
        {
            using var response = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/actions/report-leak", new { token });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }

        using var verified = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = found.Token });
        Assert.Equal("revoked", (await HttpExpect.Ok(verified)).GetProperty("code").GetString());
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/audits?keyId={found.Id}&type={EventTypes.KeyLeaked}"));
        Assert.Equal("report", Assert.Single(events.GetProperty("data").EnumerateArray()).GetProperty("data").GetProperty("reporter").GetString());
        var missing = await HttpExpect.Error(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/actions/report-leak", new { }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("/token", missing.Pointer());
    }
}

public sealed class LeakReportLimitTests(LeakReportFixture api) : IClassFixture<LeakReportFixture>
{
    [Fact]
    public async Task Reports_from_one_address_are_limited_and_the_service_keeps_serving()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 11; i++)
        {
            var response = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/actions/report-leak", new { token = LeakReportFixture.Stranger() });
            statuses.Add(response.StatusCode);
            refused = response;
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, 10).Append(HttpStatusCode.TooManyRequests), statuses);
        await HttpExpect.Error(refused!, HttpStatusCode.TooManyRequests, "APIKEYS-TOO-MANY-REQUESTS");
        Assert.Equal("60", refused!.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().GetAsync("/health/live")).StatusCode);
        using var verify = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = LeakReportFixture.Stranger() });
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
    }
}

/// <summary>
/// The service fetching GitHub's verification keys from where GitHub publishes them: here a local listener serving
/// the same document, beside a second service whose key URL answers nothing.
/// </summary>
public sealed class PublishedKeysFixture : IAsyncLifetime
{
    public const string KeyIdentifier = "bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c";

    readonly ECDsa github = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly System.Net.HttpListener listener = new();

    public int Fetches;

    public ApiFixture Published { get; private set; } = null!;
    public ApiFixture Unreachable { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var url = $"http://127.0.0.1:{TestMachine.FreePort()}/meta/public_keys/secret_scanning/";
        listener.Prefixes.Add(url);
        listener.Start();
        _ = Serve();
        Published = new KeysAt(url);
        Unreachable = new KeysAt($"http://127.0.0.1:{TestMachine.FreePort()}/nothing/");
        await Published.InitializeAsync();
        await Unreachable.InitializeAsync();
    }

    async Task Serve()
    {
        var document = JsonSerializer.SerializeToUtf8Bytes(new
        {
            public_keys = new[] { new { key_identifier = KeyIdentifier, key = github.ExportSubjectPublicKeyInfoPem(), is_current = true } },
        });
        while (listener.IsListening)
        {
            System.Net.HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (!listener.IsListening)
            {
                return;
            }
            Interlocked.Increment(ref Fetches);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(document);
            context.Response.Close();
        }
    }

    public HttpRequestMessage Signed(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/secret-scanning/github") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(LeakedKeysApi.KeyIdentifierHeader, KeyIdentifier);
        request.Headers.Add(LeakedKeysApi.SignatureHeader, Convert.ToBase64String(
            github.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        return request;
    }

    public async Task DisposeAsync()
    {
        listener.Stop();
        await ((IAsyncLifetime)Published).DisposeAsync();
        await ((IAsyncLifetime)Unreachable).DisposeAsync();
    }

    sealed class KeysAt(string url) : ApiFixture
    {
        protected override void ConfigureMode(IWebHostBuilder builder) => builder.UseSetting("SecretScanning:GitHub:KeysUrl", url);
    }
}

public sealed class GitHubPublishedKeysTests(PublishedKeysFixture fixture) : IClassFixture<PublishedKeysFixture>
{
    [Fact]
    public async Task Reports_are_checked_against_the_keys_GitHub_publishes_fetched_once_and_kept()
    {
        var tenant = await HttpTenant.Create(fixture.Published);
        var first = await tenant.Generate();
        var second = await tenant.Generate();

        foreach (var key in new[] { first, second })
        {
            var feedback = await HttpExpect.Ok(await fixture.Published.Anonymous().SendAsync(fixture.Signed(LeakReportFixture.Report(LeakReportFixture.Item(key.Token)))));
            Assert.Equal("true_positive", feedback[0].GetProperty("label").GetString());
        }

        Assert.Equal(1, fixture.Fetches);
    }

    [Fact]
    public async Task When_GitHubs_keys_cannot_be_fetched_reports_are_refused_and_the_service_keeps_serving()
    {
        var tenant = await HttpTenant.Create(fixture.Unreachable);
        var key = await tenant.Generate();

        using var response = await fixture.Unreachable.Anonymous().SendAsync(fixture.Signed(LeakReportFixture.Report(LeakReportFixture.Item(key.Token))));

        await HttpExpect.Error(response, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        using var verified = await fixture.Unreachable.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token });
        Assert.True((await HttpExpect.Ok(verified)).GetProperty("valid").GetBoolean());
    }
}
