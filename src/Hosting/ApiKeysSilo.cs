using ApiKeys.Grains.Keys;
using ApiKeys.Grains.Events;
using ApiKeys.Grains.Storage;
using ApiKeys.Grains.Tenants;
using ApiKeys.Grains.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace ApiKeys.Hosting;

/// <summary>Everything a silo needs to host the key cluster on a database; clustering is the host's choice.</summary>
public static class ApiKeysSilo
{
    public static ISiloBuilder AddApiKeys(this ISiloBuilder silo, ApiKeysDatabase database, Action<ApiKeysOptions>? configure = null)
    {
        var services = silo.Services;
        services.AddSingleton(database);
        services.AddSingleton<Migrator>();
        services.AddSingleton<KeyCatalog>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<UsageLog>();
        services.AddSingleton<KeyOperations>();
        services.AddSingleton<UsageRankings>();
        services.AddHostedService<KeyCountGauge>();
        services.AddKeyChangeSubscriber<TenantPolicyCache>();
        services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        services.AddOptions<ApiKeysOptions>().Configure(o => configure?.Invoke(o));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StartupWork>();

        silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
        {
            o.Invariant = database.OrleansInvariant;
            o.ConnectionString = database.ConnectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = database.OrleansInvariant;
            o.ConnectionString = database.ConnectionString;
        });
        silo.UseSystemTextJsonGrainStorageSerializer();
        // The expiry and sweep reminders tick every minute, Orleans' default minimum; say so rather than rely on it.
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMinutes(1));
        services.AddOptions<GrainCollectionOptions>().Configure<Microsoft.Extensions.Options.IOptions<ApiKeysOptions>>((collection, options) =>
            collection.ClassSpecificCollectionAge[typeof(ApiKeyGrain).FullName!] = options.Value.KeyIdleTime);
        return silo;
    }

    /// <summary>Migrates the schema before Orleans' providers read their queries, and starts the expiry sweep once the silo is up.</summary>
    sealed class StartupWork(Migrator migrator, IGrainFactory grains) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle)
        {
            lifecycle.Subscribe<StartupWork>(ServiceLifecycleStage.First, migrator.MigrateAsync);
            lifecycle.Subscribe<StartupWork>(ServiceLifecycleStage.Active,
                _ => grains.GetGrain<IExpirySweepGrain>(ExpirySweepGrain.SingletonKey).Start());
        }
    }
}
