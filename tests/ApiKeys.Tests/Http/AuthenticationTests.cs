using System.Net;
using System.Net.Http.Json;
using Microsoft.IdentityModel.Tokens;

namespace ApiKeys.Tests.Http;

/// <summary>Who may call what: anonymous, Developer, TenantAdmin, another tenant, the operator; and which credentials count.</summary>
public abstract class AuthenticationTests(ApiFixture api)
{
    /// <summary>Every /api/v1 endpoint that needs a credential, with a body it would accept.</summary>
    static IEnumerable<(HttpMethod Method, string Path, string? Body)> Endpoints(string tenantId, string keyId) =>
    [
        (HttpMethod.Get, "/api/v1/api-keys", null),
        (HttpMethod.Post, "/api/v1/api-keys", """{"description":"x"}"""),
        (HttpMethod.Get, $"/api/v1/api-keys/{keyId}", null),
        (HttpMethod.Patch, $"/api/v1/api-keys/{keyId}", """[{"op":"replace","path":"/description","value":"y"}]"""),
        (HttpMethod.Delete, $"/api/v1/api-keys/{keyId}", null),
        (HttpMethod.Post, $"/api/v1/api-keys/{keyId}/actions/revoke", null),
        (HttpMethod.Post, "/api/v1/api-keys/actions/revoke", $$"""{"ids":["{{keyId}}"]}"""),
        (HttpMethod.Post, "/api/v1/api-keys/actions/delete-mine", null),
        (HttpMethod.Get, $"/api/v1/api-keys/configs/{tenantId}", null),
        (HttpMethod.Patch, $"/api/v1/api-keys/configs/{tenantId}", """[{"op":"replace","path":"/max_keys_per_user","value":7}]"""),
        (HttpMethod.Get, "/api/v1/users/me", null),
        (HttpMethod.Get, "/api/v1/users", null),
        (HttpMethod.Patch, "/api/v1/users/someone", """[{"op":"replace","path":"/assignedRoles","value":[]}]"""),
        (HttpMethod.Delete, "/api/v1/users/someone", null),
        (HttpMethod.Post, "/api/v1/tenants", """{"name":"x","firstAdmin":"y"}"""),
        (HttpMethod.Get, $"/api/v1/tenants/{tenantId}", null),
    ];

    static HttpRequestMessage Request(HttpMethod method, string path, string? body) =>
        new(method, path) { Content = body is null ? null : HttpTenant.Raw(body) };

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_and_bad_credentials_with_401()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var bad = new[]
        {
            api.Anonymous(),
            api.As("qlk_not-a-key"),
            api.As(key.Token[..^1] + (key.Token[^1] == '0' ? '1' : '0')),
            api.As("operator-guess"),
            api.As(ApiFixture.UserToken(tenant.Id, "admin", key: new SymmetricSecurityKey(new byte[32]))),
            api.As(ApiFixture.UserToken(tenant.Id, "admin", issuer: "https://elsewhere.test")),
            api.As(ApiFixture.UserToken(tenant.Id, "admin", audience: "another-service")),
            api.As(ApiFixture.UserToken(tenant.Id, "admin", expires: DateTime.UtcNow.AddMinutes(-5))),
            api.As(ApiFixture.UserToken(tenant.Id, "admin", tenantClaim: "")),
            api.As(ApiFixture.UserToken(tenant.Id, "admin", tenantClaim: "tenant")),
            api.As(ApiFixture.UserToken(tenant.Id + "/admin", "admin")),
        };
        foreach (var client in bad)
        {
            foreach (var (method, path, body) in Endpoints(tenant.Id, key.Id))
            {
                using var response = await client.SendAsync(Request(method, path, body));
                var error = await HttpExpect.Error(response, HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            }
        }
        // Nothing changed on the way.
        var still = await HttpExpect.Ok(await tenant.Developer.GetAsync($"/api/v1/api-keys/{key.Id}"));
        Assert.Equal("http key", still.GetProperty("description").GetString());
        Assert.Equal("active", still.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_operator_token_provisions_tenants_only()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        foreach (var (method, path, body) in Endpoints(tenant.Id, key.Id).Where(e => !e.Path.StartsWith("/api/v1/tenants")))
        {
            using var response = await api.Operator().SendAsync(Request(method, path, body));
            await HttpExpect.Error(response, HttpStatusCode.Forbidden, "APIKEYS-FORBIDDEN");
        }
    }

    [Fact]
    public async Task Tenant_members_cannot_provision_tenants()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        foreach (var client in new[] { tenant.Admin, tenant.Developer, api.As(key.Token) })
        {
            await HttpExpect.Error(await client.PostAsJsonAsync("/api/v1/tenants", new { name = "x", firstAdmin = "y" }),
                HttpStatusCode.Forbidden, "APIKEYS-FORBIDDEN");
        }
    }

