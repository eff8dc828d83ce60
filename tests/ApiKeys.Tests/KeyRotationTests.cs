using System.Text.Json;

namespace ApiKeys.Tests;

/// <summary>Rotation: a new key replaces an old one, which keeps working for the grace period asked for.</summary>
public abstract class KeyRotationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_old_key_works_through_its_grace_period_and_is_refused_from_its_end()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var old = await scenario.Generate(description: "deploy");

        var issued = await scenario.Grains.User(scenario.Developer).RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("PT1H"));
        var started = issued.Key.Created; // the product's clock, to the millisecond

        Assert.Equal(old.Key.Id, issued.Key.RotatedFrom);
        Assert.Equal(("deploy", "dev", KeySubType.User, KeyStatus.Active), (issued.Key.Description, issued.Key.Sub, issued.Key.SubType, issued.Key.Status));
        Assert.Equal(started + TimeSpan.FromHours(24), issued.Key.Expiry); // the tenant maximum
        var rotated = (await scenario.Key(old.Key.Id).Get())!;
        Assert.Equal((issued.Key.Id, started + TimeSpan.FromHours(1)), (rotated.RotatedTo, rotated.Expiry));
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        Assert.True((await fixture.Client.ValidateKey(old.Token)).Valid);

        fixture.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        Assert.True((await fixture.Client.ValidateKey(old.Token)).Valid);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(old.Token)).Code);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        var events = await fixture.Events(scenario.TenantId, EventTypes.KeyRotated);
        var data = JsonDocument.Parse(Assert.Single(events).Data).RootElement;
        Assert.Equal(issued.Key.Id, data.GetProperty("rotatedTo").GetString());
        Assert.Equal(started + TimeSpan.FromHours(1), data.GetProperty("stopsAt").GetDateTimeOffset());
        Assert.Equal(old.Key.Id, JsonDocument.Parse((await fixture.Events(scenario.TenantId, EventTypes.KeyCreated))
            .Single(e => e.KeyId == issued.Key.Id).Data).RootElement.GetProperty("rotatedFrom").GetString());
    }

    [Fact]
    public async Task A_grace_period_never_extends_the_old_keys_life_and_zero_ends_it_at_once()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var shortLived = await scenario.Generate(expiry: "PT30M");
        var leaked = await scenario.Generate();

        await scenario.Grains.User(scenario.Developer).RotateKey(scenario.Developer, shortLived.Key.Id, new RotationRequest("P1D"));
        await scenario.Grains.User(scenario.Developer).RotateKey(scenario.Developer, leaked.Key.Id, new RotationRequest("PT0S", Description: "replacement"));

        Assert.Equal(shortLived.Key.Expiry, (await scenario.Key(shortLived.Key.Id).Get())!.Expiry);
        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(leaked.Token)).Code);
        Assert.Equal(KeyStatus.Expired, (await scenario.Key(leaked.Key.Id).Get())!.Status);
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Search: "replacement"));
        Assert.Equal(leaked.Key.Id, Assert.Single(listed.Keys).RotatedFrom);
    }

    [Fact]
    public async Task A_user_at_the_limit_can_rotate_and_the_old_key_in_its_grace_no_longer_counts()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 1);
        var old = await scenario.Generate();
        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());

        var issued = await scenario.Grains.User(scenario.Developer).RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("P1D"));

        Assert.True((await fixture.Client.ValidateKey(old.Token)).Valid);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());
    }

    [Fact]
    public async Task Rotating_successors_in_turn_never_gives_more_keys_in_their_grace_than_the_limit()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 1);
        var first = await scenario.Generate();
        var user = scenario.Grains.User(scenario.Developer);
        var second = await user.RotateKey(scenario.Developer, first.Key.Id, new RotationRequest("PT1H"));

        await Expect.Refused(ProblemCode.KeyLimitReached, () => user.RotateKey(scenario.Developer, second.Key.Id, new RotationRequest("PT1H")));

        Assert.Null((await scenario.Key(second.Key.Id).Get())!.RotatedTo);
        fixture.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(first.Token)).Code);
        var third = await user.RotateKey(scenario.Developer, second.Key.Id, new RotationRequest("PT1H"));
        Assert.True((await fixture.Client.ValidateKey(third.Token)).Valid);
    }

    [Fact]
    public async Task Twenty_concurrent_rotations_of_one_key_make_one_new_key()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var old = await scenario.Generate();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return (Key: (IssuedApiKey?)await scenario.Grains.User(scenario.Developer).RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("PT1H")), Refusal: (ProblemCode?)null);
            }
            catch (ApiKeysException e)
            {
                return (Key: (IssuedApiKey?)null, Refusal: e.Code);
            }
        }));

        var issued = Assert.Single(attempts, a => a.Key is not null).Key!;
        Assert.All(attempts.Where(a => a.Key is null), a => Assert.Equal(ProblemCode.KeyAlreadyRotated, a.Refusal));
        var mine = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Developer, new KeyQuery(Sub: "dev"));
        Assert.Equal(new[] { old.Key.Id, issued.Key.Id }.Order(), mine.Keys.Select(k => k.Id).Order());
        Assert.Equal(issued.Key.Id, (await scenario.Key(old.Key.Id).Get())!.RotatedTo);
        await Expect.Refused(ProblemCode.KeyAlreadyRotated, () =>
            scenario.Grains.User(scenario.Developer).RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("PT0S")));
    }

    [Fact]
    public async Task Refused_rotations_change_nothing()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var old = await scenario.Generate();
        var suspended = await scenario.Generate();
        await scenario.Key(suspended.Key.Id).Suspend(scenario.Admin, null);
        var other = await scenario.AddUser("other-dev", TenantRoles.Developer);
        var user = scenario.Grains.User(scenario.Developer);

        await Expect.Refused(ProblemCode.InvalidArgument, () => user.RotateKey(scenario.Developer, old.Key.Id, new RotationRequest(null)));
        await Expect.Refused(ProblemCode.InvalidDuration, () => user.RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("P8D")));
        await Expect.Refused(ProblemCode.InvalidDuration, () => user.RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("-PT1H")));
        await Expect.Refused(ProblemCode.ExpiryTooLong, () => user.RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("PT1H", Expiry: "P2D")));
        await Expect.Refused(ProblemCode.DescriptionInvalid, () => user.RotateKey(scenario.Developer, old.Key.Id,
            new RotationRequest("PT1H", Description: $"copy of {old.Token}")));
        await Expect.Refused(ProblemCode.KeyNotActive, () => user.RotateKey(scenario.Developer, suspended.Key.Id, new RotationRequest("PT1H")));
        // Another developer does not see the key; its grain is the owner's, so theirs does not hold it either.
        await Expect.Refused(ProblemCode.KeyNotFound, () => user.RotateKey(other, old.Key.Id, new RotationRequest("PT1H")));
        await Expect.Refused(ProblemCode.KeyNotFound, () => scenario.Grains.User(other).RotateKey(other, old.Key.Id, new RotationRequest("PT1H")));
        await scenario.Tenant.SetRoles(scenario.Admin, "dev", TenantRoles.None);
        await Expect.Refused(ProblemCode.DeveloperRoleRequired, () => user.RotateKey(scenario.Developer, old.Key.Id, new RotationRequest("PT1H")));
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ApiKeysEnabled: false));
        await Expect.Refused(ProblemCode.ApiKeysDisabled, () => user.RotateKey(scenario.Admin, old.Key.Id, new RotationRequest("PT1H")));

        var key = (await scenario.Key(old.Key.Id).Get())!;
        Assert.Equal((null, old.Key.Expiry), (key.RotatedTo, key.Expiry));
        var owned = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Sub: "dev"));
        Assert.Equal(2, owned.Keys.Count);
        Assert.Empty(await fixture.Events(scenario.TenantId, EventTypes.KeyRotated));
    }

    [Fact]
    public async Task An_admin_rotates_an_external_clients_key_and_the_tenant_sets_the_longest_grace()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var client = await scenario.Generate(scenario.Admin, "ci bot", sub: "ci-bot", subType: KeySubType.ExternalClient);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxRotationGrace: "PT0S"));
        var owner = scenario.Grains.Owner(scenario.TenantId, KeySubType.ExternalClient, "ci-bot");

        await Expect.Refused(ProblemCode.InvalidDuration, () => owner.RotateKey(scenario.Admin, client.Key.Id, new RotationRequest("PT1S")));
        await Expect.Refused(ProblemCode.KeyNotFound, () => owner.RotateKey(scenario.Developer, client.Key.Id, new RotationRequest("PT0S")));
        var issued = await owner.RotateKey(scenario.Admin, client.Key.Id, new RotationRequest("PT0S"));

        Assert.Equal((KeySubType.ExternalClient, "ci-bot", "admin"), (issued.Key.SubType, issued.Key.Sub, issued.Key.CreatedByUser));
        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(client.Token)).Code);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        await Expect.Refused(ProblemCode.InvalidSetting, () => scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxRotationGrace: "P31D")));
        await Expect.Refused(ProblemCode.InvalidDuration, () => scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxRotationGrace: "soon")));
        Assert.Equal("P30D", (await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxRotationGrace: "P30D"))).MaxRotationGrace);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class KeyRotationOnSqlite(SqliteClusterFixture fixture) : KeyRotationTests(fixture);
