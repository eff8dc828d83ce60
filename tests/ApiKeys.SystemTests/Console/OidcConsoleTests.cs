using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ApiKeys.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>
/// A small OpenID Connect provider on loopback: discovery, an authorization endpoint that signs in one configured user
/// at once, a token endpoint that checks the PKCE verifier, and its RSA key. Enough to drive the console's real sign-in.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "apikeys-console";
    readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "test-rsa" };
    readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> codes = new();
    WebApplication app = null!;

    /// <summary>Who the authorization endpoint signs in.</summary>
    public (string TenantId, string UserId) User { get; set; }

    public string Authority { get; private set; } = null!;

    public async Task Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        // The console fetches discovery and tokens from its own origin: a provider allows that for public clients.
        app.Use((context, next) =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return next(context);
        });
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = $"{Authority}/authorize",
            ["token_endpoint"] = $"{Authority}/token",
            ["jwks_uri"] = $"{Authority}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var query = request.Query;
            if (query["client_id"] != ClientId || query["code_challenge_method"] != "S256" || query["response_type"] != "code")
            {
                return Results.BadRequest();
            }
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            codes[code] = (query["code_challenge"]!, query["redirect_uri"]!);
            return Results.Redirect($"{query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(query["state"]!)}");
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!codes.TryRemove(form["code"].ToString(), out var issued) || form["redirect_uri"] != issued.RedirectUri ||
                Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != issued.Challenge)
            {
                return Results.BadRequest(new { error = "invalid_grant" });
            }
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = ApiFixture.Audience,
                Subject = new ClaimsIdentity([new Claim("sub", User.UserId), new Claim("tenantId", User.TenantId)]),
                Expires = DateTime.UtcNow.AddHours(1),
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
        });
        await app.StartAsync();
        Authority = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>A service that trusts the provider and has the console sign in through it.</summary>
public sealed class OidcApiFixture : ApiFixture
{
    public OidcProvider Provider { get; } = new();

    public override async Task InitializeAsync()
    {
        await Provider.Start();
        await base.InitializeAsync();
    }

    protected override void ConfigureMode(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:Jwt:Authority", Provider.Authority);
        builder.UseSetting("Auth:Console:ClientId", OidcProvider.ClientId);
    }

    protected override async Task DisposeFixture()
    {
        await base.DisposeFixture();
        await Provider.DisposeAsync();
    }
}

public sealed class OidcConsoleTests(OidcApiFixture api, BrowserFixture browser) : IClassFixture<OidcApiFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_console_signs_in_with_openid_connect_and_pkce_and_then_uses_the_api_with_the_providers_token()
    {
        var tenant = await HttpTenant.Create(api);
        api.Provider.User = (tenant.Id, "dev");
        var page = await browser.Open(api.BaseAddress);

        await page.GotoAsync("/console/");
        await Expect(page.GetByLabel("Tenant ID")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My API keys" })).ToBeVisibleAsync();
        await Expect(page.Locator("#who")).ToHaveTextAsync($"dev · {tenant.Id}");
        Assert.DoesNotContain("code=", page.Url);
        await page.GetByLabel("Description").FillAsync("signed in with oidc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" }).ClickAsync();
        await Expect(page.GetByLabel("New API key")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^qlk_"));
    }
}
