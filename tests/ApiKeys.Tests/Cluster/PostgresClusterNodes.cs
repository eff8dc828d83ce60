using ApiKeys.Grains.Hosting;
using ApiKeys.Tests.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ApiKeys.Tests.Cluster;

/// <summary>
/// Cluster mode as it is deployed, in one test process: two silo hosts built by the Silo program's own hosting code on
/// PostgreSQL with ADO.NET clustering, and two Api front ends running as Orleans clients of them, over real HTTP.
/// </summary>
public sealed class PostgresClusterNodes : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public List<IHost> Silos { get; } = [];

    public FrontEnd[] FrontEnds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabase();
        // Started one after the other: the first creates the schema and the cluster, the second joins it.
        for (var i = 0; i < 2; i++)
        {
            Silos.Add(await StartSilo(ConnectionString));
        }
        FrontEnds = [new FrontEnd(ConnectionString), new FrontEnd(ConnectionString)];
        foreach (var frontEnd in FrontEnds)
        {
            await frontEnd.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var frontEnd in FrontEnds)
        {
            await ((IAsyncLifetime)frontEnd).DisposeAsync();
        }
        foreach (var silo in Silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }

    public static async Task<IHost> StartSilo(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ApiKeys:Database"] = "postgres",
            ["ConnectionStrings:ApiKeys"] = connectionString,
            ["Orleans:SiloPort"] = TestMachine.FreePort().ToString(),
            ["Orleans:GatewayPort"] = TestMachine.FreePort().ToString(),
        });
        builder.AddApiKeysSilo();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The Api program as a client of the silos (Orleans:Client=true), with its own credentials settings.</summary>
    public sealed class FrontEnd(string connectionString) : ApiFixture
    {
        protected override void ConfigureMode(IWebHostBuilder builder)
        {
            builder.UseSetting("Orleans:Client", "true");
            builder.UseSetting("ApiKeys:Database", "postgres");
            builder.UseSetting("ConnectionStrings:ApiKeys", connectionString);
        }
    }
}
