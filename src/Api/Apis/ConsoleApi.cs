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
    /// <summary>Scripts and styles come from this origin only; the sign-in provider is reached by fetch and redirects.</summary>
    const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self' https:; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseConsole(this WebApplication app)
    {
        // /console and /console/ serve /console/index.html.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
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

    static Ok<ConsoleSignIn> SignIn(IOptions<AuthOptions> auth, IWebHostEnvironment environment) =>
        TypedResults.Ok(new ConsoleSignIn(
            DevSignIn: environment.IsDevelopment(),
            Authority: auth.Value.Jwt.Authority,
            ClientId: auth.Value.Console.ClientId,
            Scope: auth.Value.Console.Scope));
}

/// <param name="DevSignIn">True in the Development environment only, where <c>/dev/token</c> exists.</param>
public sealed record ConsoleSignIn(bool DevSignIn, string? Authority, string? ClientId, string Scope);
