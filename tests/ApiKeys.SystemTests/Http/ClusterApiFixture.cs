using Microsoft.AspNetCore.Hosting;

namespace ApiKeys.Tests.Http;

/// <summary>
/// The same front end in cluster mode: an Orleans client of a silo hosted on PostgreSQL with ADO.NET clustering, so
/// the HTTP suites also run against PostgreSQL.
/// </summary>
public sealed class ClusterApiFixture : ApiFixture
{
    string connectionString = "";
    Microsoft.Extensions.Hosting.IHost? silo;

    public override async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabase();
        silo = await Cluster.PostgresClusterNodes.StartSilo(connectionString);
        await base.InitializeAsync();
    }

    protected override void ConfigureMode(IWebHostBuilder builder) => ClientOf(builder, connectionString);

    /// <summary>Stops the cluster's only silo: the front end stays up with no cluster to ask.</summary>
    public Task StopSilo() => silo!.StopAsync();

    protected override async Task DisposeFixture()
    {
        await base.DisposeFixture();
        if (silo is not null)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }
}
