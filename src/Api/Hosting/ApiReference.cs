using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ApiKeys.Api.Hosting;

/// <summary>
/// The API's description (<c>/openapi/v1.json</c>) and its reference page (<c>/docs/</c>). The document is linted by
/// the tests with Redocly's recommended rules, and every error an operation can answer is listed under its status with
/// its code, so a client knows what to handle without reading the server.
/// </summary>
public static class ApiReference
{
    /// <summary>The tags, in the order the reference page shows them, with what each groups.</summary>
    static readonly (string Name, string Description)[] Tags =
    [
        ("API keys", "Qlik's api-keys endpoints: generate, list and search, read, rename, delete and revoke keys."),
        ("API key settings", "Qlik's per-tenant settings: whether keys are enabled, their maximum lifetime and count per user, excessive-usage thresholds."),
        ("Validation", "For gateways and services: is this key valid, and whom does it act for. Forward authentication for nginx, Traefik and Envoy."),
        ("Usage", "Validations per key over time, and the tenant's keys ranked by use."),
        ("Events", "Every change to keys, settings and roles, and validation failures, as CloudEvents."),
        ("Users and roles", "The caller, the tenant's members and their roles."),
        ("Tenants", "For the operator: create tenants and name their first TenantAdmin."),
        ("Service", "Probes and product information."),
        ("Development only", "Present only when the service runs in Development."),
    ];

    public static IServiceCollection AddApiReference(this IServiceCollection services) => services.AddOpenApi(o => o
        .AddSchemaTransformer((schema, context, _) =>
        {
            // Times go through UtcTimeConverter, which hides their type from the schema generator.
            if (context.JsonTypeInfo.Type == typeof(DateTimeOffset) || context.JsonTypeInfo.Type == typeof(DateTimeOffset?))
            {
                schema.Type = JsonSchemaType.String;
                schema.Format = "date-time";
            }
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        })
        .AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        }));

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        // A self-hosted product's page: no hosted services' buttons, no fonts or scripts from the internet.
        app.MapScalarApiReference("/docs", o =>
        {
            o.Title = "ApiKeys API reference";
            o.DefaultFonts = false;
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.Telemetry = false;
            o.Agent = new ScalarAgentOptions { Disabled = true };
            o.Mcp = new ScalarMcpOptions { Disabled = true };
            o.OperationTitleSource = OperationTitleSource.Summary;
        }).AllowAnonymous();
        return app;
    }

    static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ApiKeys",
            Version = "v1",
            Description = """
                API key management: Qlik's api-keys endpoints, unchanged, and this service's extensions (search, bulk revoke,
                validation for gateways, usage and events).

                Every `/api/v1` call takes `Authorization: Bearer <credential>`, one of:
                - an **API key** (`qlk_…`), which acts as its owner;
                - a **user token** (a JWT from the configured issuer, or `POST /dev/token` in Development);
                - the **operator token**, for `/api/v1/tenants`.

                Errors answer `{"errors": [{"code", "title", "detail", "status", "source"}]}`; each operation lists its codes.
                Credentials are never accepted in a URL.
                """,
        };
        // The server is where the document was fetched from; a trailing slash would double every path's first one.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (qlk_...), a user token (JWT) or, for /api/v1/tenants, the operator token.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
        DescribeProbes(document);
    }

    /// <summary>Readiness and the metrics are served by middleware, which the API explorer does not see.</summary>
    static void DescribeProbes(OpenApiDocument document)
    {
        document.Paths ??= [];
        document.Paths["/health/ready"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = Probe(document, "getReadiness", "Readiness",
                    "The database and the cluster answer: 200 `{\"status\":\"ready\"}`, or 503 naming the checks that failed.",
                    ("200", "Ready."), ("503", "Not ready: the body names the checks that failed.")),
            },
        };
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = Probe(document, "getMetrics", "Prometheus metrics",
                    "OpenTelemetry metrics in Prometheus' text format, on the management port only (`ApiKeys:ManagementPort`); " +
                    "the public port answers 404 here.", ("200", "The metrics."), ("404", "Asked on the public port.")),
            },
        };
    }

    static OpenApiOperation Probe(OpenApiDocument document, string id, string summary, string description,
        params (string Status, string Description)[] responses)
    {
        var operation = new OpenApiOperation
        {
            OperationId = id,
            Summary = summary,
            Description = description,
            Tags = new HashSet<OpenApiTagReference> { new("Service") },
            Security = [],
            Responses = [],
        };
        foreach (var (status, text) in responses)
        {
            operation.Responses[status] = new OpenApiResponse { Description = text };
        }
        // Probes are screened like every request.
        operation.Responses["400"] = ErrorResponse(document, $"`{ErrorTypes.TokenInUrl.Code}`: {ErrorTypes.TokenInUrl.Title}.");
        return operation;
    }

    static OpenApiResponse ErrorResponse(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(ErrorBody), document) },
        },
    };

    /// <summary>
    /// Adds what every operation of a kind can answer to what its endpoint declares (<see cref="ErrorMetadata.ProducesErrors"/>),
    /// and lists each status's codes: every request is screened for credentials in its URL, every secured one
    /// authenticated and authorized, every body read as JSON of at most 64 KiB, every <c>/api/v1</c> call may find the
    /// cluster unavailable.
    /// </summary>
    static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var errors = metadata.OfType<ErrorTypesMetadata>().SelectMany(m => m.Types).ToList();
        errors.Add(ErrorTypes.TokenInUrl);
        if (!anonymous)
        {
            errors.AddRange([ErrorTypes.Unauthorized, ErrorTypes.Forbidden]);
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy != CallerClaims.OperatorPolicy))
            {
                errors.Add(ErrorTypes.NotMember);
            }
        }
        if (operation.RequestBody is not null)
        {
            errors.AddRange([ErrorTypes.InvalidJson, ErrorTypes.PayloadTooLarge, ErrorTypes.UnsupportedMediaType]);
        }
        if (context.Description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true)
        {
            errors.Add(ErrorTypes.Unavailable);
        }
        if (anonymous)
        {
            // Without this the document's global Bearer requirement would apply, and clients would send a credential.
            operation.Security = [];
        }
        operation.Responses ??= [];
        foreach (var status in errors.DistinctBy(e => e.Code).GroupBy(e => e.Status).OrderBy(g => g.Key))
        {
            var key = status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var response) || response is not OpenApiResponse described)
            {
                described = ErrorResponse(context.Document!, "");
                operation.Responses[key] = described;
            }
            described.Description = string.Join("; ", status.Select(e => $"`{e.Code}`: {e.Title}")) + ".";
        }
        // Statuses in order, successes first, so the reference page reads from the usual answer to the rare one.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered)
        {
            operation.Responses[status] = response;
        }
    }
}
