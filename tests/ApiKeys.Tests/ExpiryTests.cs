using Microsoft.Data.Sqlite;
using Orleans.Runtime;

namespace ApiKeys.Tests;

public abstract class ExpiryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_key_is_refused_from_its_expiry_instant_even_before_any_reminder()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate(expiry: "PT2H");

        fixture.Time.SetUtcNow(issued.Key.Expiry - TimeSpan.FromMilliseconds(1));
        Assert.True((await fixture.Client.ValidateKey(issued.Token)).Valid);

        fixture.Time.SetUtcNow(issued.Key.Expiry);
        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(issued.Token)).Code);
    }

    [Fact]
    public async Task The_sweep_arms_reminders_only_for_keys_expiring_soon()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var soon = await scenario.Generate(expiry: "PT3H");
        var later = await scenario.Generate(expiry: "PT20H");
        fixture.Time.Advance(TimeSpan.FromHours(3) - TimeSpan.FromMinutes(2));

        await fixture.Client.GetGrain<IExpirySweepGrain>(ExpirySweepGrain.SingletonKey).Sweep();

        Assert.Equal(1, await ReminderRows(soon.Key.Id));
        Assert.Equal(0, await ReminderRows(later.Key.Id));
    }

    [Fact]
    public async Task The_reminder_flips_the_stored_status_to_expired_and_repeated_ticks_change_nothing()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate(expiry: "PT4M");
        Assert.Equal(1, await ReminderRows(issued.Key.Id));

        var reminder = fixture.Client.GetGrain<IRemindable>(GrainId.Create("apikey", issued.Key.Id));
        await reminder.ReceiveReminder("expiry", new TickStatus());
        Assert.Equal(KeyStatus.Active, (await scenario.Key(issued.Key.Id).Get())!.Status);

        fixture.Time.Advance(TimeSpan.FromMinutes(4));
        await reminder.ReceiveReminder("expiry", new TickStatus());
        var expired = (await scenario.Key(issued.Key.Id).Get())!;
        await reminder.ReceiveReminder("expiry", new TickStatus());

        Assert.Equal(KeyStatus.Expired, expired.Status);
        Assert.Equal(expired, await scenario.Key(issued.Key.Id).Get());
        Assert.Equal(0, await ReminderRows(issued.Key.Id));
        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Status: KeyStatus.Expired));
        Assert.Equal([issued.Key.Id], listed.Keys.Select(k => k.Id));
        Assert.Equal(ValidationCode.Expired, (await fixture.Client.ValidateKey(issued.Token)).Code);
    }

    [Fact]
    public async Task An_expired_key_frees_its_place_under_the_limit()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 1);
        await scenario.Generate(expiry: "PT10M");
        await Expect.Refused(ProblemCode.KeyLimitReached, () => scenario.Generate());

        fixture.Time.Advance(TimeSpan.FromMinutes(10));

        await scenario.Generate();
    }

    [Fact]
    public async Task The_sweep_expires_keys_whose_expiry_has_passed_without_a_reminder()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate(expiry: "PT6H");
        fixture.Time.Advance(TimeSpan.FromHours(7));

        await fixture.Client.GetGrain<IExpirySweepGrain>(ExpirySweepGrain.SingletonKey).Sweep();

        var listed = await fixture.Client.GetGrain<IKeyCatalogGrain>(0).List(scenario.Admin, new KeyQuery(Search: issued.Key.Id));
        Assert.Equal(KeyStatus.Expired, Assert.Single(listed.Keys).Status);
    }

    async Task<long> ReminderRows(string keyId)
    {
        await using var command = fixture.Database.DataSource.CreateCommand(
            "SELECT COUNT(*) FROM OrleansRemindersTable WHERE GrainId = @grain AND ReminderName = 'expiry';");
        var grain = command.CreateParameter();
        grain.ParameterName = "grain";
        grain.Value = GrainId.Create("apikey", keyId).ToString();
        command.Parameters.Add(grain);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

[Collection(SqliteCluster.Name)]
public sealed class ExpiryOnSqlite(SqliteClusterFixture fixture) : ExpiryTests(fixture);
