namespace ApiKeys.Tests;

public abstract class KeyLifecycleTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_owner_or_an_admin_renames_a_key_and_only_its_description_changes()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate(description: "old");
        fixture.Time.Advance(TimeSpan.FromSeconds(5));

        var renamed = await scenario.Key(issued.Key.Id).Update(scenario.Developer, new KeyChange("new"));
        var byAdmin = await scenario.Key(issued.Key.Id).Update(scenario.Admin, new KeyChange("newer"));

        Assert.Equal("new", renamed.Description);
        Assert.Equal(issued.Key with { Description = "newer", LastUpdated = byAdmin.LastUpdated }, byAdmin);
        Assert.True(byAdmin.LastUpdated > issued.Key.LastUpdated);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Key(issued.Key.Id).Update(scenario.Developer, new KeyChange("")));
    }

    [Fact]
    public async Task Another_developer_cannot_rename_delete_or_see_someone_elses_key()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var other = await scenario.AddUser("other-dev", TenantRoles.Developer);

        await Expect.Refused(ProblemCode.KeyNotFound, () => scenario.Key(issued.Key.Id).Update(other, new KeyChange("mine now")));
        await Expect.Refused(ProblemCode.KeyNotFound, () => fixture.Client.User(other).DeleteKey(other, issued.Key.Id));
        await Expect.Refused(ProblemCode.KeyNotFound, () => fixture.Client.User(scenario.Developer).DeleteKey(other, issued.Key.Id));
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(other, new KeyQuery(Sub: "dev"));
        Assert.Empty(listed.Keys);
        Assert.Equal("ci key", (await scenario.Key(issued.Key.Id).Get())!.Description);
    }

    [Fact]
    public async Task The_owner_deletes_a_key_and_it_is_gone_at_once()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        await fixture.Client.User(scenario.Developer).DeleteKey(scenario.Developer, issued.Key.Id);

        Assert.Equal(ValidationCode.NotFound, (await fixture.Client.ValidateKey(issued.Token)).Code);
        Assert.Null(await scenario.Key(issued.Key.Id).Get());
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Search: issued.Key.Id));
        Assert.Empty(listed.Keys);
    }

    [Fact]
    public async Task Delete_all_removes_every_key_of_the_caller_and_no_one_elses()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var mine = await Task.WhenAll(scenario.Generate(), scenario.Generate(), scenario.Generate());
        var other = await scenario.AddUser("other-dev", TenantRoles.Developer);
        var theirs = await scenario.Generate(other);
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, mine[0].Key.Id);

        var deleted = await fixture.Client.User(scenario.Developer).DeleteAllKeys(scenario.Developer);

        Assert.Equal(3, deleted);
        foreach (var key in mine)
        {
            Assert.Null(await scenario.Key(key.Key.Id).Get());
            Assert.Equal(ValidationCode.NotFound, (await fixture.Client.ValidateKey(key.Token)).Code);
        }
        Assert.True((await fixture.Client.ValidateKey(theirs.Token)).Valid);
        await Expect.Refused(ProblemCode.KeyNotFound, () => fixture.Client.User(scenario.Developer).DeleteAllKeys(other));
    }

    [Fact]
    public async Task An_admin_revokes_an_active_key_and_it_is_refused_from_then_on()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        var revoked = await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, issued.Key.Id);

        Assert.Equal(KeyStatus.Revoked, revoked.Status);
        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(issued.Token)).Code);
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Status: KeyStatus.Revoked));
        Assert.Equal([issued.Key.Id], listed.Keys.Select(k => k.Id));
    }

    [Fact]
    public async Task Only_a_tenant_admin_of_the_same_tenant_revokes()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var other = await Scenario.Create(fixture.Client);

        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Grains.User(scenario.Developer).RevokeKey(scenario.Developer, issued.Key.Id));
        await Expect.Refused(ProblemCode.KeyNotFound, () => scenario.Grains.User(other.Admin).RevokeKey(other.Admin, issued.Key.Id));
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
    }

    [Fact]
    public async Task Revoking_a_key_that_is_not_active_is_refused_and_revocation_is_final()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var revoked = await scenario.Generate();
        var expired = await scenario.Generate(expiry: "PT1M");
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, revoked.Key.Id);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        await Expect.Refused(ProblemCode.KeyNotActive, () => scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, revoked.Key.Id));
        await Expect.Refused(ProblemCode.KeyNotActive, () => scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, expired.Key.Id));

        Assert.Equal(KeyStatus.Revoked, (await scenario.Key(revoked.Key.Id).Get())!.Status);
        Assert.Equal(KeyStatus.Expired, (await scenario.Key(expired.Key.Id).Get())!.Status);
    }

    [Fact]
    public async Task Bulk_revoke_reports_an_outcome_for_each_id()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var a = await scenario.Generate();
        var b = await scenario.Generate();
        var already = await scenario.Generate();
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, already.Key.Id);
        var unknown = ApiKeyToken.NewKeyId();

        var outcomes = await fixture.Client.User(scenario.Admin).RevokeKeys(scenario.Admin, [a.Key.Id, b.Key.Id, already.Key.Id, unknown, "not-an-id"]);

        Assert.Equal(
            [new RevokeOutcome(a.Key.Id, null), new RevokeOutcome(b.Key.Id, null), new RevokeOutcome(already.Key.Id, ProblemCode.KeyNotActive),
             new RevokeOutcome(unknown, ProblemCode.KeyNotFound), new RevokeOutcome("not-an-id", ProblemCode.KeyNotFound)],
            outcomes);
        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(a.Token)).Code);
        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(b.Token)).Code);
    }

    [Fact]
    public async Task Removing_a_user_from_the_tenant_revokes_their_keys()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();

        await scenario.Tenant.RemoveUser(scenario.Admin, "dev");

        Assert.Equal(ValidationCode.Revoked, (await fixture.Client.ValidateKey(issued.Token)).Code);
        Assert.Equal(TenantRoles.None, await fixture.Client.User(scenario.Developer).GetRoles());
        await Expect.Refused(ProblemCode.DeveloperRoleRequired, () => scenario.Generate());
    }

    [Fact]
    public async Task Role_changes_show_in_the_next_validation_of_the_owners_keys()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        Assert.Equal(TenantRoles.Developer, (await fixture.Client.ValidateKey(issued.Token)).Roles);

        await scenario.Tenant.SetRoles(scenario.Admin, "dev", TenantRoles.Developer | TenantRoles.TenantAdmin);
        Assert.Equal(TenantRoles.Developer | TenantRoles.TenantAdmin, (await fixture.Client.ValidateKey(issued.Token)).Roles);

        await scenario.Tenant.SetRoles(scenario.Admin, "dev", TenantRoles.None);
        Assert.Equal(TenantRoles.None, (await fixture.Client.ValidateKey(issued.Token)).Roles);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class KeyLifecycleOnSqlite(SqliteClusterFixture fixture) : KeyLifecycleTests(fixture);
