using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiKeys.Tests;

/// <summary>Usage per key per minute, last use, and the excessive-usage signal, driven by the product's fake clock.</summary>
public abstract class UsageTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Keys_flushing_at_once_are_written_together_and_each_counts_exactly()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 100);
        var keys = new List<IssuedApiKey>();
        for (var i = 0; i < 30; i++)
        {
            keys.Add(await scenario.Generate());
        }
        var minute = UsageMinute.Of(fixture.Time.GetUtcNow());
        for (var i = 0; i < keys.Count; i++)
        {
            for (var n = 0; n <= i; n++)
            {
                await fixture.Client.ValidateKey(keys[i].Token);
            }
        }

        await Task.WhenAll(keys.Select(k => scenario.Key(k.Key.Id).FlushUsage()));

        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal([(minute, i + 1L, 0L)], await fixture.Usage.Minutes(keys[i].Key.Id, minute, minute + 1));
            Assert.Equal(i + 1, (await fixture.Catalog.GetUsage(keys[i].Key.Id)).Count);
        }
    }

    [Fact]
    public async Task Flushes_of_one_key_and_minute_made_at_once_add_up_whether_or_not_they_share_a_write()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var key = await scenario.Generate();
        var minute = UsageMinute.Of(fixture.Time.GetUtcNow());
        var at = fixture.Time.GetUtcNow();
        UsageLog.KeyFlush Flush(long successes) =>
            new(key.Key.Id, [new UsageLog.Row(key.Key.Id, scenario.TenantId, minute, successes, 1)], successes, at, []);

        await Task.WhenAll(Enumerable.Range(1, 4).Select(n => fixture.Usage.Flush(Flush(n))));

        Assert.Equal([(minute, 10L, 4L)], await fixture.Usage.Minutes(key.Key.Id, minute, minute + 1));
        Assert.Equal(10, (await fixture.Catalog.GetUsage(key.Key.Id)).Count);
    }

    [Fact]
    public async Task N_validations_show_exactly_N_in_the_keys_usage_after_a_flush()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var key = await scenario.Generate();
        StartOfMinute();
        var minute = UsageMinute.Of(fixture.Time.GetUtcNow());
        for (var i = 0; i < 37; i++)
        {
            Assert.True((await fixture.Client.ValidateKey(key.Token)).Valid);
        }
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
        {
            await fixture.Client.ValidateKey(key.Token);
        }
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, key.Key.Id);
        await fixture.Client.ValidateKey(key.Token);

        Assert.Empty(await fixture.Usage.Minutes(key.Key.Id, minute, minute + 2));
        await scenario.Key(key.Key.Id).FlushUsage();

        Assert.Equal([(minute, 37L, 0L), (minute + 1, 5L, 1L)], await fixture.Usage.Minutes(key.Key.Id, minute, minute + 2));
        var usage = await fixture.Client.GetGrain<IUsageGrain>(0).GetKeyUsage(scenario.Admin, key.Key.Id, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5));
        Assert.Equal(2, usage.Buckets.Count);
        Assert.Equal(42, usage.Buckets.Sum(b => b.Successes));
        Assert.Equal(1, usage.Buckets.Sum(b => b.Failures));
        Assert.NotNull(usage.LastUsed);
        Assert.Equal(usage.LastUsed, (await scenario.Key(key.Key.Id).Read(scenario.Developer)).LastUsed);
    }

    [Fact]
    public async Task The_tenants_keys_rank_by_use_and_only_admins_see_the_ranking()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var busy = await scenario.Generate(description: "busy");
        var quiet = await scenario.Generate(description: "quiet");
        await scenario.Generate(description: "unused");
        foreach (var (key, times) in new[] { (busy, 9), (quiet, 2) })
        {
            for (var i = 0; i < times; i++)
            {
                await fixture.Client.ValidateKey(key.Token);
            }
            await scenario.Key(key.Key.Id).FlushUsage();
        }
        var monitoring = fixture.Client.GetGrain<IUsageGrain>(0);

        var top = await monitoring.TopKeys(scenario.Admin, TimeSpan.FromHours(1), 10);

        Assert.Equal([(busy.Key.Id, 9L), (quiet.Key.Id, 2L)], top.Select(t => (t.Key.Id, t.Successes)));
        Assert.Equal("busy", top[0].Key.Description);
        await Expect.Refused(ProblemCode.TenantAdminRequired, () => monitoring.TopKeys(scenario.Developer, TimeSpan.FromHours(1), 10));
        var other = await Scenario.Create(fixture.Client);
        Assert.Empty(await monitoring.TopKeys(other.Admin, TimeSpan.FromHours(1), 10));
        await Expect.Refused(ProblemCode.KeyNotFound, () => monitoring.GetKeyUsage(other.Admin, busy.Key.Id, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)));

        // A deleted key's usage is history: it leaves the ranking before the limit applies.
        await scenario.Grains.User(scenario.Developer).DeleteKey(scenario.Developer, busy.Key.Id);
        Assert.Equal([quiet.Key.Id], (await monitoring.TopKeys(scenario.Admin, TimeSpan.FromHours(1), 1)).Select(t => t.Key.Id));
    }

    [Fact]
    public async Task The_ranking_reaches_past_any_number_of_deleted_keys()
    {
        var scenario = await Scenario.Create(fixture.Client, maxKeysPerUser: 10);
        var keys = new List<IssuedApiKey>();
        for (var uses = 5; uses > 0; uses--)
        {
            var key = await scenario.Generate(description: $"{uses} uses");
            for (var i = 0; i < uses; i++)
            {
                await fixture.Client.ValidateKey(key.Token);
            }
            await scenario.Key(key.Key.Id).FlushUsage();
            keys.Add(key);
        }
        // The three most used go: the ranking's first two batches (twice the limit each) hold nothing but them.
        foreach (var deleted in keys.Take(3))
        {
            await scenario.Grains.User(scenario.Developer).DeleteKey(scenario.Developer, deleted.Key.Id);
        }

        var top = await fixture.Client.GetGrain<IUsageGrain>(0).TopKeys(scenario.Admin, TimeSpan.FromDays(31), 1);

        Assert.Equal([(keys[3].Key.Id, 2L)], top.Select(t => (t.Key.Id, t.Successes)));
    }

    [Fact]
    public async Task A_ranking_over_a_long_window_is_reused_for_a_thousandth_of_it_but_never_shows_a_deleted_key()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var monitoring = fixture.Client.GetGrain<IUsageGrain>(0);
        var first = await scenario.Generate(description: "first");
        await Use(first, 2);
        Assert.Equal([(first.Key.Id, 2L)], (await monitoring.TopKeys(scenario.Admin, TimeSpan.FromDays(7), 5)).Select(t => (t.Key.Id, t.Successes)));

        var second = await scenario.Generate(description: "second");
        await Use(second, 3);
        // Within five minutes (a thousandth of seven days is ten) the counts are the ranking's ...
        Assert.Equal([first.Key.Id], (await monitoring.TopKeys(scenario.Admin, TimeSpan.FromDays(7), 5)).Select(t => t.Key.Id));
        // ... but a deleted key leaves it at once.
        await scenario.Grains.User(scenario.Developer).DeleteKey(scenario.Developer, first.Key.Id);
        Assert.Empty(await monitoring.TopKeys(scenario.Admin, TimeSpan.FromDays(7), 5));

        fixture.Time.Advance(UsageRankings.LongestReuse);
        Assert.Equal([(second.Key.Id, 3L)], (await monitoring.TopKeys(scenario.Admin, TimeSpan.FromDays(7), 5)).Select(t => (t.Key.Id, t.Successes)));

        async Task Use(IssuedApiKey key, int times)
        {
            for (var i = 0; i < times; i++)
            {
                await fixture.Client.ValidateKey(key.Token);
            }
            await scenario.Key(key.Key.Id).FlushUsage();
        }
    }

    [Fact]
    public async Task A_burst_past_the_tenants_threshold_is_one_event_per_episode()
    {
        var scenario = await Scenario.Create(fixture.Client);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ExcessiveUsagePerMinute: 100, ExcessiveUsageFactor: 0));
        var key = await scenario.Generate();
        StartOfMinute();

        await Validate(key, 120); // over: the episode starts
        await scenario.Key(key.Key.Id).FlushUsage();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Validate(key, 150); // still over: the same episode, now at its busiest
        await scenario.Key(key.Key.Id).FlushUsage();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Validate(key, 50); // quiet, then busy again: a bursty key stays in one episode
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Validate(key, 130);
        await scenario.Key(key.Key.Id).FlushUsage();

        var first = Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.ExcessiveUsage));
        Assert.Equal(key.Key.Id, first.KeyId);
        Assert.Equal(150, Data(first).GetProperty("observedPerMinute").GetInt64());
        Assert.Equal(100, Data(first).GetProperty("thresholdPerMinute").GetInt64());

        for (var quiet = 0; quiet < UsageMeterQuietMinutes; quiet++)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            await Validate(key, 10);
        }
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Validate(key, 101); // after enough quiet minutes, a new episode
        await scenario.Key(key.Key.Id).FlushUsage();
        Assert.Equal(2, (await fixture.Events(scenario.TenantId, EventTypes.ExcessiveUsage)).Count);
    }

    [Fact]
    public async Task An_episode_is_not_reported_again_when_the_key_reactivates_and_its_baseline_survives()
    {
        var scenario = await Scenario.Create(fixture.Client);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ExcessiveUsagePerMinute: 100, ExcessiveUsageFactor: 0));
        var key = await scenario.Generate();
        StartOfMinute();
        await Validate(key, 120);

        await fixture.Cluster.DeactivateAsync(scenario.Key(key.Key.Id)); // flushes: the event and the minute's 120 are stored
        await Validate(key, 50);
        await scenario.Key(key.Key.Id).FlushUsage();

        Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.ExcessiveUsage));
        var minute = UsageMinute.Of(fixture.Time.GetUtcNow());
        Assert.Equal([(minute, 170L, 0L)], await fixture.Usage.Minutes(key.Key.Id, minute, minute + 1));
    }

    [Fact]
    public async Task A_jump_far_above_the_keys_own_baseline_is_reported_with_the_baseline()
    {
        var scenario = await Scenario.Create(fixture.Client);
        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(ExcessiveUsagePerMinute: 0, ExcessiveUsageFactor: 5));
        var key = await scenario.Generate();
        StartOfMinute();
        for (var minute = 0; minute < 6; minute++)
        {
            await Validate(key, 100); // a steady 100 a minute: five times that is 500
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
        }
        await Validate(key, 500);
        await scenario.Key(key.Key.Id).FlushUsage();
        Assert.Empty(await fixture.Events(scenario.TenantId, EventTypes.ExcessiveUsage));

        await Validate(key, 1);
        await scenario.Key(key.Key.Id).FlushUsage();

        var signal = Assert.Single(await fixture.Events(scenario.TenantId, EventTypes.ExcessiveUsage));
        Assert.Equal(501, Data(signal).GetProperty("observedPerMinute").GetInt64());
        Assert.Equal(100, Data(signal).GetProperty("baselinePerMinute").GetDouble());
        Assert.Equal(5, Data(signal).GetProperty("factor").GetInt32());
    }

    const int UsageMeterQuietMinutes = UsageMeter.QuietMinutesToEndEpisode;

    async Task Validate(IssuedApiKey key, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.True((await fixture.Client.ValidateKey(key.Token)).Valid);
        }
    }

    /// <summary>Moves the clock to the start of the next minute, so a test's minutes are whole.</summary>
    void StartOfMinute() =>
        fixture.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(fixture.Time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));

    static JsonElement Data(AuditEvent e) => JsonDocument.Parse(e.Data).RootElement;
}

