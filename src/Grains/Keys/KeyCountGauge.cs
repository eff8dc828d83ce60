using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKeys.Grains.Keys;

/// <summary>
/// The <c>apikeys.keys</c> gauge: keys by <c>tenant</c> and <c>status</c>, as the catalog holds them. The catalog is
/// counted in the background every <see cref="ApiKeysOptions.KeyCountInterval"/>, so a scrape never waits on the
/// database. Every silo reports the same counts; dashboards take the maximum across silos, not the sum.
/// </summary>
public sealed partial class KeyCountGauge : BackgroundService
{
    readonly KeyCatalog catalog;
    readonly TimeSpan interval;
    readonly ILogger<KeyCountGauge> logger;
    Measurement<long>[] counts = [];

    public KeyCountGauge(KeyCatalog catalog, IOptions<ApiKeysOptions> options, IMeterFactory meters, ILogger<KeyCountGauge> logger)
    {
        (this.catalog, interval, this.logger) = (catalog, options.Value.KeyCountInterval, logger);
        meters.Create(Telemetry.Meter).CreateObservableGauge("apikeys.keys", () => Volatile.Read(ref counts), "{key}",
            "Keys by tenant and status, as the catalog held them at its last count");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var counted = await catalog.CountByTenantAndStatus(stoppingToken);
                Volatile.Write(ref counts, counted.Select(c => new Measurement<long>(c.Count,
                    new KeyValuePair<string, object?>("tenant", c.TenantId), new KeyValuePair<string, object?>("status", c.Status))).ToArray());
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogCountFailed(e);
            }
        }
        while (await timer.NextTick(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count keys by tenant and status; the gauge keeps its last counts")]
    partial void LogCountFailed(Exception exception);
}
