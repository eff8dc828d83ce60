using System.Text.Json;

namespace ApiKeys.Tests;

/// <summary>A key reported found in public: recorded, and revoked or not as the tenant's leaked_key_action says.</summary>
public abstract class KeyLeakTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_report_with_the_keys_secret_revokes_it_under_revoke_and_only_records_it_under_notify()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var revoked = await scenario.Generate();
        var kept = await scenario.Generate();

        Assert.True(await Report(revoked.Token, new LeakReport("github", "https://github.com/a/b", "content")));
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(LeakedKeyAction: ApiKeysConfig.NotifyLeakedKeys));
        Assert.True(await Report(kept.Token, new LeakReport("report")));

        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(revoked.Token)).Code);
        Assert.True((await fixture.Client.ValidateKey(kept.Token)).Valid);
        var leaks = await fixture.Events(scenario.TenantId, EventTypes.KeyLeaked);
        var actions = leaks.ToDictionary(e => e.KeyId!, e => JsonDocument.Parse(e.Data).RootElement.GetProperty("action").GetString());
        Assert.Equal("revoked", actions[revoked.Key.Id]);
        Assert.Equal("notified", actions[kept.Key.Id]);
        Assert.All(leaks, e => Assert.DoesNotContain(revoked.Token, e.Data));
        var revocation = (await fixture.Events(scenario.TenantId, EventTypes.KeyDeleted)).Single(e => e.KeyId == revoked.Key.Id);
        Assert.Equal("leaked", JsonDocument.Parse(revocation.Data).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Repeated_reports_of_a_recorded_key_make_one_event_until_the_tenant_revokes_on_reports()
    {
        var scenario = await Scenario.Create(fixture.Client);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(LeakedKeyAction: ApiKeysConfig.NotifyLeakedKeys));
        var key = await scenario.Generate();

        Assert.True(await Report(key.Token, new LeakReport("github")));
        Assert.True(await Report(key.Token, new LeakReport("report")));
        Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.KeyLeaked));

        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(LeakedKeyAction: ApiKeysConfig.RevokeLeakedKeys));
        Assert.True(await Report(key.Token, new LeakReport("report")));
        Assert.True(await Report(key.Token, new LeakReport("github")));

        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(key.Token)).Code);
        // Once it is over, a report changes nothing and records nothing more.
        Assert.Equal(2, (await fixture.Events(scenario.TenantId, EventTypes.KeyLeaked)).Count);
    }

    [Fact]
    public async Task A_report_without_the_keys_secret_changes_nothing()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var key = await scenario.Generate();
        // The key's id with another secret: a well-formed token that is not this key.
        var forged = ApiKeyToken.Issue(key.Key.Id).Token;

        Assert.False(await Report(forged, new LeakReport("report")));

        Assert.True((await fixture.Client.ValidateKey(key.Token)).Valid);
        Assert.Empty(await fixture.Events(scenario.TenantId, EventTypes.KeyLeaked));
    }

    Task<bool> Report(string token, LeakReport report)
    {
        Assert.True(ApiKeyToken.TryParse(token, out string keyId, out var secretHash));
        return fixture.Client.GetGrain<IApiKeyGrain>(keyId).ReportLeak(secretHash, report);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class KeyLeakOnSqlite(SqliteClusterFixture fixture) : KeyLeakTests(fixture);
