using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ApiKeys.Tests;

/// <summary>The embedded node as the Silo and Api programs host it, stopped and started again on the same SQLite file.</summary>
public class RestartTests
{
    [Fact]
    public async Task Everything_is_back_after_a_restart_and_a_key_that_expired_meanwhile_shows_expired()
    {
        using var folder = new TestFolder();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var admin = new Caller("acme", "alice");
        var developer = new Caller("acme", "bob");
        IssuedApiKey longLived, shortLived, revoked;

        using (var node = await StartNode(folder.Path, time))
        {
            var grains = node.Services.GetRequiredService<IGrainFactory>();
            var tenant = grains.GetGrain<ITenantGrain>("acme");
            await tenant.Create("Acme", "alice");
            await tenant.SetRoles(admin, "bob", TenantRoles.Developer);
            await tenant.UpdateConfig(admin, new ApiKeysConfigChange(true, "P2D", 10));
            longLived = await grains.User(developer).GenerateKey(developer, new KeyRequest("long", "P1D"));
            shortLived = await grains.User(developer).GenerateKey(developer, new KeyRequest("short", "PT1H"));
            revoked = await grains.User(developer).GenerateKey(developer, new KeyRequest("revoked"));
            await grains.User(admin).RevokeKey(admin, revoked.Key.Id);
            for (var i = 0; i < 3; i++)
            {
                await grains.ValidateKey(longLived.Token);
            }
            // Usage counted in memory is written when the node stops and deactivates its grains.
            await node.StopAsync();
        }
        SqliteConnection.ClearAllPools();
        time.Advance(TimeSpan.FromHours(2));

        using (var node = await StartNode(folder.Path, time))
        {
            var grains = node.Services.GetRequiredService<IGrainFactory>();
            var tenant = grains.GetGrain<ITenantGrain>("acme");
            Assert.Equal("Acme", (await tenant.Get())!.Name);
            Assert.Equal(new ApiKeysConfig(true, "P2D", 10, "P365D"), await tenant.GetConfig());
            Assert.Equal([new TenantUser("alice", TenantRoles.TenantAdmin), new TenantUser("bob", TenantRoles.Developer)],
                await tenant.GetUsers(admin));

            Assert.Equal(new Validation(ValidationCode.Valid, longLived.Key.Id, "acme", "bob", KeySubType.User, TenantRoles.Developer,
                longLived.Key.Expiry), await grains.ValidateKey(longLived.Token));
            Assert.Equal(ValidationCode.Revoked, (await grains.ValidateKey(revoked.Token)).Code);
            Assert.Equal(ValidationCode.Expired, (await grains.ValidateKey(shortLived.Token)).Code);
            Assert.Equal(longLived.Key, await grains.GetGrain<IApiKeyGrain>(longLived.Key.Id).Get());

            // The startup sweep already stored the expiry: the catalog, which only the key grain writes, shows it.
            var listed = await grains.GetGrain<IKeyCatalogGrain>(0).List(admin, new KeyQuery(Sort: KeySort.Description, Descending: false));
            Assert.Equal([("long", KeyStatus.Active), ("revoked", KeyStatus.Revoked), ("short", KeyStatus.Expired)],
                listed.Keys.Select(k => (k.Description, k.Status)));

            Assert.Equal([true, false, false], listed.Keys.Select(k => k.LastUsed is not null));
            var audit = node.Services.GetRequiredService<AuditLog>();
            var events = (await audit.List("acme", new EventQuery(Limit: 100))).Events;
            Assert.Equal(
                new[] { EventTypes.TenantCreated, EventTypes.RolesUpdated, EventTypes.ConfigUpdated, EventTypes.KeyCreated, EventTypes.KeyCreated,
                    EventTypes.KeyCreated, EventTypes.KeyDeleted, EventTypes.KeyExpired }.Order(),
                events.Select(e => e.Type).Order());
            var usage = await grains.GetGrain<IUsageGrain>(0).GetKeyUsage(admin, longLived.Key.Id, TimeSpan.FromHours(3), TimeSpan.FromHours(1));
            Assert.Equal(3, usage.Buckets.Sum(b => b.Successes));
            await node.StopAsync();
        }
        SqliteConnection.ClearAllPools();
    }

    static async Task<IHost> StartNode(string folder, TimeProvider time)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ApiKeys:Sqlite"] = Path.Combine(folder, "node", "apikeys.db"),
            ["Orleans:SiloPort"] = TestMachine.FreePort().ToString(),
            ["Orleans:GatewayPort"] = TestMachine.FreePort().ToString(),
        });
        builder.Services.AddKeyedSingleton(Clock.Key, time);
        builder.AddApiKeysSilo();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
