using ApiKeys.Api.Authentication;
using ApiKeys.Hosting;
using ApiKeys.ServiceDefaults;
using Orleans.Dashboard;

namespace ApiKeys.Api.Apis;

/// <summary>The Orleans cluster dashboard (silos, grain types, calls), for the operator only, on the management port.</summary>
public static class DashboardApi
{
    public const string Path = "/dashboard";

    public static IEndpointRouteBuilder MapClusterDashboard(this IEndpointRouteBuilder app, IConfiguration config)
    {
        if (!ApiKeysHosting.Dashboard(config))
        {
            return app;
        }
        app.MapOrleansDashboard(Path).OnManagementPort().RequireAuthorization(CallerClaims.DashboardPolicy).ExcludeFromDescription()
            .WithHttpLogging(Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.None);
        return app;
    }
}
