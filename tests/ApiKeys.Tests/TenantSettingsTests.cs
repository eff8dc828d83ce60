namespace ApiKeys.Tests;

public abstract class TenantSettingsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_new_tenant_has_Qliks_defaults_with_api_keys_disabled()
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        var config = await scenario.Tenant.GetConfig();

        Assert.Equal(new ApiKeysConfig(false, "PT24H", 5, "P365D"), config);
    }

    [Fact]
    public async Task The_operator_names_the_first_tenant_admin_and_a_tenant_is_created_once()
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        Assert.Equal(TenantRoles.TenantAdmin, await fixture.Client.User(scenario.Admin).GetRoles());
        Assert.Equal(scenario.TenantId, (await scenario.Tenant.Get())!.Id);
        await Expect.Refused(ProblemCode.TenantExists, () => scenario.Tenant.Create("again", "someone"));
        Assert.Null(await fixture.Client.GetGrain<ITenantGrain>("never-created").Get());
    }

    [Fact]
    public async Task An_admin_changes_the_settings_and_they_read_back_as_written()
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(true, "P7D", 1000, "P30D"));

        Assert.Equal(new ApiKeysConfig(true, "P7D", 1000, "P30D"), await scenario.Tenant.GetConfig());
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(-1)]
    public async Task Max_keys_per_user_outside_0_to_1000_is_refused(int value)
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        var refusal = await Expect.Refused(ProblemCode.InvalidSetting,
            () => scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxKeysPerUser: value)));

        Assert.Equal("/max_keys_per_user", refusal.Pointer);
        Assert.Equal(5, (await scenario.Tenant.GetConfig()).MaxKeysPerUser);
    }

    [Theory]
    [InlineData("-P1D")]
    [InlineData("PT0S")]
    [InlineData("24 hours")]
    [InlineData("P")]
    [InlineData("")]
    public async Task Negative_zero_or_malformed_durations_are_refused(string value)
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        await Expect.Refused(ProblemCode.InvalidDuration,
            () => scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxApiKeyExpiry: value)));
        await Expect.Refused(ProblemCode.InvalidDuration,
            () => scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ScimExternalClientExpiry: value)));
        Assert.Equal(ApiKeysConfig.Default, await scenario.Tenant.GetConfig());
    }

    [Fact]
    public async Task The_maximum_expiry_has_no_upper_limit()
    {
        var scenario = await Scenario.Create(fixture.Client, maxExpiry: "P100Y");

        var key = await scenario.Generate(expiry: "P99Y");

        Assert.True(key.Key.Expiry > fixture.Time.GetUtcNow().AddYears(97));
    }

    [Fact]
    public async Task Only_a_tenant_admin_changes_settings_or_roles()
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        await Expect.Refused(ProblemCode.TenantAdminRequired,
            () => scenario.Tenant.UpdateConfig(scenario.Developer, new ApiKeysConfigChange(ApiKeysEnabled: true)));
        await Expect.Refused(ProblemCode.TenantAdminRequired,
            () => scenario.Tenant.SetRoles(scenario.Developer, "dev", TenantRoles.TenantAdmin | TenantRoles.Developer));
        Assert.False((await scenario.Tenant.GetConfig()).ApiKeysEnabled);
        Assert.Equal(TenantRoles.Developer, await fixture.Client.User(scenario.Developer).GetRoles());
    }

    [Fact]
    public async Task Another_tenants_admin_cannot_see_or_change_this_tenant()
    {
        var mine = await Scenario.Create(fixture.Client, enableKeys: false);
        var other = await Scenario.Create(fixture.Client);

        await Expect.Refused(ProblemCode.TenantNotFound,
            () => mine.Tenant.UpdateConfig(other.Admin, new ApiKeysConfigChange(ApiKeysEnabled: true)));
        await Expect.Refused(ProblemCode.TenantNotFound, () => mine.Tenant.GetUsers(other.Admin));
        Assert.False((await mine.Tenant.GetConfig()).ApiKeysEnabled);
    }

    [Fact]
    public async Task Setting_changes_apply_to_new_keys_only()
    {
        var scenario = await Scenario.Create(fixture.Client, maxExpiry: "P30D");
        var before = await scenario.Generate(expiry: "P20D");

        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxApiKeyExpiry: "PT1H", MaxKeysPerUser: 1));

        var existing = (await scenario.Key(before.Key.Id).Get())!;
        Assert.Equal(before.Key.Expiry, existing.Expiry);
        Assert.Equal(KeyStatus.Active, existing.Status);
        Assert.True((await fixture.Client.ValidateKey(before.Token)).Valid);
        await Expect.Refused(ProblemCode.ExpiryTooLong, () => scenario.Generate(expiry: "PT2H"));
    }

    [Fact]
    public async Task Admins_list_members_with_their_roles_and_a_user_may_hold_both_roles()
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);
        await scenario.AddUser("both", TenantRoles.TenantAdmin | TenantRoles.Developer);

        var users = await scenario.Tenant.GetUsers(scenario.Admin);

        Assert.Equal(
            [new TenantUser("admin", TenantRoles.TenantAdmin), new TenantUser("both", TenantRoles.TenantAdmin | TenantRoles.Developer),
             new TenantUser("dev", TenantRoles.Developer)],
            users);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class TenantSettingsOnSqlite(SqliteClusterFixture fixture) : TenantSettingsTests(fixture);
