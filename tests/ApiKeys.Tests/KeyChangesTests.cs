using System.Collections.Concurrent;

namespace ApiKeys.Tests;

/// <summary>The fan-out of changes to listening hosts, and what a host that misses one is told.</summary>
[Collection(SqliteCluster.Name)]
public sealed class KeyChangesTests(SqliteClusterFixture fixture)
{
    IKeyChangesGrain Changes => fixture.Client.GetGrain<IKeyChangesGrain>(0);

    [Fact]
    public async Task A_new_listener_is_told_to_drop_its_cache_once_then_hears_every_change_before_the_change_returns()
    {
        var listener = new RecordingListener();
        var reference = fixture.Client.CreateObjectReference<IKeyChangeListener>(listener);

        Assert.False(await Changes.Listen(reference));
        Assert.True(await Changes.Listen(reference));

        await Changes.KeysChanged(["k1", "k2"]);
        Assert.Contains("keys k1,k2", listener.Heard);
        await Changes.TenantChanged("t1");
        Assert.Contains("tenant t1", listener.Heard);
        Assert.True(await Changes.Listen(reference));
    }

    [Fact]
    public async Task A_listener_that_does_not_acknowledge_a_change_does_not_hold_it_up_and_is_told_at_its_next_renewal()
    {
        var stuck = new RecordingListener { Acknowledge = new TaskCompletionSource() };
        var reference = fixture.Client.CreateObjectReference<IKeyChangeListener>(stuck);
        await Changes.Listen(reference);
        Assert.True(await Changes.Listen(reference));

        // Returns after the hub's timeout although the listener never answers.
        await Changes.KeysChanged(["k3"]);

        Assert.False(await Changes.Listen(reference));
        Assert.True(await Changes.Listen(reference));
        stuck.Acknowledge.SetResult();
    }

    [Fact]
    public async Task A_revoke_reaches_a_listening_host_before_it_returns()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await scenario.Generate();
        var listener = new RecordingListener();
        var reference = fixture.Client.CreateObjectReference<IKeyChangeListener>(listener);
        await Changes.Listen(reference);

        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, issued.Key.Id);

        Assert.Contains($"keys {issued.Key.Id}", listener.Heard);
    }

    sealed class RecordingListener : IKeyChangeListener
    {
        public ConcurrentQueue<string> Heard { get; } = new();

        public TaskCompletionSource? Acknowledge { get; init; }

        public Task KeysChanged(IReadOnlyList<string> keyIds)
        {
            Heard.Enqueue("keys " + string.Join(',', keyIds));
            return Acknowledge?.Task ?? Task.CompletedTask;
        }

        public Task TenantChanged(string tenantId)
        {
            Heard.Enqueue("tenant " + tenantId);
            return Acknowledge?.Task ?? Task.CompletedTask;
        }
    }
}
