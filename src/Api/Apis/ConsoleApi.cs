using ApiKeys.Api.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ApiKeys.Api.Apis;

/// <summary>
/// The web console (<c>wwwroot/console</c>): static pages that use the public REST API with the signed-in user's bearer
/// token, and the one thing they need from the server first, how to sign in.
/// </summary>
public static class ConsoleApi
{
    public static WebApplication UseConsole(this WebApplication app)
    {
        // Scripts and styles come from this origin only; the page may fetch from the sign-in provider, nowhere else.
        var authority = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Jwt.Authority;
        var provider = Uri.TryCreate(authority, UriKind.Absolute, out var uri) ? " " + uri.GetLeftPart(UriPartial.Authority) : "";
        var contentSecurityPolicy =
            $"default-src 'self'; connect-src 'self'{provider}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
        // /console and /console/ serve /console/index.html.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = contentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Revalidated on every load, so a deployment's new console is used at once.
                headers.CacheControl = "no-cache";
            },
        });
        app.MapGet("/", () => TypedResults.Redirect("/console/")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/console/sign-in.json", SignIn).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>OpenID Connect once a client id is configured; otherwise, in Development only, the development sign-in.</summary>
    static Ok<ConsoleSignIn> SignIn(IOptions<AuthOptions> auth, IWebHostEnvironment environment) =>
        TypedResults.Ok(new ConsoleSignIn(
            DevSignIn: environment.IsDevelopment() && string.IsNullOrEmpty(auth.Value.Console.ClientId),
            Authority: auth.Value.Jwt.Authority,
            ClientId: auth.Value.Console.ClientId,
            Scope: auth.Value.Console.Scope));
}

/// <param name="DevSignIn">True in the Development environment only (where <c>/dev/token</c> exists), and there only while no OpenID Connect client is configured.</param>
public sealed record ConsoleSignIn(bool DevSignIn, string? Authority, string? ClientId, string Scope);
