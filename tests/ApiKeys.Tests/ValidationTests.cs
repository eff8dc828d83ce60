using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ApiKeys.Tests;

public abstract class ValidationTests(ClusterFixture fixture)
{
    const string ValidateCall = "ApiKeys.IApiKeyGrain.Validate";

    [Fact]
    public async Task Malformed_and_checksum_failing_tokens_are_refused_without_any_grain_call()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var flipped = issued.Token[..^1] + (issued.Token[^1] == '0' ? '1' : '0');
        var random = ApiKeyToken.Prefix + ApiKeyToken.NewKeyId() + "_" + new string('a', 72);
        var callsBefore = fixture.OutgoingCalls.GetValueOrDefault(ValidateCall);

        foreach (var token in new[] { "", "garbage", flipped, random, issued.Token[..40], issued.Token + "x" })
        {
            Assert.Equal(ValidationCode.Malformed, (await fixture.Client.ValidateKey(token)).Code);
        }

        Assert.Equal(callsBefore, fixture.OutgoingCalls.GetValueOrDefault(ValidateCall));
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        Assert.Equal(callsBefore + 1, fixture.OutgoingCalls.GetValueOrDefault(ValidateCall));
    }

    [Fact]
    public async Task A_well_formed_token_for_an_unknown_key_or_with_the_wrong_secret_is_not_found()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var (unknown, _) = ApiKeyToken.Issue(ApiKeyToken.NewKeyId());
        var (wrongSecret, _) = ApiKeyToken.Issue(issued.Key.Id);

        Assert.Equal(Validation.Refused(ValidationCode.NotFound), await fixture.Client.ValidateKey(unknown));
        // A wrong secret is the same refusal, with no identity; the key and tenant it names tell front ends that the
        // key counted the attempt (front ends never show them).
        var refused = await fixture.Client.ValidateKey(wrongSecret);
        Assert.Equal(new Validation(ValidationCode.NotFound, issued.Key.Id, scenario.TenantId), refused);
        Assert.False(refused.Valid);
    }

    [Fact]
    public async Task Disabling_api_keys_refuses_the_tenants_keys_within_the_freshness_bound()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ApiKeysEnabled: false));
        fixture.Time.Advance(new ApiKeysOptions().TenantPolicyFreshness);

        Assert.Equal(ValidationCode.TenantDisabled, (await fixture.Client.ValidateKey(issued.Token)).Code);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ApiKeysEnabled: true));
        fixture.Time.Advance(new ApiKeysOptions().TenantPolicyFreshness);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
    }

    [Fact]
    public async Task Validations_are_counted_in_memory_and_written_on_flush()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        for (var i = 0; i < 25; i++)
        {
            Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
        }
        Assert.Equal(0, (await fixture.Catalog.GetUsage(issued.Key.Id)).Count);

        await scenario.Key(issued.Key.Id).FlushUsage();

        var (count, lastUsed) = await fixture.Catalog.GetUsage(issued.Key.Id);
        Assert.Equal(25, count);
        Assert.NotNull(lastUsed);
    }

    [Fact]
    public async Task Usage_counted_before_a_deactivation_is_written_by_it()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        for (var i = 0; i < 7; i++)
        {
            await fixture.Client.ValidateKey(issued.Token);
        }

        await fixture.Cluster.DeactivateAsync(scenario.Key(issued.Key.Id));

        Assert.Equal(7, (await fixture.Catalog.GetUsage(issued.Key.Id)).Count);
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);
    }

    [Fact]
    public async Task Refused_validations_are_not_counted_as_usage()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, issued.Key.Id);
        await fixture.Client.ValidateKey(issued.Token);

        await scenario.Key(issued.Key.Id).FlushUsage();

        Assert.Equal(0, (await fixture.Catalog.GetUsage(issued.Key.Id)).Count);
    }

    [Fact]
    public void Key_grains_stay_in_memory_for_the_configured_idle_time_not_orleans_default()
    {
        var collection = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(new ApiKeysOptions().KeyIdleTime, collection.ClassSpecificCollectionAge[typeof(ApiKeyGrain).FullName!]);
        Assert.NotEqual(collection.CollectionAge, new ApiKeysOptions().KeyIdleTime);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class ValidationOnSqlite(SqliteClusterFixture fixture) : ValidationTests(fixture);
