using ApiKeys.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiKeys.Hosting;

/// <summary>Ready needs the database: a silo stores every change there, and a front end finds the cluster there.</summary>
public sealed class DatabaseHealthCheck(ApiKeysDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand("SELECT 1;");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reason, not the exception: its message may name the host and user of the connection string.
            return HealthCheckResult.Unhealthy($"The database did not answer ({e.GetType().Name}).");
        }
    }
}

/// <summary>Ready needs the cluster: a grain call round-trips from this process through a silo.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<ITenantGrain>("health").Get().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster did not answer ({e.GetType().Name}).");
        }
    }
}