    [Fact]
    public async Task An_api_key_acts_as_its_owner_with_the_owners_current_roles()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var asKey = api.As(key.Token);

        // Qlik's clients authenticate with a key: it lists and generates as its owner, a Developer.
        Assert.Equal(key.Id, (await HttpExpect.Ok(await asKey.GetAsync("/api/v1/api-keys"))).GetProperty("data")[0].GetProperty("id").GetString());
        var second = await tenant.Generate(asKey, "made with a key");
        Assert.Equal("dev", second.Body.GetProperty("sub").GetString());
        await HttpExpect.Error(await asKey.GetAsync("/api/v1/users"), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");

        await tenant.SetRoles("dev");
        await HttpExpect.Error(await asKey.PostAsJsonAsync("/api/v1/api-keys", new { description = "no longer" }),
            HttpStatusCode.Forbidden, "APIKEYS-DEVELOPER-REQUIRED");
    }

    [Fact]
    public async Task A_Developer_cannot_see_or_touch_another_users_keys()
    {
        var tenant = await HttpTenant.Create(api);
        var carol = await tenant.AddUser("carol", "Developer");
        var hers = await tenant.Generate(carol);

        Assert.Equal(0, (await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys"))).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await HttpExpect.Ok(await tenant.Developer.GetAsync("/api/v1/api-keys?sub=carol"))).GetProperty("data").GetArrayLength());
        await HttpExpect.Error(await tenant.Developer.GetAsync($"/api/v1/api-keys/{hers.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await tenant.Developer.PatchAsync($"/api/v1/api-keys/{hers.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"mine now"}]""")), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{hers.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await tenant.Developer.PatchAsync($"/api/v1/api-keys/configs/{tenant.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/max_keys_per_user","value":100}]""")), HttpStatusCode.Forbidden, "APIKEYS-TENANT-ADMIN-REQUIRED");

        var unchanged = await HttpExpect.Ok(await carol.GetAsync($"/api/v1/api-keys/{hers.Id}"));
        Assert.Equal("http key", unchanged.GetProperty("description").GetString());
        Assert.Equal("active", unchanged.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_tenants_resources_are_404_and_stay_unchanged()
    {
        var a = await HttpTenant.Create(api);
        var b = await HttpTenant.Create(api);
        var keyOfB = await b.Generate();

        foreach (var client in new[] { a.Admin, a.Developer })
        {
            await HttpExpect.Error(await client.GetAsync($"/api/v1/api-keys/{keyOfB.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
            await HttpExpect.Error(await client.PatchAsync($"/api/v1/api-keys/{keyOfB.Id}",
                HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"taken"}]""")), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
            await HttpExpect.Error(await client.DeleteAsync($"/api/v1/api-keys/{keyOfB.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
            await HttpExpect.Error(await client.GetAsync($"/api/v1/api-keys/configs/{b.Id}"), HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");
            await HttpExpect.Error(await client.GetAsync($"/api/v1/tenants/{b.Id}"), HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");
        }
        await HttpExpect.Error(await a.Admin.PostAsync($"/api/v1/api-keys/{keyOfB.Id}/actions/revoke", null), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await a.Admin.PatchAsync($"/api/v1/api-keys/configs/{b.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/api_keys_enabled","value":false}]""")), HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");
        Assert.Empty((await HttpExpect.Ok(await a.Admin.GetAsync($"/api/v1/api-keys?q={keyOfB.Id}"))).GetProperty("data").EnumerateArray());
        // Tenant A's admin naming B's users acts on tenant A, never B.
        await HttpExpect.Error(await a.Admin.DeleteAsync("/api/v1/users/dev-of-b"), HttpStatusCode.NotFound, "APIKEYS-USER-NOT-FOUND");

        var untouched = await HttpExpect.Ok(await b.Developer.GetAsync($"/api/v1/api-keys/{keyOfB.Id}"));
        Assert.Equal("active", untouched.GetProperty("status").GetString());
        Assert.Equal("http key", untouched.GetProperty("description").GetString());
        Assert.True((await HttpExpect.Ok(await b.Admin.GetAsync($"/api/v1/api-keys/configs/{b.Id}"))).GetProperty("api_keys_enabled").GetBoolean());
    }

    [Fact]
    public async Task The_dev_token_endpoint_issues_user_tokens_in_Development()
    {
        var tenant = await HttpTenant.Create(api);
        var issued = await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/dev/token", new { tenantId = tenant.Id, userId = "dev" }));
        var me = await HttpExpect.Ok(await api.As(issued.GetProperty("token").GetString()!).GetAsync("/api/v1/users/me"));
        Assert.Equal("dev", me.GetProperty("id").GetString());
    }
}

[Collection(ApiCollection.Name)]
public sealed class AuthenticationOnEmbedded(ApiFixture api) : AuthenticationTests(api);

/// <summary>The same program in the Production environment: no dev sign-in, and dev-signed tokens mean nothing.</summary>
public sealed class ProductionApiFixture : ApiFixture
{
    protected override string Environment => "Production";
}

public sealed class ProductionTests(ProductionApiFixture production) : IClassFixture<ProductionApiFixture>
{
    [Fact]
    public async Task The_dev_token_endpoint_does_not_exist_in_Production()
    {
        await HttpExpect.Error(await production.Anonymous().PostAsJsonAsync("/dev/token", new { tenantId = "t", userId = "u" }),
            HttpStatusCode.NotFound, "APIKEYS-NOT-FOUND");
        var devSigned = ApiFixture.UserToken("t", "u", issuer: "apikeys-dev");
        await HttpExpect.Error(await production.As(devSigned).GetAsync("/api/v1/users/me"), HttpStatusCode.Unauthorized, "APIKEYS-UNAUTHORIZED");
        // The production program still serves real credentials.
        var tenant = await HttpTenant.Create(production);
        await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/users/me"));
    }
}

/// <summary>Settings that would fail at the first request refuse to start instead.</summary>
public sealed class AuthSettingsTests
{
    [Theory]
    [InlineData("short-token", null, null)]
    [InlineData("operator.token.with-two-dots", null, null)]
    [InlineData(null, "not base64!", "https://idp.test")]
    [InlineData(null, "c2hvcnQ=", "https://idp.test")]
    [InlineData(null, "c2lnbmluZy1rZXktZm9yLWFwaWtleXMtdGVzdHMtMzItYnl0ZXMhIQ==", null)]
    public void Unusable_credential_settings_are_reported(string? operatorToken, string? signingKey, string? issuer)
    {
        var options = new ApiKeys.Api.Authentication.AuthOptions
        {
            OperatorToken = operatorToken,
            Jwt = { Issuer = issuer, SigningKeys = signingKey is null ? [] : [signingKey] },
        };
        Assert.NotNull(options.Problem());
    }

    [Fact]
    public void The_shipped_and_test_settings_are_usable()
    {
        Assert.Null(new ApiKeys.Api.Authentication.AuthOptions { OperatorToken = "dev-operator-token" }.Problem());
        Assert.Null(new ApiKeys.Api.Authentication.AuthOptions
        {
            OperatorToken = ApiFixture.OperatorToken,
            Jwt = { Issuer = ApiFixture.Issuer, SigningKeys = [Convert.ToBase64String(ApiFixture.SigningKey.Key)] },
        }.Problem());
    }
}
