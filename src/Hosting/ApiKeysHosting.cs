using System.Net;
using ApiKeys.Grains.Storage;
using ApiKeys.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ApiKeys.Hosting;

/// <summary>
/// How a process joins the key cluster, from configuration.
/// <list type="bullet">
/// <item>Embedded (default, <c>ApiKeys:Database</c> = <c>sqlite</c>): one node, localhost clustering, a SQLite file
/// (<c>ApiKeys:Sqlite</c>, default <c>data/apikeys.db</c>, relative to the content root) for everything.</item>
/// <item>Cluster (<c>ApiKeys:Database</c> = <c>postgres</c>, <c>ConnectionStrings:ApiKeys</c>): silos find each other, and
/// clients find silos, through Orleans' ADO.NET clustering on the same PostgreSQL that holds all state.</item>
/// </list>
/// </summary>
public static class ApiKeysHosting
{
    /// <summary>Hosts a silo in this process.</summary>
    public static IHostApplicationBuilder AddApiKeysSilo(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var database = Database(builder);
        builder.UseOrleans(silo =>
        {
            var siloPort = config.GetValue("Orleans:SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
            var gatewayPort = config.GetValue("Orleans:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
            if (database.Dialect == Dialect.Sqlite)
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: ServiceId, clusterId: ClusterId(config));
            }
            else
            {
                silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, ClusterId(config)));
                // Processes on one machine stay on loopback; anywhere else the silo listens on every interface.
                var advertised = AdvertisedAddress(config);
                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (database.OrleansInvariant, database.ConnectionString));
                silo.Configure<ClusterMembershipOptions>(o => DetectSiloLoss(o, config));
                // A call to a silo that died unannounced fails after this long instead of the default 30 s.
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout(config));
            }
            silo.AddApiKeys(database, options => config.GetSection("ApiKeys").Bind(options));
            silo.AddActivityPropagation();
            if (Dashboard(config))
            {
                silo.AddDashboard(HideTraces);
            }
        });
        AddTelemetryAndReadiness(builder.Services);
        return builder;
    }

    /// <summary>Connects this process to a cluster of silos as an Orleans client (an Api front end in cluster mode).</summary>
    public static IHostApplicationBuilder AddApiKeysClient(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var database = Database(builder);
        if (database.Dialect != Dialect.Postgres)
        {
            throw new InvalidOperationException("A front end runs apart from the silos only in cluster mode: set ApiKeys:Database to postgres.");
        }
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, ClusterId(config)));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (database.OrleansInvariant, database.ConnectionString));
            // A lost silo's gateway leaves the list within seconds, not the default minute, and a call it held fails
            // after a few seconds, not the default 30.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout(config));
            client.AddActivityPropagation();
            if (Dashboard(config))
            {
                client.AddDashboard(HideTraces);
            }
        });
        builder.Services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        builder.Services.AddOptions<ApiKeysOptions>().Bind(config.GetSection("ApiKeys"));
        // Not for state, which the silos keep: readiness checks that the database the cluster is found through answers.
        builder.Services.AddSingleton(database);
        AddTelemetryAndReadiness(builder.Services);
        return builder;
    }

    /// <summary>
    /// The product's and Orleans' instruments and traces join what ServiceDefaults exports, and ready needs the database
    /// and the cluster to answer.
    /// </summary>
    static void AddTelemetryAndReadiness(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(Telemetry.Meter, "Microsoft.Orleans"));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(ActivitySources.AllActivitySourceName));
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ServiceDefaultsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(2))
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ServiceDefaultsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Silos probe each other every <c>Orleans:ProbeTimeout</c> (2 s) and declare a silo dead after three missed probes
    /// and two votes, so a silo that vanished is out of the cluster, and its grains reactivate elsewhere, within about
    /// 10 s; Orleans' defaults take about a minute. Much shorter probes risk declaring a busy silo dead.
    /// </summary>
    static void DetectSiloLoss(ClusterMembershipOptions o, IConfiguration config)
    {
        o.ProbeTimeout = config.GetValue("Orleans:ProbeTimeout", TimeSpan.FromSeconds(2));
        o.NumMissedProbesLimit = 3;
        o.NumVotesForDeathDeclaration = 2;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// The cluster dashboard (mapped by the Api behind the operator) shows silos, grains and calls, but not its live log
    /// stream, which would show every host's log lines to whoever holds the dashboard.
    /// </summary>
    static void HideTraces(DashboardOptions o) => o.HideTrace = true;

    /// <summary><c>Orleans:Dashboard</c> (true): collect the cluster dashboard's statistics in this process.</summary>
    public static bool Dashboard(IConfiguration config) => config.GetValue("Orleans:Dashboard", true);

    const string ServiceId = "apikeys";

    /// <summary><c>Orleans:ResponseTimeout</c> (10 s): how long a grain call may take, the bound on a call caught by a silo's loss.</summary>
    static TimeSpan ResponseTimeout(IConfiguration config) => config.GetValue("Orleans:ResponseTimeout", TimeSpan.FromSeconds(10));

    static string ClusterId(IConfiguration config) => config["Orleans:ClusterId"] ?? "apikeys";

    /// <summary>
    /// The address other silos and clients reach this silo on: <c>Orleans:AdvertisedIP</c> (an address or a host name);
    /// else, in a container, the container's own address; else loopback, for processes on one machine.
    /// </summary>
    static IPAddress AdvertisedAddress(IConfiguration config)
    {
        var name = config["Orleans:AdvertisedIP"] is { Length: > 0 } configured ? configured
            : config.GetValue<bool>("DOTNET_RUNNING_IN_CONTAINER") ? Dns.GetHostName()
            : null;
        if (name is null)
        {
            return IPAddress.Loopback;
        }
        if (IPAddress.TryParse(name, out var address))
        {
            return address;
        }
        return Dns.GetHostAddresses(name).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"Orleans:AdvertisedIP: '{name}' has no IPv4 address; set Orleans:AdvertisedIP to this silo's address.");
    }

    static ApiKeysDatabase Database(IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        return (config["ApiKeys:Database"] ?? "sqlite").ToLowerInvariant() switch
        {
            "sqlite" => ApiKeysDatabase.SqliteFile(Path.Combine(builder.Environment.ContentRootPath,
                config["ApiKeys:Sqlite"] ?? Path.Combine("data", "apikeys.db"))),
            "postgres" => ApiKeysDatabase.Postgres(config.GetConnectionString("ApiKeys")
                ?? throw new InvalidOperationException("Cluster mode needs ConnectionStrings:ApiKeys (ConnectionStrings__ApiKeys).")),
            var other => throw new InvalidOperationException($"ApiKeys:Database is sqlite or postgres, not '{other}'."),
        };
    }
}
