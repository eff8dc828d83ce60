using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKeys.Hosting;

/// <summary>
/// This host's place among the listeners of <see cref="IKeyChangesGrain"/>: renews it four times per lease and passes
/// every change on to the host's caches.
/// </summary>
public sealed partial class KeyChangeListener(
    IGrainFactory grains,
    IEnumerable<IKeyChangeSubscriber> subscribers,
    IOptions<ApiKeysOptions> options,
    ILogger<KeyChangeListener> logger) : BackgroundService, IKeyChangeListener
{
    readonly IKeyChangeSubscriber[] caches = [.. subscribers];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IKeyChangeListener? self = null;
        var failing = false;
        using var timer = new PeriodicTimer(options.Value.ValidationCacheLease / 4);
        do
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                self ??= grains.CreateObjectReference<IKeyChangeListener>(this);
                if (!await grains.GetGrain<IKeyChangesGrain>(0).Listen(self))
                {
                    foreach (var cache in caches)
                    {
                        cache.Reset();
                    }
                }
                foreach (var cache in caches)
                {
                    cache.HeardAllUntil(sent);
                }
                failing = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Without renewals the lease runs out, and the caches stop answering until they are renewed.
                if (!failing)
                {
                    LogRenewalFailed(e);
                }
                failing = true;
            }
        }
        while (await timer.NextTick(stoppingToken));
    }

    public Task KeysChanged(IReadOnlyList<string> keyIds)
    {
        foreach (var cache in caches)
        {
            cache.KeysChanged(keyIds);
        }
        return Task.CompletedTask;
    }

    public Task TenantChanged(string tenantId)
    {
        foreach (var cache in caches)
        {
            cache.TenantChanged(tenantId);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this host's place among the key change listeners; its caches answer nothing until it is renewed")]
    partial void LogRenewalFailed(Exception exception);
}

/// <summary>How changes travel: the grains announce them, each host listens once.</summary>
public static class KeyChangeSubscribers
{
    /// <summary>Registers <typeparamref name="TCache"/> as a cache that hears changes, and the host's one listener.</summary>
    public static IServiceCollection AddKeyChangeSubscriber<TCache>(this IServiceCollection services)
        where TCache : class, IKeyChangeSubscriber
    {
        services.TryAddSingleton<TCache>();
        services.AddSingleton<IKeyChangeSubscriber>(sp => sp.GetRequiredService<TCache>());
        if (!services.Any(s => s.ServiceType == typeof(KeyChangeListener)))
        {
            services.AddSingleton<KeyChangeListener>();
            services.AddHostedService(sp => sp.GetRequiredService<KeyChangeListener>());
        }
        return services;
    }
}
