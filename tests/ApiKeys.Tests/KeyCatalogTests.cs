using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Tests;

public abstract class KeyCatalogTests(ClusterFixture fixture)
{
    IKeyCatalogGrain Catalog => fixture.Client.GetGrain<IKeyCatalogGrain>(0);

    [Fact]
    public async Task An_admin_searches_by_description_substring_exact_id_or_owner()
    {
        var (scenario, keys) = await TenantWithKeys();

        var byName = await Catalog.List(scenario.Admin, new KeyQuery(Search: "DEPLOY"));
        var byId = await Catalog.List(scenario.Admin, new KeyQuery(Search: keys[2].Id));
        var byOwner = await Catalog.List(scenario.Admin, new KeyQuery(Search: "ana"));
        var wildcard = await Catalog.List(scenario.Admin, new KeyQuery(Search: "%"));

        Assert.Equal(["Deploy bot", "old deploy"], byName.Keys.Select(k => k.Description).Order());
        Assert.Equal([keys[2].Id], byId.Keys.Select(k => k.Id));
        Assert.All(byOwner.Keys, k => Assert.Equal("ana", k.Sub));
        Assert.Equal(2, byOwner.Keys.Count);
        Assert.Empty(wildcard.Keys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(2000)]
    public async Task A_search_pages_through_every_match_in_order_whether_the_first_keys_hold_them_or_not(int window)
    {
        var (scenario, _) = await TenantWithKeys();
        var catalog = new KeyCatalog(fixture.Database, fixture.Cluster.GetSiloServiceProvider().GetRequiredService<AuditLog>()) { SearchWindow = window };

        var forwards = new List<string>();
        KeyPage? page = null;
        do
        {
            page = await catalog.List(scenario.TenantId, new KeyQuery(Search: "o", Limit: 1, StartingAfter: page?.Keys[^1].Id));
            forwards.AddRange(page.Keys.Select(k => k.Description));
        }
        while (page.HasNext);
        var backwards = await catalog.List(scenario.TenantId, new KeyQuery(Search: "o", Limit: 2, EndingBefore: page.Keys[0].Id));
        var oldestFirst = await catalog.List(scenario.TenantId, new KeyQuery(Search: "o", Descending: false));

        Assert.Equal(["old deploy", "Deploy bot"], forwards);
        Assert.Equal(["old deploy"], backwards.Keys.Select(k => k.Description));
        Assert.Equal(["Deploy bot", "old deploy"], oldestFirst.Keys.Select(k => k.Description));
    }

    [Fact]
    public async Task Filters_by_status_and_owner_combine()
    {
        var (scenario, keys) = await TenantWithKeys();
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, keys[0].Id);

        var revoked = await Catalog.List(scenario.Admin, new KeyQuery(Status: KeyStatus.Revoked));
        var anasActive = await Catalog.List(scenario.Admin, new KeyQuery(Status: KeyStatus.Active, Sub: "ana"));
        var createdByAdmin = await Catalog.List(scenario.Admin, new KeyQuery(CreatedByUser: "admin"));

        Assert.Equal([keys[0].Id], revoked.Keys.Select(k => k.Id));
        Assert.Equal([keys[1].Id], anasActive.Keys.Select(k => k.Id));
        Assert.Empty(createdByAdmin.Keys);
    }

    [Fact]
    public async Task The_default_order_is_newest_first_and_each_sort_orders_both_ways()
    {
        var (scenario, keys) = await TenantWithKeys();

        var newestFirst = await Catalog.List(scenario.Admin, new KeyQuery());
        var byDescription = await Catalog.List(scenario.Admin, new KeyQuery(Sort: KeySort.Description, Descending: false));
        var bySubDescending = await Catalog.List(scenario.Admin, new KeyQuery(Sort: KeySort.Sub, Descending: true));

        Assert.Equal(keys.Select(k => k.Id).Reverse(), newestFirst.Keys.Select(k => k.Id));
        Assert.Equal(keys.Select(k => k.Description).Order(StringComparer.Ordinal), byDescription.Keys.Select(k => k.Description));
        Assert.Equal(keys.Select(k => k.Sub).OrderDescending(StringComparer.Ordinal), bySubDescending.Keys.Select(k => k.Sub));
    }

    [Fact]
    public async Task Id_cursors_page_forwards_and_backwards_through_every_key_once()
    {
        var (scenario, keys) = await TenantWithKeys();
        var all = keys.Select(k => k.Id).Reverse().ToList();

        var first = await Catalog.List(scenario.Admin, new KeyQuery(Limit: 2));
        var second = await Catalog.List(scenario.Admin, new KeyQuery(Limit: 2, StartingAfter: first.Keys[^1].Id));
        var third = await Catalog.List(scenario.Admin, new KeyQuery(Limit: 2, StartingAfter: second.Keys[^1].Id));
        var back = await Catalog.List(scenario.Admin, new KeyQuery(Limit: 2, EndingBefore: third.Keys[0].Id));

        Assert.Equal(all, first.Keys.Concat(second.Keys).Concat(third.Keys).Select(k => k.Id));
        Assert.Equal((true, false), (first.HasNext, first.HasPrevious));
        Assert.Equal((true, true), (second.HasNext, second.HasPrevious));
        Assert.Equal((false, true), (third.HasNext, third.HasPrevious));
        Assert.Equal(second.Keys, back.Keys);
        Assert.True(back.HasPrevious);
    }

    [Fact]
    public async Task A_developer_sees_only_their_own_keys()
    {
        var (scenario, _) = await TenantWithKeys();

        var mine = await Catalog.List(new Caller(scenario.TenantId, "ana"), new KeyQuery());

        Assert.Equal(2, mine.Keys.Count);
        Assert.All(mine.Keys, k => Assert.Equal("ana", k.Sub));
    }

    [Fact]
    public async Task Another_tenants_admin_sees_none_of_these_keys()
    {
        var (_, keys) = await TenantWithKeys();
        var other = await Scenario.Create(fixture.Client);

        var listed = await Catalog.List(other.Admin, new KeyQuery(Search: keys[0].Id));

        Assert.Empty(listed.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(int.MaxValue)]
    public async Task A_limit_outside_1_to_100_is_refused(int limit)
    {
        var scenario = await Scenario.Create(fixture.Client);

        await Expect.Refused(ProblemCode.InvalidArgument, () => Catalog.List(scenario.Admin, new KeyQuery(Limit: limit)));
    }

    [Fact]
    public async Task Both_cursors_at_once_are_refused()
    {
        var scenario = await Scenario.Create(fixture.Client);

        await Expect.Refused(ProblemCode.InvalidArgument,
            () => Catalog.List(scenario.Admin, new KeyQuery(StartingAfter: ApiKeyToken.NewKeyId(), EndingBefore: ApiKeyToken.NewKeyId())));
    }

    /// <summary>Five keys, created one second apart so their creation order is unambiguous.</summary>
    async Task<(Scenario, List<ApiKey>)> TenantWithKeys()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var ana = await scenario.AddUser("ana", TenantRoles.Developer);
        var bo = await scenario.AddUser("bo", TenantRoles.Developer);
        var keys = new List<ApiKey>();
        foreach (var (owner, description) in new[] { (ana, "Deploy bot"), (ana, "metrics"), (bo, "old deploy"), (bo, "backup"), (bo, "Zebra") })
        {
            keys.Add((await scenario.Generate(owner, description)).Key);
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
        }
        return (scenario, keys);
    }
}

[Collection(SqliteCluster.Name)]
public sealed class KeyCatalogOnSqlite(SqliteClusterFixture fixture) : KeyCatalogTests(fixture);
