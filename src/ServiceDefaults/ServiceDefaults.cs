using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ApiKeys.ServiceDefaults;

/// <summary>
/// What every ApiKeys host (Api and Silo) sets up the same way: OpenTelemetry metrics and traces, health checks, request
/// logging and redacted logs. Nothing here knows the domain: the hosting layer adds the product's and Orleans' meters,
/// traces and readiness checks (<c>ApiKeys.Hosting</c>). Settings:
/// <list type="bullet">
/// <item><c>Telemetry:Prometheus</c> (true): serve the metrics for Prometheus to scrape at <c>/metrics</c> on the management port (<see cref="ManagementPort"/>).</item>
/// <item><c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the OpenTelemetry variable): export metrics, traces and logs over OTLP.</item>
/// <item><c>Telemetry:Tracing</c> (on when OTLP is): record traces, through the Api, the grain calls and the database.</item>
/// <item><c>Telemetry:TraceSampleRatio</c> (1): the share of requests traced; a trace started upstream is followed.</item>
/// </list>
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        services.AddSecretRedaction(config["Auth:OperatorToken"]);
        services.AddManagementPort();
        services.AddHttpLogging(o =>
        {
            // No headers, query or bodies: they are where credentials travel.
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode
                | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });

        var otlp = !string.IsNullOrEmpty(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter("System.Runtime")
                // ASP.NET Core's request duration, connections, unhandled exceptions and rate-limit rejections. Not its
                // routing and memory pool meters: they record on every request and buffer (a twentieth of the validation
                // path's CPU, profiled).
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
                    "Microsoft.AspNetCore.RateLimiting")
                .AddNpgsqlInstrumentation()
                // Each scrape reads the instruments afresh (the exporter's default keeps an answer for 300 ms).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        // Recording traces costs every request, so only when they go somewhere (or a test asks).
        if (otlp || config.GetValue<bool>("Telemetry:Tracing"))
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(config.GetValue("Telemetry:TraceSampleRatio", 1.0))))
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddNpgsql());
        }
        if (otlp)
        {
            telemetry.WithLogging(configureBuilder: null, configureOptions: o => (o.IncludeFormattedMessage, o.IncludeScopes) = (true, true))
                .UseOtlpExporter();
        }
        services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (the process answers: the benchmark's trivial endpoint), <c>/health/ready</c> (the database and
    /// the cluster answer; 503 and the failing checks otherwise), and <c>/metrics</c> on the management port only.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new HealthAnswer("live"))).WithName("getLiveness").WithTags("Service").AllowAnonymous()
            .WithHttpLogging(HttpLoggingFields.None).WithSummary("Liveness").WithDescription("The process is up.");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadiness,
        }).WithTags("Service").AllowAnonymous().WithHttpLogging(HttpLoggingFields.None)
            .WithSummary("The database and the cluster answer: 200, or 503 naming the checks that failed.");
        if (app.Configuration.GetValue("Telemetry:Prometheus", true))
        {
            app.MapPrometheusScrapingEndpoint().OnManagementPort().AllowAnonymous().WithHttpLogging(HttpLoggingFields.None);
        }
        ManagementPort.WarnIfNotListening(app);
        return app;
    }

    static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var failed = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
            .ToDictionary(e => e.Key, e => e.Value.Description ?? e.Value.Status.ToString());
        return context.Response.WriteAsync(JsonSerializer.Serialize(
            new HealthAnswer(report.Status == HealthStatus.Healthy ? "ready" : "unready", failed.Count == 0 ? null : failed), Json));
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>A health endpoint's answer: live, ready or unready, with why for each failed check.</summary>
public sealed record HealthAnswer(string Status, IReadOnlyDictionary<string, string>? Failed = null);
