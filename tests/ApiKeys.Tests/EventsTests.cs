using System.Text.Json;

namespace ApiKeys.Tests;

/// <summary>Every change is recorded as exactly one event of the right type, with who did it and what changed.</summary>
public abstract class EventsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Creating_a_tenant_and_setting_it_up_records_tenant_config_and_role_events()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 7);
        var events = await fixture.Events(scenario.TenantId);

        // The product clock stands still in these tests, so events share a time; compare them as a set.
        Assert.Equal(new[] { EventTypes.TenantCreated, EventTypes.RolesUpdated, EventTypes.ConfigUpdated }.Order(), events.Select(e => e.Type).Order());
        var created = Data(events.Single(e => e.Type == EventTypes.TenantCreated));
        Assert.Equal("admin", created.GetProperty("firstAdmin").GetString());

        var roles = events.Single(e => e.Type == EventTypes.RolesUpdated);
        Assert.Equal("admin", roles.UserId);
        Assert.Equal("dev", Data(roles).GetProperty("userId").GetString());
        Assert.Equal(["Developer"], Data(roles).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(Data(roles).GetProperty("previousRoles").EnumerateArray());

        var config = events.Single(e => e.Type == EventTypes.ConfigUpdated);
        Assert.Equal("admin", config.UserId);
        Assert.Equal(5, Data(config).GetProperty("before").GetProperty("max_keys_per_user").GetInt32());
        Assert.Equal(7, Data(config).GetProperty("after").GetProperty("max_keys_per_user").GetInt32());
        Assert.True(Data(config).GetProperty("after").GetProperty("api_keys_enabled").GetBoolean());
        Assert.All(events, e => Assert.Equal(scenario.TenantId, e.TenantId));
    }

    [Fact]
    public async Task Each_key_action_records_exactly_one_event_of_its_type()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var kept = await scenario.Generate(description: "kept");
        var removed = await scenario.Generate(description: "removed");
        await scenario.Key(kept.Key.Id).Update(scenario.Developer, new KeyChange("renamed"));
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, kept.Key.Id);
        await scenario.Grains.User(scenario.Developer).DeleteKey(scenario.Developer, removed.Key.Id);

        var keyEvents = (await fixture.Events(scenario.TenantId)).Where(e => e.KeyId is not null).ToList();

        // The product clock stands still in these tests, so events share a time; compare them as a set.
        Assert.Equal(
            new[] { (EventTypes.KeyCreated, kept.Key.Id), (EventTypes.KeyCreated, removed.Key.Id), (EventTypes.KeyUpdated, kept.Key.Id),
                (EventTypes.KeyDeleted, kept.Key.Id), (EventTypes.KeyDeleted, removed.Key.Id) }.Order(),
            keyEvents.Select(e => (e.Type, e.KeyId!)).Order());
        AuditEvent Find(string type, string keyId) => keyEvents.Single(e => e.Type == type && e.KeyId == keyId);
        var (create, rename, revoke, delete) = (Find(EventTypes.KeyCreated, kept.Key.Id), Find(EventTypes.KeyUpdated, kept.Key.Id),
            Find(EventTypes.KeyDeleted, kept.Key.Id), Find(EventTypes.KeyDeleted, removed.Key.Id));
        Assert.Equal("dev", create.UserId);
        Assert.Equal("kept", Data(create).GetProperty("description").GetString());
        Assert.Equal("active", Data(create).GetProperty("status").GetString());
        Assert.Equal("renamed", Data(rename).GetProperty("description").GetString());
        Assert.Equal("kept", Data(rename).GetProperty("previousDescription").GetString());
        Assert.Equal("admin", revoke.UserId);
        Assert.Equal("revoked", Data(revoke).GetProperty("status").GetString());
        Assert.Equal("dev", delete.UserId);
        Assert.Equal("deleted", Data(delete).GetProperty("status").GetString());
        Assert.All(keyEvents, e => Assert.Equal("1.0", AuditEvent.SpecVersion));
    }

    [Fact]
    public async Task Expiry_and_removing_the_owner_record_their_events_once()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var shortLived = await scenario.Generate(expiry: "PT2M");
        var carol = await scenario.AddUser("carol", TenantRoles.Developer);
        var hers = await scenario.Generate(carol);

        fixture.Time.Advance(TimeSpan.FromMinutes(3));
        var reminder = fixture.Client.GetGrain<IRemindable>(GrainId.Create("apikey", shortLived.Key.Id));
        await reminder.ReceiveReminder("expiry", new TickStatus());
        await reminder.ReceiveReminder("expiry", new TickStatus());
        await scenario.Tenant.RemoveUser(scenario.Admin, "carol");

        var expired = await fixture.Events(scenario.TenantId, EventTypes.KeyExpired);
        Assert.Equal([shortLived.Key.Id], expired.Select(e => e.KeyId));
        Assert.Null(expired[0].UserId);
        var removal = Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.UserRemoved));
        Assert.Equal("carol", Data(removal).GetProperty("userId").GetString());
        var revoked = Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.KeyDeleted));
        Assert.Equal(hers.Key.Id, revoked.KeyId);
        Assert.Equal("ownerRemoved", Data(revoked).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Changes_that_change_nothing_record_nothing()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var before = (await fixture.Events(scenario.TenantId)).Count;

        await scenario.Tenant.SetRoles(scenario.Admin, "dev", TenantRoles.Developer);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ApiKeysEnabled: true));
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange());

        Assert.Equal(before, (await fixture.Events(scenario.TenantId)).Count);
    }

    [Fact]
    public async Task A_key_reactivating_within_a_minute_adds_to_its_failure_events_instead_of_overwriting_them()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var key = await scenario.Generate();
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, key.Key.Id);
        for (var i = 0; i < 5; i++)
        {
            await fixture.Client.ValidateKey(key.Token);
        }
        await fixture.Cluster.DeactivateAsync(scenario.Key(key.Key.Id));
        for (var i = 0; i < 2; i++)
        {
            await fixture.Client.ValidateKey(key.Token);
        }
        await scenario.Key(key.Key.Id).FlushUsage();

        var failed = await fixture.Events(scenario.TenantId, EventTypes.ValidationFailed);
        Assert.Equal(7, failed.Sum(e => Data(e).GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task What_front_ends_record_of_their_refusals_reaches_no_tenant()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var before = await fixture.Events(scenario.TenantId);
        var minute = new MinuteFailures(UsageMinute.Of(fixture.Time.GetUtcNow()), fixture.Time.GetUtcNow(),
            new Dictionary<ValidationCode, long> { [ValidationCode.Malformed] = 3 });
        await fixture.Client.GetGrain<IEventsGrain>(0).RecordRefusals("frontend-test", [minute]);
        Assert.Equal(before.Count, (await fixture.Events(scenario.TenantId)).Count);
    }

    [Fact]
    public async Task Refused_changes_record_nothing()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var key = await scenario.Generate();
        var before = (await fixture.Events(scenario.TenantId)).Count;

        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Grains.User(scenario.Developer).RevokeKey(scenario.Developer, key.Key.Id));
        await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Key(key.Key.Id).Update(scenario.Developer, new KeyChange("")));
        await Expect.Refused(ProblemCode.InvalidSetting, () => scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxKeysPerUser: 1001)));
        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Tenant.SetRoles(scenario.Developer, "dev", TenantRoles.TenantAdmin));

        Assert.Equal(before, (await fixture.Events(scenario.TenantId)).Count);
    }

    [Fact]
    public async Task Validation_failures_of_a_key_are_one_event_per_minute_with_counts_by_reason()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var key = await scenario.Generate();
        var forged = Forge(key.Key.Id);
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, key.Key.Id);
        fixture.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(fixture.Time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));

        for (var i = 0; i < 40; i++)
        {
            await fixture.Client.ValidateKey(key.Token);
        }
        for (var i = 0; i < 10; i++)
        {
            await fixture.Client.ValidateKey(forged);
        }
        await scenario.Key(key.Key.Id).FlushUsage();
        for (var i = 0; i < 5; i++)
        {
            await fixture.Client.ValidateKey(key.Token);
        }
        await scenario.Key(key.Key.Id).FlushUsage();

        var failed = Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.ValidationFailed));
        Assert.Equal(key.Key.Id, failed.KeyId);
        Assert.Equal(55, Data(failed).GetProperty("count").GetInt64());
        Assert.Equal(45, Data(failed).GetProperty("reasons").GetProperty("revoked").GetInt64());
        Assert.Equal(10, Data(failed).GetProperty("reasons").GetProperty("notFound").GetInt64());
        Assert.DoesNotContain(key.Token, failed.Data);

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await fixture.Client.ValidateKey(key.Token);
        await scenario.Key(key.Key.Id).FlushUsage();
        Assert.Equal(2, (await fixture.Events(scenario.TenantId, EventTypes.ValidationFailed)).Count);
    }

    /// <summary>A well-formed token for a real key id with a secret that is not the key's.</summary>
    static string Forge(string keyId)
    {
        var (token, _) = ApiKeyToken.Issue(keyId);
        return token;
    }

    static JsonElement Data(AuditEvent e) => JsonDocument.Parse(e.Data).RootElement;
}

[Collection(SqliteCluster.Name)]
public sealed class EventsOnSqlite(SqliteClusterFixture fixture) : EventsTests(fixture);
