using System.Text;

namespace ApiKeys.Tests;

public abstract class SecretStorageTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_database_holds_no_token_and_no_secret_in_keys_events_or_usage()
    {
        var scenario = await Scenario.Create(fixture.Client);
        var issued = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => scenario.Generate(description: $"secret test {i}")));
        foreach (var key in issued)
        {
            await fixture.Client.ValidateKey(key.Token);
            await scenario.Key(key.Key.Id).FlushUsage();
        }
        // Refusals and changes write events and usage rows too; none may hold a token.
        await scenario.Grains.User(scenario.Admin).RevokeKey(scenario.Admin, issued[0].Key.Id);
        await fixture.Client.ValidateKey(issued[0].Token);
        await fixture.Client.ValidateKey(ApiKeyToken.Issue(issued[1].Key.Id).Token);
        await scenario.Key(issued[1].Key.Id).Update(scenario.Developer, new KeyChange("renamed"));
        await scenario.Grains.User(scenario.Developer).DeleteKey(scenario.Developer, issued[2].Key.Id);
        foreach (var key in issued)
        {
            await scenario.Key(key.Key.Id).FlushUsage();
        }
        Assert.NotEmpty(await fixture.Events(scenario.TenantId, EventTypes.ValidationFailed));

        var stored = await StoredText();

        Assert.All(issued, key => Assert.Contains(key.Key.Id, stored));
        foreach (var key in issued)
        {
            var secret = key.Token.Substring(ApiKeyToken.Prefix.Length + ApiKeyToken.KeyIdLength + 1, 64);
            Assert.DoesNotContain(key.Token, stored);
            Assert.DoesNotContain(secret, stored);
            Assert.DoesNotContain(secret[..32], stored);
        }
    }

    /// <summary>Everything the database holds, as text a token would show up in.</summary>
    protected abstract Task<string> StoredText();
}

[Collection(SqliteCluster.Name)]
public sealed class SecretStorageOnSqlite(SqliteClusterFixture fixture) : SecretStorageTests(fixture)
{
    /// <summary>The database file and its write-ahead log, read while the cluster still has them open.</summary>
    protected override Task<string> StoredText()
    {
        using var all = new MemoryStream();
        foreach (var path in new[] { fixture.DatabasePath, fixture.DatabasePath + "-wal" }.Where(File.Exists))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            file.CopyTo(all);
        }
        return Task.FromResult(Encoding.ASCII.GetString(all.ToArray()));
    }
}
