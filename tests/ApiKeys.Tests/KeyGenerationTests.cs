namespace ApiKeys.Tests;

public abstract class KeyGenerationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_developer_generates_a_key_that_validates_as_them()
    {
        var scenario = await Scenario.Create(fixture.Client);

        var issued = await scenario.Generate(description: "deploy bot");

        var key = issued.Key;
        Assert.Equal((scenario.TenantId, "deploy bot", KeyStatus.Active, "dev", KeySubType.User, "dev"),
            (key.TenantId, key.Description, key.Status, key.Sub, key.SubType, key.CreatedByUser));
        Assert.Equal(key, await scenario.Key(key.Id).Get());
        var validation = await fixture.Client.ValidateKey(issued.Token);
        Assert.Equal(new Validation(ValidationCode.Valid, key.Id, scenario.TenantId, "dev", KeySubType.User, TenantRoles.Developer, key.Expiry),
            validation);
    }

    [Fact]
    public async Task Generation_is_refused_while_api_keys_are_disabled()
    {
        var scenario = await Scenario.Create(fixture.Client, enableKeys: false);

        await Expect.Refused(ProblemCode.ApiKeysDisabled, () => scenario.Generate());
    }

    [Fact]
    public async Task Generation_needs_the_developer_role()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var outsider = new Caller(scenario.TenantId, "not-a-member");

        await Expect.Refused(ProblemCode.DeveloperRoleRequired, () => scenario.Generate(scenario.Admin));
        await Expect.Refused(ProblemCode.DeveloperRoleRequired, () => scenario.Generate(outsider));
    }

    [Fact]
    public async Task The_expiry_defaults_to_the_tenant_maximum()
    {
        var scenario = await Scenario.Create(fixture.Client, maxExpiry: "PT12H");

        var key = (await scenario.Generate()).Key;

        Assert.Equal(key.Created + TimeSpan.FromHours(12), key.Expiry);
    }

    [Fact]
    public async Task A_requested_expiry_within_the_maximum_is_honoured_and_one_above_it_refused()
    {
        var scenario = await Scenario.Create(fixture.Client);

        var key = (await scenario.Generate(expiry: "PT90M")).Key;

        Assert.Equal(key.Created + TimeSpan.FromMinutes(90), key.Expiry);
        var refusal = await Expect.Refused(ProblemCode.ExpiryTooLong, () => scenario.Generate(expiry: "PT24H1S"));
        Assert.Equal("/expiry", refusal.Pointer);
        await Expect.Refused(ProblemCode.InvalidDuration, () => scenario.Generate(expiry: "tomorrow"));
        await Expect.Refused(ProblemCode.InvalidDuration, () => scenario.Generate(expiry: "-PT1H"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    [InlineData("bell\u0007")]
    public async Task A_description_is_required_printable_and_well_formed(string description)
    {
        var scenario = await Scenario.Create(fixture.Client);

        var refusal = await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Generate(description: description));

        Assert.Equal("/description", refusal.Pointer);
    }

    [Fact]
    public void A_description_with_a_lone_surrogate_is_refused()
    {
        // Orleans carries strings as UTF-8, so a lone surrogate cannot reach a grain; hosts call the same check first.
        var refusal = Assert.Throws<ApiKeysException>(() => KeyDescription.Check("lone " + (char)0xD800 + " surrogate"));
        Assert.Equal(ProblemCode.DescriptionInvalid, refusal.Code);
    }

    [Fact]
    public async Task A_description_holding_an_api_key_is_refused_so_the_key_cannot_leak_through_it()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();

        await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Generate(description: issued.Token));
        await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Generate(description: $"prod key: {issued.Token} (do not share)"));
        await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Key(issued.Key.Id).Update(scenario.Developer, new KeyChange("was " + issued.Token)));
        // The prefix alone, or a token that fails its checksum, is just text.
        await scenario.Generate(description: "qlk_ tokens rotate monthly");
        await scenario.Generate(description: issued.Token[..^1] + (issued.Token[^1] == '0' ? '1' : '0'));
    }

    [Fact]
    public async Task Descriptions_may_hold_non_BMP_text_up_to_256_characters_but_not_more()
    {
        var scenario = await Scenario.Create(fixture.Client);

        var key = (await scenario.Generate(description: "deploy 🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢")).Key;

        Assert.Equal("deploy 🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", key.Description);
        await scenario.Generate(description: new string('d', 256));
        await Expect.Refused(ProblemCode.DescriptionInvalid, () => scenario.Generate(description: new string('d', 257)));
    }

    [Fact]
    public async Task Fifty_parallel_generations_against_a_limit_of_five_leave_exactly_five_active_keys()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 5);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            try
            {
                return (Key: (IssuedApiKey?)await scenario.Generate(description: $"parallel {i}"), Refusal: (ProblemCode?)null);
            }
            catch (ApiKeysException e)
            {
                return (Key: (IssuedApiKey?)null, Refusal: e.Code);
            }
        }));

        Assert.Equal(5, attempts.Count(a => a.Key is not null));
        Assert.All(attempts.Where(a => a.Key is null), a => Assert.Equal(ProblemCode.KeyLimitReached, a.Refusal));
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Status: KeyStatus.Active, Limit: 100));
        Assert.Equal(5, listed.Keys.Count);
    }

    [Fact]
    public async Task The_limit_counts_active_keys_only_so_revoking_or_deleting_one_frees_a_place()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 2);
        var first = await scenario.Generate();
        var second = await scenario.Generate();
        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());

        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, first.Key.Id);
        var third = await scenario.Generate();
        await fixture.Client.User(scenario.Developer).DeleteKey(scenario.Developer, second.Key.Id);
        await scenario.Generate();

        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());
        Assert.True((await fixture.Client.ValidateKey(third.Token)).Valid);
    }

    [Fact]
    public async Task A_limit_of_zero_refuses_every_generation()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 0);

        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());
    }

    [Fact]
    public async Task An_admin_generates_for_another_member_and_for_an_external_client_but_a_developer_cannot()
    {
        var scenario = await Scenario.Create(fixture.Client);

        var forDev = (await scenario.Generate(scenario.Admin, sub: "dev")).Key;
        var forClient = (await scenario.Generate(scenario.Admin, sub: "ci-client", subType: KeySubType.ExternalClient, expiry: "P200D")).Key;

        Assert.Equal(("dev", "admin"), (forDev.Sub, forDev.CreatedByUser));
        Assert.Equal((KeySubType.ExternalClient, "ci-client"), (forClient.SubType, forClient.Sub));
        await Expect.Refused(ProblemCode.ExpiryTooLong,
            () => scenario.Generate(scenario.Admin, sub: "ci-client", subType: KeySubType.ExternalClient, expiry: "P366D"));
        await Expect.Refused(ProblemCode.TenantAdminRequired, () => scenario.Generate(scenario.Developer, sub: "admin"));
        await Expect.Refused(ProblemCode.TenantAdminRequired,
            () => scenario.Generate(scenario.Developer, sub: "dev", subType: KeySubType.ExternalClient));
        await Expect.Refused(ProblemCode.NotMember, () => scenario.Generate(scenario.Admin, sub: "stranger"));
    }

    [Fact]
    public async Task The_token_is_returned_once_and_nothing_later_carries_it()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();

        var read = await scenario.Key(issued.Key.Id).Get();
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Developer, new KeyQuery());

        Assert.DoesNotContain(issued.Token, read!.ToString());
        Assert.DoesNotContain(issued.Token, string.Join(",", listed.Keys));
        Assert.DoesNotContain(issued.Token[^72..], string.Join(",", listed.Keys) + read);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class KeyGenerationOnSqlite(SqliteClusterFixture fixture) : KeyGenerationTests(fixture);
