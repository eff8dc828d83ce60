using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ApiKeys.ServiceDefaults;

/// <summary>
/// Endpoints for the operator's tooling (the metrics scrape, the cluster dashboard) exist only on connections to the
/// management port, <c>Management:Port</c>, which the process listens on beside its public port (<c>Urls</c> names both).
/// On any other port routing does not find them at all, whatever the spelling of the path (<c>/METRICS</c>,
/// <c>/metrics/</c>, <c>/./metrics</c>...): the decision is the connection's local port, which no request can change, not
/// its path or its Host header. With no management port configured they answer nowhere. Health endpoints answer on
/// every port.
/// </summary>
public static class ManagementPort
{
    public const string Setting = "Management:Port";

    /// <summary>Serves these endpoints on the management port only.</summary>
    public static TBuilder OnManagementPort<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ManagementEndpoint.Instance);

    internal static void AddManagementPort(this IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, LocalPortPolicy>());

    /// <summary>Says at start-up when the management port is not among the addresses the process listens on.</summary>
    internal static void WarnIfNotListening(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var port = app.Configuration.GetValue<int?>(Setting);
            var listening = app.Urls.Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : -1);
            if (port is null || !listening.Contains(port.Value))
            {
                app.Logger.LogWarning("The metrics scrape and the cluster dashboard answer on no port: set {Setting} to a port that Urls lists.", Setting);
            }
        });
    }

    sealed class ManagementEndpoint
    {
        public static readonly ManagementEndpoint Instance = new();
    }

    /// <summary>Drops management endpoints from the candidates of a request that did not come in on the management port.</summary>
    sealed class LocalPortPolicy(IConfiguration config) : MatcherPolicy, IEndpointSelectorPolicy
    {
        readonly int? port = config.GetValue<int?>(Setting);

        public override int Order => 0;

        public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
            endpoints.Any(e => e.Metadata.GetMetadata<ManagementEndpoint>() is not null);

        public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
        {
            if (httpContext.Connection.LocalPort == port)
            {
                return Task.CompletedTask;
            }
            for (var i = 0; i < candidates.Count; i++)
            {
                if (candidates[i].Endpoint.Metadata.GetMetadata<ManagementEndpoint>() is not null)
                {
                    candidates.SetValidity(i, false);
                }
            }
            return Task.CompletedTask;
        }
    }
}