[Collection(SqliteCluster.Name)]
public sealed class UsageOnSqlite(SqliteClusterFixture fixture) : UsageTests(fixture);

/// <summary>The silo's cache of tenant settings, which every key grain consults when it counts a validation.</summary>
[Collection(SqliteCluster.Name)]
public sealed class TenantPolicyCacheTests(SqliteClusterFixture fixture)
{
    [Fact]
    public async Task Settings_read_again_unchanged_are_the_instance_the_keys_already_hold_and_a_change_is_a_new_one()
    {
        var scenario = await Scenario.Create(fixture.Client);
        // A cache of its own, so no change pushed to the silo's cache can empty it between the reads.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new TenantPolicyCache(fixture.Client, time, Options.Create(new ApiKeysOptions()));
        var first = await cache.Policy(scenario.TenantId);

        time.Advance(new ApiKeysOptions().TenantPolicyFreshness);
        var reread = await cache.Policy(scenario.TenantId);
        // The same instance, not only equal settings: a fresh copy every refresh is a young object that every long-lived
        // key grain then references, and each garbage collection scans.
        Assert.Same(first, reread);

        await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(MaxKeysPerUser: 7));
        time.Advance(new ApiKeysOptions().TenantPolicyFreshness);
        var changed = await cache.Policy(scenario.TenantId);
        Assert.NotSame(first, changed);
        Assert.Equal(7, changed!.MaxKeysPerUser);
    }
}

