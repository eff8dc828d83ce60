using ApiKeys.Tests.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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

    /// <summary>The product clock of every silo and front end here, moved by tests.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabase();
        // Started one after the other: the first creates the schema and the cluster, the second joins it.
        for (var i = 0; i < 2; i++)
        {
            Silos.Add(await StartSilo(ConnectionString, Time));
        }
        FrontEnds = [new FrontEnd(ConnectionString, Time), new FrontEnd(ConnectionString, Time)];
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

    public static async Task<IHost> StartSilo(string connectionString, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (time is not null)
        {
            builder.Services.AddKeyedSingleton(Clock.Key, time);
        }
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
    public sealed class FrontEnd(string connectionString, TimeProvider time) : ApiFixture
    {
        protected override void ConfigureMode(IWebHostBuilder builder)
        {
            builder.UseSetting("Orleans:Client", "true");
            builder.UseSetting("ApiKeys:Database", "postgres");
            builder.UseSetting("ConnectionStrings:ApiKeys", connectionString);
            builder.ConfigureTestServices(services => services.AddKeyedSingleton(Clock.Key, time));
        }
    }
}
