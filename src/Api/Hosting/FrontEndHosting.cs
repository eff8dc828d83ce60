using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using ApiKeys.Api.Apis;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using ApiKeys.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ApiKeys.Api.Hosting;

/// <summary>The REST front door: JSON conventions, credentials, error bodies and the API description.</summary>
public static class FrontEndHosting
{
    /// <summary>Bodies are small JSON documents; anything larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    const string CredentialScheme = "Credential";

    public static IHostApplicationBuilder AddApiKeysFrontEnd(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Off: hosting's request log prints whole URLs, and a key pasted into a query string must not reach the logs
        // before RequestScreening refuses the request. Wholly off, because while this category is on at any level hosting
        // opens a log scope and starts an activity for every request (a twentieth of a cached validation's CPU, profiled);
        // requests are logged by HTTP logging, and traced whenever tracing is on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        // Misconfigured credentials stop the start, rather than failing the first request that needs them.
        if (auth.Problem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        services.AddSingleton(Options.Create(auth));
        var verify = builder.Configuration.GetSection(VerifyOptions.Section).Get<VerifyOptions>() ?? new VerifyOptions();
        if (verify.Problem() is { } verifyProblem)
        {
            throw new InvalidOperationException(verifyProblem);
        }
        services.AddSingleton(Options.Create(verify));
        services.AddSingleton<ClientAddresses>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // A number is a JSON number: "5" is refused, and the API description types every count as an integer only.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.Converters.Add(new UtcTimeConverter());
        });
        // Binding failures (bad JSON, wrong content type, oversized body) become exceptions the error handler turns into the error body.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxBodyBytes);
        services.AddExceptionHandler<ErrorResponses.Handler>();
        services.AddProblemDetails();

        var devTokens = builder.Environment.IsDevelopment() ? new DevTokens(auth.Jwt) : null;
        if (devTokens is not null)
        {
            services.AddSingleton(devTokens);
        }
        services.AddSingleton<OperatorCredential>();
        services.AddKeyChangeSubscriber<ValidationCache>();
        services.AddSingleton<CachedUses>();
        services.AddSingleton<ValidationMetrics>();
        services.AddSingleton<KeyValidator>();
        services.AddSingleton<ForwardAuthAnswers>();
        services.AddHostedService<KeyValidatorFlush>();
        // No default scheme: only endpoints under a policy authenticate, so the validation endpoints and health checks
        // never validate a key they were not asked about.
        services.AddAuthentication()
            .AddPolicyScheme(CredentialScheme, null, o => o.ForwardDefaultSelector = context =>
                BearerToken.Read(context.Request) is { } token && BearerToken.LooksLikeJwt(token) &&
                !context.RequestServices.GetRequiredService<OperatorCredential>().Matches(token)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : KeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, KeyAuthenticationHandler>(KeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, OperatorDashboardAuthentication>(OperatorDashboardAuthentication.SchemeName, null)
            .AddJwtBearer(o => ConfigureJwt(o, auth.Jwt, devTokens, builder.Environment.IsDevelopment()));
        services.AddSingleton<IAuthorizationHandler, MembershipHandler>();
        services.AddSingleton<IAuthorizationHandler, KeyScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationRefusals>();
        services.AddAuthorizationBuilder()
            .AddPolicy(CallerClaims.MemberPolicy, p => p.AddAuthenticationSchemes(CredentialScheme).RequireClaim(CallerClaims.Tenant)
                .AddRequirements(new MembershipRequirement(), new KeyScopeRequirement()))
            .AddPolicy(CallerClaims.OperatorPolicy, p => p.AddAuthenticationSchemes(CredentialScheme).RequireClaim(CallerClaims.Operator))
            .AddPolicy(CallerClaims.DashboardPolicy, p => p.AddAuthenticationSchemes(OperatorDashboardAuthentication.SchemeName)
                .RequireClaim(CallerClaims.Operator))
            .AddPolicy(CallerClaims.OperatorOrMemberPolicy, p => p.AddAuthenticationSchemes(CredentialScheme)
                .RequireAssertion(c => c.User.IsOperator() || c.User.HasClaim(x => x.Type == CallerClaims.Tenant))
                .AddRequirements(new MembershipRequirement(), new KeyScopeRequirement()));

        services.AddLeakedKeys(builder.Configuration);
        services.AddApiReference();
        return builder;
    }

    public static WebApplication UseApiKeysFrontEnd(this WebApplication app)
    {
        // One line per request (method, path, status, time), outermost so it sees the final status; the validation
        // endpoints opt out, since gateways call them for every request they pass.
        app.UseHttpLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ErrorResponses.WriteForStatus);
        app.UseMiddleware<RequestScreening>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapApiReference();
        SayWhereToGo(app);
        return app;
    }

    /// <summary>Once the node serves requests, one line for whoever started it: where the console and the reference are.</summary>
    static void SayWhereToGo(WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var management = app.Configuration.GetValue<int?>(ApiKeys.ServiceDefaults.ManagementPort.Setting);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        var uris = addresses.Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>().ToList();
        var site = uris.FirstOrDefault(u => u.Port != management);
        if (site is null)
        {
            return;
        }
        var root = site.GetLeftPart(UriPartial.Authority);
        var operators = uris.FirstOrDefault(u => u.Port == management)?.GetLeftPart(UriPartial.Authority);
        app.Logger.LogInformation("ApiKeys is ready: the web console at {Console}, the API reference at {Reference}{Management}",
            root + "/console/", root + "/docs/", operators is null ? "" : $", metrics and the cluster dashboard at {operators}");
    });

    static void ConfigureJwt(JwtBearerOptions o, JwtOptions jwt, DevTokens? devTokens, bool development)
    {
        // Roles come from the tenant directory, so only sub and the tenant claim matter; keep their names as issued.
        o.MapInboundClaims = false;
        o.RequireHttpsMetadata = !development;
        if (!string.IsNullOrEmpty(jwt.Authority))
        {
            o.Authority = jwt.Authority;
        }
        var issuers = new List<string>();
        if (!string.IsNullOrEmpty(jwt.Issuer))
        {
            issuers.Add(jwt.Issuer);
        }
        var keys = jwt.SigningKeys.Select(k => (SecurityKey)new SymmetricSecurityKey(Convert.FromBase64String(k))).ToList();
        if (devTokens is not null)
        {
            issuers.Add(DevTokens.Issuer);
            keys.Add(devTokens.SigningKey);
        }
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidateIssuer = true,
            ValidAudience = jwt.Audience,
            IssuerSigningKeys = keys,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var principal = context.Principal!;
                if (principal.FindFirstValue("sub") is not { } user || !Ids.IsValid(user) ||
                    principal.FindFirstValue(jwt.TenantClaim) is not { } tenant || !Ids.IsValid(tenant))
                {
                    context.Fail($"The user token needs 'sub' and '{jwt.TenantClaim}' claims of 1 to {Ids.MaxLength} characters without '/'.");
                    return Task.CompletedTask;
                }
                context.Principal = new ClaimsPrincipal(CallerClaims.Member(JwtBearerDefaults.AuthenticationScheme, tenant, user));
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await ErrorResponses.Write(context.HttpContext, ErrorTypes.Unauthorized.With(
                    "The user token is invalid, expired, or not from a trusted issuer.", new ErrorSource(Parameter: "Authorization")));
            },
        };
    }
}