/// <summary>A key's usage as its grain counts it between flushes, without a cluster: what each flush hands to the writer.</summary>
public sealed class UsageMeterTests
{
    static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_timer_flush_adds_to_the_catalog_row_once_a_minute_and_an_explicit_flush_at_once()
    {
        var meter = new UsageMeter("key", "tenant", "scope");
        var policy = ApiKeysConfig.Default;

        meter.Success(Start, policy);
        var first = meter.Drain(Start, eager: false);
        // A key's first flush writes its catalog row, so a key just used shows as used within one flush interval.
        Assert.Equal((1L, (DateTimeOffset?)Start), (first.Successes, first.LastUsed));
        meter.Flushed(first, Start);

        var later = Start.AddSeconds(10);
        meter.Success(later, policy);
        var timer = meter.Drain(later, eager: false);
        // The minute's row is written; the catalog's count and last use wait for the rest of the minute.
        Assert.Equal([new UsageLog.Row("key", "tenant", UsageMinute.Of(later), 1, 0)], timer.Rows);
        Assert.Equal((0L, (DateTimeOffset?)null), (timer.Successes, timer.LastUsed));
        meter.Flushed(timer, later);
        Assert.True(meter.HasUnflushed);
        Assert.True(meter.Drain(later.AddSeconds(10), eager: false).IsEmpty);

        var due = meter.Drain(Start + UsageMeter.CatalogInterval, eager: false);
        Assert.Equal((1L, (DateTimeOffset?)later), (due.Successes, due.LastUsed));
        meter.Flushed(due, Start + UsageMeter.CatalogInterval);
        Assert.False(meter.HasUnflushed);

        var deactivation = Start + UsageMeter.CatalogInterval + TimeSpan.FromSeconds(1);
        meter.Success(deactivation, policy);
        var eager = meter.Drain(deactivation, eager: true);
        Assert.Equal((1L, (DateTimeOffset?)deactivation), (eager.Successes, eager.LastUsed));

        // A failed write gives its count back: the next flush adds it, never twice, never lost.
        meter.Restore(eager);
        var retried = meter.Drain(deactivation, eager: true);
        Assert.Equal(1L, retried.Successes);
        Assert.Equal([new UsageLog.Row("key", "tenant", UsageMinute.Of(deactivation), 1, 0)], retried.Rows);
    }
}
