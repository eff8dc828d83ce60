using ApiKeys.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace ApiKeys.Grains.Hosting;

/// <summary>
/// How a process hosts a silo from configuration. Embedded default: one node, localhost clustering, and a SQLite file
/// (<c>ApiKeys:Sqlite</c>, default <c>data/apikeys.db</c>; a relative path is under the host's content root) for grain
/// state, reminders and our tables.
/// </summary>
public static class ApiKeysHosting
{
    public static IHostApplicationBuilder AddApiKeysSilo(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var file = Path.Combine(builder.Environment.ContentRootPath, config["ApiKeys:Sqlite"] ?? Path.Combine("data", "apikeys.db"));
        var database = ApiKeysDatabase.SqliteFile(file);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: config.GetValue("Orleans:SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                gatewayPort: config.GetValue("Orleans:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
                serviceId: "apikeys",
                clusterId: "apikeys");
            silo.AddApiKeys(database, options => config.GetSection("ApiKeys").Bind(options));
        });
        return builder;
    }
}
