using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiKeys.Api.Authentication;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Tests.Http;

/// <summary>A service of its own, so the refusals counted are this test's alone.</summary>
public sealed class RefusalsApiFixture : ApiFixture;

public sealed class RefusalFloodTests(RefusalsApiFixture api) : IClassFixture<RefusalsApiFixture>
{
    [Fact]
    public async Task Ten_thousand_malformed_tokens_are_a_bounded_number_of_stored_events_holding_their_count()
    {
        // Wrong secrets for a real key are its tenant's to see, counted once, by the key, not among the tenant-less refusals.
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        for (var i = 0; i < 20; i++)
        {
            await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = ApiKeyToken.Issue(key.Id).Token });
        }

        var random = new Random(11);
        var tokens = Enumerable.Range(0, 10_000).Select(i => i % 2 == 0
            ? "qlk_" + Convert.ToHexStringLower(Enumerable.Range(0, 48).Select(_ => (byte)random.Next(256)).ToArray())
            : $"garbage-{i}").ToList();
        var clients = Enumerable.Range(0, 16).Select(_ => api.Anonymous()).ToArray();
        await Parallel.ForEachAsync(tokens.Select((t, i) => (t, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, ct) =>
        {
            var body = await HttpExpect.Ok(await clients[item.i % 16].PostAsJsonAsync("/api/v1/api-keys/verify", new { token = item.t }, ct));
            Assert.False(body.GetProperty("valid").GetBoolean());
        });

        await api.Services.GetRequiredService<KeyValidator>().Flush();

        using var connection = new SqliteConnection($"Data Source={api.DatabasePath}");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM audit_events WHERE type = $type AND tenant_id IS NULL;";
        command.Parameters.AddWithValue("$type", EventTypes.ValidationFailed);
        var stored = new List<string>();
        using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }
        // One event per minute the flood lasted: a few at most, never one per token.
        Assert.InRange(stored.Count, 1, 3);
        Assert.Equal(10_000, stored.Sum(d => JsonDocument.Parse(d).RootElement.GetProperty("count").GetInt64()));
        Assert.Equal(10_000, stored.Sum(d => JsonDocument.Parse(d).RootElement.GetProperty("reasons").GetProperty("malformed").GetInt64()));
        Assert.All(stored, d => Assert.DoesNotContain("garbage-", d));
        await HttpExpect.Ok(await api.Anonymous().GetAsync("/health/ready"));
    }
}
