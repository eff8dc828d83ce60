using System.Text.Json;

namespace ApiKeys.Tests;

/// <summary>Suspend and resume: a TenantAdmin's reversible stop, short of a final revoke.</summary>
public abstract class KeySuspensionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_suspended_key_is_refused_until_an_admin_resumes_it()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        var suspended = await scenario.Key(issued.Key.Id).Suspend(scenario.Admin, "under investigation");

        Assert.Equal(KeyStatus.Suspended, suspended.Status);
        Assert.Equal(issued.Key.Expiry, suspended.Expiry);
        Assert.Equal(ValidationCode.Suspended, (await fixture.Client.ValidateKey(issued.Token)).Code);
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Status: KeyStatus.Suspended));
        Assert.Equal([issued.Key.Id], listed.Keys.Select(k => k.Id));

        var resumed = await scenario.Key(issued.Key.Id).Resume(scenario.Admin, null);

        Assert.Equal(KeyStatus.Active, resumed.Status);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        var events = await fixture.Events(scenario.TenantId);
        var suspendedEvent = events.Single(e => e.Type == EventTypes.KeySuspended);
        Assert.Equal(("admin", issued.Key.Id), (suspendedEvent.UserId, suspendedEvent.KeyId));
        Assert.Equal("under investigation", Data(suspendedEvent).GetProperty("reason").GetString());
        var resumedEvent = events.Single(e => e.Type == EventTypes.KeyResumed);
        Assert.False(Data(resumedEvent).TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Only_a_tenant_admin_of_the_keys_tenant_suspends_or_resumes()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var other = await Scenario.Create(fixture.Client);

        // The owner is no admin: refused before the key is looked at, so an unknown id is refused the same way.
        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Key(issued.Key.Id).Suspend(scenario.Developer, null));
        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Key(ApiKeyToken.NewKeyId()).Suspend(scenario.Developer, null));
        await Expect.Refused(ProblemCode.KeyNotFound, () => scenario.Key(issued.Key.Id).Suspend(other.Admin, null));
        await Expect.Refused(ProblemCode.KeyNotFound, () => scenario.Key(ApiKeyToken.NewKeyId()).Suspend(scenario.Admin, null));
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        await scenario.Key(issued.Key.Id).Suspend(scenario.Admin, null);
        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Key(issued.Key.Id).Resume(scenario.Developer, null));
        await Expect.Refused(ProblemCode.KeyNotFound, () => scenario.Key(issued.Key.Id).Resume(other.Admin, null));
        Assert.Equal(ValidationCode.Suspended, (await fixture.Client.ValidateKey(issued.Token)).Code);
    }

    [Fact]
    public async Task Only_an_active_key_suspends_only_a_suspended_one_resumes_and_a_suspended_one_can_be_revoked()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var key = scenario.Key(issued.Key.Id);

        await Expect.Refused(ProblemCode.KeyNotSuspended, () => key.Resume(scenario.Admin, null));
        await key.Suspend(scenario.Admin, null);
        await Expect.Refused(ProblemCode.KeyNotActive, () => key.Suspend(scenario.Admin, null));

        var revoked = await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, issued.Key.Id);

        Assert.Equal(KeyStatus.Revoked, revoked.Status);
        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(issued.Token)).Code);
        await Expect.Refused(ProblemCode.KeyNotSuspended, () => key.Resume(scenario.Admin, null));
        await Expect.Refused(ProblemCode.KeyNotActive, () => key.Suspend(scenario.Admin, null));
        Assert.Equal(KeyStatus.Revoked, (await key.Get())!.Status);
    }

    [Fact]
    public async Task A_suspended_key_still_expires_at_its_expiry_and_then_cannot_be_resumed()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate(expiry: "PT1M");
        await scenario.Key(issued.Key.Id).Suspend(scenario.Admin, null);

        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(issued.Token)).Code);
        await Expect.Refused(ProblemCode.KeyNotSuspended, () => scenario.Key(issued.Key.Id).Resume(scenario.Admin, null));
        Assert.Equal(KeyStatus.Expired, (await scenario.Key(issued.Key.Id).Get())!.Status);
        Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.KeyExpired));
    }

    [Fact]
    public async Task A_suspended_key_keeps_its_place_under_the_limit()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 1);
        var issued = await scenario.Generate();
        await scenario.Key(issued.Key.Id).Suspend(scenario.Admin, null);

        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());

        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, issued.Key.Id);
        Assert.True((await fixture.Client.ValidateKey((await scenario.Generate()).Token)).Valid);
    }

    [Fact]
    public async Task Removing_the_owner_revokes_their_suspended_keys_and_role_changes_reach_them()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        await scenario.Key(issued.Key.Id).Suspend(scenario.Admin, null);
        await scenario.Tenant.SetRoles(scenario.Admin, "dev", TenantRoles.Developer | TenantRoles.TenantAdmin);
        await scenario.Key(issued.Key.Id).Resume(scenario.Admin, null);
        Assert.Equal(TenantRoles.Developer | TenantRoles.TenantAdmin, (await fixture.Client.ValidateKey(issued.Token)).Roles);
        await scenario.Key(issued.Key.Id).Suspend(scenario.Admin, null);

        await scenario.Tenant.RemoveUser(scenario.Admin, "dev");

        Assert.Equal(KeyStatus.Revoked, (await scenario.Key(issued.Key.Id).Get())!.Status);
        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(issued.Token)).Code);
    }

    [Fact]
    public async Task A_reason_is_stored_text_and_a_refused_reason_changes_nothing()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var other = await scenario.Generate();
        var key = scenario.Key(issued.Key.Id);

        await Expect.Refused(ProblemCode.InvalidArgument, () => key.Suspend(scenario.Admin, $"leaked: {other.Token}"));
        await Expect.Refused(ProblemCode.InvalidArgument, () => key.Suspend(scenario.Admin, new string('x', ActionReason.MaxLength + 1)));
        await Expect.Refused(ProblemCode.InvalidArgument, () => key.Suspend(scenario.Admin, "line\nbreak"));

        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        Assert.Empty(await fixture.Events(scenario.TenantId, EventTypes.KeySuspended));
        Assert.Equal(KeyStatus.Suspended, (await key.Suspend(scenario.Admin, "  ")).Status);
    }

    static JsonElement Data(AuditEvent e) => JsonDocument.Parse(e.Data).RootElement;
}

[Collection(SqliteCluster.Name)]
public sealed class KeySuspensionOnSqlite(SqliteClusterFixture fixture) : KeySuspensionTests(fixture);
